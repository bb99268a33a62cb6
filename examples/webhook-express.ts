/**
 * The webhook receiver behind Express 5, in an app that parses JSON for its other routes: the
 * webhook route comes before express.json(), so the listener reads the request's bytes itself -
 * and refuses what bare node:http refuses (bytes not valid in their charset: 400) and accepts what
 * it accepts (any charset the runtime decodes). Logs each typed message.
 *
 *   WEBHOOK_USERNAME=ece WEBHOOK_PASSWORD=secret PORT=8080 npx tsx examples/webhook-express.ts
 */
import express from "express";
import { createWebhookHandler, toNodeListener } from "../src/webhooks.js";
import { authorizationFromEnvironment, logMessages, path, port } from "./webhook-shared.js";

const handle = createWebhookHandler({ authorization: authorizationFromEnvironment(), onMessages: logMessages });

const app = express();
app.post(path, toNodeListener(handle)); // before any body parser: the listener reads the bytes
app.use(express.json()); // for the app's other routes
const server = app.listen(port, () => console.log(`ECE webhook receiver (Express) on http://localhost:${port}${path}`));
process.once("SIGINT", () => server.close());
process.once("SIGTERM", () => server.close());
