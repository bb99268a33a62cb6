/**
 * The webhook guide's sample bodies (the JSON and the XML the curl lines post) are what the
 * receiver accepts: each delivers the same two typed messages.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { projectRoot } from "../../scripts/prism.js";
import { basicAuthorization, recordingHandler } from "../support/webhook-server.js";

const guide = readFileSync(join(projectRoot, "guides", "receiving-webhooks.md"), "utf8");
const sample = (language: string) => {
  const match = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(guide);
  if (!match) throw new Error(`no \`\`\`${language} block in guides/receiving-webhooks.md`);
  return match[1]!;
};

it.each([
  ["json", "application/json"],
  ["xml", "application/xml"],
])("the webhook guide's %s sample is delivered as two typed messages", async (language, contentType) => {
  const { handle, delivered } = recordingHandler();
  const response = await handle(
    new Request("http://localhost/ece/messages", {
      method: "POST",
      headers: { Authorization: basicAuthorization, "Content-Type": contentType },
      body: sample(language),
    }),
  );
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ received: 2 });
  expect(await delivered.arrived()).toEqual([
    {
      id: "3118908846",
      conversationId: "ca2c588e-1e31-405a-9888-e72bf7179186",
      type: "text/plain",
      content: "Hello! How can I help?",
      sender: { type: "user", user: { id: "1001", name: "Alex Agent" } },
      timeStamp: 1624144750000,
    },
    {
      id: "3118908847",
      conversationId: "ca2c588e-1e31-405a-9888-e72bf7179186",
      type: "complete",
      content: "Agent has ended the chat",
      sender: { type: "system" },
      timeStamp: 1624144754000,
    },
  ]);
});
