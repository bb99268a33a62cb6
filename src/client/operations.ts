/**
 * Every operation as data: how its input is checked, what (if anything) it needs first, the
 * request it makes, and how a 2xx answer becomes its success. The one path they all take is in
 * src/call/run-operation.ts; the lifecycle's state (entry-point dates) in entry-point-dates.ts.
 *
 * @module
 */
import type { components } from "../../generated/ece-messaging.js";
import type { Answer, EceApi, RequestExtras } from "../http/request.js";
import type { EntryPointDates } from "./entry-point-dates.js";
import type {
  ChatOperationName, EntryPointConfigurationFoundOutcome, ErrorOutcome, FailureOutcome, GetEntryPointConfigurationOutcome, OperationName, OutcomeByOperation, SuccessKind,
} from "../outcomes/outcomes.js";
import { redactBody, type Redact } from "../internal/redact.js";
import type { Result } from "../internal/result.js";
import type { SpecOperation } from "../outcomes/status-table.js";
import type { Deadline } from "../http/transport.js";
import {
  checkAttachmentDecisionInput, checkConversationInput, checkEntryPointInput, checkGeolocationInput, checkMessageInput, checkStartConversationInput,
  checkUploadAttachmentFromUrlInput, type CheckedStart,
} from "./validation.js";
import type { AttachmentDecisionInput, ConversationInput, MessageInput } from "./inputs.js";
import type { Checked } from "../internal/check.js";
import { attachmentItems, attachmentOf, definedFields, idOf, isRecord, jsonSourceAt, wholeNumberOf } from "../internal/wire.js";
import { readXml } from "../internal/xml.js";

/** Options every operation takes as its second argument. */
export interface CallOptions {
  /** Cancels the call: it then resolves to `error` with `aborted: true`. */
  signal?: AbortSignal;
  /** Time allowed for this call, the token request included; overrides the client's. */
  timeoutMs?: number;
  /** How often this call may be retried (see the client's `maxRetries`); overrides the client's. */
  maxRetries?: number;
}

/** The JSON body of `POST /messaging/sendmessage`, as the spec defines it. */
type SendMessageBody = components["schemas"]["SendMessageRequest"];
/** The JSON body of `POST /messaging/conversation/start`. */
type StartConversationBody = components["schemas"]["StartConversationRequest"];

/** What an operation may use while it prepares its request. */
export interface CallScope {
  deadline: Deadline;
  dates: EntryPointDates;
  /** Where the chat web service is (a URL), or `undefined` when the client could not tell. */
  chatRoot: string | undefined;
}

type SuccessOf<O extends OperationName> = Extract<OutcomeByOperation[O], { kind: SuccessKind }>;

/** How one operation checks its input, makes its request, and turns a 2xx answer into its success. */
export interface OperationDefinition<O extends OperationName, I, P = I> {
  /** The spec's operation: its row of the status table maps the error statuses. */
  spec: SpecOperation;
  /** The input, checked (own properties only); nothing is sent when it is bad. */
  check(input: unknown): Checked<I>;
  /**
   * What the request needs first (a start: its entry point's date); a failure ends the call.
   * Called again with the `stale` value when a 409 says it went stale (see `refreshOn409`).
   */
  prepare?(input: I, scope: CallScope, stale?: P): Promise<Result<P, FailureOutcome>>;
  /** Whether a 409 means `prepare`'s value went stale: prepare again and repeat once. */
  refreshOn409?: true;
  /** Sent without a token (the chat web service): no `Authorization`, no token request. */
  noToken?: true;
  /**
   * A read: it changes nothing at ECE, so it is also retried after a 408, a 5xx or a network
   * failure, and every failure of it is `delivered: false`.
   */
  read?: true;
  /** The request, with the token's header (none with `noToken`) and the HTTP skeleton's extras. */
  request(api: EceApi, prepared: P, init: RequestExtras & { headers: Record<string, string> }): Promise<Answer>;
  /**
   * `payload`'s values are redacted already (its dates and IDs are as sent); `redact` is for its
   * keys, where it is kept whole. `text` is the body as sent, when `request` kept it (see
   * {@link Answer.text}).
   */
  toSuccess(status: number, payload: Record<string, unknown> | undefined, sent: P, redact: Redact, text?: string): SuccessOf<O> | FailureOutcome;
}

/** A message's success of `kind`, with the ID ECE gave the message when its answer has one. */
function messageSuccess<K extends SuccessKind>(kind: K, status: number, payload: Record<string, unknown> | undefined) {
  return { kind, status, ...definedFields({ messageId: idOf(payload?.id) }) };
}

/** The first attachment item of a response, as the one attachment shape (`id` may be absent). */
function firstAttachment(payload: Record<string, unknown> | undefined) {
  const [first] = attachmentItems(payload);
  return isRecord(first) ? attachmentOf(first) : undefined;
}

