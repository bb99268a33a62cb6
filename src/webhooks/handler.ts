/**
 * The webhook receiver: a Fetch API handler (Node 20+, Bun, Deno, edge runtimes) that checks who
 * is calling, reads JSON or XML in whatever charset it comes, and hands typed messages to the
 * integrator. Every answer other than 200 goes through `refuse` (./refusals.ts).
 *
 * @module
 */
import { BodyTooLargeError, readCapped } from "../internal/read-capped.js";
import { createRedactor } from "../internal/redact.js";
import { base64Utf8 } from "../internal/wire.js";
import type { ValidationIssue } from "../outcomes/outcomes.js";
import { byteOrderMark, charsetParameter, strictDecoder, xmlDeclaredEncoding } from "./charset.js";
import { readWebhookItems, toWebhookMessages, webhookBodyFormat, type WebhookBodyFormat, type WebhookMessage } from "./messages.js";
import { jsonResponse, refusalReasonOf, refuse } from "./refusals.js";
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
function credentialsOf(authorization: WebhookAuthorization): { header: string; secrets: string[] } | undefined {
  if (authorization.type === "basic") {
    const encoded = base64Utf8(`${authorization.username}:${authorization.password}`);
    return { header: `basic ${encoded}`, secrets: [authorization.password, encoded] };
  }
  if (authorization.type === "bearer") return { header: `bearer ${authorization.token}`, secrets: [authorization.token] };
  return undefined;
}

const challenges: Record<"basic" | "bearer", string> = {
  basic: 'Basic realm="ece-webhook", charset="UTF-8"',
  bearer: 'Bearer realm="ece-webhook"',
};

/** The reason given when a body read is cancelled because `bodyTimeoutMs` passed. */
class BodyTimeoutError extends Error {}

/** The body as text, or the refusal that ends the request. */
type DecodedBody = { ok: true; text: string } | { ok: false; response: Response };

/**
 * Decodes the body: the Content-Type's charset, else (XML) a byte order mark or the declared
 * encoding, else a byte order mark or UTF-8. An unknown label is 415; bytes not valid in the
 * encoding are 400.
 */
function decodeBody(bytes: Uint8Array, charset: string | undefined, format: WebhookBodyFormat): DecodedBody {
  const label = charset ?? byteOrderMark(bytes) ?? (format === "xml" ? xmlDeclaredEncoding(bytes) : undefined) ?? "utf-8";
  const decoder = strictDecoder(label);
  if (!decoder) {
    return { ok: false, response: refuse("unsupportedMediaType", { message: `The character encoding "${label.slice(0, 40)}" is not supported.` }) };
  }
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    const message = `The body is not valid ${decoder.encoding}.`;
    return { ok: false, response: refuse("invalidData", { message, issues: [{ field: "body", problem: `is not valid ${decoder.encoding}` }] }) };
  }
}

/** Lets go of a request body the handler will not read, so its source can stop sending it. */
function discardBody(request: Request): void {
  try {
    if (request.body && !request.body.locked) void request.body.cancel().catch(() => undefined);
  } catch {
    // a body that cannot be cancelled is left to its server
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
  const accepted = list.flatMap((authorization) => credentialsOf(authorization) ?? []);
  const anyone = accepted.length === 0; // { type: "none" }
  const secrets = accepted.flatMap((credential) => credential.secrets);
  const redact = createRedactor(() => secrets);
  const challenge = [...new Set(list.map((authorization) => authorization.type))]
    .filter((type): type is "basic" | "bearer" => type !== "none")
    .map((type): [string, string] => ["WWW-Authenticate", challenges[type]]);
  function authorized(request: Request): boolean {
    if (anyone) return true;
    const given = request.headers.get("authorization");
    if (given === null) return false;
    // The scheme is case-insensitive; the credentials are compared in constant time, with
    // every accepted one (which of them matched does not show in the time taken).
    const space = given.indexOf(" ");
    const normalized = (space > 0 ? `${given.slice(0, space).toLowerCase()}${given.slice(space)}` : given.toLowerCase()).trim();
    let matched = false;
    for (const credential of accepted) matched = constantTimeEqual(normalized, credential.header) || matched;
    return matched;
  }

  function invalidData(issues: ValidationIssue[]): Response {
    const safe = issues.map(({ field, problem }) => ({ field: redact(field), problem: redact(problem) }));
    return refuse("invalidData", { issues: safe });
  }

  async function handle(request: Request, timeout: AbortSignal, report: { messageCount?: number }): Promise<Response> {
    if (request.method !== "POST") {
      discardBody(request);
      return refuse("methodNotAllowed", { headers: [["Allow", "POST"]] });
    }
    if (!authorized(request)) {
      discardBody(request);
      return refuse("unauthorized", { headers: challenge });
    }
    const contentType = request.headers.get("content-type") ?? "";
    const format = webhookBodyFormat(contentType);
    const charset = charsetParameter(contentType);
    if (!format || (charset !== undefined && !strictDecoder(charset))) {
      discardBody(request);
      const message = format ? `The character encoding "${charset!.slice(0, 40)}" is not supported.` : undefined;
      return refuse("unsupportedMediaType", {
        ...(message ? { message } : {}),
        headers: [["Accept", "application/json, application/xml"]],
      });
    }
    let bytes: Uint8Array;
    try {
      const declared = Number(request.headers.get("content-length") ?? Number.NaN);
      if (Number.isFinite(declared) && declared > maxBodyBytes) throw new BodyTooLargeError(maxBodyBytes);
      bytes = await readCapped(request.body, maxBodyBytes, "error", timeout);
    } catch (error) {
      discardBody(request);
      if (error instanceof BodyTooLargeError) {
        return refuse("bodyTooLarge", { message: `The body is larger than ${maxBodyBytes} bytes.` });
      }
      if (timeout.aborted) return refuse("bodyTimeout", { message: `The body did not arrive within ${bodyTimeoutMs} ms.` });
      return refuse("invalidData", { message: "The body could not be read." });
    }
    const decoded = decodeBody(bytes, charset, format);
    if (!decoded.ok) return decoded.response;
    const read = readWebhookItems(decoded.text, format);
    if (!read.ok) return invalidData(read.error);
    if (read.value.length > MAX_WEBHOOK_MESSAGES) return refuse("tooManyMessages");
    const parsed = toWebhookMessages(read.value);
    if (!parsed.ok) return invalidData(parsed.error.issues);
    try {
      await onMessages(parsed.messages);
    } catch {
      return refuse("onMessagesFailed");
    }
    report.messageCount = parsed.messages.length;
    return jsonResponse(200, { received: parsed.messages.length });
  }

  return async function handleWebhook(request: Request): Promise<Response> {
    // The body's time starts when the request reaches the handler.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new BodyTimeoutError()), bodyTimeoutMs);
    const report: { messageCount?: number } = {};
    let response: Response;
    try {
      response = await handle(request, timeout.signal, report);
    } catch {
      // Nothing in handle() should throw: if something does, it is a failure of the receiver,
      // not of ECE's request, and ECE should see it as one (and may send the batch again).
      discardBody(request);
      response = refuse("internalError");
    } finally {
      clearTimeout(timer);
    }
    if (emit) {
      // Codes and counts only: never credentials, never body text.
      const reason = refusalReasonOf(response);
      if (reason) emit({ type: "webhookRefused", status: response.status, reason });
      else {
        const contentType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
        emit({ type: "webhookReceived", messageCount: report.messageCount ?? 0, contentType });
      }
    }
    return response;
  };
}
