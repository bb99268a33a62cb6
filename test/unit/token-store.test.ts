/**
 * The token source over a TokenStore, with several clients sharing one in-memory store as the
 * processes of a fleet share Redis, against a stub ECE that keeps sessions. Interleavings are
 * forced with gates on the store's calls and on the stub's answers, never with sleeps.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEceClient, type EceClient, type EceEvent } from "../../src/index.js";
import { storeKeyOf } from "../../src/tokens/token-store.js";
import { API_ROOT, CREDENTIALS, REVOKE_PATH, SEND_PATH, TOKEN_PATH } from "../support/ece-stub.js";
import { startFleetEce, type FleetEce } from "../support/fleet-ece.js";
import { memoryTokenStore, type MemoryTokenStore } from "../support/memory-token-store.js";

let ece: FleetEce | undefined;
const clients: EceClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await ece?.close();
  ece = undefined;
});

/** A client of the fleet: its own client object, the shared store, its events. */
function member(store: MemoryTokenStore, options: { forceLogin?: boolean; revokeOnClose?: boolean; timeoutMs?: number } = {}) {
  const events: EceEvent[] = [];
  const client = createEceClient({
    baseUrl: ece!.url,
    credentials: CREDENTIALS,
    tokenStore: store,
    onEvent: (event) => events.push(event),
    ...options,
  });
  clients.push(client);
  return { client, events };
}

/** A send into a conversation of its own: a conversation's sends go one at a time. */
const send = (client: EceClient, content: string) => client.sendTextMessage({ conversationId: `c-${content}`, message: content });
const kinds = (outcomes: { kind: string }[]) => [...new Set(outcomes.map((outcome) => outcome.kind))];
const key = () => storeKeyOf(ece!.url, API_ROOT, CREDENTIALS.clientKey);

