/**
 * A TokenStore in memory for tests of the fleet behaviour in one process: several clients share
 * one instance as the processes of a fleet share Redis. It counts its calls, can hold any call at
 * a gate until the test lets it go (to force an interleaving), and can be taken down (calls
 * reject, or never answer). Entries expire by the real clock, as Redis keys do.
 */
import type { StoredToken, TokenStore } from "../../src/tokens/token-store.js";

type Method = "read" | "write" | "deleteIf" | "acquireLock" | "releaseLock";

export interface MemoryTokenStore extends TokenStore {
  /** Calls so far, per method (counted when made, before any gate). */
  calls: Record<Method, number>;
  /** Every call in order: `method key [value]`. */
  log: string[];
  /** Resolves once the `count`-th call of `method` was made (at once if it already was). */
  called(method: Method, count?: number): Promise<void>;
  /**
   * Holds the next call of `method` (when `when` accepts its arguments) until the returned
   * `release` is called; `reached` resolves when such a call arrived.
   */
  gate(method: Method, when?: (args: string[]) => boolean): { reached: Promise<void>; release: () => void };
  /** `"reject"`: calls reject with `error`; `"hang"`: they never settle; `undefined`: up. */
  down: "reject" | "hang" | undefined;
  /** What a rejected call rejects with. */
  error: Error;
  /** The raw entry under a key (the token key, or `<key>:lock`), if live. */
  peek(key: string): string | undefined;
  /** Puts a lock held by someone else (a process that died holding it). */
  lockFor(key: string, owner: string, ttlMs: number): void;
}

export function memoryTokenStore(options: { lockTtlMs?: number; timeoutMs?: number; probeIntervalMs?: number } = {}): MemoryTokenStore {
  const lockTtlMs = options.lockTtlMs ?? 10_000;
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const calls: Record<Method, number> = { read: 0, write: 0, deleteIf: 0, acquireLock: 0, releaseLock: 0 };
  const log: string[] = [];
  const waiters: { method: Method; count: number; resolve: () => void }[] = [];
  const gates: { method: Method; when: (args: string[]) => boolean; arrive: () => void; held: Promise<void> }[] = [];

  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) entries.delete(key);
    return entries.get(key);
  };
  const deleteIf = (key: string, value: string) => live(key)?.value === value && entries.delete(key);

  async function enter(method: Method, args: string[]): Promise<void> {
    calls[method] += 1;
    log.push(`${method} ${args.join(" ")}`);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (waiter.method === method && waiter.count <= calls[method]) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
    const index = gates.findIndex((gate) => gate.method === method && gate.when(args));
    if (index >= 0) {
      const [gate] = gates.splice(index, 1);
      gate!.arrive();
      await gate!.held;
    }
    if (store.down === "reject") throw store.error;
    if (store.down === "hang") await new Promise(() => undefined);
  }

  const store: MemoryTokenStore = {
    calls,
    log,
    down: undefined,
    error: new Error("connection refused"),
    lockTtlMs,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.probeIntervalMs === undefined ? {} : { probeIntervalMs: options.probeIntervalMs }),
    async read(key): Promise<StoredToken | undefined> {
      await enter("read", [key]);
      const entry = live(key);
      return entry && { token: entry.value, ttlMs: entry.expiresAt - Date.now() };
    },
    async write(key, token, ttlMs) {
      await enter("write", [key, token]);
      entries.set(key, { value: token, expiresAt: Date.now() + ttlMs });
    },
    async deleteIf(key, token) {
      await enter("deleteIf", [key, token]);
      return deleteIf(key, token);
    },
    async acquireLock(key, owner) {
      await enter("acquireLock", [key, owner]);
      if (live(`${key}:lock`)) return false;
      entries.set(`${key}:lock`, { value: owner, expiresAt: Date.now() + lockTtlMs });
      return true;
    },
    async releaseLock(key, owner) {
      await enter("releaseLock", [key, owner]);
      deleteIf(`${key}:lock`, owner);
    },
    called: (method, count = 1) =>
      calls[method] >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ method, count, resolve })),
    gate(method, when = () => true) {
      let release!: () => void;
      let arrive!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const reached = new Promise<void>((resolve) => (arrive = resolve));
      gates.push({ method, when, arrive, held });
      return { reached, release };
    },
    peek: (key) => live(key)?.value,
    lockFor(key, owner, ttlMs) {
      entries.set(`${key}:lock`, { value: owner, expiresAt: Date.now() + ttlMs });
    },
  };
  return store;
}
