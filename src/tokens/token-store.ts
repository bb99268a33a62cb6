/**
 * What a fleet's token store is ({@link TokenStore}), and how a client talks to one: each call
 * under a short deadline of its own, and nothing taken from it that cannot be a token. The token
 * source (`tokens.ts`) uses a store when it is given one.
 *
 * @module
 */
import { isTimerDelay } from "../internal/check.js";

/** The shared token as a {@link TokenStore} holds it. */
export interface StoredToken {
  /** The access token. */
  token: string;
  /** How long the store keeps it from now, in milliseconds (more than 0). */
  ttlMs: number;
}

/**
 * Where processes of a fleet share one ECE token: a key-value store with expiring entries and
 * a lock, such as Redis (`createRedisTokenStore` of `ece-messaging/redis`). Pass one as the
 * `tokenStore` option of `createEceClient`; every process using the same store, base URL, API
 * root and client key then uses one token, and so one of ECE's few sessions.
 *
 * The client calls a store only when it has no valid token, after ECE refused one (401) and on
 * close - never per send - and gives each call a short deadline of its own: a store that throws,
 * rejects or answers late counts as down, and the client goes on with a token of its own
 * meanwhile. `key` is a hash of the base URL, API root and client key (no secret); a store may
 * prefix it. The only secret a store receives is the token itself.
 *
 * @example
 * A store for the processes of one machine, or for tests - a Map with expiry:
 * ```ts
 * import { createEceClient, type TokenStore } from "ece-messaging";
 *
 * const entries = new Map<string, { value: string; expiresAt: number }>();
 * const live = (key: string) => {
 *   const entry = entries.get(key);
 *   return entry && entry.expiresAt > Date.now() ? entry : undefined;
 * };
 * const deleteIf = (key: string, value: string) => live(key)?.value === value && entries.delete(key);
 * const store: TokenStore = {
 *   read: async (key) => {
 *     const entry = live(key);
 *     return entry && { token: entry.value, ttlMs: entry.expiresAt - Date.now() };
 *   },
 *   write: async (key, token, ttlMs) => void entries.set(key, { value: token, expiresAt: Date.now() + ttlMs }),
 *   deleteIf: async (key, token) => deleteIf(key, token),
 *   acquireLock: async (key, owner) => {
 *     if (live(`${key}:lock`)) return false;
 *     entries.set(`${key}:lock`, { value: owner, expiresAt: Date.now() + 10_000 });
 *     return true;
 *   },
 *   releaseLock: async (key, owner) => void deleteIf(`${key}:lock`, owner),
 * };
 * const ece = createEceClient({
 *   baseUrl: "https://ece.example.com",
 *   credentials: { clientKey: "key", clientSecret: "secret" },
 *   tokenStore: store,
 * });
 * ```
 */
export interface TokenStore {
  /** The token stored under `key` and how long it has left, or `undefined` when there is none. */
  read(key: string): Promise<StoredToken | undefined>;
  /** Stores `token` under `key` for `ttlMs` milliseconds, replacing whatever was there. */
  write(key: string, token: string, ttlMs: number): Promise<void>;
  /**
   * Deletes the token under `key` only if it is still `token` (compare-and-delete, atomically):
   * a process that saw ECE refuse an old token must not delete a newer one. Resolves whether it
   * deleted.
   */
  deleteIf(key: string, token: string): Promise<boolean>;
  /**
   * Takes the lock of `key` for `owner` if nobody holds it, for {@link TokenStore.lockTtlMs}
   * (a few seconds: longer than a token request takes), after which it frees itself - so that a
   * process that dies holding it stops nobody for long. Resolves whether `owner` took it.
   */
  acquireLock(key: string, owner: string): Promise<boolean>;
  /** Frees the lock of `key` if `owner` still holds it (compare-and-delete, atomically). */
  releaseLock(key: string, owner: string): Promise<void>;
  /**
   * How long the client waits for one call of this store before it takes the store as down and
   * goes on with a token of its own. Default 1 000 ms.
   */
  readonly timeoutMs?: number;
  /** How often a client that went on with a token of its own asks the store whether it is back. Default 5 000 ms. */
  readonly probeIntervalMs?: number;
  /**
   * How long the lock lasts before it frees itself. A client that sees it taken, with no token
   * stored, for more than twice this long takes the store as down (a lock that never frees).
   * Default 10 000 ms.
   */
  readonly lockTtlMs?: number;
}

