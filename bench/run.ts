/**
 * `npm run bench`: what the SDK costs over a bare openapi-fetch call and a hand-written fetch,
 * measured in one run so that machine noise cancels (calls interleaved A/B/C/D, medians), plus the
 * built bundle's size, its import time and the webhook parser's speed. Prints one JSON object on
 * its last line. Runs the built package (dist/): `npm run bench` builds first.
 */
import { fork, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import createClient from "openapi-fetch";
import type { paths } from "../generated/ece-messaging.js";
// The built ESM entry, as users get it.
import { createEceClient, parseWebhookPayload } from "../dist/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CALLS = Number(process.env.BENCH_CALLS ?? 6000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1500);
const CONCURRENCY = 64;
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const THROUGHPUT_CALLS_PER_ROUND = 3200;
const API_ROOT = "/system/ws/v19/clientapplications";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const log = (text: string) => process.stderr.write(`${text}\n`);

// --- the server, in a child process -------------------------------------------------------
const server = fork(join(root, "bench", "server.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
const port = await new Promise<number>((resolve) => server.once("message", (m: { port: number }) => resolve(m.port)));
const baseUrl = `http://127.0.0.1:${port}`;

// --- the three ways to send the same request ----------------------------------------------
const conversationId = "ca2c588e-1e31-405a-9888-e72bf7179186";
const message = "Hello, I need help with my order.";
const body = { conversation: { id: conversationId }, type: { value: "text/plain" as const }, content: message };
const headers = { Authorization: "Bearer bench-token", Accept: "application/json" };

const sdk = createEceClient({ baseUrl, credentials: { clientKey: "bench", clientSecret: "bench-secret" } });
const bare = createClient<paths>({ baseUrl: `${baseUrl}${API_ROOT}` });
// openapi-fetch with the stand-in the SDK gives it for Request (src/transport.ts, FetchCall):
// the SDK's own code is what the SDK costs over this.
class FetchCall {
  readonly method: string;
  constructor(
    readonly url: string,
    readonly init: RequestInit,
  ) {
    this.method = init.method ?? "GET";
  }
}
const bareWithoutRequest = createClient<paths>({
  baseUrl: `${baseUrl}${API_ROOT}`,
  Request: FetchCall as unknown as typeof Request,
  fetch: ((call: FetchCall) => fetch(call.url, call.init)) as unknown as (request: Request) => Promise<Response>,
});
const rawUrl = `${baseUrl}${API_ROOT}/messaging/sendmessage`;

const variants = {
  sdk: async () => {
    const outcome = await sdk.sendTextMessage({ conversationId, message });
    if (outcome.kind !== "sendMessageSuccess") throw new Error(`sdk: ${outcome.kind}`);
  },
  openapiFetch: async () => {
    const { data, response } = await bare.POST("/messaging/sendmessage", { body, headers });
    if (response.status !== 200 || !data) throw new Error("openapi-fetch failed");
  },
  openapiFetchNoRequest: async () => {
    const { data, response } = await bareWithoutRequest.POST("/messaging/sendmessage", { body, headers });
    if (response.status !== 200 || !data) throw new Error("openapi-fetch (no Request) failed");
  },
  rawFetch: async () => {
    const response = await fetch(rawUrl, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error("fetch failed");
    await response.json();
  },
};
type Variant = keyof typeof variants;
const names = Object.keys(variants) as Variant[];

// --- latency: interleaved, rotating order, medians ----------------------------------------
async function latency(): Promise<Record<Variant, number>> {
  for (let i = 0; i < WARMUP; i++) for (const name of names) await variants[name]();
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Variant, number[]>;
  for (let i = 0; i < CALLS; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length]!;
      const started = performance.now();
      await variants[name]();
      samples[name].push(performance.now() - started);
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples[name])])) as Record<Variant, number>;
}

// --- throughput at concurrency 64: alternating rounds, median sends per second ------------
async function throughputOf(name: Variant): Promise<number> {
  let remaining = THROUGHPUT_CALLS_PER_ROUND;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (remaining-- > 0) await variants[name]();
    }),
  );
  return THROUGHPUT_CALLS_PER_ROUND / ((performance.now() - started) / 1000);
}
async function throughput(): Promise<{ sdk: number; openapiFetch: number }> {
  await throughputOf("sdk");
  await throughputOf("openapiFetch");
  const rounds = { sdk: [] as number[], openapiFetch: [] as number[] };
  for (let r = 0; r < THROUGHPUT_ROUNDS; r++) {
    const order: ("sdk" | "openapiFetch")[] = r % 2 ? ["sdk", "openapiFetch"] : ["openapiFetch", "sdk"];
    for (const name of order) rounds[name].push(await throughputOf(name));
  }
  return { sdk: median(rounds.sdk), openapiFetch: median(rounds.openapiFetch) };
}

