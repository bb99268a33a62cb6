/**
 * The agent's side on the wire: the messages ECE posts to a client application's callback URL
 * (shared/ece-api.md section 6), as JSON or XML, with the configured Authorization, sent to a
 * URL or straight into a Fetch API handler.
 *
 * @module
 */
import type { FakeWebhookTarget, WebhookDelivery } from "./types.js";
import { base64Utf8 } from "../internal/wire.js";

/** One webhook message as ECE writes it (JSON field names; XML nests them the same way). */
export interface WireMessage {
  id: string;
  conversation: { id: string };
  type: { value: string };
  sender: { type: "user"; user: { name: string } } | { type: "system" };
  content?: string;
  timeStamp: number;
  attachments?: { attachment: { id: string; fileName: string; contentType: string; size: number; contentUrl: string }[] };
}

/** Escapes markup, and CR as a reference: a parser turns a literal CR (or CR LF) into LF. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;" })[c]!);
}

/** An element per field, nested as in JSON; a list repeats its element (`<attachment>` per item). */
function xmlElement(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => xmlElement(name, item)).join("");
  if (value !== null && typeof value === "object") {
    const children = Object.entries(value).map(([key, child]) => xmlElement(key, child));
    return `<${name}>${children.join("")}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The body of one request carrying `messages`, in `format`. */
function webhookBody(messages: WireMessage[], format: "json" | "xml"): string {
  if (format === "json") return JSON.stringify({ message: messages });
  return `<?xml version="1.0" encoding="UTF-8"?><messages>${xmlElement("message", messages)}</messages>`;
}

/** The Authorization header ECE sends, as configured (none for `none`). */
function authorizationHeader(target: FakeWebhookTarget): Record<string, string> {
  const auth = target.authorization ?? { type: "none" };
  if (auth.type === "basic") return { Authorization: `Basic ${base64Utf8(`${auth.username}:${auth.password}`)}` };
  if (auth.type === "bearer") return { Authorization: `Bearer ${auth.token}` };
  return {};
}

/** Posts `message` to `target`; resolves on a 2xx, else rejects with a `WebhookDeliveryError` naming the receiver's `status`. */
export async function postWebhook(target: FakeWebhookTarget, message: WireMessage): Promise<WebhookDelivery> {
  const format = target.format ?? "json";
  const body = webhookBody([message], format);
  const headers = { "Content-Type": `application/${format}`, ...authorizationHeader(target) };
  // A handler given without a URL gets requests to a placeholder URL.
  const request = new Request(target.url ?? "http://127.0.0.1/ece-webhook", { method: "POST", headers, body });
  const response = target.handler ? await target.handler(request) : await fetch(request);
  const answer = await response.text();
  if (!response.ok) {
    const text = `The webhook receiver answered ${response.status} to the agent's ${message.type.value} message: ${answer.slice(0, 500)}`;
    throw Object.assign(new Error(text), { name: "WebhookDeliveryError", status: response.status });
  }
  return { status: response.status, messageId: message.id, body };
}
