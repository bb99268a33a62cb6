/**
 * Outcome types: what every call resolves to, a union discriminated by `kind`. The vocabulary is
 * that of ECE's Webex Connect nodes. Types only: the decisions live in status-table.ts.
 *
 * @module
 */
/** The six message operations of the client. */
export type MessageOperationName =
  | "sendTextMessage"
  | "sendHtmlMessage"
  | "uploadAttachmentFromUrl"
  | "acceptAttachment"
  | "rejectAttachment"
  | "sendGeolocation";

/** Every operation of the client: the conversation lifecycle and the messages. */
export type OperationName = "getEntryPointConfiguration" | "startConversation" | MessageOperationName;

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

// ---------------------------------------------------------------------------------------------
// Success outcomes
// ---------------------------------------------------------------------------------------------

/** Fields every success carries. */
export interface SuccessDetails {
  /** The 2xx status ECE answered with. */
  status: number;
  /** ECE's request ID (`x-request-id`, `x-correlation-id` or `request-id`), when it sent one. */
  requestId?: string;
}

/** Fields every message success carries. */
export interface MessageSuccessDetails extends SuccessDetails {
  /** The ID ECE gave the message, when its response body carried one. */
  messageId?: string;
}

/** The entry point's configuration: what starting a conversation on it needs. */
export interface EntryPointConfigurationFoundOutcome extends SuccessDetails {
  kind: "entryPointConfigurationFound";
  /** The entry point's ID. */
  entryPointId: number;
  /**
   * Its last-modified date as ECE sent it (text or a number), for display: a number is as
   * JSON.parse reads it, so `1.50` is `1.5` and digits past 2^53 are lost.
   */
  lastModified: string | number;
  /**
   * The date's JSON text exactly as ECE wrote it (`1.50`, `9007199254740993`, or a string with its
   * quotes and escapes): what a start sends back, character for character.
   */
  lastModifiedJson: string;
  /**
   * The whole configuration element ECE sent for this entry point: any secret in its text
   * redacted, but for dates and IDs, kept as sent.
   */
  raw: Record<string, unknown>;
}

/** A conversation was started: send into it with its `conversationId`. */
export interface ConversationStartedOutcome extends SuccessDetails {
  kind: "conversationStarted";
  /** The new conversation's ID (a UUID). */
  conversationId: string;
  /** The ID of the activity (chat) ECE created, when the response carried it. */
  activityId?: string;
}

/** A text or HTML message was sent. */
export interface SendMessageSuccessOutcome extends MessageSuccessDetails {
  kind: "sendMessageSuccess";
}

/** A file was shared from a URL. */
export interface UploadAttachmentSuccessOutcome extends SendMessageSuccessOutcome {
  /** The new attachment's ID (the node's `attachmentID`), when the response carried it. */
  attachmentId?: string;
  /** The response's `type.value` (the node's `typeValue`), when present. */
  typeValue?: string;
}

/** The agent's attachment was accepted: where to download it, as far as ECE said. */
export interface AttachmentAcceptedOutcome extends MessageSuccessDetails {
  kind: "attachmentAccepted";
  attachment: Attachment;
}

/** The agent's attachment was rejected. */
export interface AttachmentRejectedOutcome extends MessageSuccessDetails {
  kind: "attachmentRejected";
}

