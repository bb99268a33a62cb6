/**
 * One token for a fleet: processes that share a {@link TokenStore} (and a client key) share one
 * ECE session. A process keeps its copy of the shared token and sends with it; it touches the
 * store only when it has no valid token, after a 401 and on close. At most one token request
 * runs at a time fleet-wide (the holder of the store's lock makes it); the others poll the store
 * briefly. When the store fails or is slow, the process goes on with a token of its own and
 * probes the store until it answers, then goes back to the shared token and revokes its own.
 *
 * @module
 */
import type { Emit } from "../observe/events.js";
import {
  createLiveTokens,
  createTokenCache,
  refreshMarginMs,
  type ClientCredentialsSettings,
  type TokenEndpoint,
  type TokenFailure,
  type TokenResult,
  type TokenSource,
} from "./tokens.js";

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

/** Time a store is given per call before it counts as down. */
const STORE_TIMEOUT_MS = 1_000;
/** How often a client that fell back to a token of its own asks the store whether it is back. */
const STORE_PROBE_INTERVAL_MS = 5_000;
/** How often a process waiting for another's token request looks at the store again. */
const STORE_POLL_INTERVAL_MS = 50;
/** How long a store's lock lasts, when the store does not say. */
const STORE_LOCK_TTL_MS = 10_000;
/**
 * ECE's documented token lifetime (24 hours): assumed for a token ECE gave none for, and the
 * most a token is stored for (a store may refuse a larger TTL: Redis refuses 1e+23 ms).
 */
const ECE_LIFETIME_MS = 86_400_000;

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

/** Settings of {@link createStoreTokenSource}. */
export interface StoreTokenSourceSettings extends ClientCredentialsSettings {
  store: TokenStore;
  /** The client's base URL (for its key in the store, with `apiRoot` and the client key). */
  baseUrl: string;
  /** On close, also revoke the shared token and delete it from the store. */
  revokeOnClose: boolean;
  /** This process's name as a lock owner (default: a random UUID). */
  owner?: string;
}

