/**
 * The fake ECE: a stateful, in-process stand-in for the API this SDK covers (token, revoke,
 * configuration, start, sendmessage) following shared/ece-api.md, scripted by tests, with the
 * agent's side posted to a webhook receiver.
 *
 * @module
 */
import { DEFAULT_API_ROOT } from "../client/defaults.js";
import { checkOptions, isAbsoluteHttpUrl, isPositiveWhole } from "../internal/check.js";
import { defaultErrorBody, empty, errors, json, scripted, type ErrorBody } from "./answers.js";
import { createArrivals } from "./arrivals.js";
import { listen as listenOn, type ListenOptions } from "./listen.js";
import { conversationIdOf, messageOperationOf, messageOperations, readJson, readMessage, readStart, type ReadMessage } from "./requests.js";
import type {
  AddConversationOptions,
  AgentFile,
  AttachmentOfferDelivery,
  FakeAgent,
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

/** The date of an entry point given without one (the spec's example). */
const DEFAULT_LAST_MODIFIED = "2025-06-12T09:41:07.000Z";
/** The application every key and secret belong to when the fake takes any. */
const ANY_APPLICATION = "*";
/** The application of {@link FakeEce.addConversation}'s foreign conversations. */
const ANOTHER_APPLICATION = "another-application";

const PATHS: Readonly<Record<string, { method: string; operation: FakeOperation }>> = {
  "/authentication/oauth2/token": { method: "POST", operation: "createAccessToken" },
  "/authentication/oauth2/revoke": { method: "POST", operation: "revokeAccessToken" },
  "/messaging/configuration": { method: "GET", operation: "getEntryPointConfiguration" },
  "/messaging/conversation/start": { method: "POST", operation: "startConversation" },
  "/messaging/sendmessage": { method: "POST", operation: "sendMessage" },
};
/** The operations {@link FakeEce.failNext} takes by name. */
const OPERATIONS: ReadonlySet<string> = new Set([...Object.values(PATHS).map(({ operation }) => operation), ...messageOperations]);

/**
 * A fake ECE for tests: its state, its scripting, and the agent's side. Create one with
 * {@link createFakeEce}; pass {@link FakeEce.fetch} as the client's `fetch`, or
 * {@link FakeEce.listen} for a real HTTP server.
 */
export interface FakeEce {
  /**
   * A `fetch` that answers as ECE would, in process (no port): pass it as the client's `fetch`.
   * Any host is accepted; the path must be under {@link FakeEce.apiRoot}.
   */
  readonly fetch: typeof fetch;

  /** The API root the fake serves under. */
  readonly apiRoot: string;

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

interface Session extends FakeToken {
  application: string;
  expiresAt: number;
}

interface EntryPointState extends FakeEntryPoint {
  /** Set by touchEntryPoint: the next start answers 409 whatever date it carries. */
  staleNextStart: boolean;
}

type Answer = Response | "timeout" | "reset";
type Authorized = { ok: true; session: Session } | { ok: false; response: Response };

function checkFakeOptions(options: FakeEceOptions): void {
  checkOptions("createFakeEce", options, (fields) => {
    const apiRoot = fields.get("apiRoot");
    if (apiRoot !== undefined && (typeof apiRoot !== "string" || !apiRoot.startsWith("/"))) fields.add("apiRoot", 'must start with "/"');
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
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(":");
  return colon < 1 ? undefined : { clientKey: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

/** A date later than `date`, of the same JSON type (an ISO text stays ISO text). */
function laterDate(date: string | number): string | number {
  if (typeof date === "number") return Math.max(date + 1000, Date.now());
  const parsed = Date.parse(date);
  return new Date(Math.max(Number.isNaN(parsed) ? 0 : parsed + 1000, Date.now())).toISOString();
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
  const sessionLimit = options.sessionLimit ?? 10;
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 86_400;
  const applications = options.applications ? new Map(options.applications.map((a) => [a.clientKey, a.clientSecret])) : undefined;
  const defaultApplication = options.applications?.[0]?.clientKey ?? ANY_APPLICATION;
  const onRequest = options.onRequest;
  let webhook = options.webhook;

  const entryPoints = new Map<number, EntryPointState>();
  for (const point of options.entryPoints ?? [1001]) {
    const { id, lastModified = DEFAULT_LAST_MODIFIED, allowed = true } = typeof point === "number" ? { id: point } : point;
    entryPoints.set(id, { id, lastModified, allowed, staleNextStart: false });
  }
  const firstEntryPoint = [...entryPoints.keys()][0]!;

  const sessions = new Map<string, Session>();
  const conversations = new Map<string, FakeConversation>();
  const scripts: { target: FakeTarget; failure: ScriptedFailure }[] = [];
  const records: FakeRequestRecord[] = [];
  const requestArrivals = createArrivals<FakeRequestRecord>();
  const startArrivals = createArrivals<FakeConversation>();
  const messageArrivals = createArrivals<ReceivedMessage>();
  let nextMessageId = 3_118_908_850;
  let nextAttachmentId = 5001;
  let nextActivityId = 32_154;

  // -------------------------------------------------------------------------------------------
  // Sessions
  // -------------------------------------------------------------------------------------------

  /** The session's state now (a token whose lifetime passed is expired). */
  function current(session: Session): Session {
    if (session.state === "open" && Date.now() >= session.expiresAt) session.state = "expired";
    return session;
  }

  function openSessions(application: string): Session[] {
    return [...sessions.values()].filter((s) => s.application === application && current(s).state === "open");
  }

  /** Issues a token; `forceLogin` ends the oldest sessions to make room, else a full application is refused. */
  function issue(clientKey: string, application: string, forceLogin: boolean): Session | undefined {
    const open = openSessions(application);
    if (open.length >= sessionLimit) {
      if (!forceLogin) return undefined;
      for (const session of open.slice(0, open.length - sessionLimit + 1)) session.state = "ended";
    }
    const issuedAt = Date.now();
    const session: Session = {
      token: crypto.randomUUID(),
      clientKey,
      application,
      issuedAt,
      expiresAt: issuedAt + lifetimeSeconds * 1000,
      state: "open",
    };
    sessions.set(session.token, session);
    return session;
  }

  /** The caller's session from `Authorization: Bearer <token>`, or the 401 ECE answers. */
  function authorize(request: Request): Authorized {
    const header = request.headers.get("authorization");
    if (header === null || header.trim() === "") return { ok: false, response: json(401, errors.missingHeader()) };
    const match = /^Bearer +(\S+)$/i.exec(header.trim());
    if (!match) return { ok: false, response: json(401, errors.malformedHeader()) };
    const session = sessions.get(match[1]!);
    if (!session || current(session).state !== "open") return { ok: false, response: json(401, errors.sessionNotFound()) };
    return { ok: true, session };
  }

  // -------------------------------------------------------------------------------------------
  // The operations
  // -------------------------------------------------------------------------------------------

  async function token(request: Request, url: URL): Promise<Response> {
    const credentials = basicCredentials(request.headers.get("authorization"));
    if (!credentials || (applications && applications.get(credentials.clientKey) !== credentials.clientSecret)) {
      return json(401, errors.invalidCredentials());
    }
    const form = new URLSearchParams(await request.text());
    if (form.get("grant_type") !== "client_credentials") {
      return json(400, { code: "400-100", developerMessage: "grant_type must be client_credentials." });
    }
    const application = applications ? credentials.clientKey : ANY_APPLICATION;
    const session = issue(credentials.clientKey, application, url.searchParams.get("forceLogin") === "yes");
    if (!session) return json(401, errors.sessionLimitReached(sessionLimit));
    return json(200, { access_token: session.token, expires_in: lifetimeSeconds, token_type: "Bearer" });
  }

  function revoke(request: Request): Response {
    const caller = authorize(request);
    if (!caller.ok) return caller.response;
    caller.session.state = "revoked";
    return empty(204);
  }

  function configuration(request: Request, url: URL): Response {
    const caller = authorize(request);
    if (!caller.ok) return caller.response;
    const asked = url.searchParams.get("entrypoint") ?? "";
    const point = /^[1-9][0-9]*$/.test(asked) ? entryPoints.get(Number(asked)) : undefined;
    if (!point) return json(404, errors.entryPointNotFound(asked));
    if (!point.allowed) return json(403, errors.entryPointNotAllowed(point.id));
    return json(200, { entryPointConfiguration: [{ entryPoint: { id: point.id }, lastModified: { date: point.lastModified } }] });
  }

  function start(request: Request, url: URL, body: string): { response: Response; conversationId?: string } {
    const caller = authorize(request);
    if (!caller.ok) return { response: caller.response };
    const parsed = readJson(body);
    if (!parsed.ok) return { response: json(400, parsed.error) };
    const read = readStart(parsed.value, url.searchParams);
    if (!read.ok) return { response: json(400, read.error) };
    const point = entryPoints.get(read.value.entryPointId);
    if (!point) return { response: json(404, errors.entryPointNotFound(read.value.entryPointId)) };
    if (!point.allowed) return { response: json(403, errors.entryPointNotAllowed(point.id)) };
    if (point.staleNextStart || read.value.date !== point.lastModified) {
      point.staleNextStart = false;
      return { response: json(409, errors.staleEntryPointDate()) };
    }
    const conversation = addConversationFor(caller.session.application, point.id, read.value.input);
    startArrivals.record(structuredClone(conversation), ["*"]);
    return { response: json(200, { id: conversation.id, activity: { id: conversation.activityId } }), conversationId: conversation.id };
  }

  function addConversationFor(application: string, entryPointId: number, input?: FakeConversation["start"]): FakeConversation {
    const conversation: FakeConversation = {
      id: crypto.randomUUID(),
      activityId: String(nextActivityId++),
      entryPointId,
      startedBy: application,
      ...(input === undefined ? {} : { start: input }),
      state: "ongoing",
      messages: [],
      attachments: [],
    };
    conversations.set(conversation.id, conversation);
    return conversation;
  }

  function sendMessage(request: Request, body: string): { response: Response; conversationId?: string } {
    const caller = authorize(request);
    if (!caller.ok) return { response: caller.response };
    const parsed = readJson(body);
    if (!parsed.ok) return { response: json(400, parsed.error) };
    const read = readMessage(parsed.value);
    if (!read.ok) return { response: json(400, read.error), ...withConversation(conversationIdOf(parsed.value)) };
    const message = read.value;
    const { conversationId } = message;
    const conversation = conversations.get(conversationId);
    if (!conversation) return { response: json(404, errors.conversationNotFound(conversationId)), conversationId };
    if (conversation.startedBy !== caller.session.application) {
      return { response: json(403, errors.notStartedByThisApplication()), conversationId };
    }
    if (conversation.state !== "ongoing") return { response: json(404, errors.conversationNotFound(conversationId)), conversationId };
    const answer = receive(conversation, message);
    return { response: "code" in answer ? json(400, answer) : json(200, answer), conversationId };
  }

  /** Records a message into its (ongoing) conversation; the response body, or the 400's error. */
  function receive(conversation: FakeConversation, message: ReadMessage): Record<string, unknown> | ErrorBody {
    const id = String(nextMessageId++);
    const receivedAt = Date.now();
    const { conversationId } = message;
    const echo = { id, conversation: { id: conversationId } };
    let received: ReceivedMessage;
    let response: Record<string, unknown>;
    switch (message.operation) {
      case "sendTextMessage":
      case "sendHtmlMessage": {
        const value = message.operation === "sendTextMessage" ? "text/plain" : "text/html";
        received = { id, operation: message.operation, input: { conversationId, message: message.content }, receivedAt };
        response = { ...echo, type: { value }, content: message.content };
        break;
      }
      case "uploadAttachmentFromUrl": {
        const attachmentId = String(nextAttachmentId++);
        const { fileName, contentType, size, contentUrl } = message.file;
        conversation.attachments.push({ id: attachmentId, fileName, contentType, size: Number(size), contentUrl, from: "customer" });
        received = {
          id,
          operation: "uploadAttachmentFromUrl",
          input: { conversationId, fileName, contentType, fileSize: Number(size), contentUrl },
          attachmentId,
          receivedAt,
        };
        response = { ...echo, type: { value: "uploadAttachment" }, attachments: { attachment: [{ id: attachmentId, ...message.file }] } };
        break;
      }
      case "acceptAttachment":
      case "rejectAttachment": {
        const { attachmentId } = message;
        const offered = conversation.attachments.find((a) => a.from === "agent" && a.id === attachmentId);
        if (!offered) return errors.attachmentNotFound(attachmentId);
        if (offered.decision !== undefined) return errors.refused();
        offered.decision = message.operation === "acceptAttachment" ? "accepted" : "rejected";
        received = { id, operation: message.operation, input: { conversationId, attachmentId }, receivedAt };
        const { from: _from, decision: _decision, ...file } = offered;
        const value = message.operation;
        response = { ...echo, type: { value }, attachments: { attachment: [value === "acceptAttachment" ? file : { id: attachmentId }] } };
        break;
      }
      case "sendGeolocation":
        received = { id, operation: "sendGeolocation", input: message.input, receivedAt };
        response = { ...echo, type: { value: "geolocation" }, geolocation: message.geolocation };
        break;
    }
    conversation.messages.push(received);
    messageArrivals.record(structuredClone(received), [conversationId]);
    return response;
  }

  // -------------------------------------------------------------------------------------------
  // One request
  // -------------------------------------------------------------------------------------------

  /** The path under the API root, or `undefined` when the request is not under it. */
  function relative(pathname: string): string | undefined {
    if (apiRoot === "") return pathname;
    if (pathname === apiRoot) return "/";
    return pathname.startsWith(`${apiRoot}/`) ? pathname.slice(apiRoot.length) : undefined;
  }

  function targetPath(target: string): string {
    return relative(target) ?? target;
  }

  function matches(target: FakeTarget, operation: FakeOperation | "unknown", path: string | undefined): boolean {
    if (target.startsWith("/")) return path !== undefined && targetPath(target) === path;
    if (target === operation) return true;
    return target === "sendMessage" && messageOperations.has(operation);
  }

  async function handle(request: Request): Promise<Answer> {
    const url = new URL(request.url);
    const path = relative(url.pathname);
    const method = request.method.toUpperCase();
    const route = path === undefined ? undefined : PATHS[path];
    const known = route !== undefined && route.method === method;
    // The token request's body is a form, read by its handler; every other POST body is JSON.
    const body = known && route.operation !== "createAccessToken" && method === "POST" ? await request.text() : "";
    let operation: FakeOperation | "unknown" = known ? route.operation : "unknown";
    let parsedBody: unknown;
    if (operation === "sendMessage" || operation === "startConversation") {
      const parsed = readJson(body);
      parsedBody = parsed.ok ? parsed.value : undefined;
      if (operation === "sendMessage") operation = messageOperationOf(parsedBody) ?? "sendMessage";
    }
    const record: FakeRequestRecord = { operation, method, path: path ?? url.pathname, query: url.search.slice(1), scripted: false };

    let answer: Answer;
    let conversationId: string | undefined;
    const script = scripts.findIndex(({ target }) => matches(target, operation, path));
    if (script >= 0) {
      const { failure } = scripts.splice(script, 1)[0]!;
      record.scripted = true;
      conversationId = conversationIdOf(parsedBody);
      if (typeof failure === "string") answer = failure;
      else {
        const entryPointId = url.searchParams.get("entrypoint") ?? entryPointOf(parsedBody);
        const context = {
          ...withConversation(conversationId),
          ...(entryPointId === undefined ? {} : { entryPointId }),
        };
        const fallback = failure.status >= 400 ? defaultErrorBody(operation, failure.status, context) : undefined;
        answer = scripted(failure.status, "body" in failure ? failure.body : fallback, failure.headers);
      }
    } else if (!known) {
      const status = route === undefined ? 404 : 405;
      answer = json(status, { code: `${status}-100`, developerMessage: `No operation at ${method} ${url.pathname}.` });
    } else {
      switch (route.operation) {
        case "createAccessToken":
          answer = await token(request, url);
          break;
        case "revokeAccessToken":
          answer = revoke(request);
          break;
        case "getEntryPointConfiguration":
          answer = configuration(request, url);
          break;
        case "startConversation":
          ({ response: answer, conversationId } = start(request, url, body));
          break;
        default:
          ({ response: answer, conversationId } = sendMessage(request, body));
      }
    }
    if (conversationId !== undefined) record.conversationId = conversationId;
    if (typeof answer === "string") record.failure = answer;
    else record.status = answer.status;
    records.push(record);
    const keys = [record.operation, record.path, ...(messageOperations.has(record.operation) ? ["sendMessage"] : [])];
    requestArrivals.record(structuredClone(record), keys);
    onRequest?.(structuredClone(record));
    return answer;
  }

  async function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const signal = init?.signal ?? request.signal;
    if (signal?.aborted) throw signal.reason;
    const answer = await handle(request);
    if (answer === "reset") {
      // As fetch reports a connection the server dropped.
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });
    }
    if (answer === "timeout") {
      return new Promise<Response>((_resolve, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    }
    return answer;
  }

  // -------------------------------------------------------------------------------------------
  // The agent's side
  // -------------------------------------------------------------------------------------------

  function agent(conversationId: string): FakeAgent {
    /** The conversation, when the agent can post into it and there is a target; else throws why. */
    function ongoing(): { conversation: FakeConversation; target: FakeWebhookTarget } {
      const conversation = conversations.get(conversationId);
      if (!conversation) throw new Error(`The fake ECE has no conversation ${conversationId}.`);
      if (conversation.startedBy === ANOTHER_APPLICATION) {
        throw new Error(`Conversation ${conversationId} belongs to another client application: ECE posts its messages there.`);
      }
      if (conversation.state !== "ongoing") throw new Error(`Conversation ${conversationId} has ended.`);
      const target = webhook;
      if (!target || (target.url === undefined && target.handler === undefined)) {
        throw new Error("The fake ECE has no webhook target: pass `webhook` to createFakeEce, or call fake.setWebhook().");
      }
      return { conversation, target };
    }

    /** Posts one message of `type` from the agent (or from `system`) to `target`. */
    function send(target: FakeWebhookTarget, type: string, fields: Partial<WireMessage> = {}, system = false): Promise<WebhookDelivery> {
      const message: WireMessage = {
        id: String(nextMessageId++),
        conversation: { id: conversationId },
        type: { value: type },
        sender: system ? { type: "system" } : { type: "user", user: { name: "Agent" } },
        ...fields,
        timeStamp: Date.now(),
      };
      return postWebhook(target, message);
    }

    const post = async (type: string, fields?: Partial<WireMessage>) => send(ongoing().target, type, fields);

    return {
      conversationId,
      says: async (text) => post("text/plain", { content: checkText(text, "text") }),
      saysHtml: async (html) => post("text/html", { content: checkText(html, "html") }),
      startsTyping: () => post("startTyping"),
      stopsTyping: () => post("endTyping"),
      async offersAttachment(offered: AgentFile): Promise<AttachmentOfferDelivery> {
        const file = checkFile(offered);
        const { conversation, target } = ongoing();
        const id = String(nextAttachmentId++);
        const attachment = {
          id,
          fileName: file.fileName,
          contentType: file.contentType,
          size: file.size,
          contentUrl: file.contentUrl ?? `https://ece.example.com/system/web/view/attachments/${id}`,
        };
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

  function conversationOrThrow(conversationId: string): FakeConversation {
    const conversation = conversations.get(conversationId);
    if (!conversation) throw new RangeError(`The fake ECE has no conversation ${conversationId}.`);
    return conversation;
  }

  const entryPointView = ({ id, lastModified, allowed }: EntryPointState): FakeEntryPoint => ({ id, lastModified, allowed });
  const tokenView = (session: Session): FakeToken => {
    const { token, clientKey, issuedAt, state } = current(session);
    return { token, clientKey, issuedAt, state };
  };

  return {
    fetch: fakeFetch as typeof fetch,
    apiRoot: apiRoot === "" ? "/" : apiRoot,
    sessionLimit,
    listen: (listenOptions) => listenOn(handle, listenOptions),
    entryPoints: () => [...entryPoints.values()].map(entryPointView),
    conversations: () => structuredClone([...conversations.values()]),
    conversation: (conversationId) => {
      const conversation = conversations.get(conversationId);
      return conversation && structuredClone(conversation);
    },
    messages: (conversationId) => structuredClone(conversations.get(conversationId)?.messages ?? []),
    tokens: () => [...sessions.values()].map(tokenView),
    sessions: () => [...sessions.values()].filter((s) => current(s).state === "open").map(tokenView),
    requests: () => structuredClone(records),
    arrived: (target, count = 1) => requestArrivals.wait(target.startsWith("/") ? targetPath(target) : target, count),
    conversationStarted: (count = 1) => startArrivals.wait("*", count),
    messageArrived: (conversationId, count = 1) => messageArrivals.wait(conversationId, count),
    failNext(target, failure) {
      const valid =
        failure === "timeout" ||
        failure === "reset" ||
        (typeof failure === "object" && failure !== null && Number.isInteger(failure.status) && failure.status >= 200 && failure.status <= 599);
      if (!valid) throw new TypeError('failNext: the failure must be { status: 200..599, body? }, "timeout" or "reset".');
      if (typeof target !== "string" || (!target.startsWith("/") && !OPERATIONS.has(target))) {
        throw new TypeError(`failNext: ${String(target)} is neither an operation nor a path.`);
      }
      scripts.push({ target, failure });
    },
    expireTokens() {
      for (const session of sessions.values()) if (current(session).state === "open") session.state = "expired";
    },
    touchEntryPoint(entryPointId) {
      const point = entryPoints.get(entryPointId);
      if (!point) throw new RangeError(`The fake ECE has no entry point ${entryPointId}.`);
      point.lastModified = laterDate(point.lastModified);
      point.staleNextStart = true;
      return entryPointView(point);
    },
    endConversation(conversationId) {
      conversationOrThrow(conversationId).state = "ended";
    },
    addConversation(add = {}) {
      const entryPointId = add.entryPointId ?? firstEntryPoint;
      if (!entryPoints.has(entryPointId)) throw new RangeError(`The fake ECE has no entry point ${entryPointId}.`);
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

function withConversation(conversationId: string | undefined): { conversationId?: string } {
  return conversationId === undefined ? {} : { conversationId };
}

/** A start body's entry point ID, for a scripted answer's default body. */
function entryPointOf(body: unknown): string | undefined {
  const id = (body as { entryPointConfiguration?: { entryPoint?: { id?: unknown } } } | undefined)?.entryPointConfiguration?.entryPoint?.id;
  return typeof id === "string" ? id : undefined;
}

/** Half of a surrogate pair: not a character, so neither XML nor UTF-8 can carry it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a text of the agent's: not a non-empty string, or a lone surrogate in it. */
function textProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return "must be a non-empty string";
  return LONE_SURROGATE.test(value) ? "must not hold a lone surrogate (half of a character)" : undefined;
}

function checkText(value: unknown, name: string): string {
  const problem = textProblem(value);
  if (problem !== undefined) throw new TypeError(`The agent's ${name} ${problem}.`);
  return value as string;
}

/** The file the agent offers, checked: its texts, its size, and its URL when given. */
function checkFile(file: AgentFile): AgentFile {
  return checkOptions(
    "offersAttachment",
    file,
    (fields): AgentFile => {
      const text = (name: string) => {
        const value = fields.get(name);
        const problem = textProblem(value);
        return problem === undefined ? (value as string) : fields.add(name, problem);
      };
      const fileName = text("fileName");
      const contentType = text("contentType");
      const contentUrl = fields.has("contentUrl") ? text("contentUrl") : undefined;
      if (contentUrl !== undefined && !isAbsoluteHttpUrl(contentUrl)) fields.add("contentUrl", "must be an absolute http or https URL");
      const size = fields.get("size");
      if (!(Number.isSafeInteger(size) && (size as number) >= 0)) fields.add("size", "must be a whole number of bytes");
      return { fileName: fileName!, contentType: contentType!, size: size as number, ...(contentUrl === undefined ? {} : { contentUrl }) };
    },
    "file",
  );
}
