/**
 * The webhook receiver behind Express 5, in an app that parses JSON for all its routes:
 * toNodeListener takes the body express.json() already parsed (and reads XML, which
 * express.json() leaves alone, from the request). Logs each typed message.
 *
 *   WEBHOOK_USERNAME=ece WEBHOOK_PASSWORD=secret PORT=8080 npx tsx examples/webhook-express.ts
 *
 * To keep the exact bytes (and their charset), mount express.raw({ type: () => true }) on the
 * webhook route instead: the listener decodes them itself.
 */
import express from "express";
import { createWebhookHandler, toNodeListener } from "../src/webhooks/index.js";
import { authorizationFromEnvironment, logMessages, path, port } from "./webhook-shared.js";

const handle = createWebhookHandler({ authorization: authorizationFromEnvironment(), onMessages: logMessages });

const app = express();
app.use(express.json()); // for the app's other routes; the listener copes with it
app.post(path, toNodeListener(handle));
const server = app.listen(port, () => console.log(`ECE webhook receiver (Express) on http://localhost:${port}${path}`));
process.once("SIGINT", () => server.close());
process.once("SIGTERM", () => server.close());
