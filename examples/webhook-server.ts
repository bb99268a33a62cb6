/**
 * A runnable webhook receiver on node:http that logs the typed messages ECE posts.
 *
 *   WEBHOOK_USERNAME=ece WEBHOOK_PASSWORD=secret PORT=8080 npx tsx examples/webhook-server.ts
 *
 * Then, in ECE's admin console, set the client application's callback URL to
 * `https://<your public host>/ece/messages` with Basic authentication and the same username and
 * password (put TLS in front of it: a reverse proxy or a tunnel). With WEBHOOK_TOKEN set instead,
 * it expects an OAuth2 bearer token.
 */
import { createServer } from "node:http";
import { createWebhookHandler, toNodeListener, type WebhookAuthorization, type WebhookMessage } from "../src/webhooks/index.js";

const port = Number(process.env.PORT ?? 8080);
const path = process.env.WEBHOOK_PATH ?? "/ece/messages";

function authorizationFromEnvironment(): WebhookAuthorization {
  if (process.env.WEBHOOK_TOKEN) return { type: "bearer", token: process.env.WEBHOOK_TOKEN };
  if (process.env.WEBHOOK_USERNAME && process.env.WEBHOOK_PASSWORD) {
    return { type: "basic", username: process.env.WEBHOOK_USERNAME, password: process.env.WEBHOOK_PASSWORD };
  }
  console.warn("No WEBHOOK_TOKEN or WEBHOOK_USERNAME/WEBHOOK_PASSWORD: accepting unauthenticated posts.");
  return { type: "none" };
}

/** One log line per message; a switch on `type` that TypeScript checks for exhaustiveness. */
function describe(message: WebhookMessage): string {
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

const handle = createWebhookHandler({
  authorization: authorizationFromEnvironment(),
  onMessages: (messages) => {
    for (const message of messages) {
      console.log(`[${new Date(message.timeStamp).toISOString()}] ${message.conversationId} ${describe(message)}`);
    }
  },
});
const listener = toNodeListener(handle);

const server = createServer((req, res) => {
  if (req.url?.split("?")[0] !== path) {
    res.writeHead(404).end();
    return;
  }
  listener(req, res);
});
server.listen(port, () => console.log(`ECE webhook receiver on http://localhost:${port}${path}`));
process.once("SIGINT", () => server.close());
process.once("SIGTERM", () => server.close());
