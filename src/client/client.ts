/**
 * The client: configuration, the openapi-fetch client, the token source, and the operations
 * bound to them.
 *
 * @module
 */
import createClient from "openapi-fetch";
import type { paths } from "../../generated/ece-messaging.js";
import { runOperation, type OperationContext } from "../call/run-operation.js";
import type { CallOptions } from "./operations.js";
import { createFixedTokenSource, createTokenSource, type ClientCredentials } from "../tokens/tokens.js";
import { createEmitter, type ObservabilityOptions } from "../observe/events.js";
import type { TokenStore } from "../tokens/token-store.js";
import { createEntryPointDates } from "./entry-point-dates.js";
import type { Tracer } from "../observe/tracing.js";
import type {
  AcceptAttachmentOutcome,
  CheckEligibilityOutcome,
  GetAgentAvailabilityOutcome,
  GetAgentCapacityOutcome,
  GetConversationOutcome,
  GetEntryPointConfigurationOutcome,
  OperationName,
  StartConversationOutcome,
  RejectAttachmentOutcome,
  SendGeolocationOutcome,
  SendHtmlMessageOutcome,
  SendTextMessageOutcome,
  UploadAttachmentFromUrlOutcome,
} from "../outcomes/outcomes.js";
import { createCappedFetch } from "../http/transport.js";
import { checkClientOptions } from "./validation.js";
import { checkedOrThrow, isAbsoluteHttpUrl } from "../internal/check.js";
import { DEFAULT_API_ROOT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from "./defaults.js";
import type {
  AttachmentDecisionInput,
  ConversationInput,
  EntryPointInput,
  StartConversationInput,
  GeolocationInput,
  MessageInput,
  UploadAttachmentFromUrlInput,
} from "./inputs.js";

export { DEFAULT_API_ROOT, DEFAULT_TIMEOUT_MS } from "./defaults.js";

interface CommonClientOptions extends ObservabilityOptions {
  /**
   * An OpenTelemetry tracer (`trace.getTracer("your-app")`): each operation becomes a client span
   * `ece.<operation>`, the token request a child span. The SDK imports nothing from OpenTelemetry.
   */
  tracer?: Tracer;
  /** Scheme, host and port of the ECE server, e.g. `https://ece.example.com`. */
  baseUrl: string;
  /** The API root under `baseUrl`; differs when ECE's context root is not `system`. */
  apiRoot?: string;
  /**
   * Where ECE's chat web service is (the availability calls): a path on `baseUrl`, or an absolute
   * URL. Default: `apiRoot` with its trailing `/ws/v19/clientapplications` replaced by
   * `/egain/chat/entrypoint` (`/system/egain/chat/entrypoint`). With an `apiRoot` that does not
   * end so and no `chatRoot`, those calls end `error` (nothing sent), saying to set it.
   */
  chatRoot?: string;
  /** Time allowed per call, the token request included. Default 30 000 ms. */
  timeoutMs?: number;
  /**
   * How often a failed call is sent again (default 2; 0: never). Retried: what provably did not
   * reach ECE (no connection made: refused, unknown host) and a 429; a read (the configuration)
   * also after a 408, a 5xx or a network failure. Never what may have reached ECE: a message is
   * never sent twice. The wait is min(8 s, 0.5 s x 2^n) with jitter, or ECE's `Retry-After`; a
   * wait over 60 s, or past the call's `timeoutMs`, is not started (the outcome then carries
   * `retryAfterMs`). Each retry is a `retry` event.
   */
  maxRetries?: number;
  /** Ask for tokens with `?forceLogin=yes`, ending an older session instead of failing. */
  forceLogin?: boolean;
  /** The fetch to call with (default: the global `fetch`). */
  fetch?: typeof fetch;
}

/** Options of a client that gets its own tokens with the application's client key and secret. */
export interface CredentialsClientOptions extends CommonClientOptions {
  /** The client key and secret of the client application registered in ECE. */
  credentials: ClientCredentials;
  accessToken?: never;
  /**
   * Where the processes of a fleet share one token (and so one ECE session), e.g.
   * `createRedisTokenStore({ client })` from `ece-messaging/redis`. Default: a cache in this
   * process. A send still uses this process's copy; the store is asked only for a new token.
   */
  tokenStore?: TokenStore;
  /**
   * With a `tokenStore`: whether `close()` also revokes the shared token (and deletes it from
   * the store), ending the session for every process that uses it. Default `false`: the token
   * outlives this process, for the others and for the next start. Without a store, `close()`
   * always revokes.
   */
  revokeOnClose?: boolean;
}

/** Options of a client that calls with a token the caller obtained (never refreshed or revoked). */
export interface AccessTokenClientOptions extends CommonClientOptions {
  /** A token from ECE's token endpoint. */
  accessToken: string;
  credentials?: never;
}

/**
 * Options of a client without credentials: only the chat web service's calls
 * ({@link EceClient.getAgentAvailability}, {@link EceClient.getAgentCapacity},
 * {@link EceClient.checkEligibility}) work; every other call ends `error`, nothing sent.
 */
export interface ChatOnlyClientOptions extends CommonClientOptions {
  credentials?: never;
  accessToken?: never;
}

/** Options of {@link createEceClient}: credentials, a ready access token, or neither (availability only). */
export type EceClientOptions = CredentialsClientOptions | AccessTokenClientOptions | ChatOnlyClientOptions;

/** What {@link EceClient.close} did. */
export interface CloseResult {
  /**
   * Whether the ECE sessions of this client ended: every token it fetched that may still be live
   * was revoked (`false` when it held none, or when ECE did not confirm one). With a
   * `tokenStore`, the shared token counts only with `revokeOnClose`; tokens of the process's own
   * (fetched while the store was down) always do.
   */
  revoked: boolean;
}

/**
 * A client of ECE's Messaging API for one registered client application. Every operation
 * resolves to an outcome - a union discriminated by `kind` - and never rejects.
 */
export interface EceClient {
  /**
   * Reads an entry point's configuration: its last-modified date, which starting a conversation
   * echoes. {@link EceClient.startConversation} fetches and caches it by itself; call this to
   * check an entry point, or to see the rest of its configuration (`raw`).
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: "token" });
   * const outcome = await ece.getEntryPointConfiguration({ entryPointId: 1001 });
   * if (outcome.kind === "entryPointConfigurationFound") console.log(outcome.lastModified);
   * ```
   */
  getEntryPointConfiguration(input: EntryPointInput, options?: CallOptions): Promise<GetEntryPointConfigurationOutcome>;

  /**
   * Starts a chat conversation for a customer on an entry point; send into it with the
   * `conversationId` it gives. The entry point's date is fetched once and cached; when ECE
   * answers 409 (the date went stale) it is fetched again and the start repeated once.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({
   *   baseUrl: "https://ece.example.com",
   *   credentials: { clientKey: "key", clientSecret: "secret" },
   * });
   * const started = await ece.startConversation({
   *   entryPointId: 1001,
   *   customer: { firstName: "Jane", email: "jane@example.com" },
   *   subject: "Order 4521",
   *   customAttributes: { activity_order: "4521" },
   * });
   * if (started.kind === "conversationStarted") {
   *   await ece.sendTextMessage({ conversationId: started.conversationId, message: "Hello!" });
   * }
   * ```
   */
  startConversation(input: StartConversationInput, options?: CallOptions): Promise<StartConversationOutcome>;

  /**
   * Sends a plain-text message into an ongoing conversation.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({
   *   baseUrl: "https://ece.example.com",
   *   credentials: { clientKey: "key", clientSecret: "secret" },
   * });
   * const outcome = await ece.sendTextMessage({ conversationId: "c-1", message: "Hello!" });
   * if (outcome.kind === "sendMessageSuccess") console.log("sent", outcome.messageId);
   * ```
   */
  sendTextMessage(input: MessageInput, options?: CallOptions): Promise<SendTextMessageOutcome>;

  /**
   * Sends an HTML message into an ongoing conversation.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: "token" });
   * const outcome = await ece.sendHtmlMessage({ conversationId: "c-1", message: "<b>Hello!</b>" });
   * console.log(outcome.kind);
   * ```
   */
  sendHtmlMessage(input: MessageInput, options?: CallOptions): Promise<SendHtmlMessageOutcome>;

  /**
   * Accepts the attachment the agent offered; the outcome says where to download it.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: "token" });
   * const outcome = await ece.acceptAttachment({ conversationId: "c-1", attachmentId: "5008" });
   * if (outcome.kind === "attachmentAccepted") console.log(outcome.attachment.contentUrl);
   * ```
   */
  acceptAttachment(input: AttachmentDecisionInput, options?: CallOptions): Promise<AcceptAttachmentOutcome>;

  /**
   * Rejects the attachment the agent offered.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: "token" });
   * const outcome = await ece.rejectAttachment({ conversationId: "c-1", attachmentId: "5008" });
   * console.log(outcome.kind === "attachmentRejected");
   * ```
   */
  rejectAttachment(input: AttachmentDecisionInput, options?: CallOptions): Promise<RejectAttachmentOutcome>;

  /**
   * Shares a file that lives at a URL; ECE downloads it and offers it to the agent.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: "token" });
   * const outcome = await ece.uploadAttachmentFromUrl({
   *   conversationId: "c-1",
   *   fileName: "invoice.pdf",
   *   contentType: "application/pdf",
   *   fileSize: 48213,
   *   contentUrl: "https://files.example.com/invoice.pdf",
   * });
   * if (outcome.kind === "sendMessageSuccess") console.log(outcome.attachmentId);
   * ```
   */
  uploadAttachmentFromUrl(
    input: UploadAttachmentFromUrlInput,
    options?: CallOptions,
  ): Promise<UploadAttachmentFromUrlOutcome>;

  /**
   * Shares a location: a coordinate, a URL or an address (ECE 12.5 ES1 and later).
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: "token" });
   * const outcome = await ece.sendGeolocation({
   *   conversationId: "c-1",
   *   latitude: 52.3676,
   *   longitude: 4.9041,
   *   label: "Head office",
   * });
   * if (outcome.kind === "sendGeolocationSuccess") console.log(outcome.response);
   * ```
   */
  sendGeolocation(input: GeolocationInput, options?: CallOptions): Promise<SendGeolocationOutcome>;

  /**
   * Reads a conversation this client application started back: its ID, its activity's ID and
   * the body as ECE sent it (`raw`). ECE documents it for completed conversations (ECE 12.0 ES1
   * and later, a client application of type Chat). Asks for JSON; reads XML too if ECE answers it.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: "token" });
   * const outcome = await ece.getConversation({ conversationId: "c-1" });
   * if (outcome.kind === "conversationFound") console.log(outcome.activityId, outcome.raw);
   * ```
   */
  getConversation(input: ConversationInput, options?: CallOptions): Promise<GetConversationOutcome>;

  /**
   * Asks ECE's chat web service whether an agent can take a chat on an entry point (what Webex
   * Connect's "Agent Availability" node asks). No token: it works on a client made with only
   * `baseUrl`, and never sends credentials. ECE answers `true` with no agent logged in when the
   * entry point's "Agent Available" setting is "Not Required".
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({ baseUrl: "https://ece.example.com" });
   * const outcome = await ece.getAgentAvailability({ entryPointId: 1001 });
   * if (outcome.kind === "noAgentAvailable") console.log("nobody there: offer email instead");
   * ```
   */
  getAgentAvailability(input: EntryPointInput, options?: CallOptions): Promise<GetAgentAvailabilityOutcome>;

  /**
   * Asks ECE's chat web service how many more chats an entry point's agents can take. No token.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({ baseUrl: "https://ece.example.com" });
   * const outcome = await ece.getAgentCapacity({ entryPointId: 1001 });
   * if (outcome.kind === "slotAvailable") console.log(outcome.availableSlots, "slots free");
   * ```
   */
  getAgentCapacity(input: EntryPointInput, options?: CallOptions): Promise<GetAgentCapacityOutcome>;

  /**
   * Asks ECE's chat web service whether a new chat can start on an entry point now: `eligible`,
   * `noAgentAvailable` or `queueFull`. No token.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({ baseUrl: "https://ece.example.com" });
   * const outcome = await ece.checkEligibility({ entryPointId: 1001 });
   * if (outcome.kind === "eligible") console.log("start the chat");
   * ```
   */
  checkEligibility(input: EntryPointInput, options?: CallOptions): Promise<CheckEligibilityOutcome>;

  /**
   * Stops the client. From the moment it is called, new calls resolve to `error` ("closed");
   * calls made before it finish (a conversation's sends still in turn), a start's 409 refresh
   * and repeat included (a 401 then is `unauthorized`: no token is fetched any more). A retry
   * still waiting is not started: its call ends with the failure it would have retried.
   * Once they have, every token the client fetched that may still be live is revoked, ending its
   * ECE sessions (sessions are scarce). A token given as `accessToken` is the caller's and is
   * left alone. With a `tokenStore`, the shared token is the fleet's and is left alone too (and
   * in the store) unless `revokeOnClose` is set; tokens the client fetched for itself while the
   * store was down are revoked. Never rejects; calling it again returns the same result.
   *
   * @example
   * ```ts
   * import { createEceClient } from "ece-messaging";
   *
   * const ece = createEceClient({
   *   baseUrl: "https://ece.example.com",
   *   credentials: { clientKey: "key", clientSecret: "secret" },
   * });
   * process.once("SIGTERM", () => void ece.close());
   * ```
   */
  close(): Promise<CloseResult>;
}

/** The API root's suffix that the chat web service's root replaces (see `chatRoot`). */
const API_SUFFIX = "/ws/v19/clientapplications";

/** The chat web service's root under the same context root as `apiRoot`, if it has the usual suffix. */
function defaultChatRoot(apiRoot: string): string | undefined {
  return apiRoot.endsWith(API_SUFFIX) ? `${apiRoot.slice(0, -API_SUFFIX.length)}/egain/chat/entrypoint` : undefined;
}

/** Query strings from own properties only (openapi-fetch's default walks inherited keys too). */
function ownQuery(query: unknown): string {
  const search = new URLSearchParams();
  if (query !== null && typeof query === "object") {
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) search.append(name, String(value));
    }
  }
  return search.toString();
}

