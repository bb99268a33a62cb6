/**
 * The one table that decides an outcome's kind from an HTTP answer: a row per status per spec
 * operation (typed against the statuses the spec declares), the few text rules ECE's messages
 * need, and which kinds are successes. Nothing else in the SDK maps a status.
 *
 * @module
 */
import type { operations } from "../../generated/ece-messaging.js";
import type {
  ChatOperationName, Delivered, ErrorOutcome, FailureOutcome, MessageOperationName, OperationName, Outcome, SuccessKind, UnauthorizedReason,
} from "./outcomes.js";
import { definedFields, isRecord } from "../internal/wire.js";

/** The spec's operations whose errors the table maps. */
export type SpecOperation =
  "createAccessToken" | "revokeAccessToken" | "getEntryPointConfiguration" | "startConversation" | "sendMessage" | "getConversation" | ChatOperationName;

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

/** The rows of a call with a token: it may be refused (401), forbidden (403) or fail at ECE (500). */
const withToken = { 401: "unauthorized", 403: "forbidden", 500: "internalServerError" } as const;
/** The chat web service's rows: a 404 without ECE's error body is no endpoint (see failureOutcomeOf). */
const chatRows = { 404: "entryPointNotFound", 500: "internalServerError" } as const;

const rows: { readonly [Op in SpecOperation]: Rows<Op> } = {
  sendMessage: { ...withToken, 400: "refused", 404: "conversationNotFound", 409: "conflict" },
  createAccessToken: { 400: "authorizationFail", 401: "authorizationFail", 403: "authorizationFail", 404: "noEndpoint", 500: "internalServerError" },
  revokeAccessToken: { 401: "unauthorized" },
  getEntryPointConfiguration: { ...withToken, 404: "entryPointNotFound" },
  startConversation: { ...withToken, 400: "badRequest", 404: "entryPointNotFound", 409: "conflict" },
  getConversation: { ...withToken, 400: "invalidChoice", 404: "conversationNotFound" },
  getAgentAvailability: chatRows,
  getAgentCapacity: chatRows,
  checkEligibility: chatRows,
};

/** A refused (400) message: the node's own failure where it has one, else invalidChoice. */
const refusedKind: Partial<Record<MessageOperationName, "attachmentAcceptFailed" | "attachmentRejectFailed" | "sendGeolocationFailure">> = {
  acceptAttachment: "attachmentAcceptFailed",
  rejectAttachment: "attachmentRejectFailed",
  sendGeolocation: "sendGeolocationFailure",
};

/** Where an operation's words differ from the table's. */
const entryPointForbidden = { forbidden: "This client application may not use this entry point." };
const descriptionFor: Partial<Record<SpecOperation, Partial<Record<Rule, string>>>> = {
  getEntryPointConfiguration: entryPointForbidden,
  startConversation: {
    ...entryPointForbidden,
    conflict: "The entry point's last-modified date was still stale after one refresh.",
  },
};

const description: Readonly<Record<Exclude<Rule, "refused" | "noEndpoint">, string>> = {
  conversationNotFound: "ECE has no conversation with this ID.",
  unauthorized: "ECE refused the access token.",
  forbidden: "The conversation was not started by this client application.",
  entryPointNotFound: "No such entry point, or it is not active.",
  badRequest: "ECE refused the start.",
  conflict: "The request conflicts with ECE's state.",
  internalServerError: "ECE had an internal server error.",
  illegalUnquotedCharacter: "ECE found an unescaped control character in the JSON.",
  attachmentAcceptFailed: "ECE refused to accept the attachment.",
  attachmentRejectFailed: "ECE refused to reject the attachment.",
  sendGeolocationFailure: "ECE refused the geolocation.",
  invalidChoice: "No outcome is configured for this status.",
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
  const own = (key: string): unknown => (isRecord(body) && Object.hasOwn(body, key) ? body[key] : undefined);
  const code = own("code");
  const developerMessage = own("developerMessage");
  const message = typeof developerMessage === "string" ? developerMessage : undefined;
  return {
    ...definedFields({ code: typeof code === "string" || typeof code === "number" ? String(code) : undefined, developerMessage: message }),
    text: message ?? "",
  };
}

/** Reads the 401 reason from the error code, else from the message text. */
export function unauthorizedReasonOf({ code, text }: ErrorBody): UnauthorizedReason {
  // Own codes only: `toString` is no reason.
  if (code !== undefined && Object.hasOwn(unauthorizedReasonByCode, code)) return unauthorizedReasonByCode[code]!;
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
  const { status } = answer;
  const body = readErrorBody(answer.body);
  const delivered = deliveredByStatus(status);
  const row: Readonly<Record<number, Rule>> = rows[specOperation];
  let rule: Rule = row[status] ?? "invalidChoice";
  if (specOperation === "createAccessToken" && status >= 300 && status <= 399) rule = "noEndpoint";
  if (row === chatRows && status === 404 && body.code === undefined && body.developerMessage === undefined) rule = "noEndpoint";
  if (rule === "noEndpoint") {
    const [what, options] = specOperation === "createAccessToken" ? ["token endpoint", "baseUrl and apiRoot"] : ["chat web service", "chatRoot"];
    const message = `No ECE ${what} answered at ${answer.path} (status ${status}): check the client's ${options}.`;
    return { kind: "error", message, status, delivered } satisfies ErrorOutcome;
  }
  // The text rules are the Send Message node's: for sends only.
  if (specOperation === "sendMessage" && rule !== "unauthorized" && conversationMissingText.test(body.text)) rule = "conversationNotFound";
  if (rule === "refused") {
    rule = illegalUnquotedCharacterText.test(body.text) ? "illegalUnquotedCharacter" : (refusedKind[operation as MessageOperationName] ?? "invalidChoice");
  }
  const retryAfterMs = status === 429 || status === 503 ? retryAfterMsOf(answer.headers.get("retry-after")) : undefined;
  return {
    kind: rule,
    message: descriptionFor[specOperation]?.[rule] ?? description[rule],
    status,
    delivered,
    ...definedFields({
      code: body.code,
      developerMessage: body.developerMessage,
      reason: rule === "unauthorized" ? unauthorizedReasonOf(body) : undefined,
      retryAfterMs,
    }),
  } as FailureOutcome;
}

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
  // Every failure says whether it was delivered; no success does (see SuccessOutcome).
  return !Object.hasOwn(outcome, "delivered");
}
