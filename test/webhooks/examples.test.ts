/**
 * The webhook examples run: on node:http, behind Express 5 (with express.json() for the whole
 * app) and behind Fastify 5, each listens, refuses a wrong password, and logs each typed message
 * of a valid post, in JSON and in XML.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { freePort, projectRoot } from "../../scripts/prism.js";
import { everyTypeItems, jsonBody, xmlBody } from "../support/webhook-fixtures.js";

const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const child of children) child.kill();
});

it.each(["webhook-server.ts", "webhook-express.ts", "webhook-fastify.ts"])(
  "examples/%s logs the typed messages ECE posts (JSON and XML)",
  async (example) => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", join(projectRoot, "examples", example)], {
      cwd: projectRoot,
      env: { ...process.env, PORT: String(port), WEBHOOK_USERNAME: "ece", WEBHOOK_PASSWORD: "old-password,example-password" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const log = outputOf(child);
    await log.until("ECE webhook receiver");
    const url = `http://127.0.0.1:${port}/ece/messages`;
    const post = (password: string, body: string, contentType: string) =>
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": contentType, Authorization: `Basic ${Buffer.from(`ece:${password}`).toString("base64")}` },
        body,
      });
    expect((await post("wrong", jsonBody(everyTypeItems), "application/json")).status).toBe(401);
    // The plain server logs each refusal from the handler's webhookRefused event.
    if (example === "webhook-server.ts") await log.until("refused 401: unauthorized");
    expect((await post("example-password", jsonBody(everyTypeItems), "application/json")).status).toBe(200);
    // The lines are logged before the 200; they may still be in the pipe: wait for each.
    await log.until('user says: Hello! How can I help? <not html> & "quotes"');
    await log.until("agent offers invoice.pdf (attachment 5008)");
    await log.until("unknown message type videoChatInvite");
    await log.until("complete: Agent has ended the chat");
    // XML, with the old password of the rotation; the same lines once more.
    const xml = xmlBody(everyTypeItems.map((item) => ({ ...item, conversation: { id: "xml-conversation" } })));
    expect((await post("old-password", xml, "application/xml")).status).toBe(200);
    await log.until("xml-conversation complete: Agent has ended the chat");
    expect(log.text()).not.toContain("example-password");
  },
);

/**
 * The child's stdout and stderr as they come; `until(text)` resolves as soon as the output
 * contains `text` (checked on each chunk, not by polling), and rejects if the child exits
 * first or nothing matches within a generous limit.
 */
function outputOf(child: ChildProcess) {
  let output = "";
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    changed();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    changed();
  });
  child.on("exit", changed);
  return {
    text: () => output,
    until: (text: string, limitMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no "${text}" within ${limitMs} ms; output: ${output}`)), limitMs);
        const check = (): void => {
          if (output.includes(text)) finish();
          else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`the example exited: ${output}`));
        };
        function finish(error?: Error): void {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        }
        listeners.add(check);
        check();
      }),
  };
}
