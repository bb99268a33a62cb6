/**
 * The outcome kinds, described once: when each happens, its fields, and what a caller usually
 * does - in general, and in an operation's own words where they differ. `npm run
 * generate:outcomes` (scripts/generate-outcomes.ts) writes from this file the table above each
 * operation's union in src/outcomes/outcomes.ts, and the one table of kinds in README.md and
 * guides/handling-outcomes.md; the test command fails when they differ from it.
 *
 * Cells are Markdown, on one line, without `|`.
 */
import type { MessageOperationName, OperationName, OutcomeByOperation, OutcomeKind } from "../src/outcomes/outcomes.js";

/** One kind's cells. */
export interface KindText {
  /** What made the outcome: the status, the answer, or the call's own fate. */
  when: string;
  /** Its fields beyond `kind` ("HTTP details" for a failure from an error status). */
  fields: string;
  /** What a caller usually does with it. */
  action: string;
}

export interface KindDescription extends KindText {
  /** An operation's own words, where they differ from the general ones (which the README uses). */
  per?: Partial<Record<OperationName, Partial<KindText>>>;
}

export const messageOperations: readonly OperationName[] = [
  "sendTextMessage",
  "sendHtmlMessage",
  "uploadAttachmentFromUrl",
  "acceptAttachment",
  "rejectAttachment",
  "sendGeolocation",
] satisfies MessageOperationName[];

/** The chat web service's reads (no token). */
const chatOperations: readonly OperationName[] = ["getAgentAvailability", "getAgentCapacity", "checkEligibility"];
/** The operations that send a token. */
const tokenOperations: readonly OperationName[] = ["getEntryPointConfiguration", "startConversation", ...messageOperations, "getConversation"];
/** Every read: its failures are never delivered. */
const readOperations: readonly OperationName[] = [...chatOperations, "getConversation", "getEntryPointConfiguration"];

/** The same words for several operations. */
function each(operations: readonly OperationName[], text: Partial<KindText>): Partial<Record<OperationName, Partial<KindText>>> {
  return Object.fromEntries(operations.map((operation) => [operation, text]));
}