const sendMessageSuccess = (status: number, payload: Record<string, unknown> | undefined) =>
  messageSuccess("sendMessageSuccess", status, payload);

/** A message operation: its check, its sendmessage body, its success. */
function message<O extends OperationName, I>(
  check: (input: unknown) => Checked<I>,
  toBody: (input: I) => SendMessageBody,
  toSuccess: OperationDefinition<O, I>["toSuccess"],
): OperationDefinition<O, I> {
  return {
    spec: "sendMessage",
    check,
    request: (api, input, init) => api.POST("/messaging/sendmessage", { body: toBody(input), ...init }),
    toSuccess,
  };
}

/** A text or HTML message's body. */
const contentBody =
  (value: "text/plain" | "text/html") =>
  ({ conversationId, message: content }: MessageInput) => ({ conversation: { id: conversationId }, type: { value }, content }) as SendMessageBody;

/** The body that accepts or rejects the agent's attachment. */
const decisionBody =
  (value: "acceptAttachment" | "rejectAttachment") =>
  ({ conversationId, attachmentId }: AttachmentDecisionInput) =>
    ({ conversation: { id: conversationId }, type: { value }, attachments: { attachment: [{ id: attachmentId }] } }) as SendMessageBody;

/**
 * A success body read as text, kept in `text`: its parsed JSON in `data` - or, when `xml` may come
 * and did, no `data`.
 */
function textBody(answer: { data?: string; error?: unknown; response: Response }, xml: boolean): Answer {
  const text = answer.data;
  if (!text) return answer;
  return { ...answer, data: xml && text.trimStart().startsWith("<") ? undefined : (JSON.parse(text) as unknown), text };
}

/** A conversation's `id` and its activity's (when present), or the error of an answer without an `id`. */
function conversationIdsOf(status: number, body: Record<string, unknown> | undefined) {
  const conversationId = idOf(body?.id);
  if (conversationId === undefined) return unreadable(status, "the conversation's id");
  const activityId = idOf(isRecord(body?.activity) ? body.activity.id : undefined);
  return { conversationId, ...definedFields({ activityId }) };
}

/** A conversation's fields from its documented XML: the root's `id`, its `activity`'s `id`. */
function conversationOfXml(text: string | undefined): Record<string, unknown> | undefined {
  const root = text === undefined ? undefined : readXml(text);
  if (root?.name !== "conversation") return undefined;
  const activity = root.children.find((child) => child.name === "activity");
  return { id: root.attributes.id, activity: { id: activity?.attributes.id } };
}

const NO_CHAT_ROOT = "The chat web service's location is unknown (apiRoot does not end with /ws/v19/clientapplications): set the chatRoot option.";

/**
 * `field` of a chat web service answer: a key of its JSON object, or an attribute (else a child
 * element's text) of its XML root element `root` - by local name.
 */
function chatFieldOf(payload: Record<string, unknown> | undefined, text: string | undefined, root: string, field: string): unknown {
  if (payload !== undefined) return payload[field];
  const element = text === undefined ? undefined : readXml(text);
  if (element?.name !== root) return undefined;
  return element.attributes[field] ?? element.children.find((child) => child.name === field)?.text;
}

/**
 * A read of the chat web service: no token, under the chat root, XML asked for (JSON read too).
 * Its success is what `toKind` makes of the one field it reads; `undefined` is an `error` that
 * says the answer lacks `what`.
 */
function chat<O extends ChatOperationName>(
  spec: O,
  path: "/agentAvailability/{entryPointId}" | "/capacity/{entryPointId}" | "/checkEligibility/{entryPointId}",
  [root, field, what]: [string, string, string],
  toKind: (value: unknown) => Omit<SuccessOf<O>, "status" | "requestId"> | undefined,
): OperationDefinition<O, { entryPointId: number }, { entryPointId: number; chatRoot: string }> {
  return {
    spec,
    check: checkEntryPointInput,
    noToken: true,
    read: true,
    prepare: async ({ entryPointId }, { chatRoot }) =>
      chatRoot === undefined ? { ok: false, error: { kind: "error", message: NO_CHAT_ROOT, delivered: false } } : { ok: true, value: { entryPointId, chatRoot } },
    async request(api, { entryPointId, chatRoot }, init) {
      const headers = { ...init.headers, Accept: "application/xml" };
      // The three paths take the same parameter; their answers are read as text alike.
      const answer = await api.GET(path as "/capacity/{entryPointId}", { params: { path: { entryPointId } }, parseAs: "text", baseUrl: chatRoot, ...init, headers });
      return textBody(answer, true);
    },
    toSuccess: (status, payload, _sent, _redact, text) => {
      const success = toKind(chatFieldOf(payload, text, root, field));
      return success === undefined ? unreadable(status, what) : ({ ...success, status } as SuccessOf<O>);
    },
  };
}

