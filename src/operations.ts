/**
 * The six message operations, each as data (how its input becomes a request body, and how a
 * success becomes its outcome), and the one path every call takes:
 * validate -> token -> openapi-fetch -> outcome.
 *
 * @module
 */
import type { components } from "../generated/ece-messaging.js";
import type { EceApi, TokenSource } from "./auth.js";
import {
  failureOutcomeOf,
  type AcceptedAttachment,
  type OperationName,
  type Outcome,
  type OutcomeByOperation,
  type SendMessageResponse,
  type SuccessKind,
} from "./outcomes.js";
import {
  createRedactor,
  Deadline,
  observeStatus,
  outcomeOfThrown,
  redactBody,
  type CallFetch,
  type ClientFetch,
} from "./transport.js";
import {
  checkAttachmentDecisionInput,
  checkCallOptions,
  checkGeolocationInput,
  checkMessageInput,
  checkUploadAttachmentFromUrlInput,
  invalidDataOutcome,
  type CheckedCallOptions,
  isRecord,
  wholeNumberOf,
  type Checked,
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

type SuccessOf<O extends OperationName> = Extract<OutcomeByOperation[O], { kind: SuccessKind }>;

/** How one operation turns its input into a body, and a 2xx answer into its success outcome. */
interface OperationDefinition<O extends OperationName> {
  toBody(input: unknown): Checked<SendMessageBody>;
  /** `payload`'s values are redacted already; `redact` is for its keys, where it is kept whole. */
  toSuccess(status: number, payload: SendMessageResponse | undefined, redact: (text: string) => string): SuccessOf<O>;
}

function mapChecked<T>(checked: Checked<T>, toBody: (value: T) => SendMessageBody): Checked<SendMessageBody> {
  return checked.ok ? { ok: true, value: toBody(checked.value) } : checked;
}

function messageIdOf(payload: SendMessageResponse | undefined): { messageId?: string } {
  const id = idText(payload?.id);
  return id === undefined ? {} : { messageId: id };
}

function idText(value: unknown): string | undefined {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function firstAttachment(payload: SendMessageResponse | undefined): Record<string, unknown> | undefined {
  const list: unknown = (payload?.attachments as { attachment?: unknown } | undefined)?.attachment;
  const first: unknown = Array.isArray(list) ? list[0] : list; // tolerate a single object too
  return isRecord(first) ? first : undefined;
}

function acceptedAttachmentOf(payload: SendMessageResponse | undefined): AcceptedAttachment {
  const item = firstAttachment(payload);
  const text = (key: string): string | undefined => (typeof item?.[key] === "string" ? (item[key] as string) : undefined);
  const id = idText(item?.id);
  const fileName = text("fileName");
  const contentType = text("contentType");
  const size = wholeNumberOf(item?.size);
  const contentUrl = text("contentUrl");
  return {
    attachmentType: "acceptAttachment",
    ...(id === undefined ? {} : { attachmentId: id }),
    ...(fileName === undefined ? {} : { attachmentFileName: fileName }),
    ...(contentType === undefined ? {} : { attachmentContentType: contentType }),
    ...(size === undefined ? {} : { attachmentSize: size }),
    ...(contentUrl === undefined ? {} : { attachmentContentUrl: contentUrl }),
  };
}

const sendMessageSuccess = (status: number, payload: SendMessageResponse | undefined) =>
  ({ kind: "sendMessageSuccess", status, ...messageIdOf(payload) }) as const;

/** The member of the body union whose `type.value` is `V`. */
type BodyOfType<V extends string> = Extract<SendMessageBody, { type: { value: V } }>;

/** The body of a text or HTML message. */
const messageBody =
  <V extends "text/plain" | "text/html">(value: V) =>
  (input: unknown): Checked<SendMessageBody> =>
    mapChecked(
      checkMessageInput(input),
      ({ conversationId, message }) =>
        ({ conversation: { id: conversationId }, type: { value }, content: message }) as BodyOfType<V>,
    );

/** The body that accepts or rejects the agent's attachment. */
const attachmentDecisionBody =
  <V extends "acceptAttachment" | "rejectAttachment">(value: V) =>
  (input: unknown): Checked<SendMessageBody> =>
    mapChecked(
      checkAttachmentDecisionInput(input),
      ({ conversationId, attachmentId }) =>
        ({
          conversation: { id: conversationId },
          type: { value },
          attachments: { attachment: [{ id: attachmentId }] },
        }) as BodyOfType<V>,
    );

/** Every operation's body and success mapping; the bodies are byte-for-byte those of the wire contract. */
export const operationDefinitions: { readonly [O in OperationName]: OperationDefinition<O> } = {
  sendTextMessage: { toBody: messageBody("text/plain"), toSuccess: sendMessageSuccess },
  sendHtmlMessage: { toBody: messageBody("text/html"), toSuccess: sendMessageSuccess },
  uploadAttachmentFromUrl: {
    toBody: (input) =>
      mapChecked(checkUploadAttachmentFromUrlInput(input), (file) => ({
        conversation: { id: file.conversationId },
        type: { value: "uploadAttachment" },
        attachments: {
          attachment: [
            {
              fileName: file.fileName,
              contentType: file.contentType,
              size: String(file.fileSize),
              contentUrl: file.contentUrl,
            },
          ],
        },
      })),
    toSuccess: (status, payload) => {
      const attachmentId = idText(firstAttachment(payload)?.id);
      return { ...sendMessageSuccess(status, payload), ...(attachmentId === undefined ? {} : { attachmentId }) };
    },
  },
  acceptAttachment: {
    toBody: attachmentDecisionBody("acceptAttachment"),
    toSuccess: (status, payload) => ({
      kind: "attachmentAccepted",
      status,
      ...messageIdOf(payload),
      attachment: acceptedAttachmentOf(payload),
    }),
  },
  rejectAttachment: {
    toBody: attachmentDecisionBody("rejectAttachment"),
    toSuccess: (status, payload) => ({ kind: "attachmentRejected", status, ...messageIdOf(payload) }),
  },
  sendGeolocation: {
    toBody: (input) =>
      mapChecked(checkGeolocationInput(input), ({ conversationId, ...geolocation }) => ({
        conversation: { id: conversationId },
        type: { value: "geolocation" },
        geolocation,
      })),
    toSuccess: (status, payload, redact) => ({
      kind: "sendGeolocationSuccess",
      status,
      ...messageIdOf(payload),
      ...(payload === undefined ? {} : { response: redactBody(payload, redact) }),
    }),
  },
};

/** What {@link runOperation} needs from its client. */
export interface OperationContext {
  api: EceApi;
  /** The client's fetch (bodies capped). */
  fetch: CallFetch;
  tokens: TokenSource;
  defaultTimeoutMs: number;
  /** Whether `close()` has been called: no new call starts, and no token is refreshed. */
  isClosed(): boolean;
  /** Registers a call in flight, which `close()` waits for before revoking tokens. */
  track<T>(call: Promise<T>): Promise<T>;
}

function asPayload(data: unknown): SendMessageResponse | undefined {
  return isRecord(data) ? (data as SendMessageResponse) : undefined;
}

/**
 * The one path of every message operation: check the input (nothing is sent when it is bad),
 * get a token, POST the body, and map the answer to an outcome. A 401 on a cached token gets a
 * new token and one repeat; nothing else is ever repeated. Never rejects, whatever the input.
 */
export async function runOperation<O extends OperationName>(
  context: OperationContext,
  name: O,
  input: unknown,
  options: unknown,
): Promise<OutcomeByOperation[O]> {
  type Result = OutcomeByOperation[O];
  const definition: OperationDefinition<OperationName> = operationDefinitions[name];
  let checked: Checked<SendMessageBody>;
  let callOptions: Checked<CheckedCallOptions>;
  try {
    checked = definition.toBody(input);
    callOptions = checkCallOptions(options);
  } catch {
    // The checks never throw; this keeps "never rejects" true whatever a future check does.
    return invalidDataOutcome([{ field: "input", problem: "could not be read" }]) as Result;
  }
  if (!checked.ok || !callOptions.ok) {
    return invalidDataOutcome([...(checked.ok ? [] : checked.issues), ...(callOptions.ok ? [] : callOptions.issues)]) as Result;
  }
  if (context.isClosed()) return { kind: "error", message: "The client is closed." } as Result;
  return context.track(exchange(context, name, definition, checked.value, callOptions.value)) as Promise<Result>;
}

/** Token, POST (and the one repeat after a 401 on a cached token), answer -> outcome. */
async function exchange(
  context: OperationContext,
  name: OperationName,
  definition: OperationDefinition<OperationName>,
  body: SendMessageBody,
  callOptions: CheckedCallOptions,
): Promise<Outcome> {
  const deadline = new Deadline(callOptions.timeoutMs ?? context.defaultTimeoutMs, callOptions.signal);
  // The tokens this call used stay secret in what it returns, even once the client forgot them.
  const used: string[] = [];
  const redact = createRedactor(() => [...context.tokens.secrets(), ...used]);
  let status: number | undefined;
  const fetchForCall = observeStatus(context.fetch, (seen) => (status = seen));
  const post = (token: string) => {
    used.push(token);
    return deadline.race(
      context.api.POST("/messaging/sendmessage", {
        body,
        headers: { Authorization: `Bearer ${token}` },
        signal: deadline.signal,
        redirect: "manual",
        fetch: fetchForCall as unknown as ClientFetch,
      }),
    );
  };

  try {
    let token = await context.tokens.get(deadline);
    if (!token.ok) return token.outcome;
    let answer = await post(token.token);
    if (answer.response.status === 401) {
      // The token is no good: forget it, so that no later call uses it either.
      context.tokens.invalidate(token.token);
    }
    if (answer.response.status === 401 && token.fromCache && context.tokens.canRefresh && !context.isClosed()) {
      // It had been cached, so it may simply have expired: one new token, one repeat. Not once
      // the client is closing: a token fetched now would outlive close().
      token = await context.tokens.get(deadline);
      if (!token.ok) return token.outcome;
      status = undefined;
      answer = await post(token.token);
    }
    const answered = answer.response.status;
    // Network text is redacted where it enters: the success payload, keys and values, and the
    // error body. The SDK's own words are never touched.
    return answered >= 200 && answered <= 299
      ? definition.toSuccess(answered, asPayload(redactBody(answer.data, redact, false)), redact)
      : failureOutcomeOf(name, answered, redactBody(answer.error, redact, false));
  } catch (thrown) {
    return outcomeOfThrown(thrown, deadline, status, redact);
  } finally {
    deadline.dispose();
  }
}
