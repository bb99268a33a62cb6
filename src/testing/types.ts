/**
 * The public types of `ece-messaging/testing`: the fake's options, its state as tests read it,
 * the scripted failures, and the agent's side.
 *
 * @module
 */
import type { Attachment, MessageOperationName, OperationName } from "../outcomes/outcomes.js";
import type { ClientCredentials } from "../tokens/tokens.js";
import type {
  AttachmentDecisionInput,
  GeolocationInput,
  MessageInput,
  StartConversationInput,
  UploadAttachmentFromUrlInput,
} from "../client/inputs.js";
import type { WebhookAuthorization } from "../webhooks.js";

/**
 * An operation of the API the fake plays: the spec's operation IDs (the token's, the revoke's,
 * `sendMessage`, reading a conversation back and the chat web service's three), and each
 * operation of the client - the six message operations are each a kind of `sendMessage`, told
 * apart by the body's `type.value`.
 */
export type FakeOperation =
  | "createAccessToken"
  | "revokeAccessToken"
  | "sendMessage"
  | "getConversation"
  | "getAgentAvailability"
  | "getAgentCapacity"
  | "checkEligibility"
  | OperationName;

/**
 * What {@link FakeEce.failNext} targets: an operation (`"sendMessage"` covers all six message
 * operations), or a path - relative to the API root (`"/messaging/sendmessage"`) or to the chat
 * root (`"/agentAvailability/1001"`), or whole.
 */
export type FakeTarget = FakeOperation | `/${string}`;

/**
 * How the next matching request is answered instead of being processed (nothing about it is
 * recorded in the fake's state):
 * - `{ status, body?, headers? }`: that status; `body` as JSON (a string is sent as it is). Without
 *   a body, an error status gets the body the spec gives it for that operation (`{ code,
 *   developerMessage }`), and a 2xx gets none. E.g. `{ status: 429, headers: { "Retry-After": "2" } }`.
 * - `"timeout"`: no answer at all; the request hangs until the client gives up (its signal aborts,
 *   or the connection closes).
 * - `"reset"`: the connection is dropped once the request has arrived (`fake.fetch` rejects as
 *   `fetch` does on a reset): the request may have been delivered.
 * - `"refused"`: the request never reached ECE. What this proves depends on the transport:
 *   `fake.fetch` rejects as `fetch` does when the connection is refused (a `TypeError` whose
 *   `cause` has `code: "ECONNREFUSED"`), which proves nothing was sent (the SDK's outcome says
 *   `delivered: false`). A {@link FakeEce.listen} server cannot refuse a connection that is
 *   already open: it closes it without an HTTP answer, which the client sees as a dropped
 *   connection, as with `"reset"` (a send's outcome then says `delivered: "unknown"`).
 */
export type ScriptedFailure = { status: number; body?: unknown; headers?: Record<string, string> } | "timeout" | "reset" | "refused";

/**
 * What the chat web service answers for an entry point (no token needed), set with
 * {@link FakeEce.setAvailability}. Default: an agent available, 3 slots, eligible.
 */
export interface FakeAvailability {
  /** `agentAvailability`'s `available` (default `true`). */
  agentAvailable: boolean;
  /** `capacity`'s count of slots: how many more chats the entry point's agents can take (default 3). */
  availableSlots: number;
  /** `checkEligibility`'s `responseType`: `0` a new chat can start (default), `1` no agent available, `2` the queue is full. */
  eligibility: 0 | 1 | 2;
}

/** An entry point as the fake holds it. */
export interface FakeEntryPoint {
  /** The entry point's ID (a positive whole number). */
  id: number;
  /**
   * Its last-modified date, sent as the configuration's `lastModified.date` (text or a number),
   * which a start must echo exactly (same JSON type, same text). Default: the spec's example date.
   */
  lastModified: string | number;
  /** Whether client applications may use it (default `true`); `false` answers 403. */
  allowed: boolean;
  /** What the chat web service answers for it. */
  availability: FakeAvailability;
}

/** An entry point of the fake, as given to {@link FakeEceOptions.entryPoints}: its ID, and what differs from the defaults. */
export type FakeEntryPointOptions = Pick<FakeEntryPoint, "id"> & Partial<Pick<FakeEntryPoint, "lastModified" | "allowed">>;

/** Where, and how, the agent's side is posted (ECE's callback URL as configured in its admin console). */
export interface FakeWebhookTarget {
  /** The receiver's URL: requests go there with the global `fetch`. */
  url?: string;
  /**
   * A Fetch API handler, e.g. `createWebhookHandler(...)`: requests go straight into it (no port).
   * When both are given, the handler is called and `url` is the request's URL.
   */
  handler?: (request: Request) => Promise<Response>;
  /** The Authorization ECE sends (default `{ type: "none" }`). */
  authorization?: WebhookAuthorization;
  /** The body format (default `"json"`). */
  format?: "json" | "xml";
}

