/**
 * Access tokens: the client-credentials token from ECE's token endpoint, cached until shortly
 * before it expires, fetched once for all concurrent callers (single flight), and revoked on
 * close - or shared by a fleet through a {@link TokenStore} - or a fixed token the caller supplies.
 *
 * @module
 */
import type { AuthorizationFailOutcome, ErrorOutcome, InternalServerErrorOutcome, InvalidChoiceOutcome, TimeoutOutcome } from "../outcomes/outcomes.js";
import { failureOfAnswer, outcomeOfThrown, request, underDeadline, watchedProgress, type EceApi } from "../http/request.js";
import { mayRetry, withRetries, type Attempt } from "../http/retry.js";
import { createRedactor } from "../internal/redact.js";
import { base64Utf8 } from "../internal/wire.js";
import type { Result } from "../internal/result.js";
import type { Emit } from "../observe/events.js";
import { annotate, inSpan, type Tracer } from "../observe/tracing.js";
import type { Deadline } from "../http/transport.js";
import { callStore, ECE_LIFETIME_MS, problemOf, STORE_POLL_INTERVAL_MS, StoreFailure, storeKeyOf, timingsOf, usable, type TokenStore } from "./token-store.js";

/** The client key and secret of the client application registered in ECE's admin console. */
export interface ClientCredentials {
  clientKey: string;
  clientSecret: string;
}

/**
 * A failure to get a token. Its `delivered` says whether the token request may have reached ECE
 * (and opened a session): the call that needed the token ends with it as `delivered: false`.
 */
export type TokenFailure = AuthorizationFailOutcome | InternalServerErrorOutcome | InvalidChoiceOutcome | TimeoutOutcome | ErrorOutcome;

/** A token a call was given, and whether it was cached before the call asked (a 401 then may earn a new one). */
export interface GivenToken {
  token: string;
  fromCache: boolean;
}

/** A token to call with, or why there is none. */
export type TokenResult = Result<GivenToken, TokenFailure>;

/** Where a client's access tokens come from. */
export interface TokenSource {
  /** A token for a call; rejects only when `deadline` fires while waiting. */
  get(deadline: Deadline): Promise<TokenResult>;
  /**
   * ECE refused `given` (401): forgets it, so that no later call sends it, and gives the token to
   * repeat the call with, fetched within `repeatWithin` - or `"stop"` when a new token would not
   * mend the call (it was fetched for it, it is the caller's, the client is closing) or the call
   * may not repeat (no `repeatWithin`: it already did).
   */
  refused(given: GivenToken, repeatWithin?: Deadline): Promise<TokenResult | "stop">;
  /**
   * From now on a refused token is not replaced (a new one would outlive the client); once
   * `callsDone` settles, revokes every token this source fetched that may still be live (waiting
   * for a token request in flight first). Resolves to how many ECE confirmed and how many it did not.
   */
  close(callsDone: Promise<unknown>, timeoutMs: number): Promise<{ revoked: number; failed: number }>;
  /** Every secret this source holds, for redaction. */
  secrets(): Iterable<string>;
  /** Set when this source can never give a token (a client without credentials): why. */
  unavailable?: TokenFailure;
}

/**
 * A fixed token from the caller: never refreshed, and never revoked (the caller owns it). Without
 * one (a client made with only `baseUrl`), every call that needs a token ends `error`, nothing sent.
 */
export function createFixedTokenSource(accessToken: string | undefined): TokenSource {
  const message = "This client has no credentials: give credentials or accessToken.";
  const result: TokenResult =
    accessToken === undefined
      ? { ok: false, error: { kind: "error", message, delivered: false } }
      : { ok: true, value: { token: accessToken, fromCache: true } };
  return {
    get: () => Promise.resolve(result),
    refused: () => Promise.resolve("stop"),
    close: (callsDone) => callsDone.then(() => ({ revoked: 0, failed: 0 })),
    secrets: () => (accessToken === undefined ? [] : [accessToken]),
    ...(result.ok ? {} : { unavailable: result.error }),
  };
}

