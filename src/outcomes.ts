/**
 * Outcomes: what every call resolves to, and the one table that turns an HTTP status and
 * error body into an outcome. The vocabulary is the ECE "Send Message" node's.
 *
 * @module
 */
import type { components, operations } from "../generated/ece-messaging.js";
import { isRecord } from "./validation.js";

/** The echoed message ECE may return on success (every field may be absent). */
export type SendMessageResponse = components["schemas"]["SendMessageResponse"];

/** The six message operations of the client. */
export type OperationName =
  | "sendTextMessage"
  | "sendHtmlMessage"
  | "uploadAttachmentFromUrl"
  | "acceptAttachment"
  | "rejectAttachment"
  | "sendGeolocation";

// ---------------------------------------------------------------------------------------------
// Success outcomes
// ---------------------------------------------------------------------------------------------

/** Fields every success carries. */
export interface SuccessDetails {
  /** The 2xx status ECE answered with. */
  status: number;
  /** The ID ECE gave the message, when its response body carried one. */
  messageId?: string;
}

/** A text or HTML message was sent. */
export interface SendMessageSuccessOutcome extends SuccessDetails {
  kind: "sendMessageSuccess";
}

/** A file was shared from a URL. */
export interface UploadAttachmentSuccessOutcome extends SendMessageSuccessOutcome {
  /** The new attachment's ID (`attachments.attachment[0].id`), when the response carried it. */
  attachmentId?: string;
}

/** The accepted attachment as ECE describes it; a field is absent when ECE did not send it. */
export interface AcceptedAttachment {
  attachmentType: "acceptAttachment";
  attachmentId?: string;
  attachmentFileName?: string;
  attachmentContentType?: string;
  /** Size in bytes (ECE may send a number or a decimal string; this is always a number). */
  attachmentSize?: number;
  /** Where the agent's file can be downloaded. */
  attachmentContentUrl?: string;
}

/** The agent's attachment was accepted. */
export interface AttachmentAcceptedOutcome extends SuccessDetails {
  kind: "attachmentAccepted";
  attachment: AcceptedAttachment;
}

/** The agent's attachment was rejected. */
export interface AttachmentRejectedOutcome extends SuccessDetails {
  kind: "attachmentRejected";
}

/** A geolocation was shared. */
export interface SendGeolocationSuccessOutcome extends SuccessDetails {
  kind: "sendGeolocationSuccess";
  /** The full response payload, when ECE answered with a JSON object. */
  response?: SendMessageResponse;
}

// ---------------------------------------------------------------------------------------------
// Failure outcomes
// ---------------------------------------------------------------------------------------------

/** One problem with the input of a call. */
export interface ValidationIssue {
  /** The input field, e.g. `conversationId`, or `input` for the argument as a whole. */
  field: string;
  /** What is wrong with it, e.g. `is required`. */
  problem: string;
}

/** The input was refused before anything was sent. */
export interface InvalidDataOutcome {
  kind: "invalidData";
  message: string;
  issues: ValidationIssue[];
}

/** What ECE said when it answered with an error status. */
export interface HttpFailureDetails {
  /** The HTTP status ECE answered with. */
  status: number;
  /** The error body's `code` (`<status>-<n>`), when there was one. */
  code?: string;
  /** The error body's `developerMessage` (localised by ECE), when there was one. */
  developerMessage?: string;
  /** A short explanation of the outcome. */
  message: string;
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

/** The conversation was not started by this client application (403). */
export interface ForbiddenOutcome extends HttpFailureDetails {
  kind: "forbidden";
}

/** The last-modified date does not match the server's (409). */
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
}

/** The token endpoint refused the client key and secret, or did not give a token. */
export interface AuthorizationFailOutcome {
  kind: "authorizationFail";
  message: string;
  /** The token endpoint's status. */
  status: number;
  code?: string;
  developerMessage?: string;
}

/** No complete answer arrived within `timeoutMs` (the token request included). */
export interface TimeoutOutcome {
  kind: "timeout";
  message: string;
  timeoutMs: number;
  /** The status, when ECE had answered with one before the time ran out. */
  status?: number;
}

