/**
 * The one table that decides an outcome's kind from an HTTP answer: a row per status per spec
 * operation (typed against the statuses the spec declares), the few text rules ECE's messages
 * need, and which kinds are successes. Nothing else in the SDK maps a status.
 *
 * @module
 */
import type { operations } from "../../generated/ece-messaging.js";
import type {
  ChatOperationName,
  Delivered,
  ErrorOutcome,
  FailureOutcome,
  MessageOperationName,
  OperationName,
  Outcome,
  SuccessKind,
  UnauthorizedReason,
} from "./outcomes.js";
import { isRecord } from "../internal/wire.js";

/** The spec's operations whose errors the table maps. */
export type SpecOperation =
  | "createAccessToken"
  | "getEntryPointConfiguration"
  | "startConversation"
  | "sendMessage"
  | "getConversation"
  | ChatOperationName;

/** The error statuses the spec declares for an operation (every one must have a row). */
type DeclaredErrorStatus<Op extends SpecOperation> = {
  [S in keyof operations[Op]["responses"]]: `${S & number}` extends `2${string}` ? never : S;
}[keyof operations[Op]["responses"]];

/** The kinds an error status can map to, and two rules that need more than the status. */
type Rule =
  | Exclude<FailureOutcome["kind"], "invalidData" | "timeout" | "error">
  /** 400 for a message: the operation's own failure, or illegalUnquotedCharacter by its text. */
  | "refused"
  /** Nothing of ECE's answered at that path: a wrong baseUrl or apiRoot (chatRoot). */
  | "noEndpoint";

type Rows<Op extends SpecOperation> = Readonly<Record<DeclaredErrorStatus<Op>, Rule> & Record<number, Rule>>;

/** The chat web service's rows: a 404 without ECE's error body is no endpoint (see failureOutcomeOf). */
const chatRows = { 404: "entryPointNotFound", 500: "internalServerError" } as const;

const rows: { readonly [Op in SpecOperation]: Rows<Op> } = {
  sendMessage: {
    400: "refused",
    401: "unauthorized",
    403: "forbidden",
    404: "conversationNotFound",
    409: "conflict",
    500: "internalServerError",
  },
  createAccessToken: {
    400: "authorizationFail",
    401: "authorizationFail",
    403: "authorizationFail",
    404: "noEndpoint",
    500: "internalServerError",
  },
  getEntryPointConfiguration: {
    401: "unauthorized",
    403: "forbidden",
    404: "entryPointNotFound",
    500: "internalServerError",
  },
  startConversation: {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "entryPointNotFound",
    409: "conflict",
    500: "internalServerError",
  },
  getConversation: {
    400: "invalidChoice",
    401: "unauthorized",
    403: "forbidden",
    404: "conversationNotFound",
    500: "internalServerError",
  },
  getAgentAvailability: chatRows,
  getAgentCapacity: chatRows,
  checkEligibility: chatRows,
};

/** A refused (400) message, per operation: the node's own failure where it has one. */
const refusedKind = {
  sendTextMessage: "invalidChoice",
  sendHtmlMessage: "invalidChoice",
  uploadAttachmentFromUrl: "invalidChoice",
  acceptAttachment: "attachmentAcceptFailed",
  rejectAttachment: "attachmentRejectFailed",
  sendGeolocation: "sendGeolocationFailure",
} as const satisfies Record<MessageOperationName, Rule>;

/** Where an operation's words differ from the table's. */
const descriptionFor: Partial<Record<SpecOperation, Partial<Record<Rule, string>>>> = {
  getEntryPointConfiguration: { forbidden: "This client application may not use this entry point." },
  startConversation: { forbidden: "This client application may not use this entry point." },
  sendMessage: { conflict: "ECE answered 409: the message conflicts with the conversation's state." },
  getConversation: { conversationNotFound: "No conversation with this ID was started by this client application." },
};

const description: Readonly<Record<Exclude<Rule, "refused" | "noEndpoint">, string>> = {
  conversationNotFound: "The conversation ID does not map to an ongoing conversation.",
  unauthorized: "ECE refused the access token.",
  forbidden: "The conversation was not started by this client application.",
  entryPointNotFound: "No such entry point, or it is not active for this client application.",
  badRequest: "ECE refused the request to start a conversation.",
  conflict: "The entry point's last-modified date does not match the server's.",
  internalServerError: "ECE had an internal server error.",
  illegalUnquotedCharacter: "ECE found an unescaped control character in the request JSON.",
  attachmentAcceptFailed: "ECE refused to accept the attachment.",
  attachmentRejectFailed: "ECE refused to reject the attachment.",
  sendGeolocationFailure: "ECE refused the geolocation.",
  invalidChoice: "ECE answered with a status no outcome is configured for.",
  authorizationFail: "The token endpoint refused the client credentials.",
};

/** 401 `code` values per reason. **Inferred** (not public; they match the spec's examples). */
const unauthorizedReasonByCode: Readonly<Record<string, UnauthorizedReason>> = {
  "401-100": "missingHeader",
  "401-101": "malformedHeader",
  "401-102": "sessionNotFound",
  "401-103": "notClientApplicationSession",
};

