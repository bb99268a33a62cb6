/**
 * Outcome types: what every call resolves to, a union discriminated by `kind`. The vocabulary is
 * that of ECE's Webex Connect nodes. Types only: the decisions live in status-table.ts.
 *
 * @module
 */
/** The six message operations of the client. */
export type MessageOperationName =
  "sendTextMessage" | "sendHtmlMessage" | "uploadAttachmentFromUrl" | "acceptAttachment" | "rejectAttachment" | "sendGeolocation";

/** The reads of the chat web service (no token): whether an entry point can take a chat. */
export type ChatOperationName = "getAgentAvailability" | "getAgentCapacity" | "checkEligibility";

/** Every operation of the client: the conversation lifecycle, the messages and the reads. */
export type OperationName = "getEntryPointConfiguration" | "startConversation" | MessageOperationName | ChatOperationName | "getConversation";

/**
 * A file in a conversation - the agent's, or one shared from a URL. The same shape on both
 * sides: the accept outcome and the webhook's attachment messages. Each field stands for the
 * node output variable named in its description.
 */
export interface Attachment {
  /** The attachment's ID in ECE (`attachmentID`): what `acceptAttachment` and `rejectAttachment` take. */
  id: string;
  /** The file's name (`attachmentFileName`). */
  fileName?: string;
  /** The file's media type (`attachmentContentType`). */
  contentType?: string;
  /** Size in bytes (`attachmentSize`; ECE may send a number or decimal text, this is a number). */
  size?: number;
  /** Where the file can be downloaded (`attachmentContentUrl`). */
  contentUrl?: string;
}

/** What ECE's answer says of itself: its status, and the request ID ECE gave it. */
export interface AnswerDetails {
  /** The HTTP status ECE answered with. */
  status: number;
  /** ECE's request ID (`x-request-id`, `x-correlation-id` or `request-id`), when it sent one. */
  requestId?: string;
}

/** Fields every message success carries. */
export interface MessageSuccessDetails extends AnswerDetails {
  /** The ID ECE gave the message, when its response body carried one. */
  messageId?: string;
}

/**
 * Whether the message may have reached ECE: `false` when it provably did not (refused before
 * sending, no connection, or ECE answered with a 3xx or 4xx error), so sending it again cannot
 * duplicate it; `"unknown"` when it was sent and no complete answer came, or ECE answered 5xx -
 * sending it again may deliver it twice. A read (the configuration) delivers nothing: its
 * failures are always `false`.
 */
export type Delivered = false | "unknown";

/** Fields every failure carries. */
export interface FailureDetails {
  /** A short explanation of the outcome, in the SDK's words. */
  message: string;
  /** Whether the message may have reached ECE; see {@link Delivered}. */
  delivered: Delivered;
  /**
   * How long to wait before trying again: what ECE asked for (a 429 or 503 with `Retry-After`),
   * or the wait of a retry the SDK did not start because it would have ended after the call's
   * deadline (or was over 60 s).
   */
  retryAfterMs?: number;
}

/** What ECE said when it answered with an error status: the "HTTP details" of a failure. */
export interface HttpFailureDetails extends FailureDetails, AnswerDetails {
  /** The error body's `code` (`<status>-<n>`), when there was one. */
  code?: string;
  /** The error body's `developerMessage` (localised by ECE), when there was one. */
  developerMessage?: string;
}

/** One problem with the input of a call. */
export interface ValidationIssue {
  /** The input field, e.g. `conversationId`, or `input` for the argument as a whole. */
  field: string;
  /** What is wrong with it, e.g. `is required`. */
  problem: string;
}

/** Why ECE answered 401. */
export type UnauthorizedReason = "missingHeader" | "malformedHeader" | "sessionNotFound" | "notClientApplicationSession" | "unknown";

// The kinds are written once, inline in the unions below: a single kind is
// `Extract<Outcome, { kind: "..." }>`. What each kind means - when it happens, its fields, what
// a caller usually does - is written once too, in docs-src/outcome-kinds.ts: the table above
// each operation's union is generated from it (`npm run generate:outcomes`).

