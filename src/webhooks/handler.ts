/**
 * The webhook receiver: a Fetch API handler (Node 20+, Bun, Deno, edge runtimes) that checks who
 * is calling, reads JSON or XML in whatever charset it comes, and hands typed messages to the
 * integrator. Every answer other than 200 is a refusal from one table (`refusals`).
 *
 * @module
 */
import { BodyTooLargeError, readCapped } from "../internal/read-capped.js";
import { createRedactor } from "../internal/redact.js";
import { base64Utf8 } from "../internal/wire.js";
import type { ValidationIssue } from "../outcomes/outcomes.js";
import { encodingOf, strictDecoder } from "./charset.js";
import { readWebhookItems, toWebhookMessages, webhookBodyFormat, type WebhookMessage } from "./messages.js";
import { checkObservabilityOptions, createEmitter, type ObservabilityOptions } from "../observe/events.js";
import { checkOptions, elementsOf, isPositiveWhole, isTimerDelay, nested, type Fields } from "../internal/check.js";

/** How ECE authenticates to the webhook, as configured for the application in ECE's admin console. */
export type WebhookAuthorization =
  | { type: "basic"; username: string; password: string }
  | { type: "bearer"; token: string }
  | { type: "none" };

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions extends ObservabilityOptions {
  /**
   * The credentials ECE must present. A list accepts any of them: during a rotation, give the
   * old and the new ones together, then drop the old ones once ECE uses the new.
   */
  authorization: WebhookAuthorization | readonly WebhookAuthorization[];
  /**
   * Receives the messages of one request, in the payload's order. When it throws (or its
   * promise rejects) the handler answers 500, so ECE sees the failure (and may send the
   * messages again: handle them idempotently, by `id`).
   */
  onMessages: (messages: WebhookMessage[]) => void | Promise<void>;
  /** The largest body accepted, in bytes (default 5 MiB); a larger one is refused with 413. */
  maxBodyBytes?: number;
  /**
   * How long the body may take to arrive in full, in milliseconds from the request reaching the
   * handler (default 30,000); a slower one is refused with 408 and `onMessages` is not called.
   */
  bodyTimeoutMs?: number;
}

/** A Fetch API request handler: `(request) => Promise<Response>`. Never rejects. */
export type WebhookHandler = (request: Request) => Promise<Response>;

/** Default {@link WebhookHandlerOptions.maxBodyBytes}: 5 MiB. */
const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Default {@link WebhookHandlerOptions.bodyTimeoutMs}: 30 s. */
const DEFAULT_WEBHOOK_BODY_TIMEOUT_MS = 30_000;
/** The most messages ECE sends in one request; more is refused with 413. */
const MAX_WEBHOOK_MESSAGES = 1000;

/** Longer `Authorization` values are refused without comparing (servers cap headers lower). */
const MAX_AUTHORIZATION_LENGTH = 16 * 1024;

/**
 * Compares a given string with a secret one in time that depends only on the given one's length
 * (which its sender knows): not on where they differ, nor on the secret's length or content.
 * Every character of `given` is compared with one of `expected` (cycling through it), and the
 * lengths are compared too.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  if (given.length > MAX_AUTHORIZATION_LENGTH) return false;
  const cycle = expected.length || 1;
  let difference = given.length ^ expected.length;
  for (let i = 0; i < given.length; i++) difference |= given.charCodeAt(i) ^ (expected.charCodeAt(i % cycle) | 0);
  return difference === 0;
}

/** The secrets each kind of credential must carry. */
const secretFields: Record<WebhookAuthorization["type"], string[]> = { basic: ["username", "password"], bearer: ["token"], none: [] };

/** One credential, checked: a known `type` and each of its secrets non-empty text. */
function checkAuthorization(entry: Fields): WebhookAuthorization {
  const type = entry.get("type");
  const secrets = Object.hasOwn(secretFields, String(type)) ? secretFields[type as WebhookAuthorization["type"]] : undefined;
  if (secrets === undefined) entry.add("type", 'must be "basic", "bearer" or "none"');
  for (const name of secrets ?? []) {
    const value = entry.get(name);
    if (typeof value !== "string" || value === "") entry.add(name, "is required");
  }
  return Object.fromEntries(["type", ...(secrets ?? [])].map((name) => [name, entry.get(name)])) as WebhookAuthorization;
}

