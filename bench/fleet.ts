/**
 * `npm run bench:fleet`: what the Redis token store costs a send. One run, one stand-in ECE
 * (bench/server.mjs), one real redis-server (the Debian package, on a free port, no
 * persistence): sends per second at concurrency 64 of a client with the in-process cache
 * against clients with `createRedisTokenStore` on node-redis and on ioredis (and a second
 * in-process client, the control), in short rotating rounds (medians of per-round ratios), and
 * Redis round trips per send, counted by a wrapper around each Redis client.
 * Prints one JSON object on its last line. Runs the built package (dist/).
 */
import { fork, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { createEceClient, type EceClient } from "../dist/index.js";
import { createRedisTokenStore } from "../dist/redis.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CONCURRENCY = 64;
// Many short rounds: a round's variants run back to back within about half a second, so a load
// that comes and goes on a shared machine meets both sides of each ratio alike.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const CALLS_PER_ROUND = Number(process.env.BENCH_FLEET_CALLS ?? 400);
const log = (text: string) => process.stderr.write(`${text}\n`);
const round = (value: number, digits = 3) => Number(value.toFixed(digits));
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

// --- a redis-server of our own ----------------------------------------------------------------
const binary = (process.env.PATH ?? "")
  .split(delimiter)
  .map((dir) => join(dir, "redis-server"))
  .find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
if (!binary) {
  console.error("bench:fleet needs redis-server: install the Debian package redis-server (apt-get install -y redis-server).");
  process.exit(1);
}
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port: free } = probe.address() as { port: number };
    probe.close(() => resolve(free));
  });
});
const redisDir = mkdtempSync(join(tmpdir(), "ece-bench-redis-"));
const redisServer = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDir], {
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise<void>((resolve, reject) => {
  let output = "";
  redisServer.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes("Ready to accept connections")) {
      redisServer.stdout!.resume(); // keep draining its log
      resolve();
    }
  });
  redisServer.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
});
const redisUrl = `redis://127.0.0.1:${port}`;

// --- the stand-in ECE, in its own process --------------------------------------------------------
const server = fork(join(root, "bench", "server.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
const ecePort = await new Promise<number>((resolve) => server.once("message", (m: { port: number }) => resolve(m.port)));
const baseUrl = `http://127.0.0.1:${ecePort}`;
const credentials = { clientKey: "bench", clientSecret: "bench-secret" };

// --- the Redis clients, each behind a wrapper that counts round trips ---------------------------
const roundTrips = { nodeRedis: 0, ioredis: 0 };
const nodeRedis = createClient({ url: redisUrl });
nodeRedis.on("error", () => undefined);
await nodeRedis.connect();
const countedNodeRedis = {
  sendCommand: (args: string[]) => {
    roundTrips.nodeRedis += 1;
    return nodeRedis.sendCommand(args);
  },
  get isReady() {
    return nodeRedis.isReady;
  },
};
const ioredis = new Redis(redisUrl);
ioredis.on("error", () => undefined);
await new Promise<void>((resolve) => ioredis.once("ready", () => resolve()));
const countedIoredis = {
  call: (command: string, ...args: string[]) => {
    roundTrips.ioredis += 1;
    return ioredis.call(command, ...args);
  },
  get status() {
    return ioredis.status;
  },
};

const clients: Record<"inProcess" | "nodeRedis" | "ioredis" | "inProcessControl", EceClient> = {
  inProcess: createEceClient({ baseUrl, credentials }),
  // A second client like the first: its ratio to the first is the machine's noise.
  inProcessControl: createEceClient({ baseUrl, credentials }),
  nodeRedis: createEceClient({ baseUrl, credentials, tokenStore: createRedisTokenStore({ client: countedNodeRedis, keyPrefix: "bench-a:" }) }),
  ioredis: createEceClient({ baseUrl, credentials, tokenStore: createRedisTokenStore({ client: countedIoredis, keyPrefix: "bench-b:" }) }),
};
type Variant = keyof typeof clients;
const variants = Object.keys(clients) as Variant[];
const message = { conversationId: "ca2c588e-1e31-405a-9888-e72bf7179186", message: "Hello, I need help with my order." };

async function sendsPerSecond(variant: Variant, calls: number): Promise<number> {
  let remaining = calls;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (remaining-- > 0) {
        const outcome = await clients[variant].sendTextMessage(message);
        if (outcome.kind !== "sendMessageSuccess") throw new Error(`${variant}: ${outcome.kind}`);
      }
    }),
  );
  return calls / ((performance.now() - started) / 1000);
}

try {
  // Warm-up: each client gets its token (the Redis ones through the store) and warms its sockets.
  for (const variant of variants) await sendsPerSecond(variant, CALLS_PER_ROUND / 4);
  const coldRoundTrips = { ...roundTrips };
  log(`Cold start: Redis round trips node-redis ${coldRoundTrips.nodeRedis}, ioredis ${coldRoundTrips.ioredis} (first token of each)`);
  log(`Throughput: concurrency ${CONCURRENCY}, ${ROUNDS} rotating rounds of ${CALLS_PER_ROUND} per variant...`);
  const rounds: Record<Variant, number[]> = { inProcess: [], nodeRedis: [], ioredis: [], inProcessControl: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (let j = 0; j < variants.length; j++) {
      const variant = variants[(r + j) % variants.length]!;
      rounds[variant].push(await sendsPerSecond(variant, CALLS_PER_ROUND));
    }
  }
  const perSecond = Object.fromEntries(variants.map((variant) => [variant, median(rounds[variant])])) as Record<Variant, number>;
  // Each ratio is the median of the per-round ratios: a round's variants ran back to back, so a
  // machine that slows down for a while (other work on it) slows both sides of a ratio alike.
  const ratio = (variant: Variant) => median(rounds[variant].map((value, r) => value / rounds.inProcess[r]!));
  const measuredSends = ROUNDS * CALLS_PER_ROUND;
  log(`  medians (sends/s): ${JSON.stringify(Object.fromEntries(variants.map((v) => [v, Math.round(perSecond[v])])))}`);
  const result = {
    fleetSendsRatio: round(ratio("nodeRedis")),
    fleetSendsRatioIoredis: round(ratio("ioredis")),
    controlRatio: round(ratio("inProcessControl")),
    redisRoundTripsPerSend: (roundTrips.nodeRedis - coldRoundTrips.nodeRedis) / measuredSends,
    redisRoundTripsPerSendIoredis: (roundTrips.ioredis - coldRoundTrips.ioredis) / measuredSends,
    coldStartRoundTrips: coldRoundTrips,
    sendsPerSecond: Object.fromEntries(variants.map((v) => [v, Math.round(perSecond[v])])),
    measuredSendsPerVariant: measuredSends,
    node: process.version,
  };
  const budgetsMet = {
    fleetSendsRatio: result.fleetSendsRatio >= 0.97,
    fleetSendsRatioIoredis: result.fleetSendsRatioIoredis >= 0.97,
    redisRoundTripsPerSend: result.redisRoundTripsPerSend === 0 && result.redisRoundTripsPerSendIoredis === 0,
  };
  console.log(JSON.stringify({ ...result, budgetsMet }));
} finally {
  await Promise.all(Object.values(clients).map((client) => client.close()));
  await nodeRedis.close().catch(() => undefined);
  await ioredis.quit().catch(() => undefined);
  server.disconnect();
  server.kill();
  if (redisServer.pid !== undefined) process.kill(redisServer.pid, "SIGTERM");
  await new Promise((resolve) => redisServer.once("exit", resolve));
  rmSync(redisDir, { recursive: true, force: true });
}