/** The failures every operation can produce, whatever ECE answers. */
export type BaseFailureOutcome =
  | (FailureDetails & { kind: "invalidData"; delivered: false; issues: ValidationIssue[] })
  | (HttpFailureDetails & { kind: "unauthorized"; reason: UnauthorizedReason })
  | (HttpFailureDetails & { kind: "forbidden" })
  | (HttpFailureDetails & { kind: "internalServerError" })
  | (HttpFailureDetails & { kind: "invalidChoice" })
  | (HttpFailureDetails & { kind: "authorizationFail"; delivered: false })
  | (FailureDetails &
      Partial<AnswerDetails> & {
        kind: "timeout";
        /** The time the call had, the token request included. */
        timeoutMs: number;
      })
  | (FailureDetails &
      Partial<AnswerDetails> & {
        kind: "error";
        /** `true` when the caller's `AbortSignal` cancelled the call. */
        aborted?: true;
      });

/** The failures every message operation can produce. */
export type CommonFailureOutcome =
  | BaseFailureOutcome
  | (HttpFailureDetails & { kind: "conversationNotFound" })
  | (HttpFailureDetails & { kind: "conflict" })
  | (HttpFailureDetails & { kind: "illegalUnquotedCharacter" });

/**
 * What {@link EceClient.getEntryPointConfiguration} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `entryPointConfigurationFound` | any 2xx with the entry point's date | `entryPointId`, `lastModified`, `lastModifiedJson` (as sent), `raw` | start conversations on it (`startConversation` fetches it itself) |
 * | `entryPointNotFound` | 404, or a 2xx without this entry point's configuration: no such entry point, or not active for this application | HTTP details | check the entry point ID |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` (why ECE refused the token) | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: this application may not use this entry point | HTTP details | use an entry point of this application |
 * | `internalServerError` | 500 | HTTP details; `delivered: false` (a read, retried already) | try again later |
 * | `invalidChoice` | 400, or any other status without a kind of its own (429, 503, 3xx...) | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort; no token endpoint at the path (404, redirect); a client without credentials | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | retry if `delivered` is `false` (no connection: the SDK retried already) |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type GetEntryPointConfigurationOutcome =
  | (AnswerDetails & {
      kind: "entryPointConfigurationFound";
      /** The entry point's ID. */
      entryPointId: number;
      /**
       * Its last-modified date as ECE sent it (text or a number), for display: a number is as
       * JSON.parse reads it, so `1.50` is `1.5` and digits past 2^53 are lost.
       */
      lastModified: string | number;
      /**
       * The date's JSON text exactly as ECE wrote it (`1.50`, `9007199254740993`, or a string with
       * its quotes and escapes): what a start sends back, character for character.
       */
      lastModifiedJson: string;
      /**
       * The whole configuration element ECE sent for this entry point: any secret in its text
       * redacted, but for dates and IDs, kept as sent.
       */
      raw: Record<string, unknown>;
    })
  | (HttpFailureDetails & { kind: "entryPointNotFound" })
  | BaseFailureOutcome;

/**
 * What {@link EceClient.startConversation} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `conversationStarted` | any 2xx with the conversation's `id` | `conversationId`, `activityId?` | keep the ID; send into it |
 * | `badRequest` | 400: ECE refused the start | HTTP details; `developerMessage` says why | fix the input |
 * | `conflict` | 409: the entry point's date still stale after the one refresh | HTTP details | try again later |
 * | `entryPointNotFound` | 404, or a configuration without this entry point: no such entry point, or not active for this application | HTTP details | check the entry point ID |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` (why ECE refused the token) | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: this application may not use this entry point | HTTP details | use an entry point of this application |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `invalidChoice` | any status without a kind of its own (429, 503, 3xx...) | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort; no token endpoint at the path (404, redirect); a client without credentials | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | retry if `delivered` is `false` (no connection: the SDK retried already) |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type StartConversationOutcome =
  | (AnswerDetails & {
      kind: "conversationStarted";
      /** The new conversation's ID (a UUID). */
      conversationId: string;
      /** The ID of the activity (chat) ECE created, when the response carried it. */
      activityId?: string;
    })
  | (HttpFailureDetails & { kind: "badRequest" })
  | (HttpFailureDetails & { kind: "conflict" })
  | (HttpFailureDetails & { kind: "entryPointNotFound" })
  | BaseFailureOutcome;

