/**
 * The one HTTP skeleton every request of the SDK uses (sends, the token request, revoke): a
 * deadline around the whole exchange, the capped fetch with `redirect: "manual"`, what the
 * request got to (sent? answered?), and whatever is thrown turned into an outcome that says
 * whether the message may have been delivered.
 *
 * @module
 */
import type { Client, Middleware } from "openapi-fetch";
import type { paths } from "../../generated/ece-messaging.js";
import { BodyTooLargeError } from "../internal/read-capped.js";
import type { ErrorOutcome, FailureOutcome, OperationName, TimeoutOutcome } from "../outcomes/outcomes.js";
import { redactBody, type Redact } from "../internal/redact.js";
import { deliveredByStatus, failureOutcomeOf, type SpecOperation } from "../outcomes/status-table.js";
import { Deadline } from "./transport.js";
import type { Emit } from "../observe/events.js";
import { annotate, type Span } from "../observe/tracing.js";
import { definedFields } from "../internal/wire.js";

/** The openapi-fetch client for the spec's paths. */
export type EceApi = Client<paths>;

/** How far one call got: whether its request went to fetch, and the status that came back. */
export interface Progress {
  sent: boolean;
  /** The URL of the last request sent (its path is named when nothing of ECE's answers there). */
  url?: string;
  status?: number;
  /** The request's headers as ECE answered them (for its request ID). */
  headers?: Headers;
  /** Told of each request as it goes to fetch (for `request` events). */
  watch?: (request: Request) => void;
}

/** Before a retry: what the next attempt (or an abort while waiting) gets to starts afresh. */
export function resetProgress(progress: Progress): void {
  progress.sent = false;
  progress.status = undefined;
  progress.headers = undefined;
}

/** What openapi-fetch resolves to. */
export interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
  /** A success body's text, for an operation that reads more from it than its JSON value. */
  text?: string;
}

/**
 * A fresh {@link Progress} that tells of each request as it goes: a `request` event (numbered by
 * `attempt`) and its method and path on `span`.
 */
export function watchedProgress(emit: Emit, span: Span | undefined, operation: string, attempt: () => number, conversationId?: string): Progress {
  if (!emit && !span) return { sent: false };
  const watch = (request: Request) => {
    const path = new URL(request.url).pathname;
    annotate(span, { "http.request.method": request.method, "url.path": path });
    emit?.({ type: "request", operation, attempt: attempt(), method: request.method, path, ...definedFields({ conversationId }) });
  };
  return { sent: false, watch };
}

/** What the skeleton adds to each openapi-fetch call. */
export interface RequestExtras {
  signal: AbortSignal;
  redirect: "manual";
  middleware: Middleware[];
}

/**
 * Runs `work` under one deadline (`timeoutMs`, and the caller's `signal`), disposing of it
 * after; whatever `work` throws becomes `onThrown`'s value. Never rejects.
 */
export async function underDeadline<T>(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  work: (deadline: Deadline) => Promise<T>,
  onThrown: (thrown: unknown, deadline: Deadline) => T,
): Promise<T> {
  const deadline = new Deadline(timeoutMs, signal);
  try {
    return await work(deadline);
  } catch (thrown) {
    return onThrown(thrown, deadline);
  } finally {
    deadline.dispose();
  }
}

/**
 * One request: `send` is handed the deadline's signal, `redirect: "manual"` (a redirect is an
 * answer, never followed) and a middleware that records `progress`; it loses the race as soon as
 * the deadline fires, even if whatever is behind it ignores the signal.
 */
export function request<T>(deadline: Deadline, progress: Progress, send: (extras: RequestExtras) => Promise<T>): Promise<T> {
  const observer: Middleware = {
    onRequest({ request }) {
      progress.sent = true;
      progress.url = request.url;
      progress.status = undefined;
      progress.watch?.(request);
    },
    onResponse({ response }) {
      progress.status = response.status;
      progress.headers = response.headers;
    },
  };
  return deadline.race(send({ signal: deadline.signal, redirect: "manual", middleware: [observer] }));
}

/**
 * The failure an error answer of `spec` is, by the status table: its body redacted, the path it
 * was sent to named (the table names it when nothing of ECE's answers there).
 */
export function failureOfAnswer(spec: SpecOperation, { response, error }: Answer, progress: Progress, redact: Redact, operation?: OperationName): FailureOutcome {
  // The path is parsed only here, for an error answer: not on every request.
  const path = progress.url === undefined ? undefined : new URL(progress.url).pathname;
  return failureOutcomeOf(spec, { status: response.status, body: redactBody(error, redact, false), headers: response.headers, path }, operation);
}

/** Network error codes that prove no connection was made, so nothing was delivered. */
const NEVER_CONNECTED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);

/** A proxy that refused the tunnel (undici's words): nothing reached ECE. */
const PROXY_REFUSED = /^Proxy response \(\d+\)/;

/**
 * The innermost cause that names itself (a code or a message), following `cause` a few levels:
 * fetch wraps what happened ("fetch failed" <- "Request was cancelled." <- a proxy's 407).
 */
function causeOf(thrown: unknown): { code?: string; message?: string; neverConnected: boolean } {
  let found: { code?: string; message?: string } = {};
  let neverConnected = false;
  let current: unknown = thrown instanceof Error ? thrown.cause : undefined;
  for (let depth = 0; depth < 4 && current !== null && typeof current === "object"; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" || typeof message === "string") {
      found = { code: typeof code === "string" ? code : undefined, message: typeof message === "string" ? message : undefined };
      neverConnected ||= NEVER_CONNECTED.has(found.code ?? "") || PROXY_REFUSED.test(found.message ?? "");
    }
    current = (current as { cause?: unknown }).cause;
  }
  return { ...found, neverConnected };
}

/**
 * The outcome of an exception thrown while calling: `timeout` or an aborted `error` when the
 * deadline fired, else `error` (network failure, unreadable body). The error's own text came
 * from the network stack, so it is redacted; the SDK's words around it are not.
 *
 * `delivered`: decided by the status when one came back; otherwise `false` when the request
 * never went to fetch or no connection was made, and `"unknown"` once it may have been written.
 */
export function outcomeOfThrown(
  thrown: unknown,
  deadline: Deadline,
  progress: Progress,
  redact: Redact,
): TimeoutOutcome | ErrorOutcome {
  const { status } = progress;
  const cause = causeOf(thrown);
  const delivered =
    status !== undefined ? deliveredByStatus(status) : !progress.sent || cause.neverConnected ? false : "unknown";
  const withStatus = definedFields({ status });
  if (deadline.cause === "timeout") {
    const { timeoutMs } = deadline;
    return { kind: "timeout", message: `No complete answer within ${timeoutMs} ms.`, timeoutMs, delivered, ...withStatus };
  }
  if (deadline.cause === "caller") {
    return { kind: "error", message: "The call was aborted by its AbortSignal.", aborted: true, delivered, ...withStatus };
  }
  let message = "Network error.";
  if (thrown instanceof SyntaxError) {
    message = `ECE answered${status === undefined ? "" : ` ${status}`} with a body that is not valid JSON.`;
  } else if (thrown instanceof BodyTooLargeError) {
    message = `ECE's response body is longer than ${thrown.limit} bytes.`;
  } else if (thrown instanceof Error) {
    const causeText = [cause.code, cause.message].filter(Boolean).join(": ");
    message = `Network error: ${redact(`${thrown.message}${causeText ? ` (${causeText})` : ""}`)}`;
  }
  return { kind: "error", message, delivered, ...withStatus };
}
