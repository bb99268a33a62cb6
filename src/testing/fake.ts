/**
 * The fake ECE: a stateful, in-process stand-in for the API this SDK covers (token, revoke,
 * configuration, start, sendmessage, reading a conversation back, and the chat web service)
 * following shared/ece-api.md, scripted by tests, with the agent's side posted to a webhook
 * receiver.
 *
 * @module
 */
import type { components } from "../../generated/ece-messaging.js";
import { DEFAULT_API_ROOT } from "../client/defaults.js";
import { checkOptions, isAbsoluteHttpUrl, isPositiveWhole, type Fields } from "../internal/check.js";
import { isRecord } from "../internal/wire.js";
import { answer, chatAnswers, conversationAnswer, defaultErrorBody, errors, json, negotiated, type ErrorBody } from "./answers.js";
import { listen as listenOn, type Answer, type ListenOptions } from "./listen.js";
import {
  conversationIdOf,
  geolocationInput,
  messageOperationOf,
  messageOperations,
  readJson,
  readMessage,
  readStart,
  type MessageBody,
} from "./requests.js";
import type {
  AddConversationOptions,
  AgentFile,
  AttachmentOfferDelivery,
  FakeAgent,
  FakeAvailability,
  FakeConversation,
  FakeEceOptions,
  FakeEntryPoint,
  FakeOperation,
  FakeRequestRecord,
  FakeServer,
  FakeTarget,
  FakeToken,
  FakeWebhookTarget,
  ReceivedMessage,
  ScriptedFailure,
  WebhookDelivery,
} from "./types.js";
import { postWebhook, type WireMessage } from "./webhook.js";

type Schemas = components["schemas"];

/** The date of an entry point given without one (the spec's example). */
const DEFAULT_LAST_MODIFIED = "2025-06-12T09:41:07.000Z";
/** The application every key and secret belong to when the fake takes any. */
const ANY_APPLICATION = "*";
/** The application of {@link FakeEce.addConversation}'s foreign conversations. */
const ANOTHER_APPLICATION = "another-application";

/**
 * Each operation's method, and its path under the API root (`api`: all but the token request take
 * a bearer token) or under the chat root (`chat`: no token); `{id}` is the ID the path names.
 */
const ROUTES = {
  createAccessToken: ["POST", "/authentication/oauth2/token", "api"],
  revokeAccessToken: ["POST", "/authentication/oauth2/revoke", "api"],
  getEntryPointConfiguration: ["GET", "/messaging/configuration", "api"],
  startConversation: ["POST", "/messaging/conversation/start", "api"],
  sendMessage: ["POST", "/messaging/sendmessage", "api"],
  getConversation: ["GET", "/messaging/conversation/{id}", "api"],
  getAgentAvailability: ["GET", "/agentAvailability/{id}", "chat"],
  getAgentCapacity: ["GET", "/capacity/{id}", "chat"],
  checkEligibility: ["GET", "/checkEligibility/{id}", "chat"],
} as const;
type RouteOperation = keyof typeof ROUTES;
const ROUTE_LIST = Object.entries(ROUTES).map(([operation, [method, path, root]]) => ({
  operation: operation as RouteOperation,
  method,
  root,
  pattern: new RegExp(`^${path.replace("{id}", "([^/]+)")}$`),
}));
/** The operations {@link FakeEce.failNext} takes by name. */
const OPERATIONS: ReadonlySet<string> = new Set([...Object.keys(ROUTES), ...messageOperations]);
/** The failures that leave a request unanswered. */
const UNANSWERED: ReadonlySet<unknown> = new Set(["timeout", "reset", "refused"]);
/** How `fetch` rejects when the connection dropped (`reset`) or was never made (`refused`, as undici reports it). */
const DROPPED = { reset: ["other side closed", "UND_ERR_SOCKET"], refused: ["connect ECONNREFUSED", "ECONNREFUSED"] } as const;
const DEFAULT_AVAILABILITY: FakeAvailability = { agentAvailable: true, availableSlots: 3, eligibility: 0 };

/**
 * A fake ECE for tests: its state, its scripting, and the agent's side. Create one with
 * {@link createFakeEce}; pass {@link FakeEce.fetch} as the client's `fetch`, or
 * {@link FakeEce.listen} for a real HTTP server.
 */
export interface FakeEce {
  /**
   * A `fetch` that answers as ECE would, in process (no port): pass it as the client's `fetch`.
   * Any host is accepted; the path must be under {@link FakeEce.apiRoot} (or, for the chat web
   * service, {@link FakeEce.chatRoot}).
   */
  readonly fetch: typeof fetch;

  /** The API root the fake serves under. */
  readonly apiRoot: string;

  /** Where the fake serves the chat web service (`/system/egain/chat/entrypoint` by default). */
  readonly chatRoot: string;

  /** How many sessions one client application may hold at once. */
  readonly sessionLimit: number;

  /**
   * Serves the fake over HTTP on `127.0.0.1` (a free port unless `port` is given). Every server
   * shares the fake's state; close each when done.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * const server = await fake.listen();
   * const ece = createEceClient({ baseUrl: server.url, credentials: { clientKey: "key", clientSecret: "secret" } });
   * console.log((await ece.getEntryPointConfiguration({ entryPointId: 1001 })).kind);
   * await ece.close();
   * await server.close();
   * ```
   */
  listen(options?: ListenOptions): Promise<FakeServer>;

