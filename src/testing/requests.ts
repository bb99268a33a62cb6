/**
 * Reading what a client sends, as ECE would: the JSON bodies of a start and of each message,
 * checked against the wire contract (shared/ece-api.md sections 4 and 7, spec/ece-messaging.yaml)
 * and read back into the SDK's own input shapes. Written apart from src/operations.ts on purpose:
 * a body the SDK gets wrong is refused here (400), not mirrored.
 *
 * @module
 */
import type { GeolocationInput, StartConversationInput } from "../client/inputs.js";
import type { MessageOperationName } from "../outcomes/outcomes.js";
import { errors, type ErrorBody } from "./answers.js";
import { isRecord } from "../internal/wire.js";

/** A value read, or the error body ECE answers (400) when it cannot be. */
type Read<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

type Json = Record<string, unknown>;

const refused = (): Read<never> => ({ ok: false, error: errors.refused() });

/** Whether `value` is an object with only the `allowed` keys (the spec's `additionalProperties: false`). */
function only(value: unknown, ...allowed: string[]): value is Json {
  return isRecord(value) && Object.keys(value).every((key) => allowed.includes(key));
}

const text = (value: unknown): value is string => typeof value === "string" && value.length > 0;
const codePoints = (value: string) => [...value].length;

/** Parses a JSON body; an unescaped control character in a string gets ECE's documented 400. */
export function readJson(body: string): Read<unknown> {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    // JSON forbids raw control characters in strings; ECE names them "Illegal unquoted character".
    return /[\u0000-\u001f]/.test(body) ? { ok: false, error: errors.illegalUnquotedCharacter() } : refused();
  }
}

/** A `sendmessage` body's operation, from its `type.value` (for matching scripts and records). */
export function messageOperationOf(body: unknown): MessageOperationName | undefined {
  const type = isRecord(body) && isRecord(body.type) ? body.type.value : undefined;
  return typeof type === "string" ? operationByType.get(type) : undefined;
}

/** A `sendmessage` body's conversation ID, when it has one. */
export function conversationIdOf(body: unknown): string | undefined {
  const id = isRecord(body) && isRecord(body.conversation) ? body.conversation.id : undefined;
  return text(id) ? id : undefined;
}

/** Each message operation's `type.value` on the wire. */
const typeValueOf: Readonly<Record<MessageOperationName, string>> = {
  sendTextMessage: "text/plain",
  sendHtmlMessage: "text/html",
  uploadAttachmentFromUrl: "uploadAttachment",
  acceptAttachment: "acceptAttachment",
  rejectAttachment: "rejectAttachment",
  sendGeolocation: "geolocation",
};
const operationByType = new Map(Object.entries(typeValueOf).map(([operation, type]) => [type, operation as MessageOperationName]));

/** The names of the six message operations. */
export const messageOperations: ReadonlySet<string> = new Set(Object.keys(typeValueOf));

/** A message body, read: what it is and its fields as sent. */
export type ReadMessage =
  | { operation: "sendTextMessage" | "sendHtmlMessage"; conversationId: string; content: string }
  | {
      operation: "uploadAttachmentFromUrl";
      conversationId: string;
      file: { fileName: string; contentType: string; size: string; contentUrl: string };
    }
  | { operation: "acceptAttachment" | "rejectAttachment"; conversationId: string; attachmentId: string }
  | { operation: "sendGeolocation"; conversationId: string; geolocation: Json; input: GeolocationInput };

