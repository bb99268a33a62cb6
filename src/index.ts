/**
 * ece-messaging: a typed SDK for the Messaging API of Cisco Enterprise Chat and Email (ECE).
 *
 * Create a client with {@link createEceClient}; each operation resolves to an outcome, a union
 * discriminated by `kind`, and never rejects. {@link isSuccess} tells a success from a failure;
 * a failure's `delivered` says whether the message may have reached ECE. The webhook receiver is
 * the `ece-messaging/webhooks` entry.
 *
 * @module ece-messaging
 */
export {
  createEceClient,
  DEFAULT_API_ROOT,
  DEFAULT_TIMEOUT_MS,
  type AccessTokenClientOptions,
  type ChatOnlyClientOptions,
  type CloseResult,
  type CredentialsClientOptions,
  type EceClient,
  type EceClientOptions,
} from "./client/client.js";
export type { CallOptions } from "./client/operations.js";
export type {
  EceEvent,
  Logger,
  LogLevel,
  ObservabilityOptions,
  RequestEvent,
  ResponseEvent,
  RetryEvent,
  TokenRefreshedEvent,
  TokenRequestedEvent,
  TokenRevokedEvent,
  TokenStoreErrorEvent,
  WebhookReceivedEvent,
  WebhookRefusedEvent,
} from "./observe/events.js";
export type { Span, Tracer } from "./observe/tracing.js";
export type { ClientCredentials } from "./tokens/tokens.js";
export type { StoredToken, TokenStore } from "./tokens/token-store.js";
export { isSuccess } from "./outcomes/status-table.js";
// Each operation's union, the unions they share, and the shapes their kinds share. A single kind
// is `Extract<Outcome, { kind: "..." }>`.
export type {
  GetEntryPointConfigurationOutcome,
  StartConversationOutcome,
  SendTextMessageOutcome,
  SendHtmlMessageOutcome,
  UploadAttachmentFromUrlOutcome,
  AcceptAttachmentOutcome,
  RejectAttachmentOutcome,
  SendGeolocationOutcome,
  GetConversationOutcome,
  GetAgentAvailabilityOutcome,
  GetAgentCapacityOutcome,
  CheckEligibilityOutcome,
  ChatFailureOutcome,
  Outcome,
  OutcomeKind,
  SuccessOutcome,
  FailureOutcome,
  BaseFailureOutcome,
  CommonFailureOutcome,
  AnswerDetails,
  MessageSuccessDetails,
  FailureDetails,
  HttpFailureDetails,
  Delivered,
  ValidationIssue,
  UnauthorizedReason,
  Attachment,
  OperationName,
  MessageOperationName,
  ChatOperationName,
} from "./outcomes/outcomes.js";
export type {
  AttachmentDecisionInput,
  ConversationInput,
  CustomerInput,
  EntryPointInput,
  GeolocationInput,
  MessageInput,
  StartConversationInput,
  UploadAttachmentFromUrlInput,
} from "./client/inputs.js";
export type { paths } from "../generated/ece-messaging.js";