describe("a fleet sharing one store", () => {
  it("cold: 5 clients x 40 concurrent sends make one token request, and every send goes out with that token", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore();
    const fleet = Array.from({ length: 5 }, () => member(store));
    const outcomes = await Promise.all(fleet.flatMap(({ client }, p) => Array.from({ length: 40 }, (_, i) => send(client, `p${p}-${i}`))));
    expect(kinds(outcomes)).toEqual(["sendMessageSuccess"]);
    expect(ece.issued).toHaveLength(1);
    const tokensUsed = new Set(ece.stub.requestsTo(SEND_PATH).map((request) => request.headers.authorization));
    expect(tokensUsed).toEqual(new Set([`Bearer ${ece.issued[0]!.token}`]));
    expect(ece.deliveries.size).toBe(200);
    // Each client asked the store once (a single flight per process), and only one wrote.
    expect(store.calls.write).toBe(1);
  });

  it("the hot path never touches the store: sends with a valid token make no store call", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore();
    const { client } = member(store);
    expect(await send(client, "warm")).toMatchObject({ kind: "sendMessageSuccess" });
    const before = { ...store.calls };
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => send(client, `hot-${i}`)));
    expect(kinds(outcomes)).toEqual(["sendMessageSuccess"]);
    expect(store.calls).toEqual(before);
  });

  it("a 401 that every client sees makes exactly one new token request, and the refused token leaves the store", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore();
    const fleet = Array.from({ length: 4 }, () => member(store));
    await Promise.all(fleet.map(({ client }, p) => send(client, `warm-${p}`)));
    const [first] = ece.issued;
    ece.expireAll();
    const outcomes = await Promise.all(fleet.flatMap(({ client }, p) => Array.from({ length: 10 }, (_, i) => send(client, `after-${p}-${i}`))));
    expect(kinds(outcomes)).toEqual(["sendMessageSuccess"]);
    expect(ece.issued).toHaveLength(2);
    expect(store.peek(await key())).toBe(ece.issued[1]!.token);
    expect(store.log.filter((line) => line.startsWith("deleteIf") && line.endsWith(first!.token)).length).toBeGreaterThanOrEqual(1);
    const refreshed = fleet.flatMap(({ events }) => events.filter((event) => event.type === "tokenRefreshed"));
    expect(refreshed).toEqual([{ type: "tokenRefreshed", reason: "401" }]);
  });

  it("compare-and-delete: a late delete of the refused token leaves the newer token in the store", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore({ timeoutMs: 60_000 });
    const a = member(store);
    const b = member(store);
    await Promise.all([send(a.client, "warm-a"), send(b.client, "warm-b")]);
    const refused = ece.issued[0]!.token;
    ece.expireAll();
    // b's delete of the refused token is held until a has stored the new one.
    const late = store.gate("deleteIf");
    const bSend = send(b.client, "b-after");
    await late.reached;
    expect(await send(a.client, "a-after")).toMatchObject({ kind: "sendMessageSuccess" });
    const fresh = ece.issued[1]!.token;
    expect(store.peek(await key())).toBe(fresh);
    late.release();
    expect(await bSend).toMatchObject({ kind: "sendMessageSuccess" });
    expect(store.peek(await key())).toBe(fresh);
    expect(ece.issued.map((entry) => entry.token)).toEqual([refused, fresh]);
    expect(ece.stub.requestsTo(SEND_PATH).at(-1)!.headers.authorization).toBe(`Bearer ${fresh}`);
  });

  it("a lock taken after another process stored and unlocked: the holder reads again and does not fetch", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore({ timeoutMs: 60_000 });
    const a = member(store);
    const b = member(store);
    // b reads (empty); its lock attempt is held while a fetches, stores and unlocks.
    const bRead = store.gate("read");
    const bSend = send(b.client, "b");
    await bRead.reached;
    const bLock = store.gate("acquireLock");
    bRead.release();
    await bLock.reached;
    expect(await send(a.client, "a")).toMatchObject({ kind: "sendMessageSuccess" });
    expect(store.calls.releaseLock).toBe(1); // a has let go: b's lock attempt will succeed
    bLock.release();
    expect(await bSend).toMatchObject({ kind: "sendMessageSuccess" });
    expect(ece.issued).toHaveLength(1);
    expect(store.calls.releaseLock).toBe(2);
  });

  it("a lock left by a process that died: the token is fetched once the lock expires, not before", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore();
    const lockTtlMs = 400;
    store.lockFor(await key(), "dead-process", lockTtlMs);
    const lockedAt = Date.now();
    const { client } = member(store);
    expect(await send(client, "after-the-lock")).toMatchObject({ kind: "sendMessageSuccess" });
    // The time is the behaviour here: no token request while the dead process's lock lived.
    const tokenArrivedAt = Date.now();
    expect(tokenArrivedAt - lockedAt).toBeGreaterThanOrEqual(lockTtlMs);
    expect(ece.issued).toHaveLength(1);
    expect(store.calls.acquireLock).toBeGreaterThan(1);
  });

  it("a lock held (for less than twice its TTL) and no token in the store: a call whose deadline comes first times out, having asked ECE for nothing", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore();
    store.lockFor(await key(), "stuck-process", 600_000);
    const { client } = member(store, { timeoutMs: 300 });
    const outcome = await send(client, "never");
    expect(outcome).toMatchObject({ kind: "timeout", delivered: false });
    expect(ece.stub.requestsTo(TOKEN_PATH)).toHaveLength(0);
    expect(ece.stub.requestsTo(SEND_PATH)).toHaveLength(0);
  });

  it("forceLogin: the lock holder asks with forceLogin=yes", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore();
    const { client } = member(store, { forceLogin: true });
    await send(client, "m");
    expect(ece.issued).toEqual([expect.objectContaining({ forceLogin: true })]);
  });

  it("clients of different client keys or servers do not share a token; the store never sees the secret or the key", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore();
    const a = member(store);
    const other = createEceClient({
      baseUrl: ece.url,
      credentials: { clientKey: "another-key", clientSecret: CREDENTIALS.clientSecret },
      tokenStore: store,
    });
    clients.push(other);
    await send(a.client, "a");
    await send(other, "b");
    expect(ece.issued).toHaveLength(2);
    const written = store.log.filter((line) => line.startsWith("write"));
    expect(new Set(written.map((line) => line.split(" ")[1])).size).toBe(2);
    const everything = store.log.join("\n");
    for (const secret of [CREDENTIALS.clientSecret, CREDENTIALS.clientKey, "another-key", ece.url]) expect(everything).not.toContain(secret);
  });

  it.each([
    ["a token with CR/LF (no valid header)", { token: "abc\r\nX-Injected: 1", ttlMs: 60_000 }],
    ["a token with non-Latin-1 characters", { token: "tök€n", ttlMs: 60_000 }],
    ["a token of 1 MB (a 431 on every send)", { token: "a".repeat(1_000_000), ttlMs: 60_000 }],
    ["a token of 4 097 characters", { token: "a".repeat(4_097), ttlMs: 60_000 }],
    ["an empty token", { token: "", ttlMs: 60_000 }],
    ["a token that is not a string", { token: 42, ttlMs: 60_000 }],
    ["a ttlMs that is not a number", { token: "good-token", ttlMs: "soon" }],
    ["an infinite ttlMs", { token: "good-token", ttlMs: Number.POSITIVE_INFINITY }],
    ["a ttlMs of NaN", { token: "good-token", ttlMs: Number.NaN }],
    ["no object at all", "good-token"],
  ])("a stored value that cannot be a token (%s) counts as none: fetched anew under the lock, overwritten, reported", async (_, odd) => {
    ece = await startFleetEce();
    const memory = memoryTokenStore();
    // The odd value is what the store holds until a token is written over it.
    const store = { ...memory, read: async (key: string) => (memory.calls.write === 0 ? (odd as never) : memory.read(key)) };
    const { client, events } = member(store as MemoryTokenStore);
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => send(client, `m-${i}`)));
    expect(kinds(outcomes)).toEqual(["sendMessageSuccess"]);
    expect(ece.issued).toHaveLength(1);
    const fetched = ece.issued[0]!.token;
    expect(memory.peek(await key())).toBe(fetched);
    expect(new Set(ece.stub.requestsTo(SEND_PATH).map((request) => request.headers.authorization))).toEqual(new Set([`Bearer ${fetched}`]));
    const errors = events.filter((event) => event.type === "tokenStoreError");
    expect(errors).toEqual([{ type: "tokenStoreError", action: "read", message: expect.any(String) }]);
    const { message } = errors[0] as { message: string };
    if (typeof odd === "object" && typeof odd.token === "string" && odd.token !== "") expect(message).not.toContain(odd.token.slice(0, 3));
  });

  it("a valid stored token of 4 096 characters of RFC 6750's b64token is used as it is", async () => {
    ece = await startFleetEce();
    const memory = memoryTokenStore();
    const token = `${"Az09-._~+/".repeat(409)}abcd==`;
    expect(token).toHaveLength(4_096);
    await memory.write(await key(), token, 60_000);
    const { client, events } = member(memory);
    await send(client, "m"); // the stub ECE did not issue it, so refuses it with 401: the send carried it
    expect(ece.stub.requestsTo(SEND_PATH)[0]!.headers.authorization).toBe(`Bearer ${token}`);
    expect(events.filter((event) => event.type === "tokenStoreError")).toEqual([]);
  });
});