/** Options of {@link createFakeEce}. */
export interface FakeEceOptions {
  /** The API root the fake serves under (default `/system/ws/v19/clientapplications`). */
  apiRoot?: string;
  /**
   * Where the fake serves the chat web service (`agentAvailability`, `capacity`,
   * `checkEligibility`). Default: `apiRoot` with its trailing `/ws/v19/clientapplications`
   * replaced by `/egain/chat/entrypoint` (so `/system/egain/chat/entrypoint`), or `apiRoot` itself
   * when it has no such suffix (as Prism serves every path at its root).
   */
  chatRoot?: string;
  /** The entry points (default: one, `1001`). */
  entryPoints?: (number | FakeEntryPointOptions)[];
  /**
   * The client applications whose key and secret the token endpoint accepts, each an application
   * of its own (sessions and conversations are per application). Default: any key and secret,
   * all of them one application.
   */
  applications?: ClientCredentials[];
  /** How many sessions (live tokens) one client application may hold at once (default 10). */
  sessionLimit?: number;
  /** Lifetime of a token, the token response's `expires_in` (default 86 400 s). */
  tokenLifetimeSeconds?: number;
  /** Where the agent's side is posted; also settable later with {@link FakeEce.setWebhook}. */
  webhook?: FakeWebhookTarget;
  /** Called after each request was answered (or dropped), with its record. */
  onRequest?: (record: FakeRequestRecord) => void;
}

/** One message the fake received, in the SDK's own input shape. */
export interface ReceivedMessageOf<O extends MessageOperationName, I> {
  /** The ID the fake gave the message (the response's `id`: the outcome's `messageId`). */
  id: string;
  /** The SDK operation that sends such a body. */
  operation: O;
  /** The message, read back from the wire into the SDK's input shape. */
  input: I;
  /** When it arrived, in epoch milliseconds. */
  receivedAt: number;
}

/** A file shared from a URL, with the attachment ID the fake gave it. */
export interface ReceivedUpload extends ReceivedMessageOf<"uploadAttachmentFromUrl", UploadAttachmentFromUrlInput> {
  attachmentId: string;
}

/** A message the fake received into a conversation, discriminated by `operation`. */
export type ReceivedMessage =
  | ReceivedMessageOf<"sendTextMessage", MessageInput>
  | ReceivedMessageOf<"sendHtmlMessage", MessageInput>
  | ReceivedUpload
  | ReceivedMessageOf<"acceptAttachment", AttachmentDecisionInput>
  | ReceivedMessageOf<"rejectAttachment", AttachmentDecisionInput>
  | ReceivedMessageOf<"sendGeolocation", GeolocationInput>;

/** A file in a conversation: one the agent offered, or one the customer shared from a URL. */
export interface FakeAttachment extends Attachment {
  /** Who shared it. */
  from: "agent" | "customer";
  /** What the customer decided about an agent's file, once decided. */
  decision?: "accepted" | "rejected";
}

/** A conversation as the fake holds it. */
export interface FakeConversation {
  /** Its ID (a UUID), as the start's response gave it. */
  id: string;
  /** The ID of the activity (chat) created for it: numeric text. */
  activityId: string;
  /** When it was created, as ISO 8601 text: the `activity.created.date` a read of it answers. */
  created: string;
  entryPointId: number;
  /**
   * The application that started it - only that one may send into it: its client key, `"*"` when
   * the fake takes any key and secret (they are then all one application), or
   * `"another-application"` for {@link FakeEce.addConversation} with `foreign: true`.
   */
  startedBy: string;
  /** The start request, read back into the SDK's input shape (absent for {@link FakeEce.addConversation}). */
  start?: StartConversationInput;
  /** `ended` once the agent ended it or {@link FakeEce.endConversation} was called. */
  state: "ongoing" | "ended";
  /** The customer's messages, in order of arrival. */
  messages: ReceivedMessage[];
  /** The files shared in it. */
  attachments: FakeAttachment[];
}

/** A token the fake issued: one client-application session. */
export interface FakeToken {
  /** The access token. */
  token: string;
  /** The client key of the application it was issued to. */
  clientKey: string;
  /** When it was issued, in epoch milliseconds. */
  issuedAt: number;
  /**
   * `open` (a live session), `revoked` (by the revoke endpoint), `expired` (its lifetime passed,
   * or {@link FakeEce.expireTokens}), or `ended` (a token request with `forceLogin=yes` ended it).
   */
  state: "open" | "revoked" | "expired" | "ended";
}

/** One request the fake received, and what it did with it. */
export interface FakeRequestRecord {
  /** The operation, when the path and body name one (`"unknown"` otherwise). */
  operation: FakeOperation | "unknown";
  method: string;
  /**
   * The path under the API root (e.g. `/messaging/sendmessage`) or, for the chat web service,
   * under the chat root (`/agentAvailability/1001`), without the query.
   */
  path: string;
  /** The query string, without `?` (empty when there was none). */
  query: string;
  /** The status answered; absent when the request was dropped or left unanswered. */
  status?: number;
  /** `timeout`, `reset` or `refused` when a scripted failure left it unanswered. */
  failure?: "timeout" | "reset" | "refused";
  /** The scheme of the `Authorization` header it carried (`Bearer`, `Basic`...), when it carried one; never its credentials. */
  authorization?: string;
  /** Whether a {@link FakeEce.failNext} script answered it. */
  scripted: boolean;
  /** The conversation the request was about (a start's new one included), when there was one. */
  conversationId?: string;
}

