/**
 * The messages ECE posts to a client application's callback URL: their types, and reading them
 * from a JSON or XML body into a typed union.
 *
 * @module
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { Attachment, ValidationIssue } from "../outcomes/outcomes.js";
import type { Result } from "../internal/result.js";
import { attachmentItems, attachmentOf, idOf, isRecord, scalarText, wholeNumberOf } from "../internal/wire.js";

/** Who sent a webhook message. */
export interface WebhookSender {
  /** `user` (the agent) or `system`; another value is passed through. */
  type: "user" | "system" | (string & {});
  /** The agent, as ECE sent it (its shape is not public); present only for `user`. */
  user?: unknown;
}

/** Fields every webhook message has. */
export interface WebhookMessageBase {
  /** The message's ID. */
  id: string;
  /** The conversation it belongs to (`conversation.id` on the wire). */
  conversationId: string;
  sender: WebhookSender;
  /** When it was sent, in epoch milliseconds. */
  timeStamp: number;
  /** The tenant identifier, when ECE sent one. */
  client?: string;
}

/** A plain-text message from the agent. */
export interface WebhookTextMessage extends WebhookMessageBase {
  type: "text/plain";
  content: string;
}

/** An HTML message from the agent. */
export interface WebhookHtmlMessage extends WebhookMessageBase {
  type: "text/html";
  content: string;
}

/** The agent started or stopped typing. */
export interface WebhookTypingMessage extends WebhookMessageBase {
  type: "startTyping" | "endTyping";
}

/** A conversation event: the chat was assigned, a page pushed, transferred, or ended (`complete`, sent once, last). */
export interface WebhookEventMessage extends WebhookMessageBase {
  type: "assigned" | "pagePush" | "transfer" | "complete";
  /** Text ECE attached to the event (e.g. "Agent has ended the chat"), when there was some. */
  content?: string;
}

/** An attachment was offered (`uploadAttachment`), or the agent accepted or rejected one. */
export interface WebhookAttachmentMessage extends WebhookMessageBase {
  type: "acceptAttachment" | "uploadAttachment" | "rejectAttachment";
  /** The (first) file the message is about. */
  attachment: Attachment;
  /** Every file the message is about (usually one). */
  attachments: Attachment[];
  content?: string;
}

/** A message whose `type.value` this SDK does not know: kept, never dropped. */
export interface WebhookUnknownMessage extends WebhookMessageBase {
  type: "unknown";
  /** The `type.value` ECE sent. */
  typeValue: string;
  content?: string;
  /** The message as it arrived (parsed JSON, or the XML read into the same shape). */
  raw: unknown;
}

/** A message ECE posted to the webhook, discriminated by `type`. */
export type WebhookMessage =
  | WebhookTextMessage
  | WebhookHtmlMessage
  | WebhookTypingMessage
  | WebhookEventMessage
  | WebhookAttachmentMessage
  | WebhookUnknownMessage;

/** What {@link parseWebhookPayload} returns. */
export type WebhookParseResult =
  | { ok: true; messages: WebhookMessage[] }
  | { ok: false; error: { kind: "invalidData"; issues: ValidationIssue[] } };

/** The body formats ECE can be configured to post. */
export type WebhookBodyFormat = "json" | "xml";

/** The format a `Content-Type` names, or `undefined` for any other. */
export function webhookBodyFormat(contentType: string | null | undefined): WebhookBodyFormat | undefined {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType === "application/json" || /^application\/[\w.+-]+\+json$/.test(mediaType)) return "json";
  if (mediaType === "application/xml" || mediaType === "text/xml" || /^application\/[\w.+-]+\+xml$/.test(mediaType)) {
    return "xml";
  }
  return undefined;
}

/** The known values of `type.value`, by kind; any other value is an unknown message. */
const typesOfKind = {
  text: ["text/plain", "text/html"],
  typing: ["startTyping", "endTyping"],
  event: ["assigned", "pagePush", "transfer", "complete"],
  attachment: ["acceptAttachment", "uploadAttachment", "rejectAttachment"],
};
const kinds = new Map(Object.entries(typesOfKind).flatMap(([kind, types]) => types.map((type) => [type, kind] as const)));

// ---------------------------------------------------------------------------------------------
// Reading the body into raw items
// ---------------------------------------------------------------------------------------------

const predefinedEntities: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const entityReference = /&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));/g;