/** The eligibility kinds by `responseType`. */
const eligibility = [
  { kind: "eligible", responseType: 0 },
  { kind: "noAgentAvailable", responseType: 1 },
  { kind: "queueFull", responseType: 2 },
] as const;

/** The error outcome of a 2xx answer that lacks what the operation needs from it. */
function unreadable(status: number, what: string): ErrorOutcome {
  // ECE answered 2xx: what was asked may well have happened.
  return { kind: "error", message: `ECE answered ${status} without ${what}.`, status, delivered: "unknown" };
}

/** A start, ready to send: the checked input and the configuration it echoes. */
interface PreparedStart {
  start: CheckedStart;
  configuration: Promise<GetEntryPointConfigurationOutcome>;
  found: EntryPointConfigurationFoundOutcome;
}

/** The start body of the wire contract (ece-api.md section 7), only the fields given. */
function startBody({ start, found }: PreparedStart): StartConversationBody {
  const { customer, subject, customAttributes } = start;
  // A field left undefined is not sent: JSON.stringify (startJson) leaves it out.
  const contact = {
    firstName: customer.firstName,
    lastName: customer.lastName,
    email: customer.email === undefined ? undefined : [{ emailAddress: customer.email }],
    social: customer.social === undefined ? undefined : [{ type: { value: customer.social.type }, socialId: customer.social.id }],
  };
  const customAttribute = customAttributes.map(([attribName, values]) => ({
    attribName,
    attribValues: { attribValue: values.map((value) => ({ value })) },
  }));
  return {
    entryPointConfiguration: {
      entryPoint: { id: String(found.entryPointId) },
      lastModified: { date: found.lastModified }, // its text is spliced in by startJson
    },
    activity: {
      subject,
      customAttributes: customAttribute.length === 0 ? undefined : { customAttribute },
      customer: { type: { value: "individual" }, contacts: { contact: [contact] } } as StartConversationBody["activity"]["customer"],
    },
  };
}

/**
 * `body` as JSON text, with the date as ECE wrote it: JSON.stringify would rewrite a number
 * (`1.50` as `1.5`, `9007199254740993` as `9007199254740992`) and ECE compares the text.
 */
function startJson({ entryPointConfiguration: { entryPoint }, activity }: StartConversationBody, dateJson: string): string {
  return `{"entryPointConfiguration":{"entryPoint":${JSON.stringify(entryPoint)},"lastModified":{"date":${dateJson}}},"activity":${JSON.stringify(activity)}}`;
}

/** One operation's definition, with its types (operation, checked input, prepared input) named. */
const define = <O extends OperationName, I, P = I>(definition: OperationDefinition<O, I, P>) => definition;

