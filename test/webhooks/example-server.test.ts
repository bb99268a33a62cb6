/**
 * examples/webhook-server.ts runs: it listens, refuses a wrong password, and logs each typed
 * message of a valid post.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { freePort, projectRoot } from "../../scripts/prism.js";
import { everyTypeItems, jsonBody } from "../support/webhook-fixtures.js";

const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const child of children) child.kill();
});

it("examples/webhook-server.ts logs the typed messages ECE posts", async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", join(projectRoot, "examples", "webhook-server.ts")], {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(port), WEBHOOK_USERNAME: "ece", WEBHOOK_PASSWORD: "example-password" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 15_000;
  while (!output.includes("ECE webhook receiver on") && Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the example exited: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = `http://127.0.0.1:${port}/ece/messages`;
  const post = (password: string) =>
    fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Basic ${Buffer.from(`ece:${password}`).toString("base64")}` },
      body: jsonBody(everyTypeItems),
    });
  expect((await post("wrong")).status).toBe(401);
  expect((await post("example-password")).status).toBe(200);
  await new Promise((r) => setTimeout(r, 100));
  expect(output).toContain('user says: Hello! How can I help? <not html> & "quotes"');
  expect(output).toContain("agent offers invoice.pdf (attachment 5008)");
  expect(output).toContain("unknown message type videoChatInvite");
  expect(output).toContain("complete: Agent has ended the chat");
  expect(output).not.toContain("example-password");
});
