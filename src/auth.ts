/**
 * Access tokens: the client-credentials token from ECE's token endpoint, cached until shortly
 * before it expires, fetched once for all concurrent callers (single flight), and revoked on
 * close - or a fixed token the caller supplies.
 *
 * @module
 */
import type { Client } from "openapi-fetch";
import type { paths } from "../generated/ece-messaging.js";
import type { AuthorizationFailOutcome, ErrorOutcome, TimeoutOutcome } from "./outcomes.js";
import { readErrorBody } from "./outcomes.js";
import { Deadline, observeStatus, outcomeOfThrown, type CallFetch, type ClientFetch } from "./transport.js";

/** The openapi-fetch client for the spec's paths. */
export type EceApi = Client<paths>;

/** The client key and secret of the client application registered in ECE's admin console. */
export interface ClientCredentials {
  clientKey: string;
  clientSecret: string;
}

/** A failure to get a token, as the call's outcome (runOperation redacts it with every outcome). */
export type TokenFailure = AuthorizationFailOutcome | TimeoutOutcome | ErrorOutcome;

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
  /** Forgets `token` if it is still the cached one, so that the next `get` fetches anew. */
  invalidate(token: string): void;
  /** Revokes the token this source obtained, if any; `true` when ECE confirmed it. */
  revoke(timeoutMs: number): Promise<boolean>;
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
    revoke: () => Promise.resolve(false),
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
  /** The clock, in epoch milliseconds. */
  now?: () => number;
}

/** How long before expiry a token is replaced: a tenth of its lifetime, at most a minute. */
export function refreshMarginMs(expiresInSeconds: number): number {
  return Math.min(60_000, (expiresInSeconds * 1000) / 10);
}

const TOKENS_REMEMBERED_FOR_REDACTION = 8;

/** Client-credentials tokens from ECE's token endpoint. */
export function createClientCredentialsTokenSource(settings: ClientCredentialsSettings): TokenSource {
  const { api, credentials, forceLogin, timeoutMs } = settings;
  const now = settings.now ?? Date.now;
  const basicCredentials = base64Utf8(`${credentials.clientKey}:${credentials.clientSecret}`);
  const basic = `Basic ${basicCredentials}`;
  const seenTokens: string[] = [];
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<TokenResult> | undefined;

  function remember(token: string): void {
    seenTokens.push(token);
    if (seenTokens.length > TOKENS_REMEMBERED_FOR_REDACTION) seenTokens.shift();
  }

  async function requestToken(): Promise<TokenResult> {
    const deadline = new Deadline(timeoutMs);
    let status: number | undefined;
    try {
      const { data, error, response } = await deadline.race(
        api.POST("/authentication/oauth2/token", {
          params: { query: forceLogin ? { forceLogin: "yes" } : {} },
          body: { grant_type: "client_credentials" },
          bodySerializer: (body) => new URLSearchParams(body).toString(),
          headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basic },
          signal: deadline.signal,
          redirect: "manual",
          fetch: observeStatus(settings.fetch, (seen) => (status = seen)) as unknown as ClientFetch,
        }),
      );
      if (!response.ok) {
        const body = readErrorBody(error);
        return {
          ok: false,
          outcome: {
            kind: "authorizationFail",
            message: `The token endpoint refused the client credentials (status ${response.status}).`,
            status: response.status,
            ...(body.code === undefined ? {} : { code: body.code }),
            ...(body.developerMessage === undefined ? {} : { developerMessage: body.developerMessage }),
          },
        };
      }
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
      remember(token);
      const expiresIn = (data as { expires_in?: unknown }).expires_in;
      const refreshAt =
        typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0
          ? now() + expiresIn * 1000 - refreshMarginMs(expiresIn)
          : Number.POSITIVE_INFINITY; // no lifetime given: keep it until ECE answers 401
      cached = { token, refreshAt };
      return { ok: true, token, fromCache: false };
    } catch (thrown) {
      return { ok: false, outcome: outcomeOfThrown(thrown, deadline, status) };
    } finally {
      deadline.dispose();
    }
  }

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
    },
    async revoke(revokeTimeoutMs) {
      if (inflight) await inflight;
      const held = cached;
      cached = undefined;
      if (!held) return false;
      const deadline = new Deadline(revokeTimeoutMs);
      try {
        const { response } = await deadline.race(
          api.POST("/authentication/oauth2/revoke", {
            headers: { Authorization: `Bearer ${held.token}` },
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
    },
    secrets() {
      return [credentials.clientSecret, basicCredentials, ...seenTokens];
    },
  };
}

/** Base64 of the UTF-8 bytes of `text` (Basic credentials may hold any character). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
