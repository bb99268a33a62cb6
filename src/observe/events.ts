/**
 * One event stream for everything the SDK does: `onEvent` listeners and the leveled logger both
 * read it. Events carry operations, statuses, durations, outcome kinds, conversation IDs and
 * counts - never a token, a secret, an Authorization header, message content or a body.
 *
 * @module
 */
import type { Delivered, OutcomeKind } from "../outcomes/outcomes.js";
import { hasMethods, type Fields } from "../internal/check.js";

/**
 * An HTTP request is about to be sent (one per attempt: a repeat after a 401, or the first
 * retry, is attempt 2; an attempt whose token request failed uses up its number).
 */
export interface RequestEvent {
  type: "request";
  /** The SDK operation, e.g. `sendTextMessage`, or `token` / `revoke`. */
  operation: string;
  /**
   * The call's request number (1: the first). A `token` request is shared by every call waiting
   * for it, so it is always 1: its retries show as the waiting call's `retry` events.
   */
  attempt: number;
  method: string;
  /** The URL's path (no query string, no host). */
  path: string;
  conversationId?: string;
}

/** An operation ended: its outcome, as a kind. */
export interface ResponseEvent {
  type: "response";
  operation: string;
  /** The last HTTP status, when ECE answered. */
  status?: number;
  durationMs: number;
  outcome: OutcomeKind;
  /** For a failure: whether the message may have reached ECE. */
  delivered?: Delivered;
  /** ECE's request ID (`x-request-id`, `x-correlation-id` or `request-id`), when it sent one. */
  requestId?: string;
  conversationId?: string;
}

/**
 * A failed request is sent again after `delayMs` (one event per retry; logged at `warn`): it
 * provably did not reach ECE, ECE answered 429, or it was a read.
 */
export interface RetryEvent {
  type: "retry";
  /** The SDK operation, or `revoke`. */
  operation: string;
  /** The request that failed, counted as {@link RequestEvent.attempt} counts (1: the first). */
  attempt: number;
  delayMs: number;
  /** The failure's kind. */
  outcome: OutcomeKind;
  /** Its HTTP status, when ECE answered. */
  status?: number;
}

/** A token is being requested from ECE's token endpoint. */
export interface TokenRequestedEvent {
  type: "tokenRequested";
}

/** A token replaced an earlier one: it was about to expire, or ECE refused it with 401. */
export interface TokenRefreshedEvent {
  type: "tokenRefreshed";
  reason: "expired" | "401";
}

/** A token was revoked on close (`ok`: ECE confirmed it). */
export interface TokenRevokedEvent {
  type: "tokenRevoked";
  ok: boolean;
}

/** The webhook receiver handed messages to `onMessages`. */
export interface WebhookReceivedEvent {
  type: "webhookReceived";
  messageCount: number;
  contentType: string;
}

/** The webhook receiver refused a request; `reason` is a code, never credentials or body text. */
export interface WebhookRefusedEvent {
  type: "webhookRefused";
  status: number;
  reason: string;
}

/** The shared token store failed or was too slow; the client went on with a token of its own. */
export interface TokenStoreErrorEvent {
  type: "tokenStoreError";
  /** What the client was doing with the store, e.g. `read`. */
  action: string;
  /** The store error's message (redacted). */
  message: string;
}

/** Everything the SDK reports, discriminated by `type`. */
export type EceEvent =
  | RequestEvent
  | ResponseEvent
  | RetryEvent
  | TokenRequestedEvent
  | TokenRefreshedEvent
  | TokenRevokedEvent
  | WebhookReceivedEvent
  | WebhookRefusedEvent
  | TokenStoreErrorEvent;

/** Any logger with these four methods: `console`, pino, winston, as they are. */
export interface Logger {
  /** Requests. */
  debug(message: string): unknown;
  /** Successes and token events. */
  info(message: string): unknown;
  /** Failures, retries and webhook refusals. */
  warn(message: string): unknown;
  /** Token-store errors. */
  error(message: string): unknown;
}

/** How much the logger is told: `off` (default) to `debug` (everything). */
export type LogLevel = "off" | "error" | "warn" | "info" | "debug";

/** The options that observe a client or a webhook handler. */
export interface ObservabilityOptions {
  /** Called with every event; a listener that throws (or returns a promise that rejects) changes nothing. */
  onEvent?: (event: EceEvent) => void;
  /** Where log lines go (default `console`, once a `logLevel` is on). */
  logger?: Logger;
  /** Default `off`, or the `ECE_LOG` environment variable when set. */
  logLevel?: LogLevel;
}

const rank: Readonly<Record<LogLevel, number>> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** Checks `onEvent`, `logger` and `logLevel` (shared by the client and the webhook handler). */
export function checkObservabilityOptions(fields: Fields): ObservabilityOptions {
  const onEvent = fields.optional("onEvent", (given) => typeof given === "function", "must be a function");
  const logger = fields.optional("logger", (given) => hasMethods(given, ["debug", "info", "warn", "error"]), "must have debug, info, warn and error methods");
  const isLevel = (given: unknown) => typeof given === "string" && Object.hasOwn(rank, given);
  const logLevel = fields.optional("logLevel", isLevel, 'must be "off", "error", "warn", "info" or "debug"');
  return { onEvent, logger, logLevel } as ObservabilityOptions;
}

/** `ECE_LOG`, read so that it never throws (Deno without env permission, browsers, edge). */
function environmentLevel(): LogLevel | undefined {
  try {
    const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.ECE_LOG;
    return value !== undefined && Object.hasOwn(rank, value) ? (value as LogLevel) : undefined;
  } catch {
    return undefined;
  }
}

/** The level an event is logged at, when not `info` (a response's: `warn` for a failure). */
const levelByType: Partial<Record<EceEvent["type"], Exclude<LogLevel, "off">>> = { request: "debug", retry: "warn", webhookRefused: "warn", tokenStoreError: "error" };

function levelOf(event: EceEvent): Exclude<LogLevel, "off"> {
  if (event.type === "response" && event.delivered !== undefined) return "warn";
  return levelByType[event.type] ?? "info";
}

/**
 * Calls an observer (a listener, a logger's or a span's method): whatever it throws, or a
 * promise it returns rejects with, is its own - it changes no outcome and never surfaces as an
 * unhandled rejection.
 */
export function observe(call: () => unknown): void {
  try {
    const result = call();
    if ((typeof result === "object" || typeof result === "function") && result !== null && typeof (result as PromiseLike<unknown>).then === "function") {
      (result as PromiseLike<unknown>).then(undefined, ignore);
    }
  } catch {
    // The observer's failure is its own.
  }
}

function ignore(): void {}

/** Sends an event to the listener and the logger; `undefined` when nothing listens. */
export type Emit = ((event: EceEvent) => void) | undefined;

/**
 * The one emitter of a client or handler: to `onEvent`, then one structured line (`ece-messaging`
 * and the event as JSON) at the event's level. A listener or logger that throws or rejects is ignored.
 * Returns `undefined` when nobody listens, so the hot path can skip building events.
 */
export function createEmitter(options: ObservabilityOptions): Emit {
  const level = rank[options.logLevel ?? environmentLevel() ?? "off"];
  const logger = level > 0 ? (options.logger ?? console) : undefined;
  const listener = options.onEvent;
  if (!listener && !logger) return undefined;
  return (event) => {
    if (listener) observe(() => listener(event));
    const at = levelOf(event);
    if (logger && rank[at] <= level) observe(() => logger[at](`ece-messaging ${JSON.stringify(event)}`));
  };
}