// --- size and import time ------------------------------------------------------------------
function bundleGzipBytes(): number {
  return gzipSync(readFileSync(join(root, "dist", "index.js")), { level: 9 }).length;
}
function importMs(specifier: string, runs = 21): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`import of ${specifier} failed: ${result.stderr}`);
    times.push(Number(result.stdout));
  }
  return median(times);
}

// --- webhook parsing ------------------------------------------------------------------------
function webhookMessagesPerSec(): number {
  const types = ["text/plain", "text/html", "startTyping", "endTyping", "complete"];
  const items = Array.from({ length: 1000 }, (_, i) => ({
    id: String(3118908847 + i),
    conversation: { id: conversationId },
    type: { value: types[i % types.length] },
    content: `Message number ${i} from the agent, with a little text.`,
    sender: i % 7 ? { type: "user", user: { id: "1001", name: "Alex Agent" } } : { type: "system" },
    timeStamp: 1624144754000 + i,
  }));
  const payload = JSON.stringify({ message: items });
  for (let i = 0; i < 50; i++) parseWebhookPayload(payload, "application/json");
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    const result = parseWebhookPayload(payload, "application/json");
    times.push(performance.now() - started);
    if (!result.ok || result.messages.length !== 1000) throw new Error("webhook parse failed");
  }
  return 1000 / (median(times) / 1000);
}

try {
  log(`Latency: ${CALLS} calls each after ${WARMUP} warm-up, interleaved...`);
  const latencyMs = await latency();
  log(`  medians (ms): ${JSON.stringify(latencyMs)}`);
  log(`Throughput: concurrency ${CONCURRENCY}, ${THROUGHPUT_ROUNDS} alternating rounds of ${THROUGHPUT_CALLS_PER_ROUND}...`);
  const perSecond = await throughput();
  log(`  medians (sends/s): ${JSON.stringify(perSecond)}`);
  log("Import time (21 fresh processes each)...");
  const imports = { sdk: importMs("ece-messaging"), openapiFetch: importMs("openapi-fetch") };
  log(`  medians (ms): ${JSON.stringify(imports)}`);
  const result = {
    wrapperRatio: round(latencyMs.sdk / latencyMs.openapiFetch),
    overheadRatio: round(latencyMs.sdk / latencyMs.rawFetch),
    openapiFetchRatio: round(latencyMs.openapiFetch / latencyMs.rawFetch),
    // Beyond the fields: the SDK over openapi-fetch given the same Request stand-in
    // (its own code alone), and that openapi-fetch over raw fetch.
    ownCodeRatio: round(latencyMs.sdk / latencyMs.openapiFetchNoRequest),
    openapiFetchNoRequestRatio: round(latencyMs.openapiFetchNoRequest / latencyMs.rawFetch),
    throughputRatio: round(perSecond.sdk / perSecond.openapiFetch),
    bundleGzipBytes: bundleGzipBytes(),
    importMs: round(imports.sdk, 1),
    webhookMessagesPerSec: Math.round(webhookMessagesPerSec()),
    latencyMedianMs: Object.fromEntries(names.map((name) => [name, round(latencyMs[name], 4)])),
    sendsPerSecond: { sdk: Math.round(perSecond.sdk), openapiFetch: Math.round(perSecond.openapiFetch) },
    importMsOpenapiFetch: round(imports.openapiFetch, 1),
    node: process.version,
  };
  const budgets = {
    wrapperRatio: result.wrapperRatio <= 1.05,
    overheadRatio: result.overheadRatio <= 1.45,
    throughputRatio: result.throughputRatio >= 0.95,
    bundleGzipBytes: result.bundleGzipBytes <= 6000,
    importMs: result.importMs <= 60,
  };
  console.log(JSON.stringify({ ...result, budgetsMet: budgets }));
} finally {
  await sdk.close();
  server.disconnect();
  server.kill();
}