/** A geolocation was shared. */
export interface SendGeolocationSuccessOutcome extends MessageSuccessDetails {
  kind: "sendGeolocationSuccess";
  /**
   * The full response payload, when ECE answered with a JSON object: any secret in its text
   * redacted, but for IDs, kept as sent.
   */
  response?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Failure outcomes
// ---------------------------------------------------------------------------------------------

/**
 * Whether the message may have reached ECE: `false` when it provably did not (refused before
 * sending, no connection, or ECE answered with a 3xx or 4xx error), so sending it again cannot
 * duplicate it; `"unknown"` when it was sent and no complete answer came, or ECE answered 5xx -
 * sending it again may deliver it twice.
 */
export type Delivered = false | "unknown";

/** Fields every failure carries. */
export interface FailureDetails {
  /** A short explanation of the outcome, in the SDK's words. */
  message: string;
  /** Whether the message may have reached ECE; see {@link Delivered}. */
  delivered: Delivered;
}

/** One problem with the input of a call. */
export interface ValidationIssue {
  /** The input field, e.g. `conversationId`, or `input` for the argument as a whole. */
  field: string;
  /** What is wrong with it, e.g. `is required`. */
  problem: string;
}

/** The input was refused before anything was sent. */
export interface InvalidDataOutcome extends FailureDetails {
  kind: "invalidData";
  delivered: false;
  issues: ValidationIssue[];
}

/** What ECE said when it answered with an error status. */
export interface HttpFailureDetails extends FailureDetails {
  /** The HTTP status ECE answered with. */
  status: number;
  /** The error body's `code` (`<status>-<n>`), when there was one. */
  code?: string;
  /** The error body's `developerMessage` (localised by ECE), when there was one. */
  developerMessage?: string;
  /** ECE's request ID (`x-request-id`, `x-correlation-id` or `request-id`), when it sent one. */
  requestId?: string;
}

/** The conversation ID does not map to an ongoing conversation. */
export interface ConversationNotFoundOutcome extends HttpFailureDetails {
  kind: "conversationNotFound";
}

/** Why ECE answered 401. */
export type UnauthorizedReason =
  | "missingHeader"
  | "malformedHeader"
  | "sessionNotFound"
  | "notClientApplicationSession"
  | "unknown";

/** ECE refused the access token (401), after the one refresh-and-repeat where it applies. */
export interface UnauthorizedOutcome extends HttpFailureDetails {
  kind: "unauthorized";
  reason: UnauthorizedReason;
}

/**
 * ECE refused this client application (403): a conversation it did not start, or an entry point
 * it may not use.
 */
export interface ForbiddenOutcome extends HttpFailureDetails {
  kind: "forbidden";
}

/** No such entry point (404), or it is not active for this client application. */
export interface EntryPointNotFoundOutcome extends HttpFailureDetails {
  kind: "entryPointNotFound";
}

/** ECE refused the request to start a conversation (400); `developerMessage` says why. */
export interface BadRequestOutcome extends HttpFailureDetails {
  kind: "badRequest";
}

/**
 * The last-modified date does not match the server's (409): for a start, still so after the one
 * refresh of the entry point's configuration.
 */
export interface ConflictOutcome extends HttpFailureDetails {
  kind: "conflict";
}

/** ECE had an internal server error (500). */
export interface InternalServerErrorOutcome extends HttpFailureDetails {
  kind: "internalServerError";
}

/** ECE found an unescaped control character in the JSON it received (400). */
export interface IllegalUnquotedCharacterOutcome extends HttpFailureDetails {
  kind: "illegalUnquotedCharacter";
}

/** ECE refused to accept the attachment (400). */
export interface AttachmentAcceptFailedOutcome extends HttpFailureDetails {
  kind: "attachmentAcceptFailed";
}

/** ECE refused to reject the attachment (400). */
export interface AttachmentRejectFailedOutcome extends HttpFailureDetails {
  kind: "attachmentRejectFailed";
}

/** ECE refused the geolocation (400). */
export interface SendGeolocationFailureOutcome extends HttpFailureDetails {
  kind: "sendGeolocationFailure";
}

/** ECE answered with a status no other outcome is configured for (or refused a message). */
export interface InvalidChoiceOutcome extends HttpFailureDetails {
  kind: "invalidChoice";
  /** How long ECE asked to wait before trying again (a 429 or 503 with `Retry-After`). */
  retryAfterMs?: number;
}

/** The token endpoint refused the client key and secret (400, 401 or 403). */
export interface AuthorizationFailOutcome extends HttpFailureDetails {
  kind: "authorizationFail";
  delivered: false;
}

/** No complete answer arrived within `timeoutMs` (the token request included). */
export interface TimeoutOutcome extends FailureDetails {
  kind: "timeout";
  timeoutMs: number;
  /** The status, when ECE had answered with one before the time ran out. */
  status?: number;
  /** ECE's request ID, when it had answered with one. */
  requestId?: string;
}

/** The call failed without a usable answer: network failure, unreadable response, abort, closed client. */
export interface ErrorOutcome extends FailureDetails {
  kind: "error";
  /** `true` when the caller's `AbortSignal` cancelled the call. */
  aborted?: true;
  /** The status, when ECE had answered with one (its body was unreadable). */
  status?: number;
  /** ECE's request ID, when it had answered with one. */
  requestId?: string;
}

/** The failures every operation can produce, whatever ECE answers. */
export type BaseFailureOutcome =
  | InvalidDataOutcome
  | UnauthorizedOutcome
  | ForbiddenOutcome
  | InternalServerErrorOutcome
  | InvalidChoiceOutcome
  | AuthorizationFailOutcome
  | TimeoutOutcome
  | ErrorOutcome;

/**
 * What {@link EceClient.getEntryPointConfiguration} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `entryPointConfigurationFound` | any 2xx with the entry point's date | `entryPointId`, `lastModified`, `lastModifiedJson` (as sent), `raw` | start conversations on it (`startConversation` fetches it itself) |
 * | `entryPointNotFound` | 404, or a 2xx without this entry point's configuration: no such entry point, or not active for this application | HTTP details | check the entry point ID |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: not this application's conversation or entry point | HTTP details | start it with this client |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `invalidChoice` | any other status (400 for text, HTML, upload; 429, 503, 3xx...) | HTTP details, `retryAfterMs?` | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort | `aborted?`, `status?`, `delivered` | retry if `delivered` is `false` |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`,
 * `developerMessage?`, `requestId?`.
 */
export type GetEntryPointConfigurationOutcome =
  | EntryPointConfigurationFoundOutcome
  | EntryPointNotFoundOutcome
  | BaseFailureOutcome;

/**
 * What {@link EceClient.startConversation} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `conversationStarted` | any 2xx with the conversation's `id` | `conversationId`, `activityId?` | keep the ID; send into it |
 * | `badRequest` | 400: ECE refused the start | HTTP details; `developerMessage` says why | fix the input |
 * | `conflict` | 409: the entry point's date still stale after the one refresh (a send: ECE's 409) | HTTP details | try again later |
 * | `entryPointNotFound` | 404, or a configuration without this entry point: no such entry point, or not active for this application | HTTP details | check the entry point ID |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: not this application's conversation or entry point | HTTP details | start it with this client |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `invalidChoice` | any other status (400 for text, HTML, upload; 429, 503, 3xx...) | HTTP details, `retryAfterMs?` | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort | `aborted?`, `status?`, `delivered` | retry if `delivered` is `false` |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`,
 * `developerMessage?`, `requestId?`.
 */
export type StartConversationOutcome =
  | ConversationStartedOutcome
  | BadRequestOutcome
  | ConflictOutcome
  | EntryPointNotFoundOutcome
  | BaseFailureOutcome;

/** The failures every message operation can produce. */
export type CommonFailureOutcome =
  | InvalidDataOutcome
  | ConversationNotFoundOutcome
  | UnauthorizedOutcome
  | ForbiddenOutcome
  | ConflictOutcome
  | InternalServerErrorOutcome
  | IllegalUnquotedCharacterOutcome
  | InvalidChoiceOutcome
  | AuthorizationFailOutcome
  | TimeoutOutcome
  | ErrorOutcome;

/**
 * What {@link EceClient.sendTextMessage} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `sendMessageSuccess` | any 2xx (an empty body too) | `messageId?` | nothing |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: not this application's conversation or entry point | HTTP details | start it with this client |
 * | `conflict` | 409: the entry point's date still stale after the one refresh (a send: ECE's 409) | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | any other status (400 for text, HTML, upload; 429, 503, 3xx...) | HTTP details, `retryAfterMs?` | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort | `aborted?`, `status?`, `delivered` | retry if `delivered` is `false` |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`,
 * `developerMessage?`, `requestId?`.
 */
export type SendTextMessageOutcome = SendMessageSuccessOutcome | CommonFailureOutcome;
/**
 * What {@link EceClient.sendHtmlMessage} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `sendMessageSuccess` | any 2xx (an empty body too) | `messageId?` | nothing |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: not this application's conversation or entry point | HTTP details | start it with this client |
 * | `conflict` | 409: the entry point's date still stale after the one refresh (a send: ECE's 409) | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | any other status (400 for text, HTML, upload; 429, 503, 3xx...) | HTTP details, `retryAfterMs?` | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort | `aborted?`, `status?`, `delivered` | retry if `delivered` is `false` |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`,
 * `developerMessage?`, `requestId?`.
 */
export type SendHtmlMessageOutcome = SendMessageSuccessOutcome | CommonFailureOutcome;
/**
 * What {@link EceClient.uploadAttachmentFromUrl} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `sendMessageSuccess` | any 2xx (an empty body too) | `messageId?`, `attachmentId?`, `typeValue?` | keep `attachmentId` |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: not this application's conversation or entry point | HTTP details | start it with this client |
 * | `conflict` | 409: the entry point's date still stale after the one refresh (a send: ECE's 409) | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | any other status (400 for text, HTML, upload; 429, 503, 3xx...) | HTTP details, `retryAfterMs?` | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort | `aborted?`, `status?`, `delivered` | retry if `delivered` is `false` |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`,
 * `developerMessage?`, `requestId?`.
 */
export type UploadAttachmentFromUrlOutcome = UploadAttachmentSuccessOutcome | CommonFailureOutcome;
/**
 * What {@link EceClient.acceptAttachment} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `attachmentAccepted` | any 2xx | `attachment`: `{ id, fileName?, contentType?, size?, contentUrl? }` | download from `contentUrl` |
 * | `attachmentAcceptFailed` | 400 | HTTP details | see `developerMessage` |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: not this application's conversation or entry point | HTTP details | start it with this client |
 * | `conflict` | 409: the entry point's date still stale after the one refresh (a send: ECE's 409) | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | any other status (400 for text, HTML, upload; 429, 503, 3xx...) | HTTP details, `retryAfterMs?` | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort | `aborted?`, `status?`, `delivered` | retry if `delivered` is `false` |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`,
 * `developerMessage?`, `requestId?`.
 */
export type AcceptAttachmentOutcome = AttachmentAcceptedOutcome | AttachmentAcceptFailedOutcome | CommonFailureOutcome;
/**
 * What {@link EceClient.rejectAttachment} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `attachmentRejected` | any 2xx | `messageId?` | nothing |
 * | `attachmentRejectFailed` | 400 | HTTP details | see `developerMessage` |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: not this application's conversation or entry point | HTTP details | start it with this client |
 * | `conflict` | 409: the entry point's date still stale after the one refresh (a send: ECE's 409) | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | any other status (400 for text, HTML, upload; 429, 503, 3xx...) | HTTP details, `retryAfterMs?` | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort | `aborted?`, `status?`, `delivered` | retry if `delivered` is `false` |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`,
 * `developerMessage?`, `requestId?`.
 */
export type RejectAttachmentOutcome = AttachmentRejectedOutcome | AttachmentRejectFailedOutcome | CommonFailureOutcome;
/**
 * What {@link EceClient.sendGeolocation} resolves to: one of these kinds.
 *
 * | `kind` | when | fields | what a caller usually does |
 * |---|---|---|---|
 * | `sendGeolocationSuccess` | any 2xx | `messageId?`, `response?` | nothing |
 * | `sendGeolocationFailure` | 400 | HTTP details | see `developerMessage` |
 * | `invalidData` | your input, before anything was sent | `issues: { field, problem }[]` | fix the named fields |
 * | `conversationNotFound` | 404, or a message saying the conversation does not exist | HTTP details | stop sending: the chat ended |
 * | `unauthorized` | 401 after the one token refresh | HTTP details, `reason` | check sessions (`forceLogin`), the token |
 * | `forbidden` | 403: not this application's conversation or entry point | HTTP details | start it with this client |
 * | `conflict` | 409: the entry point's date still stale after the one refresh (a send: ECE's 409) | HTTP details | try again later |
 * | `internalServerError` | 500 | HTTP details; `delivered: "unknown"` | retry with care |
 * | `illegalUnquotedCharacter` | 400 "Illegal unquoted character" | HTTP details | report it: the SDK escapes its JSON |
 * | `invalidChoice` | any other status (400 for text, HTML, upload; 429, 503, 3xx...) | HTTP details, `retryAfterMs?` | see `status`; wait `retryAfterMs` |
 * | `authorizationFail` | the token endpoint refused the key or secret (400, 401, 403) | `status`, `code?`, `developerMessage?` | check the credentials |
 * | `timeout` | no complete answer within `timeoutMs` | `timeoutMs`, `delivered` | retry if `delivered` is `false` |
 * | `error` | network failure, unreadable answer, closed client, your abort | `aborted?`, `status?`, `delivered` | retry if `delivered` is `false` |
 *
 * Every failure carries `message` and `delivered`; "HTTP details" are `status`, `code?`,
 * `developerMessage?`, `requestId?`.
 */
export type SendGeolocationOutcome = SendGeolocationSuccessOutcome | SendGeolocationFailureOutcome | CommonFailureOutcome;

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
}

/** Any outcome of any operation. */
export type Outcome =
  | GetEntryPointConfigurationOutcome
  | StartConversationOutcome
  | SendTextMessageOutcome
  | SendHtmlMessageOutcome
  | UploadAttachmentFromUrlOutcome
  | AcceptAttachmentOutcome
  | RejectAttachmentOutcome
  | SendGeolocationOutcome;

/** Every `kind` an outcome can have. */
export type OutcomeKind = Outcome["kind"];

/** An outcome that reports a delivered message. */
export type SuccessOutcome = Exclude<Outcome, { delivered: unknown }>;

/** An outcome that reports a failure. */
export type FailureOutcome = Extract<Outcome, { delivered: unknown }>;

/** The success kinds. */
export type SuccessKind = SuccessOutcome["kind"];
