/**
 * `npm start` shows the whole lifecycle: whether a chat can start (checkEligibility), configuration, a refused input, a start that ECE first
 * answers 409 (one refresh, one repeat), each send, the agent's message arriving at a local
 * webhook receiver, and close. Run as a user runs it, and its output read.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { projectRoot } from "../../scripts/prism.js";

it("examples/demo.ts runs a conversation from first contact to the last message", async () => {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(projectRoot, "examples", "demo.ts")],
      { cwd: projectRoot, timeout: 60_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${String(error)}\n${stdout}\n${stderr}`)) : resolve(stdout)),
    );
  });
  const line = (step: string) => output.split("\n").find((l) => l.startsWith(step)) ?? "";
  expect(line("checkEligibility")).toContain('"kind":"eligible"');
  expect(output.indexOf("checkEligibility")).toBeLessThan(output.indexOf("startConversation"));
  expect(line("getEntryPointConfiguration")).toContain('"kind":"entryPointConfigurationFound"');
  expect(line("startConversation with a '+'")).toContain('"field":"customAttributes.activity_order"');
  expect(line("startConversation (ECE answered 409 first; 2 start requests)")).toContain('"kind":"conversationStarted"');
  for (const [step, kind] of <[string, string][]>[
    ["sendTextMessage", "sendMessageSuccess"],
    ["sendHtmlMessage", "sendMessageSuccess"],
    ["uploadAttachmentFromUrl", "sendMessageSuccess"],
    ["acceptAttachment", "attachmentAccepted"],
    ["rejectAttachment", "attachmentRejected"],
    ["sendGeolocation", "sendGeolocationSuccess"],
  ]) {
    expect(line(step)).toContain(`"kind":"${kind}"`);
  }
  expect(line("webhook POST (200)")).toContain("Your order ships today.");
  expect(line("close")).toBe('close -> {"revoked":true}');
});
