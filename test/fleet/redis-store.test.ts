/**
 * createRedisTokenStore against a real redis-server, through node-redis and through ioredis: what
 * each TokenStore call does to Redis, what lands in Redis (the token and the lock owner, nothing
 * else), and that while the connection is down every call fails at once.
 */
import type { EventEmitter } from "node:events";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEceClient, type EceEvent } from "../../src/index.js";
import { createRedisTokenStore } from "../../src/redis.js";
import { storeKeyOf, type TokenStore } from "../../src/tokens/token-store.js";
import { API_ROOT, CREDENTIALS, SEND_PATH } from "../support/ece-stub.js";
import { startFleetEce } from "../support/fleet-ece.js";
import { startRedisServer, type RedisServer } from "./redis-server.js";

const binary = inject("redisServer");

/** Resolves at the emitter's next `name` event (unlike events.once, an "error" on the way is no failure). */
const next = (emitter: EventEmitter, name: string) => new Promise<void>((resolve) => emitter.once(name, () => resolve()));
const PREFIX = "store-test:";

interface Connected {
  client: EventEmitter & Parameters<typeof createRedisTokenStore>[0]["client"];
  /** A raw command, to look at Redis behind the store's back. */
  raw(args: string[]): Promise<unknown>;
  quit(): Promise<unknown>;
}

async function connect(kind: "node-redis" | "ioredis", url: string): Promise<Connected> {
  if (kind === "node-redis") {
    const { createClient } = await import("redis");
    const client = createClient({ url });
    client.on("error", () => undefined);
    await client.connect();
    return { client, raw: (args) => client.sendCommand(args), quit: () => client.close() };
  }
  const { Redis } = await import("ioredis");
  const client = new Redis(url);
  client.on("error", () => undefined);
  await next(client, "ready");
  return { client, raw: ([command, ...args]) => client.call(command!, ...args), quit: () => client.quit() };
}