/** A running HTTP server of the fake. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>`: pass as the client's `baseUrl` (the API root is the default one). */
  url: string;
  /** Stops the server: drops every open connection, and resolves once it is closed. */
  close(): Promise<void>;
}

/** Options of {@link FakeEce.addConversation}. */
export interface AddConversationOptions {
  /** Its entry point (default: the first one). */
  entryPointId?: number;
  /** Started by another client application (e.g. ECE's own web chat): sends into it answer 403. */
  foreign?: boolean;
  /** The application that started it, by client key (default: the first of `applications`, or the one). */
  clientKey?: string;
}

/** A file the agent offers, for {@link FakeAgent.offersAttachment}. */
export interface AgentFile {
  /** The file's name, e.g. `invoice.pdf`. */
  fileName: string;
  /** Its media type, e.g. `application/pdf`. */
  contentType: string;
  /** Its size in bytes. */
  size: number;
  /** Where it can be downloaded (default: a URL on the ECE server named after the attachment ID). */
  contentUrl?: string;
}

/** What a webhook request of the agent's side delivered (the receiver answered 2xx). */
export interface WebhookDelivery {
  /** The receiver's status. */
  status: number;
  /** The posted message's `id`. */
  messageId: string;
  /** The posted body, exactly as sent (JSON or XML). */
  body: string;
}

/** A delivered attachment offer: the delivery, and the attachment's ID. */
export interface AttachmentOfferDelivery extends WebhookDelivery {
  /** The offered attachment's ID: what `acceptAttachment` and `rejectAttachment` take. */
  attachmentId: string;
}

/**
 * The agent's side of one conversation. Each method posts one real webhook request (one message)
 * to the configured target, with the configured Authorization and format, and resolves once the
 * receiver answered 2xx; it rejects when the receiver answered otherwise, when no webhook target is
 * configured, or when the conversation is not ongoing. Text arrives as given in either format (an
 * XML body writes CR as `&#13;`, which a parser would otherwise turn into LF); text holding a lone
 * surrogate (half of a character, which neither format can carry) is refused in both.
 */
export interface FakeAgent {
  /** The conversation this agent is in. */
  readonly conversationId: string;

  /**
   * Posts a plain-text message from the agent (`text/plain`).
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce({ webhook: { url: "http://127.0.0.1:8080/ece" } });
   * const conversation = fake.addConversation();
   * await fake.agent(conversation.id).says("Your order ships today.");
   * ```
   */
  says(text: string): Promise<WebhookDelivery>;

  /**
   * Posts an HTML message from the agent (`text/html`).
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce({ webhook: { url: "http://127.0.0.1:8080/ece", format: "xml" } });
   * await fake.agent(fake.addConversation().id).saysHtml("<p>Your order <b>ships today</b>.</p>");
   * ```
   */
  saysHtml(html: string): Promise<WebhookDelivery>;

  /**
   * Offers a file (`uploadAttachment`): the customer may then accept or reject it by the
   * `attachmentId` this resolves with.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce({ webhook: { url: "http://127.0.0.1:8080/ece" } });
   * const { attachmentId } = await fake
   *   .agent(fake.addConversation().id)
   *   .offersAttachment({ fileName: "invoice.pdf", contentType: "application/pdf", size: 48213 });
   * console.log(attachmentId);
   * ```
   */
  offersAttachment(file: AgentFile): Promise<AttachmentOfferDelivery>;

  /**
   * Posts that the agent started typing (`startTyping`).
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce({ webhook: { url: "http://127.0.0.1:8080/ece" } });
   * await fake.agent(fake.addConversation().id).startsTyping();
   * ```
   */
  startsTyping(): Promise<WebhookDelivery>;

  /**
   * Posts that the agent stopped typing (`endTyping`).
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce({ webhook: { url: "http://127.0.0.1:8080/ece" } });
   * await fake.agent(fake.addConversation().id).stopsTyping();
   * ```
   */
  stopsTyping(): Promise<WebhookDelivery>;

  /**
   * Ends the conversation and posts its `complete` message (from `system`, sent once, last);
   * sends into it then answer 404.
   *
   * @example
   * ```ts
   * import { createFakeEce } from "ece-messaging/testing";
   *
   * const fake = createFakeEce({ webhook: { url: "http://127.0.0.1:8080/ece" } });
   * const conversation = fake.addConversation();
   * await fake.agent(conversation.id).ends();
   * console.log(fake.conversation(conversation.id)?.state); // "ended"
   * ```
   */
  ends(text?: string): Promise<WebhookDelivery>;
}
