/**
 * Access tokens: the client-credentials token from ECE's token endpoint, cached until shortly
 * before it expires, fetched once for all concurrent callers (single flight), and revoked on
 * close - or a fixed token the caller supplies.
 *
 * @module
 */
import type { AuthorizationFailOutcome, ErrorOutcome, InternalServerErrorOutcome, InvalidChoiceOutcome, TimeoutOutcome } from "../outcomes/outcomes.js";
import { outcomeOfThrown, request, underDeadline, type EceApi, type Progress } from "../http/request.js";
import { createRedactor, redactBody } from "../internal/redact.js";
import { base64Utf8 } from "../internal/wire.js";
import type { Result } from "../internal/result.js";
import { failureOutcomeOf } from "../outcomes/status-table.js";
import type { Emit } from "../observe/events.js";
import { annotate, inSpan, type Tracer } from "../observe/tracing.js";
import type { Deadline } from "../http/transport.js";

/** The client key and secret of the client application registered in ECE's admin console. */
export interface ClientCredentials {
  clientKey: string;
  clientSecret: string;
}

/** A failure to get a token, as the call's outcome. */
export type TokenFailure = AuthorizationFailOutcome | InternalServerErrorOutcome | InvalidChoiceOutcome | TimeoutOutcome | ErrorOutcome;

/** A token to call with (and whether it was cached before the call asked: a 401 then earns one refresh). */
export type TokenResult = Result<{ token: string; fromCache: boolean }, TokenFailure>;

/** Where a client's access tokens come from. */
export interface TokenSource {
  /** Whether a token refused with 401 can be replaced by a new one. */
  readonly canRefresh: boolean;
  /** A token for a call; rejects only when `deadline` fires while waiting. */
  get(deadline: Deadline): Promise<TokenResult>;
  /** ECE refused `token` (401): forget it, so that the next `get` fetches anew. */
  invalidate(token: string): void;
  /**
   * Whether this source itself ended `token`'s session while calls may still have held it (a
   * token of its own, revoked once a shared store answered again): a 401 on it then earns the
   * call one new token and one repeat, as a 401 on a cached token does.
   */
  retired(token: string): boolean;
  /**
   * Revokes every token this source fetched that may still be live (waiting for a token request
   * in flight first); resolves to how many ECE confirmed and how many it did not.
   */
  revokeAll(timeoutMs: number): Promise<{ revoked: number; failed: number }>;
  /** Every secret this source holds, for redaction. */
  secrets(): Iterable<string>;
}

/** A fixed token from the caller: never refreshed, and never revoked (the caller owns it). */
export function createFixedTokenSource(accessToken: string): TokenSource {
  const result: TokenResult = { ok: true, value: { token: accessToken, fromCache: true } };
  return {
    canRefresh: false,
    get: () => Promise.resolve(result),
    invalidate: () => undefined,
    retired: () => false,
    revokeAll: () => Promise.resolve({ revoked: 0, failed: 0 }),
    secrets: () => [accessToken],
  };
}

/**
 * A token source that is still being made: the store-backed one lives in a file of its own
 * (`token-store.js`), which only a client with a `tokenStore` loads. Calls wait for it; until it
 * exists it holds no token, and `secrets` are the credentials. Should the file fail to load (a
 * deployment that left it out), `fallback` makes the source the calls use instead.
 */
export function createDeferredTokenSource(
  loading: Promise<TokenSource>,
  fallback: (thrown: unknown) => TokenSource,
  credentialSecrets: readonly string[],
): TokenSource {
  let source: TokenSource | undefined;
  const ready = loading.then(
    (made) => (source = made),
    (thrown: unknown) => (source = fallback(thrown)),
  );
  return {
    canRefresh: true,
    get: async (deadline) => (await deadline.race(ready)).get(deadline),
    invalidate: (token) => source?.invalidate(token),
    retired: (token) => source?.retired(token) ?? false,
    revokeAll: async (timeoutMs) => (await ready).revokeAll(timeoutMs),
    secrets: () => source?.secrets() ?? credentialSecrets,
  };
}

/** Settings of {@link createClientCredentialsTokenSource}. */
export interface ClientCredentialsSettings {
  api: EceApi;
  credentials: ClientCredentials;
  /** Ask for the token with `?forceLogin=yes`, ending an older session instead of failing. */
  forceLogin: boolean;
  /** Time allowed for one token request. */
  timeoutMs: number;
  /** The API root the client calls under (named when no token endpoint answers there). */
  apiRoot: string;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  /** The client's event stream. */
  emit?: Emit;
  /** The caller's tracer: the token request is a span (a child of the operation's). */
  tracer?: Tracer;
}

/** How long before expiry a token is replaced: a tenth of its lifetime, at most a minute. */
export function refreshMarginMs(expiresInSeconds: number): number {
  return Math.min(60_000, (expiresInSeconds * 1000) / 10);
}

const TOKEN_PATH = "/authentication/oauth2/token";

/** A token as ECE's token endpoint handed it out: its lifetime in ms, when ECE gave one. */
interface FetchedToken {
  token: string;
  lifetimeMs: number | undefined;
}

