/**
 * The packed package on other runtimes, for real: `npm pack` is installed into an empty project
 * which, under Bun, Deno and edge-runtime (Vercel's Edge Runtime on Node), serves
 * createWebhookHandler with the runtime's own server and sends a message through
 * createEceClient to a node:http stub of ECE on 127.0.0.1. What each runtime must do: deliver
 * JSON and XML, refuse wrong credentials, decode legacy charsets, answer a stalled body with 408,
 * and send with a token, then revoke it; with a tokenStore, share the token. Slow (it installs and starts runtimes): the `runtimes`
 * vitest project, run once by `npm test`. Needs `npm run build` first (the test command does it).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../scripts/prism.js";
import { answer, eceLike, SEND_PATH, startEceStub, TOKEN_PATH, REVOKE_PATH, type EceStub } from "../support/ece-stub.js";
import { everyTypeItems, jsonBody, xmlBody } from "../support/webhook-fixtures.js";
import { runtimeBinary } from "./binaries.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const devDependencies = (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { devDependencies: Record<string, string> })
  .devDependencies;
let consumer: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(join(projectRoot, "dist", "webhooks.js"))) {
    throw new Error("dist/ is missing: run `npm run build` before the runtime tests (npm test does).");
  }
  consumer = mkdtempSync(join(tmpdir(), "ece-messaging-runtimes-"));
  const [packed] = JSON.parse(
    execFileSync(npm, ["pack", "--json", "--pack-destination", consumer], { cwd: projectRoot, encoding: "utf8" }),
  ) as { filename: string }[];
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "runtime-consumer", private: true, type: "module" }));
  // edge-runtime runs the app as Vercel does: bundled by esbuild. Same versions as the project's.
  execFileSync(
    npm,
    [
      "install",
      `./${packed!.filename}`,
      `edge-runtime@${devDependencies["edge-runtime"]}`,
      `esbuild@${devDependencies.esbuild}`,
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
    ],
    { cwd: consumer, stdio: ["ignore", "pipe", "pipe"] },
  );
  cpSync(join(projectRoot, "test", "runtimes", "app"), consumer, { recursive: true });
});

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

interface Served {
  url: string;
  runtime: string;
}

/** Starts `command` in the consumer project; resolves once it prints `{ port, runtime }`. */
function start(command: string, args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(command, args, { cwd: consumer, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const line = output.split("\n").find((l) => l.startsWith("{") && l.includes('"port"'));
      if (line) {
        const { port, runtime } = JSON.parse(line) as { port: number; runtime: string };
        resolve({ url: `http://127.0.0.1:${port}`, runtime });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code, signal) => reject(new Error(`${command} exited (${code ?? signal}) before listening:\n${output}`)));
  });
}

const runtimes: Record<string, () => Promise<Served>> = {
  bun: () => start(runtimeBinary("bun"), ["bun.mjs"], { BUN_INSTALL_CACHE_DIR: join(consumer, ".bun-cache"), DO_NOT_TRACK: "1" }),
  deno: () =>
    start(runtimeBinary("deno"), ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "--no-prompt", "deno.mjs"], {
      DENO_DIR: join(consumer, ".deno"),
      DENO_NO_UPDATE_CHECK: "1",
      DENO_NO_PROMPT: "1",
    }),
  "edge-runtime": () => start(process.execPath, ["edge.mjs"]),
};

const basic = (password: string) => `Basic ${Buffer.from(`ece:${password}`).toString("base64")}`;

function post(url: string, body: string | Uint8Array<ArrayBuffer>, contentType: string, authorization = basic("Runtime-Secret")) {
  return fetch(`${url}/ece`, { method: "POST", headers: { Authorization: authorization, "Content-Type": contentType }, body });
}

// Windows punctuation in windows-1252 (the WHATWG meaning of iso-8859-1), written out by hand.
const punctuation = "It’s “done” – 5 €";
const cp1252: Record<string, number> = { "’": 0x92, "“": 0x93, "”": 0x94, "–": 0x96, "€": 0x80 };
const punctuationItem = { ...everyTypeItems[3]!, id: "cp1252", content: punctuation };
const punctuationBody = Uint8Array.from([...jsonBody([punctuationItem])], (c) => cp1252[c] ?? c.charCodeAt(0));
// "こんにちは" in Shift_JIS, in an XML body that declares it.
const [sjisBefore, sjisAfter] = xmlBody([{ ...everyTypeItems[3]!, id: "sjis", content: "@@" }])
  .replace('encoding="UTF-8"', 'encoding="Shift_JIS"')
  .split("@@");
const sjisBody = Uint8Array.from([
  ...Buffer.from(sjisBefore!, "latin1"),
  ...[0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd],
  ...Buffer.from(sjisAfter!, "latin1"),
]);