/** Every kind, in the order of the README's table. */
export const kinds: Record<OutcomeKind, KindDescription> = {
  entryPointConfigurationFound: {
    when: "any 2xx with the entry point's date",
    fields: "`entryPointId`, `lastModified`, `lastModifiedJson` (as sent), `raw`",
    action: "start conversations on it (`startConversation` fetches it itself)",
  },
  conversationStarted: {
    when: "any 2xx with the conversation's `id`",
    fields: "`conversationId`, `activityId?`",
    action: "keep the ID; send into it",
  },
  sendMessageSuccess: {
    when: "any 2xx (an empty body too)",
    fields: "`messageId?`; an upload's also `attachmentId?`, `typeValue?`",
    action: "nothing (an upload: keep `attachmentId`)",
    per: {
      ...each(["sendTextMessage", "sendHtmlMessage"], { fields: "`messageId?`", action: "nothing" }),
      uploadAttachmentFromUrl: { fields: "`messageId?`, `attachmentId?`, `typeValue?`", action: "keep `attachmentId`" },
    },
  },
  attachmentAccepted: {
    when: "any 2xx",
    fields: "`attachment`: `{ id, fileName?, contentType?, size?, contentUrl? }`",
    action: "download from `contentUrl`",
  },
  attachmentRejected: { when: "any 2xx", fields: "`messageId?`", action: "nothing" },
  sendGeolocationSuccess: { when: "any 2xx", fields: "`messageId?`, `response?`", action: "nothing" },
  conversationFound: {
    when: "any 2xx with the conversation's `id` (JSON, or XML)",
    fields: "`conversationId`, `activityId?`, `raw` (parsed JSON, or the XML text)",
    action: "read what you need from `raw`",
  },
  agentAvailable: { when: "2xx, `available` true", fields: "none", action: "start the chat" },
  noAgentAvailable: {
    when: "2xx: `available` false (availability), `responseType` 1 (eligibility)",
    fields: "`responseType: 1` (eligibility)",
    action: "offer another channel, or ask again later",
    per: {
      getAgentAvailability: { when: "2xx, `available` false", fields: "none" },
      checkEligibility: { when: "2xx, `responseType` 1: no agent available", fields: "`responseType: 1`" },
    },
  },
  slotAvailable: { when: "2xx, a slot count above 0", fields: "`availableSlots`", action: "start the chat" },
  maximumLoad: { when: "2xx, a slot count of 0", fields: "`availableSlots: 0`", action: "offer another channel, or ask again later" },
  eligible: { when: "2xx, `responseType` 0: a new chat can start", fields: "`responseType: 0`", action: "start the chat" },
  queueFull: { when: "2xx, `responseType` 2: the queue is full", fields: "`responseType: 2`", action: "ask again later" },
  invalidData: {
    when: "your input, before anything was sent",
    fields: "`issues: { field, problem }[]`",
    action: "fix the named fields",
  },
  entryPointNotFound: {
    when: "404, or a configuration without this entry point: no such entry point, or not active for this application",
    fields: "HTTP details",
    action: "check the entry point ID",
    per: {
      getEntryPointConfiguration: {
        when: "404, or a 2xx without this entry point's configuration: no such entry point, or not active for this application",
      },
      ...each(chatOperations, { when: "404 with ECE's error body: no such chat entry point" }),
    },
  },
  badRequest: {
    when: "400: ECE refused the start",
    fields: "HTTP details; `developerMessage` says why",
    action: "fix the input",
  },
  conversationNotFound: {
    when: "404, or a message saying the conversation does not exist",
    fields: "HTTP details",
    action: "stop sending: the chat ended",
    per: { getConversation: { when: "404: no conversation with this ID that this application started", action: "check the conversation ID" } },
  },
  unauthorized: {
    when: "401 after the one token refresh",
    fields: "HTTP details, `reason` (why ECE refused the token)",
    action: "check sessions (`forceLogin`), the token",
  },
  forbidden: {
    when: "403: a conversation this application did not start (a message), or an entry point it may not use (configuration, start)",
    fields: "HTTP details",
    action: "start the conversation with this client; use this application's entry points",
    per: {
      ...each(["getEntryPointConfiguration", "startConversation"], {
        when: "403: this application may not use this entry point",
        action: "use an entry point of this application",
      }),
      ...each([...messageOperations, "getConversation"], {
        when: "403: this application did not start the conversation",
        action: "start the conversation with this client",
      }),
    },
  },
  conflict: {
    when: "409: for a start, the entry point's date still stale after the one refresh; for a message, ECE's 409",
    fields: "HTTP details",
    action: "try again later",
    per: {
      startConversation: { when: "409: the entry point's date still stale after the one refresh" },
      ...each(messageOperations, { when: "409: the message conflicts with the conversation's state" }),
    },
  },
  internalServerError: {
    when: "500",
    fields: "HTTP details; `delivered: \"unknown\"` (a read's: `false`)",
    action: "retry with care",
    per: {
      ...each(["startConversation", ...messageOperations], { fields: 'HTTP details; `delivered: "unknown"`' }),
      ...each(readOperations, { fields: "HTTP details; `delivered: false` (a read, retried already)", action: "try again later" }),
    },
  },
  illegalUnquotedCharacter: {
    when: "400 \"Illegal unquoted character\"",
    fields: "HTTP details",
    action: "report it: the SDK escapes its JSON",
  },
  attachmentAcceptFailed: { when: "400: ECE refused to accept it", fields: "HTTP details", action: "see `developerMessage`" },
  attachmentRejectFailed: { when: "400: ECE refused to reject it", fields: "HTTP details", action: "see `developerMessage`" },
  sendGeolocationFailure: { when: "400: ECE refused the geolocation", fields: "HTTP details", action: "see `developerMessage`" },
  invalidChoice: {
    when: "any status without a kind of its own (429, 503, 3xx...; a 400 for configuration, conversation, text, HTML, upload; a 400, 401 or 403 for availability, capacity, eligibility)",
    fields: "HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already)",
    action: "see `status`; wait `retryAfterMs`",
    per: {
      ...each(["getEntryPointConfiguration", "sendTextMessage", "sendHtmlMessage", "uploadAttachmentFromUrl"], {
        when: "400, or any other status without a kind of its own (429, 503, 3xx...)",
      }),
      ...each(["startConversation", "acceptAttachment", "rejectAttachment", "sendGeolocation"], {
        when: "any status without a kind of its own (429, 503, 3xx...)",
      }),
      ...each(chatOperations, { when: "any status without a kind of its own (400, 401, 403, 429, 503, 3xx...)" }),
      getConversation: { when: "400 (ECE refuses any query parameter; the SDK sends none), or any other status without a kind of its own" },
    },
  },
  authorizationFail: {
    when: "the token endpoint refused the key or secret (400, 401, 403)",
    fields: "`status`, `code?`, `developerMessage?`",
    action: "check the credentials",
  },
  timeout: {
    when: "no complete answer within `timeoutMs`",
    fields: "`timeoutMs`, `delivered`",
    action: "retry if `delivered` is `false`",
  },
  error: {
    when: "network failure, unreadable answer, closed client, your abort; no token endpoint at the path (404, redirect); a client without credentials; for availability, capacity, eligibility: an answer of another shape, a 404 without ECE's error body, no `chatRoot`",
    fields: "`aborted?`, `status?`, `delivered`, `retryAfterMs?`",
    action: "retry if `delivered` is `false` (no connection: the SDK retried already); check `baseUrl`, `apiRoot`, `chatRoot`",
    per: {
      ...each(tokenOperations, {
        when: "network failure, unreadable answer, closed client, your abort; no token endpoint at the path (404, redirect); a client without credentials",
        action: "retry if `delivered` is `false` (no connection: the SDK retried already)",
      }),
      ...each(chatOperations, {
        when: "an answer of another shape (e.g. another `responseType`), unreadable, or a 404 without ECE's error body; no `chatRoot`; network failure, closed client, your abort",
        action: "check `chatRoot`; retry",
      }),
    },
  },
};