describe("the store down or slow", () => {
  it("a store that rejects: the client sends with a token of its own and reports the error, redacted", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore();
    store.down = "reject";
    store.error = new Error(`ECONNREFUSED while sending ${CREDENTIALS.clientSecret}`);
    const { client, events } = member(store);
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => send(client, `m-${i}`)));
    expect(kinds(outcomes)).toEqual(["sendMessageSuccess"]);
    expect(ece.issued).toHaveLength(1); // one own token for all concurrent sends
    const errors = events.filter((event) => event.type === "tokenStoreError");
    expect(errors).toEqual([{ type: "tokenStoreError", action: "read", message: "ECONNREFUSED while sending [redacted]" }]);
    // Still down: the next token need goes to ECE directly, not to the store.
    const callsBefore = store.calls.read;
    ece.expireAll();
    expect(await send(client, "after-401")).toMatchObject({ kind: "sendMessageSuccess" });
    expect(store.calls.read).toBe(callsBefore);
    expect(ece.issued).toHaveLength(2);
  });

  it("a store that does not answer: past the store's deadline the client goes on with a token of its own", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore({ timeoutMs: 100 });
    store.down = "hang";
    const { client, events } = member(store);
    expect(await send(client, "m")).toMatchObject({ kind: "sendMessageSuccess" });
    expect(events.filter((event) => event.type === "tokenStoreError")).toEqual([
      { type: "tokenStoreError", action: "read", message: "The token store did not answer within 100 ms." },
    ]);
    expect(ece.issued).toHaveLength(1);
  });

  it("when the store answers again: back to the shared token, the own token revoked, a send still holding it repeated", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore({ probeIntervalMs: 20 });
    store.down = "reject";
    const { client, events } = member(store);
    // The first send fetches the own token (so a 401 on it would not be repeated on that ground)
    // and is held at ECE until the store is back and the own token revoked.
    const held = ece.holdSend(1);
    const inFlight = send(client, "held");
    await held.reached;
    const own = ece.issued[0]!.token;
    store.down = undefined;
    await ece.stub.arrived(REVOKE_PATH, 1);
    expect(ece.revoked).toEqual([own]);
    held.release(); // ECE refuses the revoked token: the call gets the shared one and repeats
    expect(await inFlight).toMatchObject({ kind: "sendMessageSuccess" });
    const shared = ece.issued[1]!.token;
    expect(ece.deliveries.get("held")).toBe(1);
    expect(await send(client, "after")).toMatchObject({ kind: "sendMessageSuccess" });
    expect(store.peek(await key())).toBe(shared);
    expect(ece.stub.requestsTo(SEND_PATH).map((request) => request.headers.authorization)).toEqual([
      `Bearer ${own}`,
      `Bearer ${shared}`,
      `Bearer ${shared}`,
    ]);
    expect(ece.open()).toEqual([shared]);
    expect(events.filter((event) => event.type === "tokenStoreError")).toHaveLength(1);
  });

  it("a write that fails after the token came: the token is the process's own, used, and revoked on close", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore();
    const failWrite = store.gate("write");
    const { client, events } = member(store);
    const sent = send(client, "m");
    await failWrite.reached;
    store.down = "reject";
    failWrite.release();
    expect(await sent).toMatchObject({ kind: "sendMessageSuccess" });
    expect(events.filter((event) => event.type === "tokenStoreError").map((event) => (event as { action: string }).action)).toContain("write");
    expect(ece.issued).toHaveLength(1);
    expect(await client.close()).toEqual({ revoked: true });
    expect(ece.revoked).toEqual([ece.issued[0]!.token]);
  });
});