const DECIMAL_SIZE = /^(0|[1-9][0-9]*)$/;
const HTTP_URL = /^https?:\/\/[^/?#\s]/i;

/** Whether `value` is a one-element `{ attachment: [item] }` list whose item `check` accepts. */
function oneAttachment(value: unknown, check: (item: unknown) => boolean): boolean {
  return only(value, "attachment") && Array.isArray(value.attachment) && value.attachment.length === 1 && check(value.attachment[0]);
}

/** Reads a `sendmessage` body (one of the six message shapes), refusing any other. */
export function readMessage(body: unknown): Read<ReadMessage> {
  const operation = messageOperationOf(body);
  const conversationId = conversationIdOf(body);
  if (operation === undefined || conversationId === undefined || !isRecord(body) || !only(body.type, "value")) return refused();
  switch (operation) {
    case "sendTextMessage":
    case "sendHtmlMessage":
      if (!only(body, "conversation", "type", "content") || !text(body.content)) return refused();
      return { ok: true, value: { operation, conversationId, content: body.content } };
    case "uploadAttachmentFromUrl": {
      const file = (item: unknown): item is { fileName: string; contentType: string; size: string; contentUrl: string } =>
        only(item, "fileName", "contentType", "size", "contentUrl") &&
        text(item.fileName) &&
        text(item.contentType) &&
        typeof item.size === "string" &&
        DECIMAL_SIZE.test(item.size) &&
        text(item.contentUrl) &&
        HTTP_URL.test(item.contentUrl);
      if (!only(body, "conversation", "type", "attachments") || !oneAttachment(body.attachments, file)) return refused();
      const [item] = (body.attachments as { attachment: [{ fileName: string; contentType: string; size: string; contentUrl: string }] })
        .attachment;
      return { ok: true, value: { operation, conversationId, file: item } };
    }
    case "acceptAttachment":
    case "rejectAttachment": {
      const reference = (item: unknown) => only(item, "id") && text(item.id);
      if (!only(body, "conversation", "type", "attachments") || !oneAttachment(body.attachments, reference)) return refused();
      const [item] = (body.attachments as { attachment: [{ id: string }] }).attachment;
      return { ok: true, value: { operation, conversationId, attachmentId: item.id } };
    }
    case "sendGeolocation": {
      if (!only(body, "conversation", "type", "geolocation")) return refused();
      const input = readGeolocation(conversationId, body.geolocation);
      return input ? { ok: true, value: { operation, conversationId, geolocation: body.geolocation as Json, input } } : refused();
    }
  }
}

/**
 * A geolocation as the node takes it: latitude, longitude and label 1..255 characters, the
 * coordinate whole, URL and address non-empty (no length limit), and one of coordinate, URL or
 * address at least.
 */
function readGeolocation(conversationId: string, value: unknown): GeolocationInput | undefined {
  if (!only(value, "coordinate", "label", "url", "address")) return undefined;
  const short = (field: unknown) => text(field) && codePoints(field) <= 255;
  const { coordinate, label, url, address } = value;
  if (coordinate !== undefined && !(only(coordinate, "latitude", "longitude") && short(coordinate.latitude) && short(coordinate.longitude))) {
    return undefined;
  }
  if ((label !== undefined && !short(label)) || (url !== undefined && !text(url)) || (address !== undefined && !text(address))) {
    return undefined;
  }
  if (coordinate === undefined && url === undefined && address === undefined) return undefined;
  const point = coordinate as { latitude: string; longitude: string } | undefined;
  return {
    conversationId,
    ...(point ? { latitude: point.latitude, longitude: point.longitude } : {}),
    ...(label === undefined ? {} : { label: label as string }),
    ...(url === undefined ? {} : { locationUrl: url as string }),
    ...(address === undefined ? {} : { address: address as string }),
  };
}

/** A start body, read. */
interface ReadStart {
  /** The entry point's ID as sent (a string of digits). */
  entryPointId: number;
  /** The date as sent: compared with the entry point's exactly (same JSON type, same text). */
  date: unknown;
  input: StartConversationInput;
}

/** ASCII punctuation and control characters ECE refuses in custom attribute values (documented). */
const REFUSED_IN_ATTRIBUTES = /[\u0000-\u001f\u007f!$%*+/;<>[\\\]^`{|}~]/;

/** Reads a start body and its query, refusing what the documented shape does not allow. */
export function readStart(body: unknown, query: URLSearchParams): Read<ReadStart> {
  if (!only(body, "entryPointConfiguration", "activity")) return refused();
  const configuration = body.entryPointConfiguration;
  if (!only(configuration, "entryPoint", "lastModified") || !only(configuration.entryPoint, "id") || !only(configuration.lastModified, "date")) {
    return refused();
  }
  const id = configuration.entryPoint.id;
  const date = configuration.lastModified.date;
  if (typeof id !== "string" || !/^[1-9][0-9]*$/.test(id) || (typeof date !== "string" && typeof date !== "number")) return refused();

  const activity = body.activity;
  if (!only(activity, "subject", "customAttributes", "customer")) return refused();
  const { subject, customAttributes, customer } = activity;
  if (subject !== undefined && (typeof subject !== "string" || codePoints(subject) > 255)) return refused();
  const attributes = readAttributes(customAttributes);
  const contact = readCustomer(customer);
  if (attributes === undefined || contact === undefined) return refused();

  const search = query.get("searchContactOnAttribute");
  const conversationContact = query.get("conversationContact");
  if (search === "" || conversationContact === "") return refused();
  const input: StartConversationInput = {
    entryPointId: Number(id),
    customer: contact,
    ...(subject === undefined ? {} : { subject: subject as string }),
    ...(Object.keys(attributes).length === 0 ? {} : { customAttributes: attributes }),
    ...(search === null ? {} : { searchContactOnAttribute: search }),
    ...(conversationContact === null ? {} : { conversationContact }),
  };
  return { ok: true, value: { entryPointId: Number(id), date, input } };
}

/** Custom attributes: one value as text, several as a list; `undefined` when refused. */
function readAttributes(value: unknown): Record<string, string | string[]> | undefined {
  if (value === undefined) return {};
  if (!only(value, "customAttribute") || !Array.isArray(value.customAttribute)) return undefined;
  const attributes: Record<string, string | string[]> = {};
  for (const item of value.customAttribute) {
    if (!only(item, "attribName", "attribValues") || !text(item.attribName) || !only(item.attribValues, "attribValue")) return undefined;
    const list = item.attribValues.attribValue;
    if (!Array.isArray(list) || list.length === 0) return undefined;
    const values: string[] = [];
    for (const entry of list) {
      if (!only(entry, "value") || typeof entry.value !== "string" || REFUSED_IN_ATTRIBUTES.test(entry.value)) return undefined;
      values.push(entry.value);
    }
    Object.defineProperty(attributes, item.attribName, {
      value: values.length === 1 ? values[0]! : values,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return attributes;
}

/** The customer: an individual with one contact that has an email address or a social ID. */
function readCustomer(value: unknown): StartConversationInput["customer"] | undefined {
  if (!only(value, "type", "contacts") || !only(value.type, "value") || value.type.value !== "individual") return undefined;
  if (!only(value.contacts, "contact") || !Array.isArray(value.contacts.contact) || value.contacts.contact.length === 0) return undefined;
  const [contact] = value.contacts.contact as unknown[];
  if (!only(contact, "firstName", "lastName", "email", "social")) return undefined;
  const { firstName, lastName, email, social } = contact;
  if ((firstName !== undefined && !text(firstName)) || (lastName !== undefined && !text(lastName))) return undefined;
  const emails = email === undefined ? [] : email;
  const socials = social === undefined ? [] : social;
  if (!Array.isArray(emails) || !Array.isArray(socials) || (email !== undefined && emails.length === 0) || (social !== undefined && socials.length === 0)) {
    return undefined;
  }
  if (emails.length === 0 && socials.length === 0) return undefined;
  if (!emails.every((item) => only(item, "emailAddress") && text(item.emailAddress))) return undefined;
  if (!socials.every((item) => only(item, "type", "socialId") && only(item.type, "value") && text(item.type.value) && text(item.socialId))) {
    return undefined;
  }
  const firstEmail = emails[0] as { emailAddress: string } | undefined;
  const firstSocial = socials[0] as { type: { value: string }; socialId: string } | undefined;
  return {
    ...(firstName === undefined ? {} : { firstName: firstName as string }),
    ...(lastName === undefined ? {} : { lastName: lastName as string }),
    ...(firstEmail ? { email: firstEmail.emailAddress } : {}),
    ...(firstSocial ? { social: { type: firstSocial.type.value, id: firstSocial.socialId } } : {}),
  };
}