/** The handler's options, checked: own properties only, the credentials as a list. */
function checkHandlerOptions(options: unknown) {
  return checkOptions("createWebhookHandler", options, (fields) => {
    const given = fields.get("authorization");
    const many = Array.isArray(given);
    const entries = many ? elementsOf(given) : [given];
    const authorization = entries.map((entry, i) => nested(fields, many ? `authorization[${i}]` : "authorization", entry, checkAuthorization)!);
    if (entries.length === 0) fields.add("authorization", "must list at least one credential");
    if (entries.length > 1 && authorization.some((entry) => entry?.type === "none")) {
      fields.add("authorization", 'must not list "none" with credentials: "none" accepts anyone');
    }
    // Each value is used only once no problem was found.
    const onMessages = fields.get("onMessages") as WebhookHandlerOptions["onMessages"];
    if (typeof onMessages !== "function") fields.add("onMessages", "must be a function");
    const maxBodyBytes = (fields.get("maxBodyBytes") ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES) as number;
    if (!isPositiveWhole(maxBodyBytes)) fields.add("maxBodyBytes", "must be a positive whole number");
    const bodyTimeoutMs = (fields.get("bodyTimeoutMs") ?? DEFAULT_WEBHOOK_BODY_TIMEOUT_MS) as number;
    if (!isTimerDelay(bodyTimeoutMs)) fields.add("bodyTimeoutMs", "must be a positive number of milliseconds (at most 2^31 - 1)");
    return { authorization, onMessages, maxBodyBytes, bodyTimeoutMs, observability: checkObservabilityOptions(fields) };
  });
}

/** The `Authorization` header value each accepted credential gives, and the secrets it holds. */
function credentialsOf(authorization: WebhookAuthorization): { header: string; secrets: string[] }[] {
  if (authorization.type === "basic") {
    const encoded = base64Utf8(`${authorization.username}:${authorization.password}`);
    return [{ header: `basic ${encoded}`, secrets: [authorization.password, encoded] }];
  }
  if (authorization.type === "bearer") return [{ header: `bearer ${authorization.token}`, secrets: [authorization.token] }];
  return [];
}

const challenges: Record<WebhookAuthorization["type"], [string, string][]> = {
  basic: [["WWW-Authenticate", 'Basic realm="ece-webhook", charset="UTF-8"']],
  bearer: [["WWW-Authenticate", 'Bearer realm="ece-webhook"']],
  none: [],
};

/**
 * Every answer other than 200, by reason (the code of the `webhookRefused` event): its status,
 * its default message, and the `error` of its JSON body when that is not the reason itself.
 */
const refusals = {
  methodNotAllowed: { status: 405, message: "Only POST is accepted." },
  unauthorized: { status: 401, message: "Missing or wrong credentials." },
  unsupportedMediaType: { status: 415, message: "The body must be application/json or application/xml." },
  bodyTooLarge: { status: 413, message: "The body is too large.", error: "payloadTooLarge" },
  tooManyMessages: { status: 413, message: `More than ${MAX_WEBHOOK_MESSAGES} messages in one request.`, error: "payloadTooLarge" },
  bodyTimeout: { status: 408, message: "The body did not arrive in time." },
  invalidData: { status: 400, message: "The body could not be read as ECE messages." },
  onMessagesFailed: { status: 500, message: "The receiver failed to handle the messages." },
  internalError: { status: 500, message: "The receiver failed unexpectedly." },
};

/**
 * Why the receiver did not deliver a request to `onMessages` (or `onMessages` failed), and what
 * the answer adds to the reason's defaults: a message (never a secret, never an exception's
 * text), the fields that are wrong (already redacted), response headers.
 */
interface Refusal {
  reason: keyof typeof refusals;
  message?: string;
  issues?: ValidationIssue[];
  headers?: [string, string][];
}

/** Builds a JSON response with `Cache-Control: no-store`. */
function jsonResponse(status: number, body: unknown, headers: [string, string][] = []): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: [["Content-Type", "application/json; charset=utf-8"], ["Cache-Control", "no-store"], ...headers],
  });
}

/** The answer for a refusal: its status, and `{ error, message, issues? }` as JSON. */
export function refusalResponse({ reason, message, issues, headers }: Refusal): Response {
  const refusal: { status: number; message: string; error?: string } = refusals[reason];
  const body = { error: refusal.error ?? reason, message: message ?? refusal.message, ...(issues ? { issues } : {}) };
  return jsonResponse(refusal.status, body, headers);
}

/** Lets go of a request body the handler did not read, so its source can stop sending it. */
function discardBody(request: Request): void {
  if (request.body && !request.body.locked) request.body.cancel().catch(() => undefined);
}

/**
 * Decodes the body by the encoding {@link encodingOf} finds: an unknown label is 415; bytes not
 * valid in the encoding are 400.
 */
function decodeBody(bytes: Uint8Array, label: string): string | Refusal {
  const decoder = strictDecoder(label);
  if (!decoder) return { reason: "unsupportedMediaType", message: `The character encoding "${label.slice(0, 40)}" is not supported.` };
  try {
    return decoder.decode(bytes);
  } catch {
    const problem = `is not valid ${decoder.encoding}`;
    return { reason: "invalidData", message: `The body ${problem}.`, issues: [{ field: "body", problem }] };
  }
}