/** A character XML 1.0 does not allow, sent raw or by reference: C0 controls but tab, LF and CR, surrogates, U+FFFE, U+FFFF. */
const notXmlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u;

/** Why a body holding `character` is not well-formed XML. */
function notAllowed(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} is a character XML does not allow`;
}

/**
 * Decodes XML's five predefined entities and character references; nothing else (no expansion).
 * A reference to a character XML does not allow throws a SyntaxError: the body is not well-formed.
 */
function decodeXmlText(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(entityReference, (match, decimal?: string, hex?: string, name?: string) => {
    if (name) return predefinedEntities[name]!;
    const codePoint = decimal ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
    if (codePoint === 0 || codePoint > 0x10ffff) return match; // no character at all: left as text
    const character = String.fromCodePoint(codePoint);
    if (notXmlCharacter.test(character)) throw new SyntaxError(notAllowed(character));
    return character;
  });
}

const ignore = (): void => undefined;

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => name === "message" || name === "attachment",
  // The white space that lays out elements that have children is dropped, so an XML message
  // reads into the same shape as its JSON twin; leaf text is kept exactly as sent.
  tagValueProcessor: (_name, value, _path, _attributes, isLeaf) => (isLeaf || value.trim() !== "" ? undefined : ""),
  // Only XML's predefined entities and character references are decoded: no entity is expanded
  // (a DOCTYPE, which could declare one, is refused before parsing).
  entityDecoder: { setExternalEntities: ignore, addInputEntities: ignore, reset: ignore, setXmlVersion: ignore, decode: decodeXmlText },
});

type RawItems = Result<unknown[], ValidationIssue[]>;

function invalid(field: string, problem: string): RawItems {
  return { ok: false, error: [{ field, problem }] };
}

function readJsonItems(body: string): RawItems {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return invalid("body", "is not valid JSON");
  }
  if (!isRecord(parsed)) return invalid("body", 'must be a JSON object with a "message" array');
  const list = parsed.message;
  if (list === undefined) return invalid("message", "is required");
  if (Array.isArray(list)) return { ok: true, value: list };
  if (isRecord(list)) return { ok: true, value: [list] };
  return invalid("message", "must be an array of messages");
}

function readXmlItems(body: string): RawItems {
  if (/<!DOCTYPE/i.test(body)) return invalid("body", "must not contain a DOCTYPE declaration");
  const forbidden = notXmlCharacter.exec(body);
  if (forbidden) return invalid("body", `is not well-formed XML (${notAllowed(forbidden[0])})`);
  const validation = XMLValidator.validate(body);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    return invalid("body", `is not well-formed XML (line ${line}, column ${col}: ${msg})`);
  }
  let document: unknown;
  try {
    document = xmlParser.parse(body);
  } catch (error) {
    // The parser refuses element names such as __proto__; decodeXmlText throws a SyntaxError.
    return invalid("body", error instanceof SyntaxError ? `is not well-formed XML (${error.message})` : "is not readable XML");
  }
  const roots = isRecord(document) ? Object.keys(document).filter((key) => key !== "#text") : [];
  if (roots.length !== 1) return invalid("body", "must have one root element holding <message> elements");
  const root = (document as Record<string, unknown>)[roots[0]!];
  if (roots[0] === "message") return { ok: true, value: root as unknown[] }; // a lone <message> as the root
  if (!isRecord(root) || root.message === undefined) return invalid("message", "is required (no <message> element)");
  return { ok: true, value: root.message as unknown[] };
}

/** Reads the body into its raw message items, before any item is checked. */
export function readWebhookItems(body: string, format: WebhookBodyFormat): RawItems {
  return format === "json" ? readJsonItems(body) : readXmlItems(body);
}

// ---------------------------------------------------------------------------------------------
// Turning raw items into typed messages
// ---------------------------------------------------------------------------------------------

/** Adds the problem of `path` in message `index`. */
function addIssue(issues: ValidationIssue[], index: number, path: string, problem = "is required"): undefined {
  issues.push({ field: `message[${index}]${path}`, problem });
  return undefined;
}

/** An attachment message's files, each with an `id`, adding the issues of those without. */
function attachmentsOf(raw: Record<string, unknown>, index: number, issues: ValidationIssue[]): Attachment[] {
  const items = attachmentItems(raw);
  if (items.length === 0) addIssue(issues, index, ".attachments.attachment");
  const attachments: Attachment[] = [];
  items.forEach((item, i) => {
    const attachment = isRecord(item) ? attachmentOf(item) : undefined;
    if (attachment?.id !== undefined) attachments.push(attachment as Attachment);
    else if (attachment) addIssue(issues, index, `.attachments.attachment[${i}].id`);
    else addIssue(issues, index, `.attachments.attachment[${i}]`, "must be an object");
  });
  return attachments;
}

/**
 * One raw item as a typed message, or `undefined` with its issues added (each field named
 * `message[i].path`). Each field is read once; the usual, valid item costs no more than that.
 */
function toWebhookMessage(raw: unknown, index: number, issues: ValidationIssue[]): WebhookMessage | undefined {
  if (!isRecord(raw)) return addIssue(issues, index, "", "must be an object");
  const before = issues.length;
  const id = idOf(raw.id);
  const conversationId = isRecord(raw.conversation) ? idOf(raw.conversation.id) : undefined;
  const type = isRecord(raw.type) ? idOf(raw.type.value) : undefined;
  const sender = isRecord(raw.sender) ? raw.sender : undefined;
  const senderType = idOf(sender?.type);
  const timeStamp = wholeNumberOf(raw.timeStamp);
  const content = scalarText(raw.content);
  const kind = type === undefined ? undefined : kinds.get(type);
  if (id === undefined) addIssue(issues, index, ".id");
  if (conversationId === undefined) addIssue(issues, index, ".conversation.id");
  if (type === undefined) addIssue(issues, index, ".type.value");
  if (senderType === undefined) addIssue(issues, index, ".sender.type");
  if (timeStamp === undefined) {
    addIssue(issues, index, ".timeStamp", raw.timeStamp === undefined ? "is required" : "must be a whole number of epoch milliseconds");
  }
  if (kind === "text" && content === undefined) addIssue(issues, index, ".content");
  const attachments = kind === "attachment" ? attachmentsOf(raw, index, issues) : undefined;
  if (issues.length > before) return undefined;

  const user = sender!.user;
  const message: Record<string, unknown> = {
    id,
    conversationId,
    sender: user === undefined ? { type: senderType } : { type: senderType, user },
    timeStamp,
    type: kind === undefined ? "unknown" : type,
  };
  if (kind === undefined) message.typeValue = type;
  if (content !== undefined && kind !== "typing") message.content = content;
  if (attachments) {
    message.attachment = attachments[0];
    message.attachments = attachments;
  }
  if (kind === undefined) message.raw = raw;
  const client = scalarText(raw.client);
  if (client !== undefined) message.client = client;
  return message as unknown as WebhookMessage;
}

/** Checks raw items and types them, in order; any bad item makes the whole payload invalid. */
export function toWebhookMessages(items: unknown[]): WebhookParseResult {
  const issues: ValidationIssue[] = [];
  const messages: WebhookMessage[] = [];
  for (let index = 0; index < items.length; index++) {
    const message = toWebhookMessage(items[index], index, issues);
    if (message) messages.push(message);
  }
  return issues.length === 0 ? { ok: true, messages } : { ok: false, error: { kind: "invalidData", issues } };
}

/**
 * Reads a webhook body (JSON or XML, as the `Content-Type` says) into typed messages, in the
 * order of the payload. Never throws: an unreadable body, an unsupported content type or an
 * item missing a required field gives `ok: false` with issues that name each field.
 *
 * @example
 * ```ts
 * import { parseWebhookPayload } from "ece-messaging/webhooks";
 *
 * const result = parseWebhookPayload(
 *   '{"message":[{"id":"1","conversation":{"id":"c-1"},"type":{"value":"complete"},' +
 *     '"sender":{"type":"system"},"timeStamp":1624144754000,"content":"Agent has ended the chat"}]}',
 *   "application/json",
 * );
 * if (result.ok) for (const message of result.messages) console.log(message.type, message.conversationId);
 * else console.error(result.error.issues);
 * ```
 */
export function parseWebhookPayload(body: string, contentType: string): WebhookParseResult {
  const format = webhookBodyFormat(contentType);
  if (!format) {
    return {
      ok: false,
      error: { kind: "invalidData", issues: [{ field: "contentType", problem: "must be application/json or application/xml" }] },
    };
  }
  const read = readWebhookItems(String(body), format);
  if (!read.ok) return { ok: false, error: { kind: "invalidData", issues: read.error } };
  return toWebhookMessages(read.value);
}