/** A store call that failed: what the client was doing, and why. */
class StoreFailure extends Error {
  constructor(
    readonly action: string,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** A store's own timing, when it gives a usable one. */
function positive(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 && value <= 2_147_483_647 ? value : fallback;
}

/** RFC 6750's `b64token`: the characters a bearer token may have in an Authorization header. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** The longest token the client takes from a store (a larger value would overflow every request's headers). */
const MAX_STORED_TOKEN_LENGTH = 4_096;

/**
 * Why what a store's `read` answered cannot be a token, or `undefined` when it can. A value that
 * cannot is no token: one bad write must not break every send of the fleet until it expires.
 */
function problemOf(found: unknown): string | undefined {
  if (typeof found !== "object" || found === null) return "not an object with token and ttlMs";
  const { token, ttlMs } = found as Record<string, unknown>;
  if (typeof token !== "string" || token.length > MAX_STORED_TOKEN_LENGTH || !B64TOKEN.test(token)) {
    return `its token is not 1 to ${MAX_STORED_TOKEN_LENGTH} characters of RFC 6750's b64token`;
  }
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0) return "its ttlMs is not a positive number of milliseconds";
  return undefined;
}

/** Whether what a store's `read` answered is a usable token (anything else counts as none). */
function usable(found: unknown): found is StoredToken {
  return problemOf(found) === undefined;
}

/**
 * Client-credentials tokens shared through a {@link TokenStore}, with a token of this process's
 * own while the store is down. This file is built on its own (`dist/token-store.js`) and loaded
 * only by a client given a `tokenStore`; the client hands it the token endpoint
 * (`createEndpoint`), so that the file carries no second copy of the HTTP path.
 */
export function createStoreTokenSource(
  settings: StoreTokenSourceSettings,
  createEndpoint: (tokens: () => Iterable<string>) => TokenEndpoint,
): TokenSource {
  const { store, revokeOnClose, timeoutMs } = settings;
  const now = settings.now ?? Date.now;
  const emit: Emit = settings.emit;
  const owner = settings.owner ?? globalThis.crypto.randomUUID();
  const storeTimeoutMs = positive(store.timeoutMs, STORE_TIMEOUT_MS);
  const probeIntervalMs = positive(store.probeIntervalMs, STORE_PROBE_INTERVAL_MS);
  // A lock frees itself within its TTL; one taken again since held the fetch of a token. Longer
  // than both, it does not free itself (taken without expiry, or by a store that keeps it).
  const lockStuckMs = 2 * positive(store.lockTtlMs, STORE_LOCK_TTL_MS);
  let key: Promise<string> | undefined;
  /** The client's key in the store, hashed once. */
  const keyOf = () => storeCall("key", () => (key ??= storeKeyOf(settings.baseUrl, settings.apiRoot, settings.credentials.clientKey)));

  /** The token this process sends with, and when it goes back to the store (or ECE) for one. */
  const cache = createTokenCache<{ token: string; refreshAt: number; shared: boolean }>(now, () => acquire());
  /** The shared token this process last used (revoked on close with `revokeOnClose`). */
  let shared: string | undefined;
  /** A shared token ECE refused: deleted from the store (if still there) before the next read. */
  let refused: string | undefined;
  /** A token just fetched that the store has not taken yet: secret from the moment it arrives. */
  let fresh: string | undefined;
  /** Tokens fetched for this process alone (the store was down), with when they expire. */
  const own = createLiveTokens(now);
  /** Own tokens this source revoked when the store came back (calls may still hold them). */
  const retired = new Set<string>();
  /** Whether the store is taken as down: tokens are this process's own until a probe answers. */
  let fallback = false;
  let probe: ReturnType<typeof setInterval> | undefined;
  let probing = false;
  let closed = false;

  const tokens = (): string[] => {
    const list = [...own.keys(), ...retired];
    if (cache.current) list.push(cache.current.token);
    if (shared !== undefined) list.push(shared);
    // A refused token still goes to the store (compare-and-delete): its errors must not show it.
    if (refused !== undefined) list.push(refused);
    if (fresh !== undefined) list.push(fresh);
    return list;
  };
  const endpoint = createEndpoint(tokens);

  /** One store call under its own short deadline; any failure is a {@link StoreFailure}. */
  async function storeCall<T>(action: string, work: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      // Rejected after the event loop's next poll: an answer that arrived while the loop was busy
      // (a loaded machine) is read first, and wins.
      const tooLate = () => reject(new Error(`The token store did not answer within ${storeTimeoutMs} ms.`));
      timer = setTimeout(() => setTimeout(tooLate, 0), storeTimeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve().then(work), late]);
    } catch (thrown) {
      throw new StoreFailure(action, thrown);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reports a store failure and takes the store as down until a probe answers. */
  function storeFailed(failure: StoreFailure): void {
    emit?.({ type: "tokenStoreError", action: failure.action, message: endpoint.redact(failure.message) });
    if (fallback || closed) return;
    fallback = true;
    probe = setInterval(() => void probeStore(), probeIntervalMs);
    (probe as { unref?: () => void }).unref?.();
  }

  function stopProbe(): void {
    if (probe !== undefined) clearInterval(probe);
    probe = undefined;
  }

  /**
   * Whether the store is back: it answers, and it holds a token or its lock can be taken (a lock
   * that never frees would otherwise cost a session per probe).
   */
  async function storeIsBack(): Promise<{ found: unknown } | undefined> {
    try {
      const key = await keyOf();
      const found: unknown = await storeCall("probe", () => store.read(key));
      if (usable(found)) return { found };
      if (!(await storeCall("probe", () => store.acquireLock(key, owner)))) return undefined;
      await storeCall("probe", () => store.releaseLock(key, owner));
      return { found };
    } catch {
      return undefined;
    }
  }

  /** Asks the store whether it is back; if it is, goes back to the shared token and revokes the own ones. */
  async function probeStore(): Promise<void> {
    if (probing || closed || !fallback) return;
    probing = true;
    try {
      const back = await storeIsBack();
      if (back === undefined || closed) return;
      const { found } = back;
      // An own token being fetched right now is revoked with the others.
      if (cache.inflight) await cache.inflight.catch(() => undefined);
      if (closed) return;
      fallback = false;
      stopProbe();
      if (cache.current && !cache.current.shared) cache.current = undefined;
      if (!cache.current && usable(found) && found.token !== refused) adopt(found.token, found.ttlMs);
      const held = own.held();
      for (const token of held) retired.add(token); // a 401 on it now earns a repeat
      await own.revoke((token) => endpoint.revoke(token, timeoutMs), held);
    } finally {
      probing = false;
    }
  }

  function adopt(token: string, ttlMs: number): void {
    cache.current = { token, refreshAt: now() + ttlMs, shared: true };
    shared = token;
    refused = undefined; // a newer token: the refused one is gone from the store
    cache.clearReplacing(); // nothing was fetched to replace it
  }

  function keepOwn(token: string, lifetimeMs: number | undefined): TokenResult {
    cache.current = { token, refreshAt: own.keep(token, lifetimeMs), shared: false };
    return { ok: true, value: { token, fromCache: false } };
  }

  /** A token of this process's own (the store is down). */
  async function fetchOwn(): Promise<TokenResult> {
    const fetched = await endpoint.request(cache.takeReplacing());
    return fetched.ok ? keepOwn(fetched.value.token, fetched.value.lifetimeMs) : fetched;
  }

  /**
   * The shared token, if the store holds one this process may use. The lock holder (`replacing`)
   * reports a value that cannot be a token: it is about to write one over it.
   */
  async function readShared(key: string, replacing = false): Promise<TokenResult | undefined> {
    const found: unknown = await storeCall("read", () => store.read(key));
    if (found === undefined || found === null) return undefined;
    const problem = problemOf(found);
    if (problem !== undefined && replacing) {
      emit?.({ type: "tokenStoreError", action: "read", message: `The token store held no valid token (${problem}): replacing it.` });
    }
    if (!usable(found) || found.token === refused) return undefined;
    adopt(found.token, found.ttlMs);
    // Fetched before this call asked: a 401 on it earns one new token and one repeat.
    return { ok: true, value: { token: found.token, fromCache: true } };
  }

  /** Holding the lock: fetch the token and share it (unless someone shared one meanwhile). */
  async function fetchShared(key: string): Promise<TokenResult> {
    try {
      const found = await readShared(key, true); // shared between our read and our lock?
      if (found) return found;
      const fetched = await endpoint.request(cache.takeReplacing());
      if (!fetched.ok) return fetched;
      const { token, lifetimeMs } = fetched.value;
      fresh = token; // a store's error may quote what it was given
      const lifetime = Math.min(lifetimeMs ?? ECE_LIFETIME_MS, ECE_LIFETIME_MS);
      const ttlMs = lifetime - refreshMarginMs(lifetime / 1000);
      try {
        await storeCall("write", () => store.write(key, token, ttlMs));
      } catch (thrown) {
        // Not shared: the token is this process's own, revoked once the store is back.
        storeFailed(thrown as StoreFailure);
        return keepOwn(token, lifetimeMs);
      }
      adopt(token, ttlMs);
      return { ok: true, value: { token, fromCache: false } };
    } finally {
      fresh = undefined; // now shared or this process's own (or nothing was fetched)
      // A lock that cannot be freed frees itself after the store's lock TTL.
      await storeCall("unlock", () => store.releaseLock(key, owner)).catch((thrown: StoreFailure) => fallback || storeFailed(thrown));
    }
  }

  /** The shared token: read it, or take the lock and fetch it, or wait for whoever holds the lock. */
  async function fromStore(): Promise<TokenResult> {
    const key = await keyOf();
    if (refused !== undefined) {
      const stale = refused;
      await storeCall("delete", () => store.deleteIf(key, stale));
    }
    // Calls that stop waiting at their deadline leave this wait going: the next ones join it.
    let lockSeenAt: number | undefined;
    for (;;) {
      const found = await readShared(key);
      if (found) return found;
      if (await storeCall("lock", () => store.acquireLock(key, owner))) return fetchShared(key);
      lockSeenAt ??= now();
      if (now() - lockSeenAt > lockStuckMs) {
        const message = `The token store's lock stayed taken for over ${lockStuckMs} ms with no token stored: it does not free itself.`;
        throw new StoreFailure("lock", message);
      }
      if (closed) {
        const message = "The client closed while another process held the token store's lock.";
        return { ok: false, error: { kind: "timeout", message, timeoutMs, delivered: false } satisfies TokenFailure };
      }
      await new Promise((resolve) => setTimeout(resolve, STORE_POLL_INTERVAL_MS));
    }
  }

  async function acquire(): Promise<TokenResult> {
    if (!fallback) {
      try {
        return await fromStore();
      } catch (thrown) {
        if (!(thrown instanceof StoreFailure)) throw thrown;
        storeFailed(thrown);
      }
    }
    return fetchOwn();
  }

  return {
    canRefresh: true,
    get: cache.get,
    invalidate(token) {
      cache.forget(token);
      if (own.delete(token)) return; // ECE has no session for it
      if (token === shared) {
        refused = token;
        shared = undefined;
      }
    },
    retired: (token) => retired.has(token),
    async revokeAll(revokeTimeoutMs) {
      closed = true;
      stopProbe();
      if (cache.inflight) await cache.inflight.catch(() => undefined);
      cache.current = undefined;
      const held = own.held();
      if (revokeOnClose && shared !== undefined) {
        const token = shared;
        shared = undefined;
        held.push(token);
        try {
          const key = await keyOf();
          await storeCall("delete", () => store.deleteIf(key, token));
        } catch (thrown) {
          storeFailed(thrown as StoreFailure);
        }
      }
      return own.revoke((token) => endpoint.revoke(token, revokeTimeoutMs), held);
    },
    secrets: () => [...endpoint.credentialSecrets, ...tokens()],
  };
}