/**
 * Creates a client of ECE's Messaging API. With `credentials` the client gets a token from
 * ECE's token endpoint when first needed, shares it across calls, renews it before it expires
 * (or once after a 401) and revokes it on {@link EceClient.close}. With a `tokenStore` too,
 * every process using the same store shares that token (see {@link TokenStore}). With neither
 * `credentials` nor `accessToken`, only the chat web service's calls work (no token needed).
 *
 * @throws TypeError when the options are unusable (the message names each problem, never a secret).
 *
 * @example
 * ```ts
 * import { createEceClient } from "ece-messaging";
 *
 * const ece = createEceClient({
 *   baseUrl: "https://ece.example.com",
 *   credentials: { clientKey: "key", clientSecret: "secret" },
 *   timeoutMs: 10_000,
 * });
 * const outcome = await ece.sendTextMessage({ conversationId: "c-1", message: "Hello!" });
 * switch (outcome.kind) {
 *   case "sendMessageSuccess":
 *     console.log("sent");
 *     break;
 *   case "conversationNotFound":
 *     console.log("the chat has ended");
 *     break;
 *   default:
 *     console.error(outcome.kind, outcome.message);
 * }
 * await ece.close();
 * ```
 */
export function createEceClient(options: EceClientOptions): EceClient {
  const settings = checkedOrThrow("createEceClient", checkClientOptions(options));

  const baseUrl = settings.baseUrl.replace(/\/+$/, "");
  const apiRoot = (settings.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, "");
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const chatRoot = (settings.chatRoot ?? defaultChatRoot(apiRoot))?.replace(/\/+$/, "");
  const maxRetries = settings.maxRetries ?? DEFAULT_MAX_RETRIES;
  const api = createClient<paths>({
    baseUrl: `${baseUrl}${apiRoot}`,
    ...createCappedFetch(settings.fetch ?? ((input, init) => globalThis.fetch(input, init))),
    headers: { Accept: "application/json" },
    querySerializer: ownQuery,
  });

  const emit = createEmitter(settings.observability);
  const tokens = settings.credentials
    ? createTokenSource({
        api,
        credentials: settings.credentials,
        forceLogin: settings.forceLogin ?? false,
        timeoutMs,
        maxRetries,
        baseUrl,
        apiRoot,
        emit,
        tracer: settings.tracer,
        store: settings.tokenStore,
        revokeOnClose: settings.revokeOnClose,
      })
    : createFixedTokenSource(settings.accessToken);

  let closing: Promise<CloseResult> | undefined;
  const closed = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  const context: OperationContext = {
    api,
    tokens,
    emit,
    tracer: settings.tracer,
    chatRoot: chatRoot === undefined || isAbsoluteHttpUrl(chatRoot) ? chatRoot : `${baseUrl}${chatRoot}`,
    // A start's configuration is fetched as a call of its own (own deadline, shared by all), on
    // behalf of starts already in flight: close() lets them finish, their 409 refresh included.
    dates: createEntryPointDates((entryPointId) => runOperation(context, "getEntryPointConfiguration", { entryPointId }, undefined, true)),
    defaultTimeoutMs: timeoutMs,
    maxRetries,
    queues: new Map(),
    isClosed: () => closing !== undefined,
    closed: closed.signal,
    track: (call) => {
      inFlight.add(call);
      void call.finally(() => inFlight.delete(call));
      return call;
    },
  };

  async function close(): Promise<CloseResult> {
    // Calls in flight finish first (without refreshing a token); then every token this client
    // fetched that may still be live is revoked, so no ECE session outlives the client.
    const { revoked, failed } = await tokens.close(Promise.allSettled([...inFlight]), timeoutMs);
    return { revoked: revoked > 0 && failed === 0 };
  }

  // Each operation is a method of its name (typed against EceClient: none missing, none extra);
  // the configuration's also keeps the date it found.
  const method =
    <O extends OperationName>(name: O) =>
    (input: unknown, callOptions?: CallOptions) =>
      runOperation(context, name, input, callOptions);
  return {
    getEntryPointConfiguration: async (input, callOptions) => {
      const outcome = await runOperation(context, "getEntryPointConfiguration", input, callOptions);
      if (outcome.kind === "entryPointConfigurationFound") context.dates.remember(outcome);
      return outcome;
    },
    startConversation: method("startConversation"),
    sendTextMessage: method("sendTextMessage"),
    sendHtmlMessage: method("sendHtmlMessage"),
    acceptAttachment: method("acceptAttachment"),
    rejectAttachment: method("rejectAttachment"),
    uploadAttachmentFromUrl: method("uploadAttachmentFromUrl"),
    sendGeolocation: method("sendGeolocation"),
    getConversation: method("getConversation"),
    getAgentAvailability: method("getAgentAvailability"),
    getAgentCapacity: method("getAgentCapacity"),
    checkEligibility: method("checkEligibility"),
    close: () => {
      closed.abort();
      closing ??= close().catch(() => ({ revoked: false }));
      return closing;
    },
  };
}
