/**
 * Reading what a client sends, as ECE would: the JSON bodies of a start and of each message,
 * checked against the wire contract (shared/ece-api.md sections 4 and 7, spec/ece-messaging.yaml)
 * by shapes written here, and read back into the SDK's own input shapes. Written apart from
 * src/client/operations.ts on purpose: a body the SDK gets wrong is refused here (400), not mirrored.
 *
 * @module
 */
import type { components } from "../../generated/ece-messaging.js";
import type { GeolocationInput, StartConversationInput } from "../client/inputs.js";
import type { Result } from "../internal/result.js";
import { isRecord } from "../internal/wire.js";
import type { MessageOperationName } from "../outcomes/outcomes.js";
import { errors, type ErrorBody } from "./answers.js";

type Schemas = components["schemas"];
/** A `sendmessage` body the fake accepted. */
export type MessageBody = Schemas["SendMessageRequest"];

/** What a value must be: a test, or an object with these fields and no others (`additionalProperties: false`). */
type Shape = ((value: unknown) => boolean) | { readonly [field: string]: Shape };

function fits(value: unknown, shape: Shape): boolean {
  if (typeof shape === "function") return shape(value);
  return (
    isRecord(value) &&
    Object.keys(value).every((field) => Object.hasOwn(shape, field)) &&
    Object.entries(shape).every(([field, inner]) => fits(value[field], inner))
  );
}

const optional = (shape: Shape) => (value: unknown) => value === undefined || fits(value, shape);
function listOf(item: Shape, least = 1, most = Number.POSITIVE_INFINITY) {
  return (value: unknown) => Array.isArray(value) && value.length >= least && value.length <= most && value.every((entry) => fits(entry, item));
}
/** `shape`, and a rule across its fields. */
const where = (shape: Shape, rule: (value: Record<string, unknown>) => boolean) => (value: unknown) =>
  fits(value, shape) && rule(value as Record<string, unknown>);