/**
 * What {@link EceClient.sendTextMessage} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `sendMessageSuccess` | any 2xx (an empty body too) | `messageId?` | nothing |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` (why ECE refused the token) | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: this application did not start the conversation | HTTP details | start the conversation with this client |
 * | `conflict` | 409: the message conflicts with the conversation's state | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | 400, or any other status without a kind of its own (429, 503, 3xx...) | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort; no token endpoint at the path (404, redirect); a client without credentials | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | retry if `delivered` is `false` (no connection: the SDK retried already) |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type SendTextMessageOutcome = (MessageSuccessDetails & { kind: "sendMessageSuccess" }) | CommonFailureOutcome;

/**
 * What {@link EceClient.sendHtmlMessage} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `sendMessageSuccess` | any 2xx (an empty body too) | `messageId?` | nothing |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` (why ECE refused the token) | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: this application did not start the conversation | HTTP details | start the conversation with this client |
 * | `conflict` | 409: the message conflicts with the conversation's state | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | 400, or any other status without a kind of its own (429, 503, 3xx...) | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort; no token endpoint at the path (404, redirect); a client without credentials | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | retry if `delivered` is `false` (no connection: the SDK retried already) |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type SendHtmlMessageOutcome = (MessageSuccessDetails & { kind: "sendMessageSuccess" }) | CommonFailureOutcome;

/**
 * What {@link EceClient.uploadAttachmentFromUrl} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `sendMessageSuccess` | any 2xx (an empty body too) | `messageId?`, `attachmentId?`, `typeValue?` | keep `attachmentId` |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` (why ECE refused the token) | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: this application did not start the conversation | HTTP details | start the conversation with this client |
 * | `conflict` | 409: the message conflicts with the conversation's state | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | 400, or any other status without a kind of its own (429, 503, 3xx...) | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort; no token endpoint at the path (404, redirect); a client without credentials | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | retry if `delivered` is `false` (no connection: the SDK retried already) |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type UploadAttachmentFromUrlOutcome =
  | (MessageSuccessDetails & {
      kind: "sendMessageSuccess";
      /** The new attachment's ID (the node's `attachmentID`), when the response carried it. */
      attachmentId?: string;
      /** The response's `type.value` (the node's `typeValue`), when present. */
      typeValue?: string;
    })
  | CommonFailureOutcome;

/**
 * What {@link EceClient.acceptAttachment} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `attachmentAccepted` | any 2xx | `attachment`: `{ id, fileName?, contentType?, size?, contentUrl? }` | download from `contentUrl` |
 * | `attachmentAcceptFailed` | 400: ECE refused to accept it | HTTP details | see `developerMessage` |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` (why ECE refused the token) | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: this application did not start the conversation | HTTP details | start the conversation with this client |
 * | `conflict` | 409: the message conflicts with the conversation's state | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | any status without a kind of its own (429, 503, 3xx...) | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort; no token endpoint at the path (404, redirect); a client without credentials | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | retry if `delivered` is `false` (no connection: the SDK retried already) |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type AcceptAttachmentOutcome =
  | (MessageSuccessDetails & { kind: "attachmentAccepted"; attachment: Attachment })
  | (HttpFailureDetails & { kind: "attachmentAcceptFailed" })
  | CommonFailureOutcome;

/**
 * What {@link EceClient.rejectAttachment} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `attachmentRejected` | any 2xx | `messageId?` | nothing |
 * | `attachmentRejectFailed` | 400: ECE refused to reject it | HTTP details | see `developerMessage` |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` (why ECE refused the token) | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: this application did not start the conversation | HTTP details | start the conversation with this client |
 * | `conflict` | 409: the message conflicts with the conversation's state | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | any status without a kind of its own (429, 503, 3xx...) | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort; no token endpoint at the path (404, redirect); a client without credentials | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | retry if `delivered` is `false` (no connection: the SDK retried already) |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type RejectAttachmentOutcome =
  | (MessageSuccessDetails & { kind: "attachmentRejected" })
  | (HttpFailureDetails & { kind: "attachmentRejectFailed" })
  | CommonFailureOutcome;

/**
 * What {@link EceClient.sendGeolocation} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `sendGeolocationSuccess` | any 2xx | `messageId?`, `response?` | nothing |
 * | `sendGeolocationFailure` | 400: ECE refused the geolocation | HTTP details | see `developerMessage` |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` (why ECE refused the token) | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: this application did not start the conversation | HTTP details | start the conversation with this client |
 * | `conflict` | 409: the message conflicts with the conversation's state | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | any status without a kind of its own (429, 503, 3xx...) | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort; no token endpoint at the path (404, redirect); a client without credentials | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | retry if `delivered` is `false` (no connection: the SDK retried already) |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type SendGeolocationOutcome =
  | (MessageSuccessDetails & {
      kind: "sendGeolocationSuccess";
      /**
       * The full response payload, when ECE answered with a JSON object: any secret in its text
       * redacted, but for IDs, kept as sent.
       */
      response?: Record<string, unknown>;
    })
  | (HttpFailureDetails & { kind: "sendGeolocationFailure" })
  | CommonFailureOutcome;

