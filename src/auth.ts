/**
 * Access tokens: the client-credentials token from ECE's token endpoint, cached until shortly
 * before it expires, fetched once for all concurrent callers (single flight), and revoked on
 * close - or a fixed token the caller supplies.
 *
 * @module
 */
import type { Client } from "openapi-fetch";
import type { paths } from "../generated/ece-messaging.js";
import type {
  AuthorizationFailOutcome,
  ErrorOutcome,
  InternalServerErrorOutcome,
  InvalidChoiceOutcome,
  TimeoutOutcome,
} from "./outcomes.js";
import { readErrorBody } from "./outcomes.js";
import {
  createRedactor,
  Deadline,
  observeStatus,
  outcomeOfThrown,
  redactBody,
  type CallFetch,
  type ClientFetch,
} from "./transport.js";

/** The openapi-fetch client for the spec's paths. */
export type EceApi = Client<paths>;

/** The client key and secret of the client application registered in ECE's admin console. */
export interface ClientCredentials {
  clientKey: string;
  clientSecret: string;
}

/** A failure to get a token, as the call's outcome. */
export type TokenFailure =
  | AuthorizationFailOutcome
  | InternalServerErrorOutcome
  | InvalidChoiceOutcome
  | TimeoutOutcome
  | ErrorOutcome;

/** A token to call with, or why there is none. */
export type TokenResult =
  | {
      ok: true;
      token: string;
      /** Whether the token was cached before this call asked (a 401 then earns one refresh). */
      fromCache: boolean;
    }
  | { ok: false; outcome: TokenFailure };

/** Where a client's access tokens come from. */
export interface TokenSource {
  /** Whether a token refused with 401 can be replaced by a new one. */
  readonly canRefresh: boolean;
  /** A token for a call; rejects only when `deadline` fires while waiting. */
  get(deadline: Deadline): Promise<TokenResult>;
  /** ECE refused `token` (401): forget it, so that the next `get` fetches anew. */
  invalidate(token: string): void;
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
  const result: TokenResult = { ok: true, token: accessToken, fromCache: true };
  return {
    canRefresh: false,
    get: () => Promise.resolve(result),
    invalidate: () => undefined,
    revokeAll: () => Promise.resolve({ revoked: 0, failed: 0 }),
    secrets: () => [accessToken],
  };
}

/** Settings of {@link createClientCredentialsTokenSource}. */
export interface ClientCredentialsSettings {
  api: EceApi;
  /** The fetch the client calls with (bodies capped), for one call's status observer. */
  fetch: CallFetch;
  credentials: ClientCredentials;
  /** Ask for the token with `?forceLogin=yes`, ending an older session instead of failing. */
  forceLogin: boolean;
  /** Time allowed for one token request. */
  timeoutMs: number;
  /** The API root the client calls under (named when no token endpoint answers there). */
  apiRoot: string;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
}

/** How long before expiry a token is replaced: a tenth of its lifetime, at most a minute. */
export function refreshMarginMs(expiresInSeconds: number): number {
  return Math.min(60_000, (expiresInSeconds * 1000) / 10);
}

