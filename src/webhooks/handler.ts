/**
 * The webhook receiver: a Fetch API handler (Node 20+, Bun, Deno, edge runtimes) that checks who
 * is calling, reads JSON or XML, and hands typed messages to the integrator.
 *
 * @module
 */
import { readCapped, BodyTooLargeError } from "../body.js";
import { createRedactor } from "../redact.js";
import { base64Utf8 } from "../tokens.js";
import type { ValidationIssue } from "../outcomes.js";
import {
  readWebhookItems,
  toWebhookMessages,
  webhookBodyFormat,
  type WebhookMessage,
} from "./messages.js";

/** How ECE authenticates to the webhook, as configured for the application in ECE's admin console. */
export type WebhookAuthorization =
  | { type: "basic"; username: string; password: string }
  | { type: "bearer"; token: string }
  | { type: "none" };

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** The credentials ECE must present. */
  authorization: WebhookAuthorization;
  /**
   * Receives the messages of one request, in the payload's order. When it throws (or its
   * promise rejects) the handler answers 500, so ECE sees the failure.
   */
  onMessages: (messages: WebhookMessage[]) => void | Promise<void>;
  /** The largest body accepted, in bytes (default 5 MiB); a larger one is refused with 413. */
  maxBodyBytes?: number;
}

/** A Fetch API request handler: `(request) => Promise<Response>`. Never rejects. */
export type WebhookHandler = (request: Request) => Promise<Response>;

/** Default {@link WebhookHandlerOptions.maxBodyBytes}: 5 MiB. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 5 * 1024 * 1024;
/** The most messages ECE sends in one request; more is refused with 413. */
export const MAX_WEBHOOK_MESSAGES = 1000;

const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/**
 * Compares two strings in time that does not depend on where they differ (nor on the length of
 * the secret): both are hashed to 32 bytes, and all 32 are always compared.
 */
export async function constantTimeEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

export function refusal(status: number, error: string, message: string, headers?: Record<string, string>): Response {
  return json(status, { error, message }, headers);
}

function invalidData(issues: ValidationIssue[], redact: (text: string) => string): Response {
  const safe = issues.map(({ field, problem }) => ({ field: redact(field), problem: redact(problem) }));
  return json(400, { error: "invalidData", message: "The body could not be read as ECE messages.", issues: safe });
}

function checkOptions(options: WebhookHandlerOptions): void {
  const problems: string[] = [];
  const auth = options?.authorization as Partial<Record<string, unknown>> | undefined;
  if (!auth || typeof auth !== "object") problems.push("authorization is required");
  else if (auth.type === "basic") {
    if (typeof auth.username !== "string" || auth.username === "") problems.push("authorization.username is required");
    if (typeof auth.password !== "string" || auth.password === "") problems.push("authorization.password is required");
  } else if (auth.type === "bearer") {
    if (typeof auth.token !== "string" || auth.token === "") problems.push("authorization.token is required");
  } else if (auth.type !== "none") {
    problems.push('authorization.type must be "basic", "bearer" or "none"');
  }
  if (typeof options?.onMessages !== "function") problems.push("onMessages must be a function");
  const max = options?.maxBodyBytes;
  if (max !== undefined && !(typeof max === "number" && Number.isSafeInteger(max) && max > 0)) {
    problems.push("maxBodyBytes must be a positive whole number");
  }
  if (problems.length > 0) throw new TypeError(`createWebhookHandler: ${problems.join("; ")}.`);
}

/**
 * Creates the receiver for the messages ECE posts to the application's callback URL.
 *
 * Answers 200 when the messages were delivered to `onMessages`; 401 for missing or wrong
 * credentials (compared in constant time); 400 for an unreadable body or items missing required
 * fields (the body names them); 413 for a body over `maxBodyBytes` or more than 1000 messages;
 * 415 for a content type other than JSON or XML; 405 for a method other than POST; 500 when
 * `onMessages` throws. `onMessages` is called only for a 200, once per request. No response
 * contains the configured password or token.
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
  checkOptions(options);
  const { authorization, onMessages } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  const credentials =
    authorization.type === "basic"
      ? base64Utf8(`${authorization.username}:${authorization.password}`)
      : authorization.type === "bearer"
        ? authorization.token
        : undefined;
  const expectedHeader = credentials === undefined ? undefined : `${authorization.type} ${credentials}`;
  const secrets =
    authorization.type === "basic" ? [authorization.password, credentials!] : credentials === undefined ? [] : [credentials];
  const redact = createRedactor(() => secrets);
  const challenge: Record<string, string> =
    authorization.type === "basic"
      ? { "WWW-Authenticate": 'Basic realm="ece-webhook", charset="UTF-8"' }
      : { "WWW-Authenticate": 'Bearer realm="ece-webhook"' };

  async function authorized(request: Request): Promise<boolean> {
    if (expectedHeader === undefined) return true;
    const given = request.headers.get("authorization");
    if (given === null) return false;
    // The scheme is case-insensitive; the credentials are compared in constant time.
    const space = given.indexOf(" ");
    const normalized = space > 0 ? `${given.slice(0, space).toLowerCase()}${given.slice(space)}` : given.toLowerCase();
    return constantTimeEqual(normalized.trim(), expectedHeader);
  }

  return async function handleWebhook(request: Request): Promise<Response> {
    try {
      if (request.method !== "POST") {
        return refusal(405, "methodNotAllowed", "Only POST is accepted.", { Allow: "POST" });
      }
      if (!(await authorized(request))) {
        return refusal(401, "unauthorized", "Missing or wrong credentials.", challenge);
      }
      const format = webhookBodyFormat(request.headers.get("content-type"));
      if (!format) {
        return refusal(415, "unsupportedMediaType", "The body must be application/json or application/xml.", {
          Accept: "application/json, application/xml",
        });
      }
      let body: string;
      try {
        const declared = Number(request.headers.get("content-length") ?? Number.NaN);
        if (Number.isFinite(declared) && declared > maxBodyBytes) throw new BodyTooLargeError(maxBodyBytes);
        body = new TextDecoder("utf-8").decode(await readCapped(request.body, maxBodyBytes));
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          return refusal(413, "payloadTooLarge", `The body is larger than ${maxBodyBytes} bytes.`);
        }
        return refusal(400, "invalidData", "The body could not be read.");
      }
      const read = readWebhookItems(body, format);
      if (!read.ok) return invalidData(read.error, redact);
      if (read.value.length > MAX_WEBHOOK_MESSAGES) {
        return refusal(413, "payloadTooLarge", `More than ${MAX_WEBHOOK_MESSAGES} messages in one request.`);
      }
      const parsed = toWebhookMessages(read.value);
      if (!parsed.ok) return invalidData(parsed.error.issues, redact);
      try {
        await onMessages(parsed.messages);
      } catch {
        return refusal(500, "onMessagesFailed", "The receiver failed to handle the messages.");
      }
      return json(200, { received: parsed.messages.length });
    } catch {
      // Nothing above should throw; if something does, the request was not handled.
      return refusal(400, "invalidData", "The request could not be read.");
    }
  };
}