/**
 * The failures of the chat web service's reads (no token: no 401 repeat, no
 * `authorizationFail`). A read delivers nothing: `delivered` is always `false`.
 */
export type ChatFailureOutcome = (
  | Extract<BaseFailureOutcome, { kind: "invalidData" | "internalServerError" | "invalidChoice" | "timeout" | "error" }>
  | (HttpFailureDetails & { kind: "entryPointNotFound" })
) & { delivered: false };

/**
 * What {@link EceClient.getAgentAvailability} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `agentAvailable` | 2xx, `available` true | none | start the chat |
 * | `noAgentAvailable` | 2xx, `available` false | none | offer another channel, or ask again later |
 * | `entryPointNotFound` | 404 with ECE's error body: no such chat entry point | HTTP details | check the entry point ID |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `internalServerError` | 500 | HTTP details; `delivered: false` (a read, retried already) | try again later |
 * | `invalidChoice` | any status without a kind of its own (400, 401, 403, 429, 503, 3xx...) | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | an answer of another shape (e.g. another `responseType`), unreadable, or a 404 without ECE's error body; no `chatRoot`; network failure, closed client, your abort | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | check `chatRoot`; retry |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type GetAgentAvailabilityOutcome =
  | (AnswerDetails & { kind: "agentAvailable" })
  | (AnswerDetails & { kind: "noAgentAvailable" })
  | ChatFailureOutcome;

/**
 * What {@link EceClient.getAgentCapacity} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `slotAvailable` | 2xx, a slot count above 0 | `availableSlots` | start the chat |
 * | `maximumLoad` | 2xx, a slot count of 0 | `availableSlots: 0` | offer another channel, or ask again later |
 * | `entryPointNotFound` | 404 with ECE's error body: no such chat entry point | HTTP details | check the entry point ID |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `internalServerError` | 500 | HTTP details; `delivered: false` (a read, retried already) | try again later |
 * | `invalidChoice` | any status without a kind of its own (400, 401, 403, 429, 503, 3xx...) | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | an answer of another shape (e.g. another `responseType`), unreadable, or a 404 without ECE's error body; no `chatRoot`; network failure, closed client, your abort | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | check `chatRoot`; retry |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type GetAgentCapacityOutcome =
  | (AnswerDetails & {
      kind: "slotAvailable";
      /** How many more chats the entry point's agents can take (more than 0). */
      availableSlots: number;
    })
  | (AnswerDetails & { kind: "maximumLoad"; availableSlots: 0 })
  | ChatFailureOutcome;

/**
 * What {@link EceClient.checkEligibility} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `eligible` | 2xx, `responseType` 0: a new chat can start | `responseType: 0` | start the chat |
 * | `noAgentAvailable` | 2xx, `responseType` 1: no agent available | `responseType: 1` | offer another channel, or ask again later |
 * | `queueFull` | 2xx, `responseType` 2: the queue is full | `responseType: 2` | ask again later |
 * | `entryPointNotFound` | 404 with ECE's error body: no such chat entry point | HTTP details | check the entry point ID |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `internalServerError` | 500 | HTTP details; `delivered: false` (a read, retried already) | try again later |
 * | `invalidChoice` | any status without a kind of its own (400, 401, 403, 429, 503, 3xx...) | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | an answer of another shape (e.g. another `responseType`), unreadable, or a 404 without ECE's error body; no `chatRoot`; network failure, closed client, your abort | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | check `chatRoot`; retry |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type CheckEligibilityOutcome =
  | (AnswerDetails & { kind: "eligible"; responseType: 0 })
  | (AnswerDetails & { kind: "noAgentAvailable"; responseType: 1 })
  | (AnswerDetails & { kind: "queueFull"; responseType: 2 })
  | ChatFailureOutcome;

/**
 * What {@link EceClient.getConversation} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `conversationFound` | any 2xx with the conversation's `id` (JSON, or XML) | `conversationId`, `activityId?`, `raw` (parsed JSON, or the XML text) | read what you need from `raw` |
 * | `conversationNotFound` | 404: no conversation with this ID that this application started | HTTP details | check the conversation ID |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` (why ECE refused the token) | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: this application did not start the conversation | HTTP details | start the conversation with this client |
 * | `internalServerError` | 500 | HTTP details; `delivered: false` (a read, retried already) | try again later |
 * | `invalidChoice` | 400 (ECE refuses any query parameter; the SDK sends none), or any other status without a kind of its own | HTTP details, `retryAfterMs?` (a 429 or 503 with `Retry-After`; a 429 was retried already) | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort; no token endpoint at the path (404, redirect); a client without credentials | `aborted?`, `status?`, `delivered`, `retryAfterMs?` | retry if `delivered` is `false` (no connection: the SDK retried already) |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`, `developerMessage?`, `requestId?`. A failure the SDK would have retried but for the call's deadline (or a wait over 60 s) carries `retryAfterMs`.
 */