/** Settings of {@link createTokenSource}. */
export interface TokenSourceSettings {
  api: EceApi;
  credentials: ClientCredentials;
  /** Ask for the token with `?forceLogin=yes`, ending an older session instead of failing. */
  forceLogin: boolean;
  /** Time allowed for one token request. */
  timeoutMs: number;
  /** How often the revoke on close is retried, as a read (the token request's retries are its call's). */
  maxRetries?: number;
  /** The API root the client calls under (part of its key in a store). */
  apiRoot: string;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  /** The client's event stream. */
  emit?: Emit;
  /** The caller's tracer: the token request is a span (a child of the operation's). */
  tracer?: Tracer;
  /** The client's base URL (for its key in a store, with `apiRoot` and the client key). */
  baseUrl: string;
  /** Where the processes of a fleet share one token; without one, every token is this process's own. */
  store?: TokenStore;
  /** With a store: on close, also revoke the shared token and delete it from the store. */
  revokeOnClose?: boolean;
}

/** How long before expiry a token is replaced: a tenth of its lifetime, at most a minute. */
function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs / 10);
}

const TOKEN_PATH = "/authentication/oauth2/token";

/** A token as ECE's token endpoint handed it out: its lifetime in ms, when ECE gave one. */
interface FetchedToken {
  token: string;
  lifetimeMs: number | undefined;
}

/**
 * ECE's token endpoint, as a token source uses it: `request` asks for a token (with
 * `?forceLogin=yes` when configured), reporting it as `tokenRequested`, or as `tokenRefreshed`
 * when it replaces an earlier one; `revoke` resolves whether ECE confirmed the revocation; neither
 * rejects. `credentialSecrets` are the client secret and the Basic credentials (`key:secret`) - a
 * redactor takes out their encoded forms too, the `Authorization` header's base64 among them -
 * and `redact` takes them and `tokens` (the tokens the source holds) out of whatever ECE answers.
 */
