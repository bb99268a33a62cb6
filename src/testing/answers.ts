/**
 * What the fake answers: ECE's error bodies (`{ code, developerMessage }`, the spec's examples,
 * word for word where the spec has one), the chat web service's and a conversation's bodies, and
 * responses.
 *
 * @module
 */
import type { FakeAvailability, FakeConversation, FakeOperation } from "./types.js";

/** ECE's error body. */
export interface ErrorBody {
  code: string;
  developerMessage: string;
}

const error = (code: string, developerMessage: string): ErrorBody => ({ code, developerMessage });
const SESSION_LIMIT_HINT = "End one (revoke its token), or ask with forceLogin=yes to end the oldest.";

/** The error bodies the fake answers with, by case (spec/ece-messaging.yaml's examples). */
export const errors = {
  /** The JSON could not be read, or does not have the documented shape. */
  refused: () => error("400-100", "The request could not be processed."),
  /** A string in the JSON held an unescaped control character (documented text). */
  illegalUnquotedCharacter: () =>
    error("400-101", "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value"),
  attachmentNotFound: (attachmentId: string) =>
    error("400-102", `The attachment with ID ${attachmentId} could not be found in this conversation.`),
  /** A conversation read with a query parameter (documented 400; the spec's example text). */
  queryNotSupported: () => error("400-100", "Query parameters are not supported."),
  missingHeader: () => error("401-100", "The Authorization header is missing."),
  malformedHeader: () => error("401-101", "The format of the Authorization header is incorrect."),
  sessionNotFound: () => error("401-102", "Session not found for the given access token."),
  invalidCredentials: () => error("401-110", "Invalid client credentials."),
  /**
   * **Inferred** (no public source gives ECE's status or text): a token request beyond the
   * application's session limit, without `forceLogin=yes`.
   */
  sessionLimitReached: (limit: number) =>
    error("401-111", `The client application already has ${limit} sessions, the most it may hold at once. ${SESSION_LIMIT_HINT}`),
  notStartedByThisApplication: () => error("403-100", "The conversation was not started by this client application."),
  entryPointNotAllowed: (entryPointId: number | string) =>
    error("403-100", `The client application is not configured to use the entry point with ID ${entryPointId}.`),
  conversationNotFound: (conversationId: string) => error("404-100", `The conversation with ID ${conversationId} does not exist.`),
  entryPointNotFound: (entryPointId: number | string) => error("404-100", `The entry point with ID ${entryPointId} does not exist.`),
  /** Documented body, verbatim (two spaces before "do"). */
  staleEntryPointDate: () =>
    error("409-100", "Last modified date provided in the request body for the following  do not match : conversation.entryPointConfiguration."),
  conversationConflict: () => error("409-100", "The request conflicts with the current state of the conversation."),
  internalServerError: () => error("500-100", "An internal server error occurred."),
};

/** The operations about an entry point: their 403 and 404 name it. */
const ABOUT_ENTRY_POINT: ReadonlySet<string> = new Set([
  "getEntryPointConfiguration",
  "startConversation",
  "getAgentAvailability",
  "getAgentCapacity",
  "checkEligibility",
]);

/**
 * The body the spec gives `status` for `operation`, for a scripted failure without a body; a
 * status the spec does not declare gets a body of the same shape.
 */
export function defaultErrorBody(
  operation: FakeOperation | "unknown",
  status: number,
  context: { conversationId?: string | undefined; entryPointId?: string | undefined },
): ErrorBody {
  const isToken = operation === "createAccessToken";
  const isEntryPoint = ABOUT_ENTRY_POINT.has(operation);
  const entryPointId = context.entryPointId ?? 1001;
  const byStatus: Record<number, ErrorBody> = {
    400: isToken ? errors.invalidCredentials() : errors.refused(),
    401: isToken ? errors.invalidCredentials() : errors.sessionNotFound(),
    403: isEntryPoint ? errors.entryPointNotAllowed(entryPointId) : errors.notStartedByThisApplication(),
    404: isEntryPoint ? errors.entryPointNotFound(entryPointId) : errors.conversationNotFound(context.conversationId ?? "(none)"),
    409: operation === "startConversation" ? errors.staleEntryPointDate() : errors.conversationConflict(),
    500: errors.internalServerError(),
  };
  return byStatus[status] ?? error(`${status}-100`, `The fake ECE answered ${status}, as the test scripted.`);
}

const CHAT_NAMESPACE = 'xmlns:ns2="http://bindings.egain.com/chat"';

/** The chat web service's answers: the spec's XML examples exactly (the documented format), and the inferred JSON forms. */
export const chatAnswers = {
  getAgentAvailability: ({ agentAvailable }: FakeAvailability) => ({
    json: { available: agentAvailable },
    xml: `<agentAvailability ${CHAT_NAMESPACE} available="${agentAvailable}"/>`,
  }),
  getAgentCapacity: ({ availableSlots }: FakeAvailability) => ({
    json: { count: availableSlots },
    xml: `<availableSlots ${CHAT_NAMESPACE}><ns2:count>${availableSlots}</ns2:count></availableSlots>`,
  }),
  checkEligibility: ({ eligibility }: FakeAvailability) => ({
    json: { responseType: eligibility },
    xml: `<checkEligibility ${CHAT_NAMESPACE} responseType="${eligibility}"/>`,
  }),
};

/** A conversation read back: the documented XML element, and its inferred JSON form. */
export function conversationAnswer({ id, activityId, created }: FakeConversation): { json: unknown; xml: string } {
  const namespace = "http://bindings.egain.com/ws/model/v12/gen/interaction/conversation";
  return {
    json: { id, activity: { id: activityId, created: { date: created } } },
    xml: `<conversation xmlns="${namespace}" id="${id}"><activity id="${activityId}"><created date="${created}"/></activity></conversation>`,
  };
}

/** `formats.json` or `formats.xml` as a 200: the first of the two the request's `Accept` names, else `fallback`. */
export function negotiated(request: Request, formats: { json: unknown; xml: string }, fallback: "json" | "xml"): Response {
  const asked = /application\/(json|xml)/i.exec(request.headers.get("accept") ?? "")?.[1]?.toLowerCase() ?? fallback;
  return asked === "json" ? json(200, formats.json) : answer(200, formats.xml, {}, "application/xml");
}

/** A response: `body` as JSON, a string as it is, none when absent. */
export function answer(status: number, body?: unknown, headers: Record<string, string> = {}, contentType = "application/json"): Response {
  if (body === undefined || status === 204 || status === 205 || status === 304) return new Response(null, { status, headers });
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return new Response(text, { status, headers: { "Content-Type": contentType, ...headers } });
}

/** A JSON response. */
export const json = (status: number, body: unknown): Response => answer(status, body);