/** Client-credentials tokens from ECE's token endpoint. */
export function createClientCredentialsTokenSource(settings: ClientCredentialsSettings): TokenSource {
  const { api, credentials, forceLogin, timeoutMs } = settings;
  const now = settings.now ?? Date.now;
  const basicCredentials = base64Utf8(`${credentials.clientKey}:${credentials.clientSecret}`);
  const basic = `Basic ${basicCredentials}`;
  const tokenPath = "/authentication/oauth2/token";
  /** Every token fetched that may still be live at ECE, with when it expires: revoked on close. */
  const live = new Map<string, number>();
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<TokenResult> | undefined;

  function forgetExpired(): void {
    const time = now();
    for (const [token, expiresAt] of live) if (expiresAt <= time) live.delete(token);
  }

  async function requestToken(): Promise<TokenResult> {
    const deadline = new Deadline(timeoutMs);
    let status: number | undefined;
    try {
      const { data, error, response } = await deadline.race(
        api.POST(tokenPath, {
          params: { query: forceLogin ? { forceLogin: "yes" } : {} },
          body: { grant_type: "client_credentials" },
          bodySerializer: (body) => new URLSearchParams(body).toString(),
          headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basic },
          signal: deadline.signal,
          redirect: "manual",
          fetch: observeStatus(settings.fetch, (seen) => (status = seen)) as unknown as ClientFetch,
        }),
      );
      if (!response.ok) return { ok: false, outcome: tokenFailureOf(response, redactBody(error, redact, false), `${settings.apiRoot}${tokenPath}`) };
      const token = (data as { access_token?: unknown } | undefined)?.access_token;
      if (typeof token !== "string" || token === "") {
        return {
          ok: false,
          outcome: {
            kind: "error",
            message: `The token endpoint answered ${response.status} without an access_token.`,
            status: response.status,
          },
        };
      }
      const expiresIn = (data as { expires_in?: unknown }).expires_in;
      const hasLifetime = typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0;
      // No lifetime given: keep it until ECE answers 401.
      const expiresAt = hasLifetime ? now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      forgetExpired();
      live.set(token, expiresAt);
      cached = { token, refreshAt: hasLifetime ? expiresAt - refreshMarginMs(expiresIn) : expiresAt };
      return { ok: true, token, fromCache: false };
    } catch (thrown) {
      return { ok: false, outcome: outcomeOfThrown(thrown, deadline, status, redact) };
    } finally {
      deadline.dispose();
    }
  }

  async function revoke(token: string, revokeTimeoutMs: number): Promise<boolean> {
    const deadline = new Deadline(revokeTimeoutMs);
    try {
      const { response } = await deadline.race(
        api.POST("/authentication/oauth2/revoke", {
          headers: { Authorization: `Bearer ${token}` },
          signal: deadline.signal,
          redirect: "manual",
        }),
      );
      return response.ok;
    } catch {
      return false;
    } finally {
      deadline.dispose();
    }
  }

  const secretsHeld = (): string[] => [credentials.clientSecret, basicCredentials, ...live.keys()];
  const redact = createRedactor(secretsHeld);

  return {
    canRefresh: true,
    async get(deadline) {
      if (cached && now() < cached.refreshAt) return { ok: true, token: cached.token, fromCache: true };
      if (!inflight) {
        inflight = requestToken().finally(() => {
          inflight = undefined;
        });
      }
      return deadline.race(inflight);
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
      live.delete(token); // ECE has no session for it
    },
    async revokeAll(revokeTimeoutMs) {
      if (inflight) await inflight;
      cached = undefined;
      forgetExpired();
      const held = [...live.keys()];
      const results = await Promise.all(held.map((token) => revoke(token, revokeTimeoutMs)));
      held.forEach((token, index) => {
        if (results[index]) live.delete(token);
      });
      const revoked = results.filter(Boolean).length;
      return { revoked, failed: results.length - revoked };
    },
    secrets: secretsHeld,
  };
}

/**
 * The outcome of a token request that ECE answered with an error status: refused credentials
 * (400, 401, 403) are `authorizationFail`; a 404 or a redirect means no token endpoint is there
 * (a wrong `baseUrl` or `apiRoot`, not a wrong secret); 500 and other statuses as for a send.
 */
function tokenFailureOf(response: Response, body: unknown, path: string): TokenFailure {
  const status = response.status;
  const { code, developerMessage } = readErrorBody(body);
  const details = {
    status,
    ...(code === undefined ? {} : { code }),
    ...(developerMessage === undefined ? {} : { developerMessage }),
  };
  if (status === 400 || status === 401 || status === 403) {
    return {
      kind: "authorizationFail",
      message: `The token endpoint refused the client credentials (status ${status}).`,
      ...details,
    };
  }
  if (status === 404 || (status >= 300 && status <= 399)) {
    return {
      kind: "error",
      message: `No ECE token endpoint answered at ${path} (status ${status}): check the client's baseUrl and apiRoot.`,
      status,
    };
  }
  if (status === 500) return { kind: "internalServerError", message: "ECE's token endpoint had an internal server error.", ...details };
  return { kind: "invalidChoice", message: `The token endpoint answered with status ${status}, which no outcome is configured for.`, ...details };
}

/** Base64 of the UTF-8 bytes of `text` (Basic credentials may hold any character). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