describe.skipIf(!binary).each(["node-redis", "ioredis"] as const)("createRedisTokenStore on a real Redis (%s)", (kind) => {
  let server: RedisServer;
  let connected: Connected;
  let store: TokenStore;
  beforeAll(async () => {
    server = await startRedisServer(binary);
    connected = await connect(kind, server.url);
    store = createRedisTokenStore({ client: connected.client, keyPrefix: PREFIX, lockTtlMs: 5_000 });
  });
  afterAll(async () => {
    await connected?.quit().catch(() => undefined);
    await server?.dispose();
  });

  it("reads nothing where nothing was written, and a written token back with the time it has left", async () => {
    expect(await store.read("k-read")).toBeUndefined();
    await store.write("k-read", "token-a", 60_000);
    const found = await store.read("k-read");
    expect(found?.token).toBe("token-a");
    expect(found!.ttlMs).toBeGreaterThan(0);
    expect(found!.ttlMs).toBeLessThanOrEqual(60_000);
    expect(await connected.raw(["GET", `${PREFIX}k-read`])).toBe("token-a");
    await store.write("k-read", "token-b", 60_000); // a write replaces
    expect((await store.read("k-read"))?.token).toBe("token-b");
  });

  it("deleteIf deletes the token only while it is the one given", async () => {
    await store.write("k-del", "newer", 60_000);
    expect(await store.deleteIf("k-del", "older")).toBe(false);
    expect((await store.read("k-del"))?.token).toBe("newer");
    expect(await store.deleteIf("k-del", "newer")).toBe(true);
    expect(await store.read("k-del")).toBeUndefined();
    expect(await store.deleteIf("k-del", "newer")).toBe(false);
  });

  it("the lock: one owner at a time, freed only by its owner, expiring after lockTtlMs", async () => {
    expect(await store.acquireLock("k-lock", "owner-a")).toBe(true);
    expect(await store.acquireLock("k-lock", "owner-b")).toBe(false);
    await store.releaseLock("k-lock", "owner-b"); // not b's to free
    expect(await store.acquireLock("k-lock", "owner-b")).toBe(false);
    const ttl = Number(await connected.raw(["PTTL", `${PREFIX}k-lock:lock`]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
    await store.releaseLock("k-lock", "owner-a");
    expect(await store.acquireLock("k-lock", "owner-b")).toBe(true);
    await store.releaseLock("k-lock", "owner-b");
  });

  it("a lock without expiry (SET without PX): acquireLock fails, naming it, rather than answering taken forever", async () => {
    await connected.raw(["SET", `${PREFIX}k-stuck:lock`, "someone"]);
    await expect(store.acquireLock("k-stuck", "owner-a")).rejects.toThrow(/lock .*has no expiry/);
    expect(await connected.raw(["GET", `${PREFIX}k-stuck:lock`])).toBe("someone");
  });

  it("a lock without expiry: a client goes on at once with a token of its own and reports it", async () => {
    const { ece, events, send, redisKey, dispose } = await clientOnStore({ timeoutMs: 2_000 });
    try {
      await connected.raw(["SET", `${redisKey}:lock`, "a-process-that-forgot-PX"]);
      expect(await send()).toMatchObject({ kind: "sendMessageSuccess" });
      expect(ece.issued).toHaveLength(1);
      expect(events.filter((event) => event.type === "tokenStoreError").map((event) => (event as { action: string }).action)).toEqual(["lock"]);
      expect(await connected.raw(["EXISTS", redisKey])).toBe(0); // the token is the process's own
    } finally {
      await dispose();
    }
  });

  it("Redis holds the token and the lock owner under the prefix, and nothing else", async () => {
    await store.write("k-keys", "the-token", 60_000);
    await store.acquireLock("k-keys", "the-owner");
    const keys = ((await connected.raw(["KEYS", `${PREFIX}k-keys*`])) as string[]).sort();
    expect(keys).toEqual([`${PREFIX}k-keys`, `${PREFIX}k-keys:lock`]);
    expect(await connected.raw(["GET", `${PREFIX}k-keys:lock`])).toBe("the-owner");
  });

  /** A client on this store against a fresh stub ECE, with what it reports, and its token key in Redis. */
  async function clientOnStore(options: { expiresIn?: number; timeoutMs?: number } = {}) {
    const ece = await startFleetEce(options);
    const events: EceEvent[] = [];
    const onEvent = (event: EceEvent) => events.push(event);
    const client = createEceClient({ baseUrl: ece.url, credentials: CREDENTIALS, tokenStore: store, onEvent, timeoutMs: options.timeoutMs ?? 30_000 });
    const redisKey = `${PREFIX}${await storeKeyOf(ece.url, API_ROOT, CREDENTIALS.clientKey)}`;
    const send = () => client.sendTextMessage({ conversationId: "c-1", message: "m" });
    const dispose = async () => {
      await client.close();
      await ece.close();
    };
    return { ece, events, send, redisKey, dispose };
  }

  it.each([
    ["a token with CR/LF", ["SET", "{key}", "abc\r\nX-Injected: 1", "PX", "60000"]],
    ["a token of 1 MB", ["SET", "{key}", "a".repeat(1_000_000), "PX", "60000"]],
    ["a token without expiry", ["SET", "{key}", "a-token-nobody-expires"]],
    ["a hash, not a string", ["HSET", "{key}", "token", "abc"]],
  ])("a token key holding what cannot be a token (%s): the client fetches one, overwrites it and reports it", async (_, command) => {
    const { ece, events, send, redisKey, dispose } = await clientOnStore();
    try {
      await connected.raw(command.map((arg) => (arg === "{key}" ? redisKey : arg)));
      expect(await send()).toMatchObject({ kind: "sendMessageSuccess" });
      const fetched = ece.issued[0]!.token;
      expect(ece.issued).toHaveLength(1);
      expect(await connected.raw(["GET", redisKey])).toBe(fetched);
      expect(Number(await connected.raw(["PTTL", redisKey]))).toBeGreaterThan(0);
      expect(ece.stub.requestsTo(SEND_PATH).map((request) => request.headers.authorization)).toEqual([`Bearer ${fetched}`]);
      expect(events.filter((event) => event.type === "tokenStoreError")).toEqual([
        { type: "tokenStoreError", action: "read", message: expect.any(String) },
      ]);
    } finally {
      await dispose();
    }
  });

  it("a token ECE gives a huge lifetime (expires_in 1e20) is stored, for 24 hours at most", async () => {
    const { ece, events, send, redisKey, dispose } = await clientOnStore({ expiresIn: 1e20 });
    try {
      expect(await send()).toMatchObject({ kind: "sendMessageSuccess" });
      expect(events.filter((event) => event.type === "tokenStoreError")).toEqual([]);
      expect(await connected.raw(["GET", redisKey])).toBe(ece.issued[0]!.token);
      const ttl = Number(await connected.raw(["PTTL", redisKey]));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(86_400_000);
    } finally {
      await dispose();
    }
  });

  it("while the connection is down every call fails at once; once it is back they work again", async () => {
    const reconnecting = next(connected.client, "reconnecting");
    await server.stop();
    await reconnecting;
    const started = performance.now();
    await expect(store.read("k-down")).rejects.toThrow(/^Redis is unreachable/);
    await expect(store.acquireLock("k-down", "o")).rejects.toThrow(/^Redis is unreachable/);
    // "At once": no reconnection, no queue - far below the SDK's 1 s store deadline even on a loaded machine.
    expect(performance.now() - started).toBeLessThan(500);
    const ready = next(connected.client, "ready");
    await server.restart();
    await ready;
    expect(await store.read("k-down")).toBeUndefined(); // Redis restarted empty (no persistence)
  });
});

describe("createRedisTokenStore's arguments", () => {
  it("refuses what is not a node-redis or ioredis client, and unusable options", () => {
    expect(() => createRedisTokenStore({ client: {} as never })).toThrow(/client must be a connected node-redis or ioredis client/);
    expect(() => createRedisTokenStore(undefined as never)).toThrow(TypeError);
    const client = { sendCommand: async () => null };
    expect(() => createRedisTokenStore({ client, lockTtlMs: 0 })).toThrow(/lockTtlMs must be a positive whole number/);
    expect(() => createRedisTokenStore({ client, lockTtlMs: 1.5 })).toThrow(/lockTtlMs/);
    expect(() => createRedisTokenStore({ client, keyPrefix: 7 as never })).toThrow(/keyPrefix must be a string/);
  });
});