  /**
   * The entry points, with the date each start must echo.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce({ entryPoints: [1001, { id: 1002, lastModified: 1749721267000 }] });
   * console.log(fake.entryPoints().map((point) => point.lastModified));
   * ```
   */
  entryPoints(): FakeEntryPoint[];

  /**
   * Every conversation, in the order they were started (a copy: changing it changes nothing).
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * fake.addConversation();
   * console.log(fake.conversations().length); // 1
   * ```
   */
  conversations(): FakeConversation[];

  /**
   * One conversation, or `undefined` when the fake has none with that ID.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * const { id } = fake.addConversation();
   * console.log(fake.conversation(id)?.state); // "ongoing"
   * ```
   */
  conversation(conversationId: string): FakeConversation | undefined;

  /**
   * The messages received into a conversation, in order, in the SDK's input shapes (empty for an
   * unknown conversation).
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * const { id } = fake.addConversation();
   * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: fake.issueToken(), fetch: fake.fetch });
   * await ece.sendTextMessage({ conversationId: id, message: "Hello" });
   * const [first] = fake.messages(id);
   * if (first?.operation === "sendTextMessage") console.log(first.input.message); // "Hello"
   * ```
   */
  messages(conversationId: string): ReceivedMessage[];

  /**
   * Every token issued, with its state (`open`, `revoked`, `expired`, `ended`).
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * const ece = createEceClient({ baseUrl: "https://ece.example.com", credentials: { clientKey: "k", clientSecret: "s" }, fetch: fake.fetch });
   * await ece.getEntryPointConfiguration({ entryPointId: 1001 });
   * await ece.close();
   * console.log(fake.tokens().map((token) => token.state)); // ["revoked"]
   * ```
   */
  tokens(): FakeToken[];

  /**
   * The open sessions (tokens neither revoked, expired nor ended), oldest first.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce({ sessionLimit: 2 });
   * fake.issueToken();
   * console.log(`${fake.sessions().length} of ${fake.sessionLimit} sessions open`);
   * ```
   */
  sessions(): FakeToken[];

  /**
   * Every request received, in order of arrival, with what the fake did with it.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * await fake.fetch("https://ece.example.com/system/ws/v19/clientapplications/messaging/configuration?entrypoint=1001");
   * console.log(fake.requests()); // [{ operation: "getEntryPointConfiguration", status: 401, ... }]
   * ```
   */
  requests(): FakeRequestRecord[];

  /**
   * Resolves with the `count`-th request (1-based, counted since the fake was created) to
   * `target` once it has been answered or dropped - at once if it already has. A held request
   * (`"timeout"`) counts when it arrives.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * fake.failNext("sendMessage", "timeout");
   * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: fake.issueToken(), fetch: fake.fetch });
   * const abort = new AbortController();
   * const sent = ece.sendTextMessage({ conversationId: "c-1", message: "Hello" }, { signal: abort.signal });
   * await fake.arrived("sendTextMessage");
   * abort.abort();
   * console.log((await sent).kind); // "error" (aborted)
   * ```
   */
  arrived(target: FakeTarget, count?: number): Promise<FakeRequestRecord>;

  /**
   * Resolves with the `count`-th conversation started through the API (1-based), once it is.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * void fake.conversationStarted().then((conversation) => console.log("started", conversation.id));
   * ```
   */
  conversationStarted(count?: number): Promise<FakeConversation>;

  /**
   * Resolves with the `count`-th message (1-based) received into a conversation, once it
   * arrived - at once if it already has: what a test awaits instead of sleeping.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * const { id } = fake.addConversation();
   * // ... the app under test replies on its own time ...
   * const reply = await fake.messageArrived(id);
   * console.log(reply.operation, reply.input);
   * ```
   */
  messageArrived(conversationId: string, count?: number): Promise<ReceivedMessage>;

  /**
   * Scripts the answer to the next request to `target` (an operation, or a path): a status and
   * body, `"timeout"` or `"reset"`. Scripts queue: each answers one request, in order. A scripted
   * request is not processed (the fake's state does not change).
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * fake.failNext("sendTextMessage", { status: 500 }); // the spec's 500 body
   * fake.failNext("/messaging/conversation/start", { status: 403, body: { code: "403-100", developerMessage: "No." } });
   * fake.failNext("createAccessToken", "reset");
   * ```
   */
  failNext(target: FakeTarget, failure: ScriptedFailure): void;

  /**
   * Expires every open token: the next call with one gets 401 (`401-102`, session not found),
   * as when a token's 24 hours are over. Its session ends.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * fake.issueToken();
   * fake.expireTokens();
   * console.log(fake.sessions().length); // 0
   * ```
   */
  expireTokens(): void;

  /**
   * Changes an entry point's last-modified date, as an administrator's edit does after the
   * client last read its configuration: the next start on it gets 409 with the documented
   * `409-100` body (whatever date it carries); later starts must carry the new date.
   *
   * @throws RangeError when the fake has no such entry point.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * const touched = fake.touchEntryPoint(1001);
   * console.log(touched.lastModified); // the new date
   * ```
   */
  touchEntryPoint(entryPointId: number): FakeEntryPoint;

