/**
 * The webhook examples run: on node:http, behind Express 5 (its webhook route before the app's
 * express.json()) and behind Fastify 5, each listens, refuses a wrong password, and logs each
 * typed message of a valid post, in JSON and in XML. The Express one answers the same bytes as
 * bare node:http does (issue 19 item 14: behind express.json() invalid bytes were mojibake).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { freePort, projectRoot } from "../../scripts/prism.js";
import { everyTypeItems, jsonBody, xmlBody } from "../support/webhook-fixtures.js";
import { basicAuthorization, serveWebhook, webhookPassword, webhookUsername } from "../support/webhook-server.js";

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

// windows-1252's bytes for the characters below that differ from Latin-1, from the standard's table.
const windows1252Bytes: Record<string, number> = { "€": 0x80, "’": 0x92, "–": 0x96 };
const windows1252 = (text: string) => Uint8Array.from([...text], (char) => windows1252Bytes[char] ?? char.charCodeAt(0));
const spoken = { xml: "It’s 5 € – café au lait, in XML", json: "It’s 5 € – café au lait, in JSON" };
const said = (content: string) => ({ ...everyTypeItems[3]!, content });

it("examples/webhook-express.ts (the webhook guide's Express setup) answers as bare node:http does, byte for byte", async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", join(projectRoot, "examples", "webhook-express.ts")], {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(port), WEBHOOK_USERNAME: webhookUsername, WEBHOOK_PASSWORD: webhookPassword },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const log = outputOf(child);
  await log.until("ECE webhook receiver");
  const bare = await serveWebhook();
  const posts: [string, Uint8Array<ArrayBuffer>, string][] = [
    ["invalid UTF-8 JSON (Latin-1 bytes, no charset)", Buffer.from(jsonBody([said("Café au lait")]), "latin1"), "application/json"],
    [
      "windows-1252 XML, declared in the XML only",
      windows1252(xmlBody([said(spoken.xml)]).replace('encoding="UTF-8"', 'encoding="windows-1252"')),
      "application/xml",
    ],
    ["windows-1252 JSON, by its charset", windows1252(jsonBody([said(spoken.json)])), "application/json; charset=windows-1252"],
  ];
  const post = (url: string, body: Uint8Array<ArrayBuffer>, contentType: string) =>
    fetch(url, { method: "POST", headers: { Authorization: basicAuthorization, "Content-Type": contentType }, body });
  type Answer = { name: string; status: number; contentType: string | null };
  const answers: { express: Answer[]; node: Answer[] } = { express: [], node: [] };
  for (const [name, body, contentType] of posts) {
    const [express, node] = await Promise.all([post(`http://127.0.0.1:${port}/ece/messages`, body, contentType), post(bare.url, body, contentType)]);
    answers.express.push({ name, status: express.status, contentType: express.headers.get("content-type") });
    answers.node.push({ name, status: node.status, contentType: node.headers.get("content-type") });
  }
  expect(answers.express).toEqual(answers.node);
  expect(answers.node.map((answer) => answer.status)).toEqual([400, 200, 200]);
  // Both windows-1252 posts decoded right on both; the invalid bytes never delivered.
  expect(bare.delivered.list.map(([message]) => (message as { content: string }).content)).toEqual([spoken.xml, spoken.json]);
  await log.until(`user says: ${spoken.xml}`);
  await log.until(`user says: ${spoken.json}`);
  expect(log.text()).not.toContain("Caf\uFFFD");
});

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