/** How often a process waiting for another's token request looks at the store again. */
export const STORE_POLL_INTERVAL_MS = 50;
/** How long a store's lock lasts when the store does not say; the default of `createRedisTokenStore`'s `lockTtlMs`. */
export const DEFAULT_LOCK_TTL_MS = 10_000;
/**
 * ECE's documented token lifetime (24 hours): assumed for a token ECE gave none for, and the
 * most a token is stored for (a store may refuse a larger TTL: Redis refuses 1e+23 ms).
 */
export const ECE_LIFETIME_MS = 86_400_000;

/**
 * The key of a client's token in a store: the SHA-256 (hex) of its base URL, API root and client
 * key, so that clients of other ECE servers or applications never share it, and no secret (nor
 * the client key itself) is written to the store. Web Crypto, so it runs wherever the SDK runs.
 */
export async function storeKeyOf(baseUrl: string, apiRoot: string, clientKey: string): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify([baseUrl, apiRoot, clientKey]));
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A store call that failed: what the client was doing, and why. */
export class StoreFailure extends Error {
  constructor(readonly action: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** A store's own timing, when it gives a usable one. */
function positive(value: unknown, fallback: number): number {
  return isTimerDelay(value) ? value : fallback;
}

/**
 * How long a client gives `store` per call, how often it probes it, and when its lock counts as
 * stuck - the defaults as {@link TokenStore} documents them.
 */
export function timingsOf(store: TokenStore | undefined): { timeoutMs: number; probeIntervalMs: number; lockStuckMs: number } {
  return {
    timeoutMs: positive(store?.timeoutMs, 1_000),
    probeIntervalMs: positive(store?.probeIntervalMs, 5_000),
    // A lock frees itself within its TTL; one taken again since held the fetch of a token. Longer
    // than both, it does not free itself (taken without expiry, or by a store that keeps it).
    lockStuckMs: 2 * positive(store?.lockTtlMs, DEFAULT_LOCK_TTL_MS),
  };
}

/** RFC 6750's `b64token`: the characters a bearer token may have in an Authorization header. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** The longest token the client takes from a store (a larger value would overflow every request's headers). */
const MAX_STORED_TOKEN_LENGTH = 4_096;

/**
 * Why what a store's `read` answered cannot be a token, or `undefined` when it can. A value that
 * cannot is no token: one bad write must not break every send of the fleet until it expires.
 */
export function problemOf(found: unknown): string | undefined {
  if (typeof found !== "object" || found === null) return "not an object with token and ttlMs";
  const { token, ttlMs } = found as Record<string, unknown>;
  if (typeof token !== "string" || token.length > MAX_STORED_TOKEN_LENGTH || !B64TOKEN.test(token)) {
    return `its token is not 1 to ${MAX_STORED_TOKEN_LENGTH} characters of RFC 6750's b64token`;
  }
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0) return "its ttlMs is not a positive number of milliseconds";
  return undefined;
}

/** Whether what a store's `read` answered is a usable token (anything else counts as none). */
export function usable(found: unknown): found is StoredToken {
  return problemOf(found) === undefined;
}

/**
 * One store call under its own short deadline; any failure (a throw, a rejection, no answer in
 * `timeoutMs`) is a {@link StoreFailure} naming `action`.
 */
export async function callStore<T>(timeoutMs: number, action: string, work: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    // Rejected after the event loop's next poll: an answer that arrived while the loop was busy
    // (a loaded machine) is read first, and wins.
    const tooLate = () => reject(new Error(`The token store did not answer within ${timeoutMs} ms.`));
    timer = setTimeout(() => setTimeout(tooLate, 0), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(work), late]);
  } catch (thrown) {
    throw new StoreFailure(action, thrown);
  } finally {
    clearTimeout(timer);
  }
}