function createTokenEndpoint(settings: TokenSourceSettings, tokens: () => Iterable<string>) {
  const { api, credentials, forceLogin, timeoutMs, emit } = settings;
  const credentialSecrets: [secret: string, basic: string] = [credentials.clientSecret, `${credentials.clientKey}:${credentials.clientSecret}`];
  const basicCredentials = base64Utf8(credentialSecrets[1]);
  const redact = createRedactor(() => [...credentialSecrets, ...tokens()]);

  function requestToken(replacing: Replacing): Promise<Result<FetchedToken, TokenFailure>> {
    emit?.(replacing === undefined ? { type: "tokenRequested" } : { type: "tokenRefreshed", reason: replacing });
    return inSpan(settings.tracer, "ece.token", {}, async (span): Promise<Result<FetchedToken, TokenFailure>> => {
      const progress = watchedProgress(emit, span, "token", () => 1);
      const result = await underDeadline<Result<FetchedToken, TokenFailure>>(
        timeoutMs,
        undefined,
        async (deadline): Promise<Result<FetchedToken, TokenFailure>> => {
          const answer = await request(deadline, progress, (extras) =>
            api.POST(TOKEN_PATH, {
              params: { query: forceLogin ? { forceLogin: "yes" } : {} },
              body: { grant_type: "client_credentials" },
              // Not openapi-fetch's default: it finds the Content-Type with `instanceof Function`,
              // which fails across realms (Jest's test context), and then sends JSON (ECE: 400).
              bodySerializer: (body) => new URLSearchParams(body).toString(),
              headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${basicCredentials}` },
              ...extras,
            }),
          );
          const { data, response } = answer;
          // A token request never carries the message: whatever happened, it was not delivered.
          if (!response.ok) return { ok: false, error: { ...failureOfAnswer("createAccessToken", answer, progress, redact), delivered: false } as TokenFailure };
          const token = (data as { access_token?: unknown } | undefined)?.access_token;
          if (typeof token !== "string" || token === "") {
            const message = `The token endpoint answered ${response.status} without an access_token.`;
            return { ok: false, error: { kind: "error", message, status: response.status, delivered: false } };
          }
          const expiresIn = (data as { expires_in?: unknown }).expires_in;
          const hasLifetime = typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0;
          return { ok: true, value: { token, lifetimeMs: hasLifetime ? expiresIn * 1000 : undefined } };
        },
        (thrown, deadline) => ({ ok: false, error: outcomeOfThrown(thrown, deadline, progress, redact) }),
      );
      annotate(span, { "http.response.status_code": progress.status, "ece.outcome.kind": result.ok ? "token" : result.error.kind });
      return result;
    });
  }

  async function revoke(token: string, revokeTimeoutMs: number): Promise<boolean> {
    let requests = 0;
    const progress = watchedProgress(emit, undefined, "revoke", () => requests);
    const ok = await underDeadline(
      revokeTimeoutMs,
      undefined,
      async (deadline) => {
        const retries = { operation: "revoke", maxRetries: settings.maxRetries ?? 0, deadline, emit, requests: () => requests, progress };
        // Retried as a read: revoking twice ends one session.
        const ended = await withRetries(retries, async (): Promise<Attempt<"revoked">> => {
          requests += 1;
          const failure = await request(deadline, progress, (extras) =>
            api.POST("/authentication/oauth2/revoke", { headers: { Authorization: `Bearer ${token}` }, ...extras }),
          ).then(
            (answer) => (answer.response.ok ? undefined : failureOfAnswer("revokeAccessToken", answer, progress, redact)),
            (thrown: unknown) => outcomeOfThrown(thrown, deadline, progress, redact),
          );
          return failure ? { outcome: failure, retry: mayRetry(failure, true) } : { outcome: "revoked", retry: false };
        });
        return ended === "revoked";
      },
      () => false,
    );
    emit?.({ type: "tokenRevoked", ok });
    return ok;
  }

  return { request: requestToken, revoke, credentialSecrets, redact };
}

/** Why a token request replaces an earlier token: it expired, or ECE refused it (401). */
type Replacing = "expired" | "401" | undefined;

/**
 * Client-credentials tokens from ECE's token endpoint: the one token a client sends with, fetched
 * by one request for all the calls that wait for it, replaced shortly before it expires (or after
 * a 401), and revoked on close.
 *
 * With a `store`, processes that share it (and a client key) share one token, and so one ECE
 * session. A process keeps its copy of the shared token and sends with it; it touches the store
 * only when it has no valid token, after a 401 and on close. At most one token request runs at a
 * time fleet-wide (the holder of the store's lock makes it); the others poll the store briefly.
 * When the store fails or is slow, the process goes on with a token of its own - as one without a
 * store always does - and probes the store until it answers, then goes back to the shared token
 * and revokes its own.
 */
export function createTokenSource(settings: TokenSourceSettings): TokenSource {
  const { store, timeoutMs, emit } = settings;
  const now = settings.now ?? Date.now;
  const storeTimings = timingsOf(store);
  /** This process's name as the holder of the store's lock. */
  const owner = store ? globalThis.crypto.randomUUID() : "";

  /** The token this process sends with, and when it goes back to the store (or ECE) for one. */
  let current: { token: string; refreshAt: number; shared: boolean } | undefined;
  /** The one token request in flight, which every call that needs a token waits for. */
  let inflight: Promise<TokenResult> | undefined;
  /** Why the next token request replaces a token (reported with it). */
  let replacing: Replacing;
  /** Tokens fetched for this process alone (no store, or it was down), with when they expire. */
  const own = new Map<string, number>();
  /** Own tokens this source revoked when the store came back (calls may still hold them). */
  const retired = new Set<string>();
  /** The shared token this process last used (revoked on close with `revokeOnClose`). */
  let shared: string | undefined;
  /** A shared token ECE refused: deleted from the store (if still there) before the next read. */
  let refusedShared: string | undefined;
  /** A token just fetched that the store has not taken yet: secret from the moment it arrives. */
  let fresh: string | undefined;
  /** Whether the store is taken as down: tokens are this process's own until a probe answers. */
  let fallback = false;
  let probe: ReturnType<typeof setInterval> | undefined;
  let probing = false;
  /** `close()` was called: a refused token is no longer replaced. */
  let closing = false;
  /** The calls have finished and the tokens are being revoked: nobody waits for the store any more. */
  let closed = false;

  // A refused token still goes to the store (compare-and-delete): its errors must not show it.
  const tokens = (): string[] =>
    [...own.keys(), ...retired, current?.token, shared, refusedShared, fresh].filter((token) => token !== undefined);
  const endpoint = createTokenEndpoint(settings, tokens);

  async function get(deadline: Deadline): Promise<TokenResult> {
    if (current && now() < current.refreshAt) return { ok: true, value: { token: current.token, fromCache: true } };
    if (current && !inflight) replacing = "expired";
    inflight ??= acquire().finally(() => (inflight = undefined));
    return deadline.race(inflight);
  }

  async function acquire(): Promise<TokenResult> {
    if (store && !fallback) {
      try {
        return await fromStore(store);
      } catch (thrown) {
        if (!(thrown instanceof StoreFailure)) throw thrown;
        storeFailed(store, thrown);
      }
    }
    const fetched = await requestToken();
    return fetched.ok ? keepOwn(fetched.value.token, fetched.value.lifetimeMs) : fetched;
  }

  /** A token from ECE, reported as replacing an earlier one when it does. */
  function requestToken(): Promise<Result<FetchedToken, TokenFailure>> {
    const reason = replacing;
    replacing = undefined;
    return endpoint.request(reason);
  }

  /** The own tokens not yet expired (an expired one is dead at ECE, and forgotten). */
  function ownHeld(): string[] {
    const time = now();
    for (const [token, expiresAt] of own) if (expiresAt <= time) own.delete(token);
    return [...own.keys()];
  }

  /** Sends with `token`, this process's own: replaced a refresh margin before it expires, revoked on close. */
  function keepOwn(token: string, lifetimeMs: number | undefined): TokenResult {
    ownHeld(); // forget the expired ones
    // No lifetime given: kept until ECE answers 401.
    const expiresAt = lifetimeMs === undefined ? Number.POSITIVE_INFINITY : now() + lifetimeMs;
    own.set(token, expiresAt);
    const refreshAt = lifetimeMs === undefined ? expiresAt : expiresAt - refreshMarginMs(lifetimeMs);
    current = { token, refreshAt, shared: false };
    return { ok: true, value: { token, fromCache: false } };
  }

  /** Revokes `held`; forgets the own ones ECE confirmed. */
  async function revoke(held: string[], revokeTimeoutMs: number): Promise<{ revoked: number; failed: number }> {
    const confirmed = await Promise.all(held.map((token) => endpoint.revoke(token, revokeTimeoutMs)));
    held.forEach((token, index) => confirmed[index] && own.delete(token));
    const revoked = confirmed.filter(Boolean).length;
    return { revoked, failed: held.length - revoked };
  }

  /** One store call under its own short deadline. */
  const storeCall = <T>(action: string, work: () => Promise<T>) => callStore(storeTimings.timeoutMs, action, work);
  let key: Promise<string> | undefined;
  /** The client's key in the store, hashed once. */
  const keyOf = () => storeCall("key", () => (key ??= storeKeyOf(settings.baseUrl, settings.apiRoot, settings.credentials.clientKey)));

  /** Reports a store failure and takes the store as down until a probe answers. */
  function storeFailed(store: TokenStore, failure: StoreFailure): void {
    emit?.({ type: "tokenStoreError", action: failure.action, message: endpoint.redact(failure.message) });
    if (fallback || closed) return;
    fallback = true;
    probe = setInterval(() => void probeStore(store), storeTimings.probeIntervalMs);
    (probe as { unref?: () => void }).unref?.();
  }

  /**
   * Asks the store whether it is back - it answers, and it holds a token or its lock can be taken
   * (a lock that never frees would otherwise cost a session per probe) - and if it is, goes back
   * to the shared token and revokes the own ones.
   */
  async function probeStore(store: TokenStore): Promise<void> {
    if (probing || closed || !fallback) return;
    probing = true;
    try {
      const key = await keyOf();
      const found: unknown = await storeCall("probe", () => store.read(key));
      if (!usable(found)) {
        if (!(await storeCall("probe", () => store.acquireLock(key, owner)))) return;
        await storeCall("probe", () => store.releaseLock(key, owner));
      }
      // An own token being fetched right now is revoked with the others.
      if (inflight) await inflight.catch(() => undefined);
      if (closed) return;
      fallback = false;
      clearInterval(probe);
      if (current && !current.shared) current = undefined;
      if (!current && usable(found) && found.token !== refusedShared) adopt(found.token, found.ttlMs);
      const held = ownHeld();
      for (const token of held) retired.add(token); // a 401 on it now earns a repeat
      await revoke(held, timeoutMs);
    } catch {
      // Not back (a store call failed): the next probe asks again.
    } finally {
      probing = false;
    }
  }

  function adopt(token: string, ttlMs: number): void {
    current = { token, refreshAt: now() + ttlMs, shared: true };
    shared = token;
    refusedShared = undefined; // a newer token: the refused one is gone from the store
    replacing = undefined; // nothing this process fetched is replaced
  }

  /**
   * The shared token, if the store holds one this process may use. The lock holder (`replacing`)
   * reports a value that cannot be a token: it is about to write one over it.
   */
  async function readShared(store: TokenStore, key: string, replacing = false): Promise<TokenResult | undefined> {
    const found: unknown = await storeCall("read", () => store.read(key));
    const problem = found === undefined || found === null ? undefined : problemOf(found);
    const message = `The token store held no valid token (${problem}): replacing it.`;
    if (problem !== undefined && replacing) emit?.({ type: "tokenStoreError", action: "read", message });
    if (!usable(found) || found.token === refusedShared) return undefined;
    adopt(found.token, found.ttlMs);
    // Fetched before this call asked: a 401 on it earns one new token and one repeat.
    return { ok: true, value: { token: found.token, fromCache: true } };
  }

  /** Holding the lock: fetch the token and share it (unless someone shared one meanwhile). */
  async function fetchShared(store: TokenStore, key: string): Promise<TokenResult> {
    try {
      const found = await readShared(store, key, true); // shared between our read and our lock?
      if (found) return found;
      const fetched = await requestToken();
      if (!fetched.ok) return fetched;
      const { token, lifetimeMs } = fetched.value;
      fresh = token; // a store's error may quote what it was given
      const lifetime = Math.min(lifetimeMs ?? ECE_LIFETIME_MS, ECE_LIFETIME_MS);
      const ttlMs = lifetime - refreshMarginMs(lifetime);
      try {
        await storeCall("write", () => store.write(key, token, ttlMs));
      } catch (thrown) {
        // Not shared: the token is this process's own, revoked once the store is back.
        storeFailed(store, thrown as StoreFailure);
        return keepOwn(token, lifetimeMs);
      }
      adopt(token, ttlMs);
      return { ok: true, value: { token, fromCache: false } };
    } finally {
      fresh = undefined; // now shared or this process's own (or nothing was fetched)
      // A lock that cannot be freed frees itself after the store's lock TTL.
      await storeCall("unlock", () => store.releaseLock(key, owner)).catch((thrown: StoreFailure) => fallback || storeFailed(store, thrown));
    }
  }

  /** The shared token: read it, or take the lock and fetch it, or wait for whoever holds the lock. */
  async function fromStore(store: TokenStore): Promise<TokenResult> {
    const key = await keyOf();
    const stale = refusedShared;
    if (stale !== undefined) await storeCall("delete", () => store.deleteIf(key, stale));
    // Calls that stop waiting at their deadline leave this wait going: the next ones join it.
    let lockSeenAt: number | undefined;
    for (;;) {
      const found = await readShared(store, key);
      if (found) return found;
      if (await storeCall("lock", () => store.acquireLock(key, owner))) return fetchShared(store, key);
      lockSeenAt ??= now();
      const { lockStuckMs } = storeTimings;
      if (now() - lockSeenAt > lockStuckMs) {
        throw new StoreFailure("lock", `The token store's lock stayed taken for over ${lockStuckMs} ms: it does not free itself.`);
      }
      if (closed) {
        const message = "The client closed while another process held the token store's lock.";
        return { ok: false, error: { kind: "timeout", message, timeoutMs, delivered: false } satisfies TokenFailure };
      }
      await new Promise((resolve) => setTimeout(resolve, STORE_POLL_INTERVAL_MS));
    }
  }

  return {
    get,
    async refused(given, repeatWithin) {
      const { token } = given;
      if (current?.token === token) {
        current = undefined;
        replacing = "401";
      }
      // ECE has no session for it: an own token is not revoked on close; a shared one leaves the store.
      if (!own.delete(token) && token === shared) {
        refusedShared = token;
        shared = undefined;
      }
      // Cached, it may simply have expired (or this source retired it when it went back to a
      // shared token): ECE did nothing, so a new token may mend the call. Not once the client is
      // closing: a token fetched now would outlive close().
      const stale = given.fromCache || retired.has(token);
      return repeatWithin && stale && !closing ? get(repeatWithin) : "stop";
    },
    async close(callsDone, revokeTimeoutMs) {
      closing = true;
      await callsDone;
      closed = true;
      clearInterval(probe);
      if (inflight) await inflight.catch(() => undefined);
      current = undefined;
      const held = ownHeld();
      const token = shared; // kept among the secrets: a store's error may quote it
      if (store && settings.revokeOnClose && token !== undefined) {
        held.push(token);
        const deleted = keyOf().then((key) => storeCall("delete", () => store.deleteIf(key, token)));
        await deleted.catch((thrown: StoreFailure) => storeFailed(store, thrown));
      }
      return revoke(held, revokeTimeoutMs);
    },
    secrets: () => [...endpoint.credentialSecrets, ...tokens()],
  };
}