const lifecycleFailures = ["invalidData", "unauthorized", "forbidden", "internalServerError", "invalidChoice", "authorizationFail", "timeout", "error"] as const;
const messageFailures = [
  "invalidData",
  "conversationNotFound",
  "unauthorized",
  "forbidden",
  "conflict",
  "internalServerError",
  "illegalUnquotedCharacter",
  "invalidChoice",
  "authorizationFail",
  "timeout",
  "error",
] as const;

const chatFailures = ["entryPointNotFound", "invalidData", "internalServerError", "invalidChoice", "timeout", "error"] as const;

/** Each operation's kinds, in the order of its table: its own first, then the shared failures. */
export const kindsByOperation = {
  getEntryPointConfiguration: ["entryPointConfigurationFound", "entryPointNotFound", ...lifecycleFailures],
  startConversation: ["conversationStarted", "badRequest", "conflict", "entryPointNotFound", ...lifecycleFailures],
  sendTextMessage: ["sendMessageSuccess", ...messageFailures],
  sendHtmlMessage: ["sendMessageSuccess", ...messageFailures],
  uploadAttachmentFromUrl: ["sendMessageSuccess", ...messageFailures],
  acceptAttachment: ["attachmentAccepted", "attachmentAcceptFailed", ...messageFailures],
  rejectAttachment: ["attachmentRejected", "attachmentRejectFailed", ...messageFailures],
  sendGeolocation: ["sendGeolocationSuccess", "sendGeolocationFailure", ...messageFailures],
  getConversation: ["conversationFound", "conversationNotFound", ...lifecycleFailures],
  getAgentAvailability: ["agentAvailable", "noAgentAvailable", ...chatFailures],
  getAgentCapacity: ["slotAvailable", "maximumLoad", ...chatFailures],
  checkEligibility: ["eligible", "noAgentAvailable", "queueFull", ...chatFailures],
} as const satisfies { [O in OperationName]: readonly OutcomeByOperation[O]["kind"][] };

/** A kind an operation's union has but its list above lacks (`never` when none). */
type Unlisted = { [O in OperationName]: Exclude<OutcomeByOperation[O]["kind"], (typeof kindsByOperation)[O][number]> }[OperationName];
/** Fails to compile, naming the kind, when a union gains a kind its list lacks. */
export const everyKindListed: [Unlisted] extends [never] ? true : Unlisted = true;

/** How the README's table names the operations a kind comes from. */
export const operationLabels: Record<OperationName, string> = {
  getEntryPointConfiguration: "configuration",
  startConversation: "start",
  sendTextMessage: "text",
  sendHtmlMessage: "HTML",
  uploadAttachmentFromUrl: "upload",
  acceptAttachment: "accept",
  rejectAttachment: "reject",
  sendGeolocation: "geolocation",
  getConversation: "conversation",
  getAgentAvailability: "availability",
  getAgentCapacity: "capacity",
  checkEligibility: "eligibility",
};

/** The note under every table. */
export const footnote =
  'Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call\'s deadline (or a wait over 60 s) carries `retryAfterMs`.';
