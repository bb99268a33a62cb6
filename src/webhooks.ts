/**
 * `ece-messaging/webhooks`: the receiver for the messages ECE posts to the client application's
 * callback URL - a Fetch API handler ({@link createWebhookHandler}), its `node:http` / Express
 * adapter ({@link toNodeListener}), the parser on its own ({@link parseWebhookPayload}) and the
 * typed messages. Kept out of the root entry so that a sender never loads the XML parser.
 *
 * @packageDocumentation
 */
export {
  createWebhookHandler,
  type WebhookAuthorization,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from "./webhooks/handler.js";
export { toNodeListener, type NodeRequestLike, type NodeResponseLike } from "./webhooks/node.js";
export {
  parseWebhookPayload,
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
} from "./webhooks/messages.js";
export type { Attachment, ValidationIssue } from "./outcomes/outcomes.js";
export type { EceEvent, Logger, LogLevel, ObservabilityOptions, WebhookReceivedEvent, WebhookRefusedEvent } from "./observe/events.js";