const illegalUnquotedCharacterText = /illegal unquoted character/i;
const conversationMissingText =
  /\bconversation\b.*\b(does not exist|doesn't exist|do not exist|no longer exists|not found|could not be found|cannot be found|is not (?:ongoing|active))/i;

/** The parts of an error body the SDK reads (own properties only). */
interface ErrorBody {
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
 * `Retry-After` in milliseconds: delay-seconds or an HTTP date (never negative), else undefined.
 */
export function retryAfterMsOf(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its month and day in words; Date.parse alone would take "-5" for a year.
  const date = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Whether a message answered with `status` may have reached ECE. */
export function deliveredByStatus(status: number): Delivered {
  return status >= 500 || (status >= 200 && status <= 299) ? "unknown" : false;
}

/** What the table needs to know of one error answer. */
interface ErrorAnswer {
  status: number;
  /** The error body as openapi-fetch parsed it (already redacted). */
  body: unknown;
  headers: Headers;
  /** The path that answered, named when nothing of ECE's is there. */
  path?: string;
}

/**
 * Turns an error answer of `specOperation` into an outcome. For a message (`operation` given):
 * a 401 by its reason, a message saying the conversation does not exist as
 * `conversationNotFound` whatever the status, a 400 as the operation's own refusal (or
 * `illegalUnquotedCharacter` by its text). A status without a row is `invalidChoice`; a 429 or
 * 503 carries `retryAfterMs` when ECE said how long to wait.
 */
export function failureOutcomeOf(specOperation: SpecOperation, answer: ErrorAnswer, operation?: OperationName): FailureOutcome {
  const isMessage = specOperation === "sendMessage";
  const { status } = answer;
  const body = readErrorBody(answer.body);
  const delivered = deliveredByStatus(status);
  let rule: Rule = (rows[specOperation] as Readonly<Record<number, Rule>>)[status] ?? "invalidChoice";
  if (specOperation === "createAccessToken" && status >= 300 && status <= 399) rule = "noEndpoint";
  const isChat = (rows[specOperation] as object) === chatRows;
  if (isChat && status === 404 && body.code === undefined && body.developerMessage === undefined) rule = "noEndpoint";
  if (rule === "noEndpoint") {
    const [what, options] = specOperation === "createAccessToken" ? ["token endpoint", "baseUrl and apiRoot"] : ["chat web service", "chatRoot"];
    const message = `No ECE ${what} answered at ${answer.path} (status ${status}): check the client's ${options}.`;
    return { kind: "error", message, status, delivered } satisfies ErrorOutcome;
  }
  // The text rules are the Send Message node's: for sends only.
  if (isMessage && rule !== "unauthorized" && conversationMissingText.test(body.text)) {
    rule = "conversationNotFound";
  }
  if (rule === "refused") {
    rule = illegalUnquotedCharacterText.test(body.text) ? "illegalUnquotedCharacter" : refusedKind[operation as MessageOperationName];
  }
  const retryAfterMs = status === 429 || status === 503 ? retryAfterMsOf(answer.headers.get("retry-after")) : undefined;
  return {
    kind: rule,
    message: descriptionFor[specOperation]?.[rule] ?? description[rule],
    status,
    delivered,
    ...(body.code === undefined ? {} : { code: body.code }),
    ...(body.developerMessage === undefined ? {} : { developerMessage: body.developerMessage }),
    ...(rule === "unauthorized" ? { reason: unauthorizedReasonOf(body) } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  } as FailureOutcome;
}

/** The success kinds (the Record's type makes the list complete). */
const successKinds: Readonly<Record<SuccessKind, true>> = {
  entryPointConfigurationFound: true,
  conversationStarted: true,
  sendMessageSuccess: true,
  attachmentAccepted: true,
  attachmentRejected: true,
  sendGeolocationSuccess: true,
  agentAvailable: true,
  noAgentAvailable: true,
  slotAvailable: true,
  maximumLoad: true,
  eligible: true,
  queueFull: true,
  conversationFound: true,
};

/**
 * Tells a success from a failure, narrowing the outcome's type. After a failure, `delivered`
 * says whether sending again is safe: `false` - it never reached ECE, send it again;
 * `"unknown"` - it may have, so send again only what the conversation can take twice.
 *
 * @example
 * ```ts
 * import { createEceClient, isSuccess } from "ece-messaging";
 *
 * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: "token" });
 * const outcome = await ece.sendTextMessage({ conversationId: "c-1", message: "Hello" });
 * if (!isSuccess(outcome) && outcome.delivered === false) {
 *   console.log("never reached ECE: safe to send again", outcome.kind);
 * }
 * ```
 */
export function isSuccess<O extends Outcome>(outcome: O): outcome is Extract<O, { kind: SuccessKind }> {
  return Object.hasOwn(successKinds, outcome.kind);
}
