/**
 * Every answer of the receiver other than 200, in one table, and the one function that builds
 * them. Each refusal has a reason code; `refuse` is the single place a refusal passes through,
 * so that a `webhookRefused` event (see the "Observability" issue) can be emitted here alone.
 *
 * @module
 */
import type { ValidationIssue } from "../outcomes/outcomes.js";

/** Why the receiver did not deliver a request to `onMessages` (or `onMessages` failed). */
type RefusalReason =
  | "methodNotAllowed"
  | "unauthorized"
  | "unsupportedMediaType"
  | "bodyTooLarge"
  | "tooManyMessages"
  | "bodyTimeout"
  | "invalidData"
  | "onMessagesFailed"
  | "internalError";

interface Refusal {
  status: number;
  /** The `error` field of the JSON body (stable: clients may read it). */
  error: string;
  /** The default `message` field. */
  message: string;
}

const refusals: Readonly<Record<RefusalReason, Refusal>> = Object.freeze({
  methodNotAllowed: { status: 405, error: "methodNotAllowed", message: "Only POST is accepted." },
  unauthorized: { status: 401, error: "unauthorized", message: "Missing or wrong credentials." },
  unsupportedMediaType: {
    status: 415,
    error: "unsupportedMediaType",
    message: "The body must be application/json or application/xml.",
  },
  bodyTooLarge: { status: 413, error: "payloadTooLarge", message: "The body is too large." },
  tooManyMessages: { status: 413, error: "payloadTooLarge", message: "More than 1000 messages in one request." },
  bodyTimeout: { status: 408, error: "bodyTimeout", message: "The body did not arrive in time." },
  invalidData: { status: 400, error: "invalidData", message: "The body could not be read as ECE messages." },
  onMessagesFailed: { status: 500, error: "onMessagesFailed", message: "The receiver failed to handle the messages." },
  internalError: { status: 500, error: "internalError", message: "The receiver failed unexpectedly." },
});

/** What a refusal may add to its reason's defaults. */
interface RefusalDetails {
  /** Replaces the reason's default message (never a secret, never an exception's text). */
  message?: string;
  /** For `invalidData`: the fields that are wrong (already redacted). */
  issues?: ValidationIssue[];
  /** Extra response headers, e.g. `WWW-Authenticate` (a name may repeat). */
  headers?: [string, string][];
}

/** Builds a JSON response with `Cache-Control: no-store`. */
export function jsonResponse(status: number, body: unknown, headers: [string, string][] = []): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: [["Content-Type", "application/json; charset=utf-8"], ["Cache-Control", "no-store"], ...headers],
  });
}

/** Each refusal's reason, for the handler's `webhookRefused` event. */
const reasons = new WeakMap<Response, RefusalReason>();

/** The answer for a refusal: its status, and `{ error, message, issues? }` as JSON. */
export function refuse(reason: RefusalReason, details: RefusalDetails = {}): Response {
  const { status, error, message } = refusals[reason];
  const body = { error, message: details.message ?? message, ...(details.issues ? { issues: details.issues } : {}) };
  const response = jsonResponse(status, body, details.headers);
  reasons.set(response, reason);
  return response;
}

/** Why `response` is a refusal (`undefined` for any other answer). */
export function refusalReasonOf(response: Response): RefusalReason | undefined {
  return reasons.get(response);
}
