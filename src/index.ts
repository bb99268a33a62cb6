/**
 * ece-messaging: a typed SDK for the Messaging API of Cisco Enterprise Chat and Email (ECE).
 *
 * Create a client with {@link createEceClient}; each operation resolves to an outcome, a union
 * discriminated by `kind`, and never rejects.
 *
 * @packageDocumentation
 */
export {
  createEceClient,
  DEFAULT_API_ROOT,
  DEFAULT_TIMEOUT_MS,
  type AccessTokenClientOptions,
  type CloseResult,
  type CredentialsClientOptions,
  type EceClient,
  type EceClientOptions,
} from "./client.js";
export type { ClientCredentials } from "./auth.js";
export type { CallOptions, SendMessageBody } from "./operations.js";
export {
  failureRuleByStatus,
  isSuccess,
  refusedKindByOperation,
  unauthorizedReasonByCode,
  type AcceptAttachmentOutcome,
  type AcceptedAttachment,
  type AttachmentAcceptedOutcome,
  type AttachmentAcceptFailedOutcome,
  type AttachmentRejectedOutcome,
  type AttachmentRejectFailedOutcome,
  type AuthorizationFailOutcome,
  type CommonFailureOutcome,
  type ConflictOutcome,
  type ConversationNotFoundOutcome,
  type ErrorOutcome,
  type FailureOutcome,
  type FailureRule,
  type ForbiddenOutcome,
  type HttpFailureDetails,
  type HttpFailureKind,
  type HttpFailureOutcome,
  type IllegalUnquotedCharacterOutcome,
  type InternalServerErrorOutcome,
  type InvalidChoiceOutcome,
  type InvalidDataOutcome,
  type OperationName,
  type Outcome,
  type OutcomeByOperation,
  type OutcomeKind,
  type RejectAttachmentOutcome,
  type SendGeolocationFailureOutcome,
  type SendGeolocationOutcome,
  type SendGeolocationSuccessOutcome,
  type SendHtmlMessageOutcome,
  type SendMessageErrorStatus,
  type SendMessageResponse,
  type SendMessageStatus,
  type SendMessageSuccessOutcome,
  type SendMessageSuccessStatus,
  type SendTextMessageOutcome,
  type SuccessDetails,
  type SuccessKind,
  type SuccessOutcome,
  type TimeoutOutcome,
  type UnauthorizedOutcome,
  type UnauthorizedReason,
  type UploadAttachmentFromUrlOutcome,
  type UploadAttachmentSuccessOutcome,
  type ValidationIssue,
} from "./outcomes.js";
export type {
  AttachmentDecisionInput,
  GeolocationInput,
  MessageInput,
  UploadAttachmentFromUrlInput,
} from "./validation.js";
export type { components, operations, paths } from "../generated/ece-messaging.js";
export {
  createWebhookHandler,
  toNodeListener,
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  MAX_WEBHOOK_MESSAGES,
  type NodeRequestLike,
  type NodeResponseLike,
  type WebhookAuthorization,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from "./webhooks.js";
export {
  parseWebhookPayload,
  type WebhookAttachment,
  type WebhookAttachmentMessage,
  type WebhookEventMessage,
  type WebhookHtmlMessage,
  type WebhookMessage,
  type WebhookMessageBase,
  type WebhookParseResult,
  type WebhookSender,
  type WebhookTextMessage,
  type WebhookTypingMessage,
  type WebhookUnknownMessage,
} from "./webhook-messages.js";