/** ECE's token endpoint, as a token source uses it. */
export interface TokenEndpoint {
  /**
   * Requests a token (with `?forceLogin=yes` when configured), reporting it as `tokenRequested`,
   * or as `tokenRefreshed` when it replaces an earlier one. Never rejects.
   */
  request(replacing: Replacing): Promise<Result<FetchedToken, TokenFailure>>;
  /** Revokes `token`; resolves whether ECE confirmed it. Never rejects. */
  revoke(token: string, timeoutMs: number): Promise<boolean>;
  /** The client secret and the Basic credentials (`key:secret`) built from it. */
  readonly credentialSecrets: readonly string[];
  /** `text` with the credentials and the source's tokens taken out. */
  redact(text: string): string;
}

/**
 * The client secret and the Basic credentials (`key:secret`): the secrets of the credentials.
 * A redactor takes out their encoded forms too, the `Authorization` header's base64 among them.
 */
export function credentialSecretsOf({ clientKey, clientSecret }: ClientCredentials): [secret: string, basic: string] {
  return [clientSecret, `${clientKey}:${clientSecret}`];
}

/**
 * The token and revoke requests of a client-credentials source. `tokens` lists the tokens the
 * source holds, which are redacted (with the credentials) in whatever ECE answers.
 */
export function createTokenEndpoint(settings: ClientCredentialsSettings, tokens: () => Iterable<string>): TokenEndpoint {
  const { api, credentials, forceLogin, timeoutMs, emit } = settings;
  const credentialSecrets = credentialSecretsOf(credentials);
  const basicCredentials = base64Utf8(credentialSecrets[1]);
  const redact = createRedactor(() => [...credentialSecrets, ...tokens()]);
  const watch = (operation: string) =>
    emit && ((request: Request) => emit({ type: "request", operation, attempt: 1, method: request.method, path: new URL(request.url).pathname }));

  function requestToken(replacing: Replacing): Promise<Result<FetchedToken, TokenFailure>> {
    emit?.(replacing === undefined ? { type: "tokenRequested" } : { type: "tokenRefreshed", reason: replacing });
    return inSpan(settings.tracer, "ece.token", {}, async (span): Promise<Result<FetchedToken, TokenFailure>> => {
      const progress: Progress = { sent: false, ...(emit ? { watch: watch("token") } : {}) };
      const result = await underDeadline<Result<FetchedToken, TokenFailure>>(
        timeoutMs,
        undefined,
        async (deadline): Promise<Result<FetchedToken, TokenFailure>> => {
          const { data, error, response } = await request(deadline, progress, (extras) =>
            api.POST(TOKEN_PATH, {
              params: { query: forceLogin ? { forceLogin: "yes" } : {} },
              body: { grant_type: "client_credentials" },
              bodySerializer: (body) => new URLSearchParams(body).toString(),
              headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${basicCredentials}` },
              ...extras,
            }),
          );
          if (!response.ok) {
            const answer = { status: response.status, body: redactBody(error, redact, false), headers: response.headers };
            const outcome = failureOutcomeOf("createAccessToken", { ...answer, path: `${settings.apiRoot}${TOKEN_PATH}` });
            // A token request never carries the message: whatever happened, it was not delivered.
            return { ok: false, error: { ...outcome, delivered: false } as TokenFailure };
          }
          const token = (data as { access_token?: unknown } | undefined)?.access_token;
          if (typeof token !== "string" || token === "") {
            const message = `The token endpoint answered ${response.status} without an access_token.`;
            return { ok: false, error: { kind: "error", message, status: response.status, delivered: false } };
          }
          const expiresIn = (data as { expires_in?: unknown }).expires_in;
          const hasLifetime = typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0;
          return { ok: true, value: { token, lifetimeMs: hasLifetime ? expiresIn * 1000 : undefined } };
        },
        (thrown, deadline) => ({ ok: false, error: { ...outcomeOfThrown(thrown, deadline, progress, redact), delivered: false } }),
      );
      annotate(span, { "http.response.status_code": progress.status, "ece.outcome.kind": result.ok ? "token" : result.error.kind });
      return result;
    });
  }

  function revoke(token: string, revokeTimeoutMs: number): Promise<boolean> {
    return underDeadline(
      revokeTimeoutMs,
      undefined,
      async (deadline) => {
        const { response } = await request(deadline, { sent: false, ...(emit ? { watch: watch("revoke") } : {}) }, (extras) =>
          api.POST("/authentication/oauth2/revoke", { headers: { Authorization: `Bearer ${token}` }, ...extras }),
        );
        emit?.({ type: "tokenRevoked", ok: response.ok });
        return response.ok;
      },
      () => {
        emit?.({ type: "tokenRevoked", ok: false });
        return false;
      },
    );
  }

  return { request: requestToken, revoke, credentialSecrets, redact };
}

/**
 * The tokens this process fetched that may still be live at ECE, each with its expiry: a token
 * replaced shortly before it expires is still a session, revoked on close; an expired one is dead
 * at ECE and forgotten. Both token sources (in-process and store-backed) keep theirs here.
 */
interface LiveTokens {
  /** Keeps a new token; returns when to replace it (a refresh margin before it expires). */
  keep(token: string, lifetimeMs: number | undefined): number;
  /** Forgets `token` (ECE has no session for it); whether it was held. */
  delete(token: string): boolean;
  /** The tokens held, for redaction. */
  keys(): IterableIterator<string>;
  /** The tokens not yet expired. */
  held(): string[];
  /** Revokes `tokens` (default: every one held); forgets those ECE confirmed. */
  revoke(revoke: (token: string) => Promise<boolean>, tokens?: string[]): Promise<{ revoked: number; failed: number }>;
}

/** {@link LiveTokens} on the clock `now`. */
export function createLiveTokens(now: () => number): LiveTokens {
  const expiries = new Map<string, number>();
  const held = (): string[] => {
    const time = now();
    for (const [token, expiresAt] of expiries) if (expiresAt <= time) expiries.delete(token);
    return [...expiries.keys()];
  };
  return {
    keep(token, lifetimeMs) {
      // No lifetime given: keep it until ECE answers 401.
      const expiresAt = lifetimeMs === undefined ? Number.POSITIVE_INFINITY : now() + lifetimeMs;
      held(); // forget the expired ones
      expiries.set(token, expiresAt);
      return lifetimeMs === undefined ? expiresAt : expiresAt - refreshMarginMs(lifetimeMs / 1000);
    },
    delete: (token) => expiries.delete(token),
    keys: () => expiries.keys(),
    held,
    async revoke(revoke, tokens = held()) {
      const confirmed = await Promise.all(tokens.map(revoke));
      tokens.forEach((token, index) => confirmed[index] && expiries.delete(token));
      const revoked = confirmed.filter(Boolean).length;
      return { revoked, failed: tokens.length - revoked };
    },
  };
}

/** Why a token request replaces an earlier token: it expired, or ECE refused it (401). */
type Replacing = "expired" | "401" | undefined;

/**
 * The token a source sends with, and the one request in flight that replaces it (single flight):
 * what both sources (in-process and store-backed) keep alike. `acquire` fetches and sets
 * `current`; `takeReplacing` tells it why.
 */
interface TokenCache<Entry extends { token: string; refreshAt: number }> {
  current: Entry | undefined;
  readonly inflight: Promise<TokenResult> | undefined;
  /** The cached token while it is fresh, else the one request in flight (started if none is). */
  get(deadline: Deadline): Promise<TokenResult>;
  /** ECE refused `token`: when it is the cached one, the next `get` replaces it (a `401` refresh). */
  forget(token: string): void;
  /** Why the request now starting replaces a token (and forgets the reason). */
  takeReplacing(): Replacing;
  /** A token arrived that replaces nothing this source fetched (another process's): no reason to report. */
  clearReplacing(): void;
}

/** A {@link TokenCache} on the clock `now`, fetching with `acquire`. */
export function createTokenCache<Entry extends { token: string; refreshAt: number }>(
  now: () => number,
  acquire: () => Promise<TokenResult>,
): TokenCache<Entry> {
  let inflight: Promise<TokenResult> | undefined;
  let replacing: Replacing;
  const cache: TokenCache<Entry> = {
    current: undefined,
    get inflight() {
      return inflight;
    },
    async get(deadline) {
      const { current } = cache;
      if (current && now() < current.refreshAt) return { ok: true, value: { token: current.token, fromCache: true } };
      if (current && !inflight) replacing = "expired";
      inflight ??= acquire().finally(() => {
        inflight = undefined;
      });
      return deadline.race(inflight);
    },
    forget(token) {
      if (cache.current?.token !== token) return;
      cache.current = undefined;
      replacing = "401";
    },
    takeReplacing() {
      const reason = replacing;
      replacing = undefined;
      return reason;
    },
    clearReplacing() {
      replacing = undefined;
    },
  };
  return cache;
}

/** Client-credentials tokens from ECE's token endpoint, cached in this process. */
export function createClientCredentialsTokenSource(settings: ClientCredentialsSettings): TokenSource {
  const now = settings.now ?? Date.now;
  /** Every token fetched that may still be live at ECE: revoked on close. */
  const live = createLiveTokens(now);
  const endpoint = createTokenEndpoint(settings, () => live.keys());
  const cache = createTokenCache(now, async (): Promise<TokenResult> => {
    const fetched = await endpoint.request(cache.takeReplacing());
    if (!fetched.ok) return fetched;
    const { token, lifetimeMs } = fetched.value;
    cache.current = { token, refreshAt: live.keep(token, lifetimeMs) };
    return { ok: true, value: { token, fromCache: false } };
  });

  return {
    canRefresh: true,
    get: cache.get,
    invalidate(token) {
      cache.forget(token);
      live.delete(token); // ECE has no session for it
    },
    retired: () => false,
    async revokeAll(revokeTimeoutMs) {
      if (cache.inflight) await cache.inflight;
      cache.current = undefined;
      return live.revoke((token) => endpoint.revoke(token, revokeTimeoutMs));
    },
    secrets: () => [...endpoint.credentialSecrets, ...live.keys()],
  };
}

export { base64Utf8 } from "../internal/wire.js";