/** Sends headers and the first bytes of a body, then nothing; resolves with the status line of the answer. */
function stalledPost(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const body = jsonBody(everyTypeItems);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n")) {
        resolve(received.split("\r\n")[0]!);
        socket.destroy();
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed without an answer: ${JSON.stringify(received)}`)));
    socket.write(
      `POST /ece HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: ${basic("Runtime-Secret")}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 20)}`,
    );
  });
}

let stub: EceStub;
beforeAll(async () => {
  stub = await startEceStub(
    eceLike((_request, response) =>
      answer(response, 200, { id: "3118908850", conversation: { id: "c-runtime" }, type: { value: "text/plain" }, content: "ok" }),
    ),
  );
});
afterAll(async () => {
  await stub?.close();
});

describe.each(Object.keys(runtimes))("on %s", (name) => {
  let served: Served;
  beforeAll(async () => {
    served = await runtimes[name]!();
    console.log(`serving on ${served.runtime} at ${served.url}`);
  });

  it("is the runtime it says", () => {
    expect(served.runtime).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+`));
  });

  it("the webhook receiver delivers JSON and XML, and refuses wrong credentials", async () => {
    expect((await post(served.url, jsonBody(everyTypeItems), "application/json")).status).toBe(200);
    const xml = xmlBody(everyTypeItems.map((item) => ({ ...item, id: `x${item.id}` })));
    expect((await post(served.url, xml, "application/xml", basic("Runtime-Old-Secret"))).status).toBe(200);
    const refused = await post(served.url, jsonBody(everyTypeItems), "application/json", basic("wrong"));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: "unauthorized" });
    expect((await post(served.url, "hello", "text/plain")).status).toBe(415);
    const delivered = (await (await fetch(`${served.url}/delivered`)).json()) as { id: string; type: string; content?: string }[][];
    expect(delivered.map((batch) => batch.map((m) => m.id))).toEqual([
      everyTypeItems.map((i) => i.id),
      everyTypeItems.map((i) => `x${i.id}`),
    ]);
    expect(delivered[0]![3]).toEqual({ id: "4", type: "text/plain", content: 'Hello! How can I help? <not html> & "quotes"' });
  });

  it("decodes iso-8859-1 (windows-1252) and Shift_JIS bodies; refuses an unknown charset", async () => {
    expect((await post(served.url, punctuationBody, "application/json; charset=iso-8859-1")).status).toBe(200);
    expect((await post(served.url, sjisBody, "application/xml")).status).toBe(200);
    expect((await post(served.url, jsonBody(everyTypeItems), "application/json; charset=x-klingon")).status).toBe(415);
    const delivered = (await (await fetch(`${served.url}/delivered`)).json()) as { id: string; content?: string }[][];
    const byId = new Map(delivered.flat().map((m) => [m.id, m.content]));
    expect(byId.get("cp1252")).toBe(punctuation);
    expect(byId.get("sjis")).toBe("こんにちは");
  });

  it("answers a stalled body with 408 (bodyTimeoutMs 1 s)", async () => {
    expect(await stalledPost(served.url)).toMatch(/^HTTP\/1\.1 408/);
  });

  it("a client with a tokenStore shares the token ECE issued, and leaves it on close", async () => {
    const tokensBefore = stub.requestsTo(TOKEN_PATH).length;
    const revokesBefore = stub.requestsTo(REVOKE_PATH).length;
    const response = await fetch(`${served.url}/send-fleet?base=${encodeURIComponent(stub.url)}`);
    const body = (await response.json()) as { outcome: { kind: string }; stored: string[]; storeErrors: number; closed: { revoked: boolean } };
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(tokensBefore + 1);
    const sent = stub.requestsTo(SEND_PATH).at(-1)!;
    expect(body).toEqual({ outcome: expect.objectContaining({ kind: "sendMessageSuccess" }), stored: [sent.headers.authorization!.slice("Bearer ".length)], storeErrors: 0, closed: { revoked: false } });
    // The shared token is the fleet's: close() leaves it (no revokeOnClose).
    expect(stub.requestsTo(REVOKE_PATH)).toHaveLength(revokesBefore);
  });

  it("createEceClient sends a message to the stub with a token, then revokes it", async () => {
    const tokensBefore = stub.requestsTo(TOKEN_PATH).length;
    const sendsBefore = stub.requestsTo(SEND_PATH).length;
    const response = await fetch(`${served.url}/send?base=${encodeURIComponent(stub.url)}`);
    const { outcome, closed } = (await response.json()) as { outcome: { kind: string; messageId?: string }; closed: { revoked: boolean } };
    expect(outcome).toMatchObject({ kind: "sendMessageSuccess", messageId: "3118908850" });
    expect(closed).toEqual({ revoked: true });
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(tokensBefore + 1);
    const token = stub.requestsTo(TOKEN_PATH).at(-1)!;
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from("runtime-key:Runtime-Client-Secret").toString("base64")}`);
    const send = stub.requestsTo(SEND_PATH)[sendsBefore]!;
    expect(send.headers.authorization).toMatch(/^Bearer token-\d+$/);
    expect(JSON.parse(send.body)).toEqual({ conversation: { id: "c-runtime" }, type: { value: "text/plain" }, content: "Hello from the runtime" });
    expect(stub.requestsTo(REVOKE_PATH).length).toBeGreaterThan(0);
  });
});

