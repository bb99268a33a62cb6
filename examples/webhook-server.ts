/**
 * A runnable webhook receiver on node:http that logs the typed messages ECE posts.
 *
 *   WEBHOOK_USERNAME=ece WEBHOOK_PASSWORD=secret PORT=8080 npx tsx examples/webhook-server.ts
 *
 * Then, in ECE's admin console, set the client application's callback URL to
 * `https://<your public host>/ece/messages` with Basic authentication and the same username and
 * password (put TLS in front of it: a reverse proxy or a tunnel). With WEBHOOK_TOKEN set instead,
 * it expects an OAuth2 bearer token. The same receiver behind Express and Fastify:
 * webhook-express.ts, webhook-fastify.ts.
 */
import { createServer } from "node:http";
import { createWebhookHandler, toNodeListener } from "../src/webhooks.js";
import { authorizationFromEnvironment, logMessages, path, port } from "./webhook-shared.js";

const handle = createWebhookHandler({
  authorization: authorizationFromEnvironment(),
  onMessages: logMessages,
  // Refusals are logged with their status and reason (never credentials or body text).
  onEvent: (event) => {
    if (event.type === "webhookRefused") console.warn(`refused ${event.status}: ${event.reason}`);
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
