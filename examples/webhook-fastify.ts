/**
 * The webhook receiver behind Fastify 5. The webhook route lives in its own plugin, whose
 * content-type parser keeps every body as bytes (the listener checks the content type, decodes
 * the charset and parses JSON or XML); the app's other routes keep Fastify's own parsers. The
 * route hands Fastify's request and the raw response to the listener after reply.hijack().
 *
 *   WEBHOOK_USERNAME=ece WEBHOOK_PASSWORD=secret PORT=8080 npx tsx examples/webhook-fastify.ts
 */
import Fastify from "fastify";
import { createWebhookHandler, toNodeListener } from "../src/webhooks.js";
import { authorizationFromEnvironment, logMessages, path, port } from "./webhook-shared.js";

const listener = toNodeListener(createWebhookHandler({ authorization: authorizationFromEnvironment(), onMessages: logMessages }));

const app = Fastify();
await app.register(async (webhook) => {
  webhook.removeAllContentTypeParsers();
  webhook.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  webhook.post(path, (request, reply) => {
    reply.hijack(); // the listener answers on reply.raw
    listener(request, reply.raw);
  });
});
await app.listen({ port, host: "0.0.0.0" });
console.log(`ECE webhook receiver (Fastify) on http://localhost:${port}${path}`);
process.once("SIGINT", () => void app.close());
process.once("SIGTERM", () => void app.close());