  /**
   * Sets what the chat web service answers for an entry point, without a token:
   * `agentAvailability` (`agentAvailable`), `capacity` (`availableSlots`) and `checkEligibility`
   * (`eligibility`: `0` eligible, `1` no agent available, `2` queue full). Fields not given keep
   * their value (by default: available, 3 slots, eligible). Each answers XML unless asked
   * `Accept: application/json`; an entry point the fake does not have answers 404 with ECE's
   * error body.
   *
   * @throws RangeError when the fake has no such entry point; TypeError when a field is unusable.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * fake.setAvailability(1001, { agentAvailable: false, availableSlots: 0, eligibility: 1 });
   * const answer = await fake.fetch("https://ece.example.com/system/egain/chat/entrypoint/checkEligibility/1001");
   * console.log(await answer.text()); // <checkEligibility xmlns:ns2="http://bindings.egain.com/chat" responseType="1"/>
   * ```
   */
  setAvailability(entryPointId: number, availability: Partial<FakeAvailability>): FakeEntryPoint;

  /**
   * Ends a conversation without a webhook post (the agent's `ends()` posts `complete` too):
   * later sends into it get 404 with the spec's `404-100` body.
   *
   * @throws RangeError when the fake has no such conversation.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * const { id } = fake.addConversation();
   * fake.endConversation(id);
   * ```
   */
  endConversation(conversationId: string): void;

  /**
   * Adds an ongoing conversation that was not started through the API: one of the application's
   * own (to test code that is handed a conversation ID), or with `foreign: true` one another
   * client application started, into which sends get 403.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * const mine = fake.addConversation();
   * const theirs = fake.addConversation({ foreign: true });
   * console.log(mine.id, theirs.startedBy); // ... "another-application"
   * ```
   */
  addConversation(options?: AddConversationOptions): FakeConversation;

  /**
   * Issues a token as the token endpoint would (with `forceLogin`: never refused), for a client
   * created with `accessToken`.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: fake.issueToken(), fetch: fake.fetch });
   * console.log((await ece.getEntryPointConfiguration({ entryPointId: 1001 })).kind);
   * ```
   */
  issueToken(clientKey?: string): string;

  /**
   * Sets where the agent's side is posted (ECE's callback URL and its settings).
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce();
   * // e.g. after the app under test started its receiver on a free port
   * fake.setWebhook({ url: "http://127.0.0.1:8080/ece", authorization: { type: "bearer", token: "hook" }, format: "xml" });
   * ```
   */
  setWebhook(target: FakeWebhookTarget): void;

  /**
   * The agent's side of a conversation: each of its methods posts one webhook request.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce({ webhook: { url: "http://127.0.0.1:8080/ece" } });
   * const agent = fake.agent(fake.addConversation().id);
   * await agent.startsTyping();
   * await agent.says("Hello, I am Alex. How can I help?");
   * ```
   */
  agent(conversationId: string): FakeAgent;
}

/** A token as the fake holds it: with the application it was issued to. */
interface Session extends FakeToken {
  application: string;
}

/** One request as the fake read it. */
interface Incoming {
  request: Request;
  url: URL;
  /** The ID its path names (a conversation's, an entry point's). */
  id?: string;
  /** The body as text (a POST's; empty otherwise). */
  text: string;
  /** A JSON body, parsed (start and sendmessage). */
  body: unknown;
  /** The caller's session (operations that take a bearer token). */
  session?: Session;
}

/** A start's answer names the conversation it started. */
type Handled = Response | { response: Response; conversationId: string };

function checkFakeOptions(options: FakeEceOptions): void {
  checkOptions("createFakeEce", options, (fields) => {
    for (const name of ["apiRoot", "chatRoot"]) {
      const root = fields.get(name);
      if (root !== undefined && (typeof root !== "string" || !root.startsWith("/"))) fields.add(name, 'must start with "/"');
    }
    for (const name of ["sessionLimit", "tokenLifetimeSeconds"]) {
      if (fields.has(name) && !isPositiveWhole(fields.get(name))) fields.add(name, "must be a whole number of at least 1");
    }
    const entryPoints = fields.get("entryPoints") as FakeEceOptions["entryPoints"];
    if (entryPoints !== undefined && entryPoints.length === 0) fields.add("entryPoints", "must not be empty");
    for (const point of entryPoints ?? []) {
      const id = typeof point === "number" ? point : point?.id;
      if (!isPositiveWhole(id)) fields.add(`entry point ${String(id)}`, "must have a positive whole-number id");
    }
    const applications = fields.get("applications") as FakeEceOptions["applications"];
    if (applications !== undefined && (applications.length === 0 || applications.some((a) => !a?.clientKey || !a?.clientSecret))) {
      fields.add("applications", "must each have a clientKey and a clientSecret");
    }
  });
}