/**
 * Creates the receiver for the messages ECE posts to the application's callback URL.
 *
 * Answers 200 when the messages were delivered to `onMessages`; 401 for missing or wrong
 * credentials (compared in constant time); 400 for an unreadable body (not valid JSON or XML,
 * or not valid in its charset) or items missing required fields (the body names them); 408 for
 * a body that did not arrive within `bodyTimeoutMs`; 413 for a body over `maxBodyBytes` or more
 * than 1000 messages; 415 for a content type other than JSON or XML, or a charset the runtime
 * cannot decode; 405 for a method other than POST; 500 when `onMessages` throws, or when the
 * receiver itself fails. `onMessages` is called only for a 200, once per request. No response
 * contains a configured password or token.
 *
 * @throws TypeError when the options are unusable (the message never holds a secret).
 *
 * @example
 * ```ts
 * import { createWebhookHandler } from "ece-messaging/webhooks";
 *
 * const handle = createWebhookHandler({
 *   authorization: { type: "basic", username: "ece", password: "callback-password" },
 *   onMessages: (messages) => {
 *     for (const message of messages) {
 *       if (message.type === "text/plain") console.log(message.conversationId, message.content);
 *       if (message.type === "complete") console.log("chat ended", message.conversationId);
 *     }
 *   },
 * });
 * // Any Fetch API server, e.g. Bun.serve({ fetch: handle }) or Deno.serve(handle).
 * const response = await handle(new Request("http://localhost/ece", { method: "POST" }));
 * console.log(response.status); // 401: no credentials
 * ```
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const { authorization: list, onMessages, maxBodyBytes, bodyTimeoutMs, observability } = checkHandlerOptions(options);
  const emit = createEmitter(observability);
  const accepted = list.flatMap(credentialsOf);
  const secrets = accepted.flatMap((credential) => credential.secrets);
  const redact = createRedactor(() => secrets);
  const challenge = [...new Set(list.map((authorization) => authorization.type))].flatMap((type) => challenges[type]);
  const tooLarge: Refusal = { reason: "bodyTooLarge", message: `The body is larger than ${maxBodyBytes} bytes.` };

  function authorized(request: Request): boolean {
    if (accepted.length === 0) return true; // { type: "none" }
    // The scheme is case-insensitive; the credentials are compared in constant time, with
    // every accepted one (which of them matched does not show in the time taken).
    const given = request.headers.get("authorization") ?? "";
    const space = given.indexOf(" ");
    const normalized = space > 0 ? `${given.slice(0, space).toLowerCase()}${given.slice(space)}` : given.toLowerCase();
    let matched = false;
    for (const credential of accepted) matched = constantTimeEqual(normalized, credential.header) || matched;
    return matched;
  }

  function invalidData(issues: ValidationIssue[]): Refusal {
    return { reason: "invalidData", issues: issues.map(({ field, problem }) => ({ field: redact(field), problem: redact(problem) })) };
  }

  /** Checks, reads and delivers one request: the number of messages delivered, or the refusal. */
  async function receive(request: Request, timeout: AbortSignal): Promise<number | Refusal> {
    if (request.method !== "POST") return { reason: "methodNotAllowed", headers: [["Allow", "POST"]] };
    if (!authorized(request)) return { reason: "unauthorized", headers: challenge };
    const contentType = request.headers.get("content-type") ?? "";
    const format = webhookBodyFormat(contentType);
    if (!format) return { reason: "unsupportedMediaType", headers: [["Accept", "application/json, application/xml"]] };
    if (Number(request.headers.get("content-length")) > maxBodyBytes) return tooLarge;
    let bytes: Uint8Array;
    try {
      bytes = await readCapped(request.body, maxBodyBytes, "error", timeout);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return tooLarge;
      if (timeout.aborted) return { reason: "bodyTimeout", message: `The body did not arrive within ${bodyTimeoutMs} ms.` };
      return { reason: "invalidData", message: "The body could not be read." };
    }
    const text = decodeBody(bytes, encodingOf(bytes, contentType, format));
    if (typeof text !== "string") return text;
    const read = readWebhookItems(text, format);
    if (!read.ok) return invalidData(read.error);
    if (read.value.length > MAX_WEBHOOK_MESSAGES) return { reason: "tooManyMessages" };
    const parsed = toWebhookMessages(read.value);
    if (!parsed.ok) return invalidData(parsed.error.issues);
    try {
      await onMessages(parsed.messages);
    } catch {
      return { reason: "onMessagesFailed" };
    }
    return parsed.messages.length;
  }

  return async function handleWebhook(request: Request): Promise<Response> {
    // The body's time starts when the request reaches the handler.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), bodyTimeoutMs);
    let answer: number | Refusal;
    try {
      answer = await receive(request, timeout.signal);
    } catch {
      // Nothing in receive() should throw: if something does, it is a failure of the receiver,
      // not of ECE's request, and ECE should see it as one (and may send the batch again).
      answer = { reason: "internalError" };
    } finally {
      clearTimeout(timer);
    }
    discardBody(request); // a body left unread (a refusal before reading it)
    // Events carry codes and counts only: never credentials, never body text.
    if (typeof answer !== "number") {
      emit?.({ type: "webhookRefused", status: refusals[answer.reason].status, reason: answer.reason });
      return refusalResponse(answer);
    }
    const mediaType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    emit?.({ type: "webhookReceived", messageCount: answer, contentType: mediaType });
    return jsonResponse(200, { received: answer });
  };
}