/** The call failed without an answer from ECE: network failure, unreadable response, abort. */
export interface ErrorOutcome {
  kind: "error";
  message: string;
  /** `true` when the caller's `AbortSignal` cancelled the call. */
  aborted?: true;
  /** The status, when ECE had answered with one (its body was unreadable). */
  status?: number;
}

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

/** What {@link EceClient.sendTextMessage} resolves to. */
export type SendTextMessageOutcome = SendMessageSuccessOutcome | CommonFailureOutcome;
/** What {@link EceClient.sendHtmlMessage} resolves to. */
export type SendHtmlMessageOutcome = SendMessageSuccessOutcome | CommonFailureOutcome;
/** What {@link EceClient.uploadAttachmentFromUrl} resolves to. */
export type UploadAttachmentFromUrlOutcome = UploadAttachmentSuccessOutcome | CommonFailureOutcome;
/** What {@link EceClient.acceptAttachment} resolves to. */
export type AcceptAttachmentOutcome =
  | AttachmentAcceptedOutcome
  | AttachmentAcceptFailedOutcome
  | CommonFailureOutcome;
/** What {@link EceClient.rejectAttachment} resolves to. */
export type RejectAttachmentOutcome =
  | AttachmentRejectedOutcome
  | AttachmentRejectFailedOutcome
  | CommonFailureOutcome;
/** What {@link EceClient.sendGeolocation} resolves to. */
export type SendGeolocationOutcome =
  | SendGeolocationSuccessOutcome
  | SendGeolocationFailureOutcome
  | CommonFailureOutcome;

/** The outcome of each operation, by operation name. */
export interface OutcomeByOperation {
  sendTextMessage: SendTextMessageOutcome;
  sendHtmlMessage: SendHtmlMessageOutcome;
  uploadAttachmentFromUrl: UploadAttachmentFromUrlOutcome;
  acceptAttachment: AcceptAttachmentOutcome;
  rejectAttachment: RejectAttachmentOutcome;
  sendGeolocation: SendGeolocationOutcome;
}

/** Any outcome of any operation. */
export type Outcome = OutcomeByOperation[OperationName];

/** Every `kind` an outcome can have. */
export type OutcomeKind = Outcome["kind"];

/** The success kinds. */
export type SuccessKind =
  | "sendMessageSuccess"
  | "attachmentAccepted"
  | "attachmentRejected"
  | "sendGeolocationSuccess";

/** An outcome that reports a delivered message. */
export type SuccessOutcome = Extract<Outcome, { kind: SuccessKind }>;

/** An outcome that reports a failure. */
export type FailureOutcome = Exclude<Outcome, { kind: SuccessKind }>;

const successKinds: ReadonlySet<string> = new Set<SuccessKind>([
  "sendMessageSuccess",
  "attachmentAccepted",
  "attachmentRejected",
  "sendGeolocationSuccess",
]);

/**
 * Tells a success from a failure, narrowing the outcome's type.
 *
 * @example
 * ```ts
 * import { createEceClient, isSuccess } from "ece-messaging";
 *
 * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: "token" });
 * const outcome = await ece.sendTextMessage({ conversationId: "c-1", message: "Hello" });
 * if (!isSuccess(outcome)) console.error(outcome.kind, outcome.message);
 * ```
 */
export function isSuccess<O extends Outcome>(outcome: O): outcome is Extract<O, { kind: SuccessKind }> {
  return successKinds.has(outcome.kind);
}

// ---------------------------------------------------------------------------------------------
// The status table
// ---------------------------------------------------------------------------------------------

/** Every status the spec declares for the send operation. */
export type SendMessageStatus = keyof operations["sendMessage"]["responses"];

/** The declared 2xx statuses (any 2xx is a success, declared or not). */
export type SendMessageSuccessStatus = {
  [S in SendMessageStatus]: `${S}` extends `2${string}` ? S : never;
}[SendMessageStatus];

/** The declared error statuses: each one must have a row in {@link failureRuleByStatus}. */
export type SendMessageErrorStatus = Exclude<SendMessageStatus, SendMessageSuccessStatus>;