const text = (value: unknown): value is string => typeof value === "string" && value.length > 0;
const matching = (pattern: RegExp) => (value: unknown) => typeof value === "string" && pattern.test(value);
const upTo255 = (value: unknown) => typeof value === "string" && [...value].length <= 255;
const shortText = (value: unknown) => text(value) && upTo255(value);

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const SOCIAL = { type: { value: text }, socialId: text };
const HTTP_URL = /^https?:\/\/[^/?#\s]/i;
/** ASCII punctuation and control characters ECE refuses in custom attribute values (documented). */
const ATTRIBUTE_VALUE = /^[^\u0000-\u001f\u007f!$%*+/;<>[\\\]^`{|}~]*$/;
const oneAttachment = (item: Shape) => ({ attachment: listOf(item, 1, 1) });
const FILE = { fileName: text, contentType: text, size: matching(DECIMAL), contentUrl: matching(HTTP_URL) };
/** A place as the node takes it: latitude, longitude and label 1..255 characters; a coordinate, URL or address at least. */
const PLACE = where(
  { coordinate: optional({ latitude: shortText, longitude: shortText }), label: optional(shortText), url: optional(text), address: optional(text) },
  (place) => place.coordinate !== undefined || place.url !== undefined || place.address !== undefined,
);

/** Each message operation: its `type.value` on the wire, and its fields beside `conversation` and `type`. */
const MESSAGES: Readonly<Record<MessageOperationName, readonly [string, Record<string, Shape>]>> = {
  sendTextMessage: ["text/plain", { content: text }],
  sendHtmlMessage: ["text/html", { content: text }],
  uploadAttachmentFromUrl: ["uploadAttachment", { attachments: oneAttachment(FILE) }],
  acceptAttachment: ["acceptAttachment", { attachments: oneAttachment({ id: text }) }],
  rejectAttachment: ["rejectAttachment", { attachments: oneAttachment({ id: text }) }],
  sendGeolocation: ["geolocation", { geolocation: PLACE }],
};
const operationByType = new Map(Object.entries(MESSAGES).map(([operation, [type]]) => [type, operation as MessageOperationName]));

/** The names of the six message operations. */
export const messageOperations: ReadonlySet<string> = new Set(Object.keys(MESSAGES));

/** Parses a JSON body; an unescaped control character in a string gets ECE's documented 400. */
export function readJson(body: string): Result<unknown, ErrorBody> {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    // JSON forbids raw control characters in strings; ECE names them "Illegal unquoted character".
    return { ok: false, error: /[\u0000-\u001f]/.test(body) ? errors.illegalUnquotedCharacter() : errors.refused() };
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

/** A `sendmessage` body of one of the six message shapes, or `undefined` (ECE's 400). */
export function readMessage(body: unknown): MessageBody | undefined {
  const operation = messageOperationOf(body);
  if (operation === undefined) return undefined;
  return fits(body, { conversation: { id: text }, type: { value: text }, ...MESSAGES[operation][1] }) ? (body as MessageBody) : undefined;
}

/** A geolocation message's place, in the SDK's input shape (coordinates as the text sent). */
export function geolocationInput(conversationId: string, place: unknown): GeolocationInput {
  const { coordinate, label, url, address } = place as NonNullable<Schemas["SendMessageResponse"]["geolocation"]>;
  return defined({ conversationId, latitude: coordinate?.latitude, longitude: coordinate?.longitude, label, locationUrl: url, address });
}

/** An individual's contact: with an email address or a social ID. */
const CONTACT = where(
  { firstName: optional(text), lastName: optional(text), email: optional(listOf({ emailAddress: text })), social: optional(listOf(SOCIAL)) },
  (contact) => contact.email !== undefined || contact.social !== undefined,
);
const START: Shape = {
  entryPointConfiguration: {
    entryPoint: { id: matching(/^[1-9][0-9]*$/) },
    lastModified: { date: (date) => typeof date === "string" || typeof date === "number" },
  },
  activity: {
    subject: optional(upTo255),
    customAttributes: optional({
      customAttribute: listOf({ attribName: text, attribValues: { attribValue: listOf({ value: matching(ATTRIBUTE_VALUE) }) } }, 0),
    }),
    customer: {
      type: { value: (value) => value === "individual" },
      contacts: { contact: listOf(CONTACT) },
    },
  },
};

/** A start, read: the entry point, the date as sent (compared exactly), and the SDK's input. */
type ReadStart = { entryPointId: number; date: string | number; input: StartConversationInput };

/** Reads a start body and its query, refusing (`undefined`) what the documented shape does not allow. */
export function readStart(body: unknown, query: URLSearchParams): ReadStart | undefined {
  const search = query.get("searchContactOnAttribute") ?? undefined;
  const conversationContact = query.get("conversationContact") ?? undefined;
  if (!fits(body, START) || search === "" || conversationContact === "") return undefined;
  const { entryPointConfiguration, activity } = body as Schemas["StartConversationRequest"];
  const { firstName, lastName, email, social } = activity.customer.contacts.contact[0]!;
  const network = social?.[0] && { type: social[0].type.value, id: social[0].socialId };
  // Custom attributes: one value as text, several as a list (fromEntries keeps a `__proto__` name plain data).
  const attributes = Object.fromEntries(
    (activity.customAttributes?.customAttribute ?? []).map(({ attribName, attribValues: { attribValue } }) => [
      attribName,
      attribValue.length === 1 ? attribValue[0]!.value : attribValue.map(({ value }) => value),
    ]),
  );
  const entryPointId = Number(entryPointConfiguration.entryPoint.id);
  const customer = defined({ firstName, lastName, email: email?.[0]?.emailAddress, social: network });
  const customAttributes = Object.keys(attributes).length === 0 ? undefined : attributes;
  const input = defined({ entryPointId, customer, subject: activity.subject, customAttributes, searchContactOnAttribute: search, conversationContact });
  return { entryPointId, date: entryPointConfiguration.lastModified.date, input };
}

/** `fields` without those that are `undefined`: an absent field stays absent. */
function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}