/** Reads `Basic base64(key:secret)`; `undefined` when the header is not one. */
function basicCredentials(header: string | null): { clientKey: string; clientSecret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? "");
  if (!match) return undefined;
  try {
    const decoded = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0)));
    const colon = decoded.indexOf(":");
    return colon < 1 ? undefined : { clientKey: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
  } catch {
    return undefined; // not base64 of UTF-8
  }
}

/** A date later than `date`, of the same JSON type (an ISO text stays ISO text). */
function laterDate(date: string | number): string | number {
  const later = Math.max((typeof date === "number" ? date : Date.parse(date) || 0) + 1000, Date.now());
  return typeof date === "number" ? later : new Date(later).toISOString();
}

/**
 * Creates a fake ECE: one client application's view of an ECE server, in memory. By default it
 * has entry point 1001, accepts any client key and secret, allows 10 sessions at once and issues
 * tokens for 24 hours. Every body it answers an operation of the spec with validates against the
 * spec's schemas (a scripted body is the test's own).
 *
 * @throws TypeError when the options are unusable.
 *
 * @example
 * ```ts
 * import { createEceClient } from "ece-messaging";
 * import { createWebhookHandler, type WebhookMessage } from "ece-messaging/webhooks";
 * import { createFakeEce } from "ece-messaging/testing";
 *
 * const received: WebhookMessage[] = [];
 * const fake = createFakeEce({
 *   webhook: {
 *     handler: createWebhookHandler({ authorization: { type: "none" }, onMessages: (m) => void received.push(...m) }),
 *   },
 * });
 * const ece = createEceClient({
 *   baseUrl: "https://ece.example.com",
 *   credentials: { clientKey: "key", clientSecret: "secret" },
 *   fetch: fake.fetch,
 * });
 * fake.touchEntryPoint(1001); // the first start answers 409: the SDK refreshes and repeats once
 * const started = await ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } });
 * if (started.kind === "conversationStarted") {
 *   await ece.sendTextMessage({ conversationId: started.conversationId, message: "Hello" });
 *   await fake.agent(started.conversationId).says("Hi Jane!");
 *   console.log(fake.messages(started.conversationId), received);
 * }
 * await ece.close();
 * ```
 */