describe("a lock that does not free itself", () => {
  it("held past twice the store's lockTtlMs: the store counts as down, the call goes on with a token of its own", async () => {
    ece = await startFleetEce();
    const store = memoryTokenStore({ lockTtlMs: 20, probeIntervalMs: 60_000 });
    store.lockFor(await key(), "a-lock-without-expiry", 600_000);
    const { client, events } = member(store, { timeoutMs: 5_000 });
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => send(client, `m-${i}`)));
    expect(kinds(outcomes)).toEqual(["sendMessageSuccess"]);
    expect(ece.issued).toHaveLength(1);
    expect(events.filter((event) => event.type === "tokenStoreError").map((event) => (event as { action: string }).action)).toEqual(["lock"]);
    expect(store.calls.write).toBe(0); // the token is this process's own: not shared
    // Down, as in any outage: the next calls neither wait for the lock nor ask the store.
    const before = { ...store.calls };
    expect(await send(client, "after")).toMatchObject({ kind: "sendMessageSuccess" });
    expect(store.calls).toEqual(before);
    expect(ece.issued).toHaveLength(1);
  });

  it("the probe goes back to the store only once the lock can be taken: no session churn while it stays stuck", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      ece = await startFleetEce();
      const store = memoryTokenStore({ lockTtlMs: 20, probeIntervalMs: 60_000 });
      const storeKey = await key();
      store.lockFor(storeKey, "a-lock-without-expiry", 600_000);
      const { client } = member(store, { timeoutMs: 5_000 });
      expect(await send(client, "first")).toMatchObject({ kind: "sendMessageSuccess" });
      const own = ece.issued[0]!.token;
      // A probe while the lock is stuck: it reads (no token). The rest of its work is promise
      // callbacks on the in-memory store, all run before the send below can finish (network I/O).
      const reads = store.calls.read;
      vi.advanceTimersByTime(60_000);
      await store.called("read", reads + 1);
      expect(await send(client, "still-own")).toMatchObject({ kind: "sendMessageSuccess" });
      expect(vi.getTimerCount()).toBe(1); // still probing: the store is still taken as down
      expect(ece.issued).toHaveLength(1);
      expect(ece.stub.requestsTo(REVOKE_PATH)).toHaveLength(0);
      // The lock is gone: the next probe goes back to the store and revokes the own token.
      store.lockFor(storeKey, "a-lock-without-expiry", 0);
      vi.advanceTimersByTime(60_000);
      await ece.stub.arrived(REVOKE_PATH, 1);
      expect(ece.revoked).toEqual([own]);
      expect(await send(client, "shared")).toMatchObject({ kind: "sendMessageSuccess" });
      expect(store.peek(storeKey)).toBe(ece.issued[1]!.token);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("a huge token lifetime, and a store that cannot take the token", () => {
  it("a token ECE gives a huge lifetime (expires_in 1e20) is stored for at most ECE's documented 24 hours", async () => {
    ece = await startFleetEce({ expiresIn: 1e20 });
    const memory = memoryTokenStore();
    const ttls: number[] = [];
    const store = { ...memory, write: (key: string, token: string, ttlMs: number) => (ttls.push(ttlMs), memory.write(key, token, ttlMs)) };
    const { client, events } = member(store as MemoryTokenStore);
    expect(await send(client, "m")).toMatchObject({ kind: "sendMessageSuccess" });
    expect(ttls).toHaveLength(1);
    expect(ttls[0]).toBeGreaterThan(0);
    expect(ttls[0]).toBeLessThanOrEqual(86_400_000);
    expect(events.filter((event) => event.type === "tokenStoreError")).toEqual([]);
  });

  it("a store whose write always fails: one token request per probe interval, however many calls", async () => {
    // Only the probe's interval is faked: the stub ECE and the store's deadlines run on real time.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      ece = await startFleetEce();
      const memory = memoryTokenStore({ probeIntervalMs: 60_000 });
      const store = { ...memory, write: () => Promise.reject(new Error("READONLY You can't write against a read only replica.")) };
      const { client, events } = member(store as MemoryTokenStore);
      for (let round = 0; round < 3; round++) {
        const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => send(client, `first-${round}-${i}`)));
        expect(kinds(outcomes)).toEqual(["sendMessageSuccess"]);
      }
      expect(ece.issued).toHaveLength(1);
      expect(ece.stub.requestsTo(REVOKE_PATH)).toHaveLength(0);
      expect(events.filter((event) => event.type === "tokenStoreError").map((event) => (event as { action: string }).action)).toEqual(["write"]);

      vi.advanceTimersByTime(60_000); // the probe finds the store answering and revokes the own token
      await ece.stub.arrived(REVOKE_PATH, 1);
      for (let round = 0; round < 3; round++) {
        const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => send(client, `second-${round}-${i}`)));
        expect(kinds(outcomes)).toEqual(["sendMessageSuccess"]);
      }
      expect(ece.issued).toHaveLength(2);
      expect(ece.stub.requestsTo(REVOKE_PATH)).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("options", () => {
  it("tokenStore must be a TokenStore, needs credentials, and revokeOnClose must be a boolean", () => {
    const baseUrl = "https://ece.example.com";
    expect(() => createEceClient({ baseUrl, credentials: CREDENTIALS, tokenStore: { read: () => undefined } as never })).toThrow(
      /tokenStore must be a TokenStore \(with read, write, deleteIf, acquireLock, releaseLock\)/,
    );
    expect(() => createEceClient({ baseUrl, accessToken: "t", tokenStore: memoryTokenStore() } as never)).toThrow(/tokenStore needs credentials/);
    expect(() => createEceClient({ baseUrl, credentials: CREDENTIALS, tokenStore: memoryTokenStore(), revokeOnClose: "yes" as never })).toThrow(
      /revokeOnClose must be a boolean/,
    );
  });
});

describe("a store error that echoes its arguments", () => {
  it("never shows the refused token in the tokenStoreError event", async () => {
    ece = await startFleetEce();
    const memory = memoryTokenStore();
    // A store whose compare-and-delete fails with the token in its message (as a driver's might).
    const store = Object.assign(Object.create(memory) as MemoryTokenStore, {
      deleteIf: (_key: string, token: string) => Promise.reject(new Error(`cannot delete ${token}`)),
    });
    const { client, events } = member(store);
    expect(await send(client, "warm")).toMatchObject({ kind: "sendMessageSuccess" });
    const [refused] = ece.issued;
    ece.expireAll();
    await send(client, "after the 401");
    const errors = events.filter((event) => event.type === "tokenStoreError");
    expect(errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(refused!.token);
  });

  it("never shows the shared token when close() deletes it (revokeOnClose) and the delete fails echoing it", async () => {
    ece = await startFleetEce();
    const memory = memoryTokenStore();
    const store = Object.assign(Object.create(memory) as MemoryTokenStore, {
      deleteIf: (_key: string, token: string) => Promise.reject(new Error(`cannot delete ${token}`)),
    });
    const { client, events } = member(store, { revokeOnClose: true });
    expect(await send(client, "m")).toMatchObject({ kind: "sendMessageSuccess" });
    const [shared] = ece.issued;
    await client.close();
    expect(events.filter((event) => event.type === "tokenStoreError")).toEqual([
      { type: "tokenStoreError", action: "delete", message: "cannot delete [redacted]" },
    ]);
    expect(JSON.stringify(events)).not.toContain(shared!.token);
  });

  it("never shows the token just fetched when the write that would share it fails, in the event or the log line", async () => {
    ece = await startFleetEce();
    const memory = memoryTokenStore();
    const store = Object.assign(Object.create(memory) as MemoryTokenStore, {
      write: (_key: string, token: string) => Promise.reject(new Error(`cannot SET ${token}`)),
    });
    const lines: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (line: string) => lines.push(line) };
    const events: EceEvent[] = [];
    const onEvent = (event: EceEvent) => events.push(event);
    const client = createEceClient({ baseUrl: ece.url, credentials: CREDENTIALS, tokenStore: store, onEvent, logger, logLevel: "error" });
    clients.push(client);
    expect(await send(client, "m")).toMatchObject({ kind: "sendMessageSuccess" });
    const [fetched] = ece.issued;
    expect(events.filter((event) => event.type === "tokenStoreError")).toEqual([
      { type: "tokenStoreError", action: "write", message: "cannot SET [redacted]" },
    ]);
    expect(lines).toHaveLength(1);
    expect(lines.join("\n")).not.toContain(fetched!.token);
  });
});