/** How a row of the table turns an answer into an outcome. */
export type FailureRule =
  | "refused"
  | "unauthorized"
  | "forbidden"
  | "conversationNotFound"
  | "conflict"
  | "internalServerError";

/**
 * The status-to-outcome table: one row per error status the spec declares. A status the spec
 * adds without a row here fails the type check. Statuses without a row are `invalidChoice`.
 * `refused` (400) is the operation's own failure kind ({@link refusedKindByOperation}), or
 * `illegalUnquotedCharacter` when ECE's message says so.
 */
export const failureRuleByStatus = {
  400: "refused",
  401: "unauthorized",
  403: "forbidden",
  404: "conversationNotFound",
  409: "conflict",
  500: "internalServerError",
} as const satisfies { readonly [S in SendMessageErrorStatus]: FailureRule };

/** The failure kind of a refused (400) message, per operation: the node's own where it has one. */
export const refusedKindByOperation = {
  sendTextMessage: "invalidChoice",
  sendHtmlMessage: "invalidChoice",
  uploadAttachmentFromUrl: "invalidChoice",
  acceptAttachment: "attachmentAcceptFailed",
  rejectAttachment: "attachmentRejectFailed",
  sendGeolocation: "sendGeolocationFailure",
} as const satisfies Record<OperationName, FailureOutcome["kind"]>;

/**
 * 401 `code` values per reason. **Inferred** (the codes are not public; they match the spec's
 * examples); the message text is the fallback.
 */
export const unauthorizedReasonByCode: Readonly<Record<string, UnauthorizedReason>> = {
  "401-100": "missingHeader",
  "401-101": "malformedHeader",
  "401-102": "sessionNotFound",
  "401-103": "notClientApplicationSession",
};

/** The kinds an HTTP error status can map to. */
export type HttpFailureKind =
  | "conversationNotFound"
  | "unauthorized"
  | "forbidden"
  | "conflict"
  | "internalServerError"
  | "illegalUnquotedCharacter"
  | "attachmentAcceptFailed"
  | "attachmentRejectFailed"
  | "sendGeolocationFailure"
  | "invalidChoice";

const descriptionByKind: Readonly<Record<HttpFailureKind, string>> = {
  conversationNotFound: "The conversation ID does not map to an ongoing conversation.",
  unauthorized: "ECE refused the access token.",
  forbidden: "The conversation was not started by this client application.",
  conflict: "The last-modified date does not match the server's.",
  internalServerError: "ECE had an internal server error.",
  illegalUnquotedCharacter: "ECE found an unescaped control character in the request JSON.",
  attachmentAcceptFailed: "ECE refused to accept the attachment.",
  attachmentRejectFailed: "ECE refused to reject the attachment.",
  sendGeolocationFailure: "ECE refused the geolocation.",
  invalidChoice: "ECE answered with a status no outcome is configured for.",
};

/**
 * The SDK's own fixed words in outcomes - every kind, every 401 reason, the attachment type (the
 * record's type makes the list complete). Redaction never touches them: they hold no secret, and
 * a short secret must not garble a discriminant.
 */
const outcomeWords: Readonly<Record<OutcomeKind | UnauthorizedReason | AcceptedAttachment["attachmentType"], true>> = {
  sendMessageSuccess: true,
  attachmentAccepted: true,
  attachmentRejected: true,
  sendGeolocationSuccess: true,
  invalidData: true,
  conversationNotFound: true,
  unauthorized: true,
  forbidden: true,
  conflict: true,
  internalServerError: true,
  illegalUnquotedCharacter: true,
  attachmentAcceptFailed: true,
  attachmentRejectFailed: true,
  sendGeolocationFailure: true,
  invalidChoice: true,
  authorizationFail: true,
  timeout: true,
  error: true,
  missingHeader: true,
  malformedHeader: true,
  sessionNotFound: true,
  notClientApplicationSession: true,
  unknown: true,
  acceptAttachment: true,
};

/** Whether `text` is one of the SDK's own fixed words in outcomes (a kind, a reason). */
export function isOutcomeVocabulary(text: string): boolean {
  return Object.hasOwn(outcomeWords, text);
}