export function createFakeEce(options: FakeEceOptions = {}): FakeEce {
  checkFakeOptions(options);
  const apiRoot = (options.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, "");
  const chatRoot = (options.chatRoot ?? apiRoot.replace(/\/ws\/v19\/clientapplications$/, "/egain/chat/entrypoint")).replace(/\/+$/, "");
  const sessionLimit = options.sessionLimit ?? 10;
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 86_400;
  const applications = options.applications ? new Map(options.applications.map((a) => [a.clientKey, a.clientSecret])) : undefined;
  const defaultApplication = options.applications?.[0]?.clientKey ?? ANY_APPLICATION;
  let webhook = options.webhook;

  const entryPoints = new Map<number, FakeEntryPoint>();
  for (const point of options.entryPoints ?? [1001]) {
    const { id, lastModified = DEFAULT_LAST_MODIFIED, allowed = true } = typeof point === "number" ? { id: point } : point;
    entryPoints.set(id, { id, lastModified, allowed, availability: { ...DEFAULT_AVAILABILITY } });
  }
  /** The entry points touchEntryPoint touched: the next start on each answers 409 whatever date it carries. */
  const touched = new Set<number>();
  const firstEntryPoint = [...entryPoints.keys()][0]!;

  const sessions = new Map<string, Session>();
  const conversations = new Map<string, FakeConversation>();
  const scripts: { target: FakeTarget; failure: ScriptedFailure }[] = [];
  const records: FakeRequestRecord[] = [];
  /** What tests await: each checks, after every request, whether what it waits for has happened. */
  const waiters = new Set<() => void>();
  let nextMessageId = 3_118_908_850;
  let nextAttachmentId = 5001;
  let nextActivityId = 32_154;

  // -------------------------------------------------------------------------------------------
  // Sessions
  // -------------------------------------------------------------------------------------------

  /** The session's state now (a token whose lifetime passed is expired). */
  function current(session: Session): Session {
    if (session.state === "open" && Date.now() >= session.issuedAt + lifetimeSeconds * 1000) session.state = "expired";
    return session;
  }

  /** Issues a token; `forceLogin` ends the oldest sessions to make room, else a full application is refused. */
  function issue(clientKey: string, application: string, forceLogin: boolean): Session | undefined {
    const open = [...sessions.values()].filter((s) => s.application === application && current(s).state === "open");
    if (open.length >= sessionLimit) {
      if (!forceLogin) return undefined;
      for (const session of open.slice(0, open.length - sessionLimit + 1)) session.state = "ended";
    }
    const session: Session = { token: crypto.randomUUID(), clientKey, application, issuedAt: Date.now(), state: "open" };
    sessions.set(session.token, session);
    return session;
  }

  /** The caller's session from `Authorization: Bearer <token>`, or the 401 ECE answers. */
  function authorize(request: Request): Session | Response {
    const header = request.headers.get("authorization")?.trim() ?? "";
    if (header === "") return json(401, errors.missingHeader());
    const match = /^Bearer +(\S+)$/i.exec(header);
    if (!match) return json(401, errors.malformedHeader());
    const session = sessions.get(match[1]!);
    return session && current(session).state === "open" ? session : json(401, errors.sessionNotFound());
  }

  // -------------------------------------------------------------------------------------------
  // The operations
  // -------------------------------------------------------------------------------------------

  /** The entry point named by `asked` (decimal text), or ECE's 404 for it. */
  function entryPointOr404(asked: string): FakeEntryPoint | Response {
    const point = /^[1-9][0-9]*$/.test(asked) ? entryPoints.get(Number(asked)) : undefined;
    return point ?? json(404, errors.entryPointNotFound(asked));
  }

  function addConversationFor(startedBy: string, entryPointId: number, start?: FakeConversation["start"]): FakeConversation {
    const ids = { id: crypto.randomUUID(), activityId: String(nextActivityId++), created: new Date().toISOString(), entryPointId, startedBy };
    const conversation: FakeConversation = { ...ids, ...(start && { start }), state: "ongoing", messages: [], attachments: [] };
    conversations.set(conversation.id, conversation);
    return conversation;
  }

  /** The caller's conversation, or ECE's 404 (no such conversation) or 403 (another application's). */
  function ownConversation(conversationId: string, session: Session): FakeConversation | Response {
    const conversation = conversations.get(conversationId);
    if (!conversation) return json(404, errors.conversationNotFound(conversationId));
    return conversation.startedBy === session.application ? conversation : json(403, errors.notStartedByThisApplication());
  }

  /** The chat web service's answer for the entry point the path names (no token needed). */
  const chat =
    (operation: keyof typeof chatAnswers) =>
    ({ request, id }: Incoming): Response => {
      const point = entryPointOr404(id!);
      return point instanceof Response ? point : negotiated(request, chatAnswers[operation](point.availability), "xml");
    };

  const operations: Record<RouteOperation, (incoming: Incoming) => Handled> = {
    createAccessToken({ request, url, text }) {
      const credentials = basicCredentials(request.headers.get("authorization"));
      if (!credentials || (applications && applications.get(credentials.clientKey) !== credentials.clientSecret)) {
        return json(401, errors.invalidCredentials());
      }
      if (new URLSearchParams(text).get("grant_type") !== "client_credentials") {
        return json(400, { code: "400-100", developerMessage: "grant_type must be client_credentials." });
      }
      const application = applications ? credentials.clientKey : ANY_APPLICATION;
      const session = issue(credentials.clientKey, application, url.searchParams.get("forceLogin") === "yes");
      if (!session) return json(401, errors.sessionLimitReached(sessionLimit));
      return json(200, { access_token: session.token, expires_in: lifetimeSeconds, token_type: "Bearer" });
    },

    revokeAccessToken({ session }) {
      session!.state = "revoked";
      return answer(204);
    },

    getEntryPointConfiguration({ url }) {
      const point = entryPointOr404(url.searchParams.get("entrypoint") ?? "");
      if (point instanceof Response) return point;
      if (!point.allowed) return json(403, errors.entryPointNotAllowed(point.id));
      return json(200, { entryPointConfiguration: [{ entryPoint: { id: point.id }, lastModified: { date: point.lastModified } }] });
    },

    startConversation({ url, body, session }) {
      const read = readStart(body, url.searchParams);
      if (!read) return json(400, errors.refused());
      const point = entryPointOr404(String(read.entryPointId));
      if (point instanceof Response) return point;
      if (!point.allowed) return json(403, errors.entryPointNotAllowed(point.id));
      if (touched.delete(point.id) || read.date !== point.lastModified) return json(409, errors.staleEntryPointDate());
      const conversation = addConversationFor(session!.application, point.id, read.input);
      return { response: json(200, { id: conversation.id, activity: { id: conversation.activityId } }), conversationId: conversation.id };
    },

    sendMessage({ body, session }) {
      const message = readMessage(body);
      if (!message) return json(400, errors.refused());
      const conversation = ownConversation(message.conversation.id, session!);
      if (conversation instanceof Response) return conversation;
      if (conversation.state !== "ongoing") return json(404, errors.conversationNotFound(conversation.id));
      const received = receive(conversation, message);
      return "code" in received ? json(400, received) : json(200, received);
    },

    // Documented for completed conversations: an ended one answers too.
    getConversation({ request, url, id, session }) {
      if (url.search !== "") return json(400, errors.queryNotSupported());
      const conversation = ownConversation(id!, session!);
      return conversation instanceof Response ? conversation : negotiated(request, conversationAnswer(conversation), "json");
    },

    getAgentAvailability: chat("getAgentAvailability"),
    getAgentCapacity: chat("getAgentCapacity"),
    checkEligibility: chat("checkEligibility"),
  };

  /** Records a message into its (ongoing) conversation; the response body, or the 400's error. */
  function receive(conversation: FakeConversation, body: MessageBody): Record<string, unknown> | ErrorBody {
    const conversationId = conversation.id;
    const operation = messageOperationOf(body)!;
    const base = { id: String(nextMessageId++), receivedAt: Date.now() };
    let response: Record<string, unknown> = { id: base.id, ...body };
    let received: ReceivedMessage;
    switch (operation) {
      case "sendTextMessage":
      case "sendHtmlMessage":
        received = { ...base, operation, input: { conversationId, message: (body as Schemas["TextMessage"]).content } };
        break;
      case "uploadAttachmentFromUrl": {
        const file = (body as Schemas["UploadAttachmentMessage"]).attachments.attachment[0]!;
        const attachmentId = String(nextAttachmentId++);
        const { fileName, contentType, contentUrl } = file;
        const size = Number(file.size);
        conversation.attachments.push({ id: attachmentId, fileName, contentType, size, contentUrl, from: "customer" });
        const input = { conversationId, fileName, contentType, fileSize: size, contentUrl };
        received = { ...base, operation, input, attachmentId };
        response = { ...response, attachments: { attachment: [{ id: attachmentId, ...file }] } };
        break;
      }
      case "acceptAttachment":
      case "rejectAttachment": {
        const attachmentId = (body as Schemas["AcceptAttachmentMessage"]).attachments.attachment[0]!.id;
        const offered = conversation.attachments.find((a) => a.from === "agent" && a.id === attachmentId);
        if (!offered) return errors.attachmentNotFound(attachmentId);
        if (offered.decision !== undefined) return errors.refused();
        offered.decision = operation === "acceptAttachment" ? "accepted" : "rejected";
        received = { ...base, operation, input: { conversationId, attachmentId } };
        const { from: _from, decision: _decision, ...file } = offered;
        if (operation === "acceptAttachment") response = { ...response, attachments: { attachment: [file] } };
        break;
      }
      case "sendGeolocation":
        received = { ...base, operation, input: geolocationInput(conversationId, (body as Schemas["GeolocationMessage"]).geolocation) };
        break;
    }
    conversation.messages.push(received);
    return response;
  }

  // -------------------------------------------------------------------------------------------
  // One request
  // -------------------------------------------------------------------------------------------

  /** The path under `root`, or `undefined` when it is not under it. */
  function under(root: string, pathname: string): string | undefined {
    if (root === "" || pathname.startsWith(`${root}/`)) return pathname.slice(root.length);
    return pathname === root ? "/" : undefined;
  }

  /** The path under the API root or the chat root, or the path itself when it is under neither. */
  function relative(pathname: string): string {
    return under(apiRoot, pathname) ?? under(chatRoot, pathname) ?? pathname;
  }

  /** The operation a request is for, the ID its path names and its path under its root; or the status ECE answers. */
  function locate(pathname: string, method: string): { route: RouteOperation | 404 | 405; id?: string; path: string } {
    let route: 404 | 405 = 404;
    for (const { operation, method: routeMethod, root, pattern } of ROUTE_LIST) {
      const path = under(root === "api" ? apiRoot : chatRoot, pathname);
      const match = path === undefined ? null : pattern.exec(path);
      if (match && routeMethod === method) return { route: operation, path: path!, id: match[1] };
      if (match) route = 405;
    }
    return { route, path: relative(pathname) };
  }

  function matches(target: FakeTarget, record: FakeRequestRecord): boolean {
    if (target.startsWith("/")) return relative(target) === record.path;
    return target === record.operation || (target === "sendMessage" && messageOperations.has(record.operation));
  }

  async function handle(request: Request): Promise<Answer> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const { route, id, path } = locate(url.pathname, method);
    const known = typeof route === "string";
    const text = known && method === "POST" ? await request.text() : "";
    // Every POST body but the token request's (a form) is JSON.
    const parsed = route === "startConversation" || route === "sendMessage" ? readJson(text) : undefined;
    const body = parsed?.ok ? parsed.value : undefined;
    const operation = route === "sendMessage" ? (messageOperationOf(body) ?? route) : known ? route : "unknown";
    const record: FakeRequestRecord = { operation, method, path, query: url.search.slice(1), scripted: false };
    const scheme = request.headers.get("authorization")?.trim().split(/\s+/)[0];
    if (scheme) record.authorization = scheme;
    const isChat = known && ROUTES[route][2] === "chat";
    let conversationId = route === "getConversation" ? id : conversationIdOf(body);

    let answer: Answer;
    const script = scripts.findIndex(({ target }) => matches(target, record));
    if (script >= 0) {
      record.scripted = true;
      const entryPointId = url.searchParams.get("entrypoint") ?? entryPointOf(body) ?? (isChat ? id : undefined);
      answer = scriptedAnswer(scripts.splice(script, 1)[0]!.failure, operation, { conversationId, entryPointId });
    } else if (!known) {
      answer = json(route, { code: `${route}-100`, developerMessage: `No operation at ${method} ${url.pathname}.` });
    } else {
      const session = route === "createAccessToken" || isChat ? undefined : authorize(request);
      let handled: Handled;
      if (session instanceof Response) handled = session;
      else if (parsed?.ok === false) handled = json(400, parsed.error);
      else handled = operations[route]({ request, url, id, text, body, session });
      if (handled instanceof Response) answer = handled;
      else ({ response: answer, conversationId } = handled);
    }
    if (conversationId !== undefined) record.conversationId = conversationId;
    if (typeof answer === "string") record.failure = answer;
    else record.status = answer.status;
    records.push(record);
    for (const check of waiters) check();
    options.onRequest?.(structuredClone(record));
    return answer;
  }

  async function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const { signal } = request;
    signal.throwIfAborted();
    const answer = await handle(request);
    if (answer === "reset" || answer === "refused") {
      const [message, code] = DROPPED[answer];
      throw new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code }) });
    }
    if (answer !== "timeout") return answer;
    return new Promise<Response>((_resolve, reject) => {
      const abort = () => reject(signal.reason);
      if (signal.aborted) abort();
      else signal.addEventListener("abort", abort, { once: true });
    });
  }

  /** Resolves with (a copy of) the `count`-th item of `list` (1-based): at once if it is there, else once it is. */
  function nth<T>(list: () => T[], count: number): Promise<T> {
    if (!isPositiveWhole(count)) return Promise.reject(new RangeError(`count must be a positive whole number, not ${String(count)}`));
    return new Promise<T>((resolve) => {
      const check = () => {
        const found = list()[count - 1];
        if (found === undefined) return;
        waiters.delete(check);
        resolve(structuredClone(found));
      };
      waiters.add(check);
      check();
    });
  }

  // -------------------------------------------------------------------------------------------
  // The agent's side
  // -------------------------------------------------------------------------------------------

  function agent(conversationId: string): FakeAgent {
    /** The conversation, when the agent can post into it and there is a target; else throws why. */
    function ongoing(): { conversation: FakeConversation; target: FakeWebhookTarget } {
      const conversation = found(conversations, conversationId, "conversation");
      if (conversation.startedBy === ANOTHER_APPLICATION) {
        throw new Error(`Conversation ${conversationId} belongs to another client application: ECE posts its messages there.`);
      }
      if (conversation.state !== "ongoing") throw new Error(`Conversation ${conversationId} has ended.`);
      const target = webhook;
      if (target?.url === undefined && target?.handler === undefined) {
        throw new Error("The fake ECE has no webhook target: pass `webhook` to createFakeEce, or call fake.setWebhook().");
      }
      return { conversation, target };
    }

    /** Posts one message of `type` from the agent (or from `system`) to `target`. */
    function send(target: FakeWebhookTarget, type: string, fields: Partial<WireMessage> = {}, system = false): Promise<WebhookDelivery> {
      const sender = system ? { type: "system" as const } : { type: "user" as const, user: { name: "Agent" } };
      const id = String(nextMessageId++);
      return postWebhook(target, { id, conversation: { id: conversationId }, type: { value: type }, sender, ...fields, timeStamp: Date.now() });
    }

    const post = async (type: string, fields?: Partial<WireMessage>) => send(ongoing().target, type, fields);

    return {
      conversationId,
      says: async (text) => post("text/plain", { content: checkText(text, "text") }),
      saysHtml: async (html) => post("text/html", { content: checkText(html, "html") }),
      startsTyping: () => post("startTyping"),
      stopsTyping: () => post("endTyping"),
      async offersAttachment(offered: AgentFile): Promise<AttachmentOfferDelivery> {
        const { fileName, contentType, size, contentUrl } = checkFile(offered);
        const { conversation, target } = ongoing();
        const id = String(nextAttachmentId++);
        const attachment = { id, fileName, contentType, size, contentUrl: contentUrl ?? `https://ece.example.com/system/web/view/attachments/${id}` };
        conversation.attachments.push({ ...attachment, from: "agent" });
        const delivery = await send(target, "uploadAttachment", { attachments: { attachment: [attachment] } });
        return { ...delivery, attachmentId: id };
      },
      async ends(text = "Agent has ended the chat") {
        const content = checkText(text, "text");
        const { conversation, target } = ongoing();
        conversation.state = "ended";
        return send(target, "complete", { content }, true);
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // The fake
  // -------------------------------------------------------------------------------------------

  const tokenView = ({ token, clientKey, issuedAt, state }: Session): FakeToken => ({ token, clientKey, issuedAt, state });

  return {
    fetch: fakeFetch as typeof fetch,
    apiRoot: apiRoot === "" ? "/" : apiRoot,
    chatRoot: chatRoot === "" ? "/" : chatRoot,
    sessionLimit,
    listen: (listenOptions) => listenOn(handle, listenOptions),
    entryPoints: () => structuredClone([...entryPoints.values()]),
    conversations: () => structuredClone([...conversations.values()]),
    conversation: (conversationId) => structuredClone(conversations.get(conversationId)),
    messages: (conversationId) => structuredClone(conversations.get(conversationId)?.messages ?? []),
    tokens: () => [...sessions.values()].map((session) => tokenView(current(session))),
    sessions: () => [...sessions.values()].filter((s) => current(s).state === "open").map(tokenView),
    requests: () => structuredClone(records),
    arrived: (target, count = 1) => nth(() => records.filter((record) => matches(target, record)), count),
    conversationStarted: (count = 1) => nth(() => [...conversations.values()].filter((c) => c.start !== undefined), count),
    messageArrived: (conversationId, count = 1) => nth(() => conversations.get(conversationId)?.messages ?? [], count),
    failNext(target, failure) {
      const status = isRecord(failure) ? failure.status : undefined;
      if (!UNANSWERED.has(failure) && !(Number.isInteger(status) && (status as number) >= 200 && (status as number) <= 599)) {
        throw new TypeError('failNext: the failure must be { status: 200..599, body? }, "timeout", "reset" or "refused".');
      }
      if (typeof target !== "string" || (!target.startsWith("/") && !OPERATIONS.has(target))) {
        throw new TypeError(`failNext: ${String(target)} is neither an operation nor a path.`);
      }
      scripts.push({ target, failure });
    },
    expireTokens() {
      for (const session of sessions.values()) if (current(session).state === "open") session.state = "expired";
    },
    touchEntryPoint(entryPointId) {
      const point = found(entryPoints, entryPointId, "entry point");
      point.lastModified = laterDate(point.lastModified);
      touched.add(point.id);
      return structuredClone(point);
    },
    setAvailability(entryPointId, availability) {
      const point = found(entryPoints, entryPointId, "entry point");
      point.availability = { ...point.availability, ...checkAvailability(availability) };
      return structuredClone(point);
    },
    endConversation(conversationId) {
      found(conversations, conversationId, "conversation").state = "ended";
    },
    addConversation(add = {}) {
      const entryPointId = found(entryPoints, add.entryPointId ?? firstEntryPoint, "entry point").id;
      const application = add.foreign ? ANOTHER_APPLICATION : applications && add.clientKey !== undefined ? add.clientKey : defaultApplication;
      return structuredClone(addConversationFor(application, entryPointId));
    },
    issueToken(clientKey) {
      const key = clientKey ?? (defaultApplication === ANY_APPLICATION ? "fake-client-key" : defaultApplication);
      return issue(key, applications ? key : ANY_APPLICATION, true)!.token;
    },
    setWebhook(target) {
      webhook = target;
    },
    agent,
  };
}

/** The value under `key`, or a RangeError naming the `what` the fake does not have. */
function found<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new RangeError(`The fake ECE has no ${what} ${String(key)}.`);
  return value;
}

/** A start body's entry point ID, for a scripted answer's default body. */
function entryPointOf(body: unknown): string | undefined {
  const id = (body as { entryPointConfiguration?: { entryPoint?: { id?: unknown } } } | undefined)?.entryPointConfiguration?.entryPoint?.id;
  return typeof id === "string" ? id : undefined;
}

/** What a script answers: its status, headers and body (without one, the spec's for an error status), or nothing. */
function scriptedAnswer(failure: ScriptedFailure, operation: FakeOperation | "unknown", context: Parameters<typeof defaultErrorBody>[2]): Answer {
  if (typeof failure === "string") return failure;
  const fallback = failure.status >= 400 ? defaultErrorBody(operation, failure.status, context) : undefined;
  return answer(failure.status, "body" in failure ? failure.body : fallback, failure.headers);
}

/** Half of a surrogate pair: not a character, so neither XML nor UTF-8 can carry it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const HALF_A_CHARACTER = "must not hold a lone surrogate (half of a character)";

function checkText(value: unknown, name: string): string {
  if (typeof value !== "string" || value === "") throw new TypeError(`The agent's ${name} must be a non-empty string.`);
  if (LONE_SURROGATE.test(value)) throw new TypeError(`The agent's ${name} ${HALF_A_CHARACTER}.`);
  return value;
}

/** The file the agent offers, checked: its texts, its size, and its URL when given. */
function checkFile(file: AgentFile): AgentFile {
  const read = (fields: Fields): AgentFile => {
    const [fileName, contentType, contentUrl] = [fields.requiredText("fileName"), fields.requiredText("contentType"), fields.optionalText("contentUrl")];
    for (const [name, value] of Object.entries({ fileName, contentType, contentUrl })) {
      if (value !== undefined && LONE_SURROGATE.test(value)) fields.add(name, HALF_A_CHARACTER);
    }
    if (contentUrl !== undefined && !isAbsoluteHttpUrl(contentUrl)) fields.add("contentUrl", "must be an absolute http or https URL");
    const size = fields.get("size");
    if (!isCount(size)) fields.add("size", "must be a whole number of bytes");
    return { fileName: fileName!, contentType: contentType!, size: size as number, contentUrl };
  };
  return checkOptions("offersAttachment", file, read, "file");
}

/** Whether `value` is a whole number of at least 0. */
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** The fields of an availability that are given, checked. */
function checkAvailability(availability: Partial<FakeAvailability>): Partial<FakeAvailability> {
  const read = (fields: Fields): Partial<FakeAvailability> => {
    const [agentAvailable, availableSlots, eligibility] = ["agentAvailable", "availableSlots", "eligibility"].map((name) => fields.get(name));
    if (agentAvailable !== undefined && typeof agentAvailable !== "boolean") fields.add("agentAvailable", "must be true or false");
    if (availableSlots !== undefined && !isCount(availableSlots)) fields.add("availableSlots", "must be a whole number of at least 0");
    if (eligibility !== undefined && eligibility !== 0 && eligibility !== 1 && eligibility !== 2) fields.add("eligibility", "must be 0, 1 or 2");
    const given = Object.entries({ agentAvailable, availableSlots, eligibility }).filter(([, value]) => value !== undefined);
    return Object.fromEntries(given) as Partial<FakeAvailability>;
  };
  return checkOptions("setAvailability", availability, read, "availability");
}