/** Every operation as data; the bodies are byte-for-byte those of the wire contract. */
export const operationDefinitions = {
  getEntryPointConfiguration: define<"getEntryPointConfiguration", { entryPointId: number }>({
    spec: "getEntryPointConfiguration",
    read: true,
    check: checkEntryPointInput,
    // As text: the date goes back as written, which the parsed number may not say.
    request: async (api, { entryPointId }, init) =>
      textBody(await api.GET("/messaging/configuration", { params: { query: { entrypoint: entryPointId } }, parseAs: "text", ...init }), false),
    // The configuration element for this entry point; a configuration without it is entryPointNotFound.
    toSuccess(status, payload, { entryPointId }, redact, text) {
      const what = "the entry point's lastModified.date";
      const list = payload?.entryPointConfiguration;
      if (list === undefined) return unreadable(status, what);
      const items: unknown[] = Array.isArray(list) ? list : [list];
      const index = items.findIndex((element) => {
        const id = isRecord(element) && isRecord(element.entryPoint) ? element.entryPoint.id : undefined;
        return id !== undefined && String(id) === String(entryPointId);
      });
      if (index === -1) {
        const message = `ECE has no configuration for entry point ${entryPointId}: no such entry point, or not active.`;
        return { kind: "entryPointNotFound", message, status, delivered: false };
      }
      const item = items[index] as Record<string, unknown>;
      const date = isRecord(item.lastModified) ? item.lastModified.date : undefined;
      const at = Array.isArray(list) ? [index] : [];
      const dateJson = text === undefined ? undefined : jsonSourceAt(text, ["entryPointConfiguration", ...at, "lastModified", "date"]);
      if ((typeof date !== "string" && typeof date !== "number") || dateJson === undefined) return unreadable(status, what);
      return { kind: "entryPointConfigurationFound", status, entryPointId, lastModified: date, lastModifiedJson: dateJson, raw: redactBody(item, redact) };
    },
  }),
  startConversation: define<"startConversation", CheckedStart, PreparedStart>({
    spec: "startConversation",
    check: checkStartConversationInput,
    async prepare(start, { deadline, dates }, stale) {
      if (stale) dates.forget(start.entryPointId, stale.configuration);
      const configuration = dates.get(start.entryPointId);
      const outcome = await deadline.race(configuration);
      // Without the configuration nothing was started: its failure is the start's, undelivered.
      if (outcome.kind !== "entryPointConfigurationFound") return { ok: false, error: { ...outcome, delivered: false } };
      return { ok: true, value: { start, configuration, found: outcome } };
    },
    refreshOn409: true,
    request(api, prepared, init) {
      const bodySerializer = (body: StartConversationBody) => startJson(body, prepared.found.lastModifiedJson);
      return api.POST("/messaging/conversation/start", { params: { query: prepared.start.query }, body: startBody(prepared), bodySerializer, ...init });
    },
    toSuccess: (status, payload) => {
      const ids = conversationIdsOf(status, payload);
      return "kind" in ids ? ids : { kind: "conversationStarted", status, ...ids };
    },
  }),
  sendTextMessage: message(checkMessageInput, contentBody("text/plain"), sendMessageSuccess),
  sendHtmlMessage: message(checkMessageInput, contentBody("text/html"), sendMessageSuccess),
  uploadAttachmentFromUrl: message(
    checkUploadAttachmentFromUrlInput,
    ({ conversationId, fileName, contentType, fileSize, contentUrl }) => ({
      conversation: { id: conversationId },
      type: { value: "uploadAttachment" },
      attachments: { attachment: [{ fileName, contentType, size: String(fileSize), contentUrl }] },
    }),
    (status, payload) => {
      const attachmentId = firstAttachment(payload)?.id;
      const typeValue = idOf(isRecord(payload?.type) ? payload.type.value : undefined);
      return { ...sendMessageSuccess(status, payload), ...definedFields({ attachmentId, typeValue }) };
    },
  ),
  acceptAttachment: message(checkAttachmentDecisionInput, decisionBody("acceptAttachment"), (status, payload, sent) => ({
    ...messageSuccess("attachmentAccepted", status, payload),
    // The ID accepted, when ECE does not repeat it.
    attachment: { ...firstAttachment(payload), id: firstAttachment(payload)?.id ?? sent.attachmentId },
  })),
  rejectAttachment: message(checkAttachmentDecisionInput, decisionBody("rejectAttachment"), (status, payload) =>
    messageSuccess("attachmentRejected", status, payload),
  ),
  sendGeolocation: message(
    checkGeolocationInput,
    ({ conversationId, ...geolocation }) => ({ conversation: { id: conversationId }, type: { value: "geolocation" }, geolocation }),
    (status, payload, _sent, redact) => ({
      ...messageSuccess("sendGeolocationSuccess", status, payload),
      ...(payload === undefined ? {} : { response: redactBody(payload, redact) }),
    }),
  ),
  getAgentAvailability: chat(
    "getAgentAvailability",
    "/agentAvailability/{entryPointId}",
    ["agentAvailability", "available", "`available` as true or false"],
    (value) => {
      if (value === true || value === "true") return { kind: "agentAvailable" };
      return value === false || value === "false" ? { kind: "noAgentAvailable" } : undefined;
    },
  ),
  getAgentCapacity: chat("getAgentCapacity", "/capacity/{entryPointId}", ["availableSlots", "count", "a slot count"], (value) => {
    const slots = wholeNumberOf(value);
    if (slots === undefined) return undefined;
    return slots === 0 ? { kind: "maximumLoad", availableSlots: 0 } : { kind: "slotAvailable", availableSlots: slots };
  }),
  checkEligibility: chat(
    "checkEligibility",
    "/checkEligibility/{entryPointId}",
    ["checkEligibility", "responseType", "a responseType of 0, 1 or 2"],
    (value) => {
      const responseType = wholeNumberOf(value);
      return responseType === undefined ? undefined : eligibility[responseType];
    },
  ),
  getConversation: define<"getConversation", ConversationInput>({
    spec: "getConversation",
    check: checkConversationInput,
    read: true,
    request: async (api, { conversationId }, init) =>
      textBody(await api.GET("/messaging/conversation/{conversationId}", { params: { path: { conversationId } }, parseAs: "text", ...init }), true),
    toSuccess: (status, payload, _sent, redact, text) => {
      // XML: its IDs go through the same redaction as JSON's (kept as sent unless a secret whole).
      const xml = payload === undefined ? conversationOfXml(text) : undefined;
      const ids = conversationIdsOf(status, xml === undefined ? payload : redactBody(xml, redact));
      if ("kind" in ids) return ids;
      const raw = xml === undefined ? redactBody(payload!, redact) : redact(text!);
      return { kind: "conversationFound", status, ...ids, raw };
    },
  }),
} satisfies { readonly [O in OperationName]: OperationDefinition<O, unknown, unknown> };