/** The failure outcomes an HTTP error status can produce for operation `O`. */
export type HttpFailureOutcome<O extends OperationName> = Extract<
  OutcomeByOperation[O],
  { kind: HttpFailureKind }
>;

/** The parts of an error body the SDK reads. */
export interface ErrorBody {
  code?: string;
  developerMessage?: string;
  /** Text to search for known phrases: the developer message, or a non-JSON body. */
  text: string;
}

/** Reads `code` and `developerMessage` from whatever openapi-fetch parsed (object or text). */
export function readErrorBody(body: unknown): ErrorBody {
  if (typeof body === "string") return { text: body };
  if (!isRecord(body)) return { text: "" };
  const rawCode = Object.hasOwn(body, "code") ? body.code : undefined;
  const code = typeof rawCode === "string" || typeof rawCode === "number" ? String(rawCode) : undefined;
  const rawMessage = Object.hasOwn(body, "developerMessage") ? body.developerMessage : undefined;
  const developerMessage = typeof rawMessage === "string" ? rawMessage : undefined;
  return {
    ...(code === undefined ? {} : { code }),
    ...(developerMessage === undefined ? {} : { developerMessage }),
    text: developerMessage ?? "",
  };
}

const illegalUnquotedCharacterText = /illegal unquoted character/i;
const conversationMissingText =
  /\bconversation\b.*\b(does not exist|doesn't exist|do not exist|no longer exists|not found|could not be found|cannot be found|is not (?:ongoing|active))/i;

/** Reads the 401 reason from the error code, else from the message text. */
export function unauthorizedReasonOf(body: ErrorBody): UnauthorizedReason {
  const byCode = body.code === undefined ? undefined : unauthorizedReasonByCode[body.code];
  if (byCode) return byCode;
  const text = body.text;
  if (/client[ -]?application/i.test(text) && /session/i.test(text)) return "notClientApplicationSession";
  if (/header/i.test(text)) {
    if (/\b(missing|absent|not (?:present|provided|found|supplied))\b/i.test(text)) return "missingHeader";
    if (/\b(format|malformed|invalid|incorrect)\b/i.test(text)) return "malformedHeader";
  }
  if (/session/i.test(text)) return "sessionNotFound";
  return "unknown";
}

/**
 * Turns an error answer into the outcome of operation `operation`: 401 by its reason, a
 * message saying the conversation does not exist as `conversationNotFound` whatever the status,
 * then the {@link failureRuleByStatus} row, and `invalidChoice` for a status without one.
 *
 * @param status - the HTTP status (not 2xx)
 * @param body - the error body as openapi-fetch parsed it (object, text or undefined)
 */
export function failureOutcomeOf<O extends OperationName>(
  operation: O,
  status: number,
  body: unknown,
): HttpFailureOutcome<O> {
  const errorBody = readErrorBody(body);
  const rule: FailureRule | undefined = (failureRuleByStatus as Readonly<Record<number, FailureRule>>)[status];
  const details = (kind: HttpFailureKind) => ({
    kind,
    status,
    ...(errorBody.code === undefined ? {} : { code: errorBody.code }),
    ...(errorBody.developerMessage === undefined ? {} : { developerMessage: errorBody.developerMessage }),
    message: descriptionByKind[kind],
  });
  if (rule === "unauthorized") {
    return { ...details("unauthorized"), reason: unauthorizedReasonOf(errorBody) } as HttpFailureOutcome<O>;
  }
  if (rule === "refused" && illegalUnquotedCharacterText.test(errorBody.text)) {
    return details("illegalUnquotedCharacter") as HttpFailureOutcome<O>;
  }
  if (conversationMissingText.test(errorBody.text)) {
    return details("conversationNotFound") as HttpFailureOutcome<O>;
  }
  switch (rule) {
    case "refused":
      return details(refusedKindByOperation[operation]) as HttpFailureOutcome<O>;
    case undefined:
      return details("invalidChoice") as HttpFailureOutcome<O>;
    default:
      return details(rule) as HttpFailureOutcome<O>;
  }
}
