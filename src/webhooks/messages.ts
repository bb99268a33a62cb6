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

const textTypes = new Set(["text/plain", "text/html"]);
const typingTypes = new Set(["startTyping", "endTyping"]);
const eventTypes = new Set(["assigned", "pagePush", "transfer", "complete"]);
const attachmentTypes = new Set(["acceptAttachment", "uploadAttachment", "rejectAttachment"]);

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

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => name === "message" || name === "attachment",
  processEntities: true,
  // Entity expansion off: entities a DOCTYPE declares are ignored (and a DOCTYPE is refused
  // before parsing); only XML's predefined entities and character references are decoded.
  entityDecoder: {
    setExternalEntities: () => undefined,
    addInputEntities: () => undefined,
    reset: () => undefined,
    setXmlVersion: () => undefined,
    decode: decodeXmlText,
  },
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
    document = withoutLayoutText(xmlParser.parse(body));
  } catch (error) {
    return invalid("body", error instanceof SyntaxError ? `is not well-formed XML (${error.message})` : "is not readable XML");
  }
  const roots = isRecord(document) ? Object.keys(document).filter((key) => key !== "#text") : [];
  if (roots.length !== 1) return invalid("body", "must have one root element holding <message> elements");
  const rootName = roots[0]!;
  const root = (document as Record<string, unknown>)[rootName];
  if (rootName === "message") return { ok: true, value: root as unknown[] }; // a lone <message> as the root
  if (!isRecord(root) || root.message === undefined) return invalid("message", "is required (no <message> element)");
  return { ok: true, value: root.message as unknown[] };
}

/**
 * Drops the white space that lays out XML between elements (`#text` of an element that has
 * children), so an XML message reads into the same shape as its JSON twin. Leaf text is kept
 * exactly as sent.
 */
function withoutLayoutText(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLayoutText);
  if (!isRecord(node)) return node;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "#text" && typeof value === "string" && value.trim() === "") continue;
    // defineProperty: an element named __proto__ stays a plain property
    Object.defineProperty(result, key, { value: withoutLayoutText(value), enumerable: true, writable: true, configurable: true });
  }
  return result;
}

/** Reads the body into its raw message items, before any item is checked. */
export function readWebhookItems(body: string, format: WebhookBodyFormat): RawItems {
  return format === "json" ? readJsonItems(body) : readXmlItems(body);
}

// ---------------------------------------------------------------------------------------------
// Turning raw items into typed messages
// ---------------------------------------------------------------------------------------------

function toAttachment(raw: unknown, field: string, issues: ValidationIssue[]): Attachment | undefined {
  if (!isRecord(raw)) return void issues.push({ field, problem: "must be an object" });
  const attachment = attachmentOf(raw);
  if (attachment.id === undefined) return void issues.push({ field: `${field}.id`, problem: "is required" });
  return attachment as Attachment;
}

/**
 * The usual case, fast: a complete item of a text, typing, event or unknown type becomes its
 * message in one object, without collecting issues. `undefined` for anything else (an item with
 * a problem, an attachment message), which {@link toWebhookMessage} reads the thorough way -
 * with the same result for a valid item.
 */
function wellFormedMessage(raw: Record<string, unknown>): WebhookMessage | undefined {
  const id = idOf(raw.id);
  const conversation = raw.conversation;
  const conversationId = isRecord(conversation) ? idOf(conversation.id) : undefined;
  const typeHolder = raw.type;
  const type = isRecord(typeHolder) ? idOf(typeHolder.value) : undefined;
  const senderRecord = raw.sender;
  const senderType = isRecord(senderRecord) ? idOf(senderRecord.type) : undefined;
  const timeStamp = wholeNumberOf(raw.timeStamp);
  if (id === undefined || conversationId === undefined || type === undefined || senderType === undefined || timeStamp === undefined) {
    return undefined;
  }
  const content = scalarText(raw.content);
  const user = (senderRecord as Record<string, unknown>).user;
  const sender: WebhookSender = user === undefined ? { type: senderType } : { type: senderType, user };
  let message: Record<string, unknown>;
  if (textTypes.has(type)) {
    if (content === undefined) return undefined;
    message = { id, conversationId, sender, timeStamp, type, content };
  } else if (typingTypes.has(type)) {
    message = { id, conversationId, sender, timeStamp, type };
  } else if (eventTypes.has(type)) {
    message = { id, conversationId, sender, timeStamp, type };
    if (content !== undefined) message.content = content;
  } else if (attachmentTypes.has(type)) {
    return undefined;
  } else {
    message = { id, conversationId, sender, timeStamp, type: "unknown", typeValue: type, raw };
    if (content !== undefined) message.content = content;
  }
  const client = scalarText(raw.client);
  if (client !== undefined) message.client = client;
  return message as unknown as WebhookMessage;
}

/** One raw item as a typed message, or its issues (each field named `message[i].path`). */
function toWebhookMessage(raw: unknown, index: number, issues: ValidationIssue[]): WebhookMessage | undefined {
  if (isRecord(raw)) {
    const message = wellFormedMessage(raw);
    if (message) return message;
  }
  const at = `message[${index}]`;
  if (!isRecord(raw)) {
    issues.push({ field: at, problem: "must be an object" });
    return undefined;
  }
  const before = issues.length;
  const require = <T>(value: T | undefined, path: string, problem = "is required"): T | undefined => {
    if (value === undefined) issues.push({ field: `${at}.${path}`, problem });
    return value;
  };
  const id = require(idOf(raw.id), "id");
  const conversationId = require(idOf(isRecord(raw.conversation) ? raw.conversation.id : undefined), "conversation.id");
  const typeValue = require(idOf(isRecord(raw.type) ? raw.type.value : undefined), "type.value");
  const senderRecord = isRecord(raw.sender) ? raw.sender : undefined;
  const senderType = require(idOf(senderRecord?.type), "sender.type");
  const timeStamp =
    raw.timeStamp === undefined
      ? require(undefined, "timeStamp")
      : require(wholeNumberOf(raw.timeStamp), "timeStamp", "must be a whole number of epoch milliseconds");
  const content = scalarText(raw.content);
  if (typeValue !== undefined && textTypes.has(typeValue)) require(content, "content");
  let attachments: Attachment[] = [];
  if (typeValue !== undefined && attachmentTypes.has(typeValue)) {
    const items = attachmentItems(raw);
    if (items.length === 0) require(undefined, "attachments.attachment");
    attachments = items.flatMap((item, i) => toAttachment(item, `${at}.attachments.attachment[${i}]`, issues) ?? []);
  }
  if (issues.length > before) return undefined;

  const client = scalarText(raw.client);
  const sender: WebhookSender =
    senderRecord?.user !== undefined ? { type: senderType!, user: senderRecord.user } : { type: senderType! };
  const base: WebhookMessageBase = {
    id: id!,
    conversationId: conversationId!,
    sender,
    timeStamp: timeStamp!,
    ...(client === undefined ? {} : { client }),
  };
  const withContent = content === undefined ? {} : { content };
  const type = typeValue!;
  if (textTypes.has(type)) return { ...base, type: type as "text/plain" | "text/html", content: content! };
  if (typingTypes.has(type)) return { ...base, type: type as WebhookTypingMessage["type"] };
  if (eventTypes.has(type)) return { ...base, type: type as WebhookEventMessage["type"], ...withContent };
  if (attachmentTypes.has(type)) {
    return {
      ...base,
      type: type as WebhookAttachmentMessage["type"],
      attachment: attachments[0]!,
      attachments,
      ...withContent,
    };
  }
  return { ...base, type: "unknown", typeValue: type, ...withContent, raw };
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
