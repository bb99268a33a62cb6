/**
 * What the webhook examples share: credentials from the environment, and one log line per typed
 * message (a switch on `type` that TypeScript checks for exhaustiveness).
 */
import type { WebhookAuthorization, WebhookMessage } from "../src/webhooks.js";

export const port = Number(process.env.PORT ?? 8080);
export const path = process.env.WEBHOOK_PATH ?? "/ece/messages";

/**
 * WEBHOOK_TOKEN (bearer), or WEBHOOK_USERNAME and WEBHOOK_PASSWORD (Basic). During a rotation,
 * WEBHOOK_PASSWORD may hold the old and the new password, comma-separated: both are accepted.
 */
export function authorizationFromEnvironment(): WebhookAuthorization | WebhookAuthorization[] {
  if (process.env.WEBHOOK_TOKEN) return { type: "bearer", token: process.env.WEBHOOK_TOKEN };
  const username = process.env.WEBHOOK_USERNAME;
  if (username && process.env.WEBHOOK_PASSWORD) {
    return process.env.WEBHOOK_PASSWORD.split(",").map((password) => ({ type: "basic", username, password }));
  }
  console.warn("No WEBHOOK_TOKEN or WEBHOOK_USERNAME/WEBHOOK_PASSWORD: accepting unauthenticated posts.");
  return { type: "none" };
}

/** One log line per message; a switch on `type` that TypeScript checks for exhaustiveness. */
export function describe(message: WebhookMessage): string {
  switch (message.type) {
    case "text/plain":
    case "text/html":
      return `${message.sender.type} says: ${message.content}`;
    case "startTyping":
    case "endTyping":
      return `${message.sender.type} ${message.type === "startTyping" ? "is typing" : "stopped typing"}`;
    case "uploadAttachment":
      return `agent offers ${message.attachment.fileName ?? "a file"} (attachment ${message.attachment.id})`;
    case "acceptAttachment":
    case "rejectAttachment":
      return `attachment ${message.attachment.id}: ${message.type}`;
    case "assigned":
    case "pagePush":
    case "transfer":
    case "complete":
      return `${message.type}${message.content ? `: ${message.content}` : ""}`;
    case "unknown":
      return `unknown message type ${message.typeValue}`;
    default: {
      const unhandled: never = message;
      return String(unhandled);
    }
  }
}

/**
 * Logs each message. Runs once per delivered request; ECE may send a batch again after a 500, so
 * real code stores by `message.id` and skips what it already has.
 */
export function logMessages(messages: WebhookMessage[]): void {
  for (const message of messages) {
    console.log(`[${new Date(message.timeStamp).toISOString()}] ${message.conversationId} ${describe(message)}`);
  }
}
