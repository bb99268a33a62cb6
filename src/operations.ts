/**
 * The six message operations, each as data: how its input becomes a request body, and how a
 * 2xx answer becomes its success. The one path they all take is in call.ts.
 *
 * @module
 */
import type { components } from "../generated/ece-messaging.js";
import type { OperationName, OutcomeByOperation, SuccessKind } from "./outcomes.js";
import { redactBody, type Redact } from "./redact.js";
import { attachmentItems, attachmentOf, idOf, isRecord } from "./wire.js";
import {
  checkAttachmentDecisionInput,
  checkGeolocationInput,
  checkMessageInput,
  checkUploadAttachmentFromUrlInput,
  type AttachmentDecisionInput,
  type Checked,
  type CheckedGeolocation,
  type MessageInput,
  type UploadAttachmentFromUrlInput,
} from "./validation.js";

/** Options every operation takes as its second argument. */
export interface CallOptions {
  /** Cancels the call: it then resolves to `error` with `aborted: true`. */
  signal?: AbortSignal;
  /** Time allowed for this call, the token request included; overrides the client's. */
  timeoutMs?: number;
}

/** The JSON body of `POST /messaging/sendmessage`, as the spec defines it. */
export type SendMessageBody = components["schemas"]["SendMessageRequest"];

/** The echoed message ECE may return on success (every field may be absent). */
export type SendMessageResponse = components["schemas"]["SendMessageResponse"];

type SuccessOf<O extends OperationName> = Extract<OutcomeByOperation[O], { kind: SuccessKind }>;

/** How one operation checks its input, makes its body, and turns a 2xx answer into its success. */
export interface OperationDefinition<O extends OperationName, I> {
  /** The input, checked (own properties only); nothing is sent when it is bad. */
  check(input: unknown): Checked<I>;
  /** The body of the wire contract, byte for byte. */
  toBody(input: I): SendMessageBody;
  /**
   * `payload`'s values are redacted already; `redact` is for its keys, where it is kept whole.
   * `sent` is the body that was sent.
   */
  toSuccess(status: number, payload: SendMessageResponse | undefined, sent: SendMessageBody, redact: Redact): SuccessOf<O>;
}

function messageIdOf(payload: SendMessageResponse | undefined): { messageId?: string } {
  const id = idOf(payload?.id);
  return id === undefined ? {} : { messageId: id };
}

/** The first attachment item of a response, as the one attachment shape (`id` may be absent). */
function firstAttachment(payload: SendMessageResponse | undefined) {
  const [first] = attachmentItems(payload as Record<string, unknown> | undefined);
  return isRecord(first) ? attachmentOf(first) : undefined;
}

/** The attachment ID a decision body carries. */
function decidedId(sent: SendMessageBody): string {
  return (sent as BodyOfType<"acceptAttachment">).attachments.attachment[0]!.id;
}

const sendMessageSuccess = (status: number, payload: SendMessageResponse | undefined) =>
  ({ kind: "sendMessageSuccess", status, ...messageIdOf(payload) }) as const;

/** The member of the body union whose `type.value` is `V`. */
type BodyOfType<V extends string> = Extract<SendMessageBody, { type: { value: V } }>;

/** A text or HTML message's body. */
const contentBody =
  <V extends "text/plain" | "text/html">(value: V) =>
  ({ conversationId, message }: MessageInput) =>
    ({ conversation: { id: conversationId }, type: { value }, content: message }) as BodyOfType<V>;

/** The body that accepts or rejects the agent's attachment. */
const decisionBody =
  <V extends "acceptAttachment" | "rejectAttachment">(value: V) =>
  ({ conversationId, attachmentId }: AttachmentDecisionInput) =>
    ({ conversation: { id: conversationId }, type: { value }, attachments: { attachment: [{ id: attachmentId }] } }) as BodyOfType<V>;

/** What each operation's check gives its body. */
interface CheckedInput {
  sendTextMessage: MessageInput;
  sendHtmlMessage: MessageInput;
  uploadAttachmentFromUrl: UploadAttachmentFromUrlInput;
  acceptAttachment: AttachmentDecisionInput;
  rejectAttachment: AttachmentDecisionInput;
  sendGeolocation: CheckedGeolocation;
}

/** Every operation as data; the bodies are byte-for-byte those of the wire contract. */
export const operationDefinitions: { readonly [O in OperationName]: OperationDefinition<O, CheckedInput[O]> } = {
  sendTextMessage: { check: checkMessageInput, toBody: contentBody("text/plain"), toSuccess: sendMessageSuccess },
  sendHtmlMessage: { check: checkMessageInput, toBody: contentBody("text/html"), toSuccess: sendMessageSuccess },
  uploadAttachmentFromUrl: {
    check: checkUploadAttachmentFromUrlInput,
    toBody: (file) => ({
      conversation: { id: file.conversationId },
      type: { value: "uploadAttachment" },
      attachments: {
        attachment: [{ fileName: file.fileName, contentType: file.contentType, size: String(file.fileSize), contentUrl: file.contentUrl }],
      },
    }),
    toSuccess: (status, payload) => {
      const attachmentId = firstAttachment(payload)?.id;
      return { ...sendMessageSuccess(status, payload), ...(attachmentId === undefined ? {} : { attachmentId }) };
    },
  },
  acceptAttachment: {
    check: checkAttachmentDecisionInput,
    toBody: decisionBody("acceptAttachment"),
    toSuccess: (status, payload, sent) => ({
      kind: "attachmentAccepted",
      status,
      ...messageIdOf(payload),
      // The ID accepted, when ECE does not repeat it.
      attachment: { ...firstAttachment(payload), id: firstAttachment(payload)?.id ?? decidedId(sent) },
    }),
  },
  rejectAttachment: {
    check: checkAttachmentDecisionInput,
    toBody: decisionBody("rejectAttachment"),
    toSuccess: (status, payload) => ({ kind: "attachmentRejected", status, ...messageIdOf(payload) }),
  },
  sendGeolocation: {
    check: checkGeolocationInput,
    toBody: ({ conversationId, ...geolocation }) => ({
      conversation: { id: conversationId },
      type: { value: "geolocation" },
      geolocation,
    }),
    toSuccess: (status, payload, _sent, redact) => ({
      kind: "sendGeolocationSuccess",
      status,
      ...messageIdOf(payload),
      ...(payload === undefined ? {} : { response: redactBody(payload, redact) }),
    }),
  },
};