export type GetConversationOutcome =
  | (AnswerDetails & {
      kind: "conversationFound";
      /** The conversation's ID, as ECE sent it. */
      conversationId: string;
      /** The ID of its activity (chat), when the answer carried one. */
      activityId?: string;
      /**
       * The body as received: the parsed JSON (any secret in its text redacted, but for dates
       * and IDs, kept as sent), or the XML text when ECE answered XML (secrets redacted).
       */
      raw: Record<string, unknown> | string;
    })
  // A read delivers nothing: `delivered` is always `false`.
  | ((BaseFailureOutcome | (HttpFailureDetails & { kind: "conversationNotFound" })) & { delivered: false });

/** The outcome of each operation, by operation name. */
export interface OutcomeByOperation {
  getEntryPointConfiguration: GetEntryPointConfigurationOutcome;
  startConversation: StartConversationOutcome;
  sendTextMessage: SendTextMessageOutcome;
  sendHtmlMessage: SendHtmlMessageOutcome;
  uploadAttachmentFromUrl: UploadAttachmentFromUrlOutcome;
  acceptAttachment: AcceptAttachmentOutcome;
  rejectAttachment: RejectAttachmentOutcome;
  sendGeolocation: SendGeolocationOutcome;
  getAgentAvailability: GetAgentAvailabilityOutcome;
  getAgentCapacity: GetAgentCapacityOutcome;
  checkEligibility: CheckEligibilityOutcome;
  getConversation: GetConversationOutcome;
}

/**
 * Any outcome of any operation: a single kind is `Extract<Outcome, { kind: "conflict" }>`. Each
 * operation's union is named (not `OutcomeByOperation[OperationName]`), so that the reference
 * shows them.
 */
export type Outcome =
  | GetEntryPointConfigurationOutcome
  | StartConversationOutcome
  | SendTextMessageOutcome
  | SendHtmlMessageOutcome
  | UploadAttachmentFromUrlOutcome
  | AcceptAttachmentOutcome
  | RejectAttachmentOutcome
  | SendGeolocationOutcome
  | GetAgentAvailabilityOutcome
  | GetAgentCapacityOutcome
  | CheckEligibilityOutcome
  | GetConversationOutcome;

/** Every `kind` an outcome can have. */
export type OutcomeKind = Outcome["kind"];

/** An outcome that reports a delivered message. */
export type SuccessOutcome = Exclude<Outcome, { delivered: unknown }>;

/** An outcome that reports a failure. */
export type FailureOutcome = Extract<Outcome, { delivered: unknown }>;

/** The success kinds. */
export type SuccessKind = SuccessOutcome["kind"];

// One kind by name, for the SDK's own code (the root entry does not export these).
export type EntryPointConfigurationFoundOutcome = Extract<Outcome, { kind: "entryPointConfigurationFound" }>;
export type InvalidDataOutcome = Extract<Outcome, { kind: "invalidData" }>;
export type InternalServerErrorOutcome = Extract<Outcome, { kind: "internalServerError" }>;
export type InvalidChoiceOutcome = Extract<Outcome, { kind: "invalidChoice" }>;
export type AuthorizationFailOutcome = Extract<Outcome, { kind: "authorizationFail" }>;
export type TimeoutOutcome = Extract<Outcome, { kind: "timeout" }>;
export type ErrorOutcome = Extract<Outcome, { kind: "error" }>;
