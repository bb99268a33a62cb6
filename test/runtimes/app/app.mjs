// The app each runtime serves, importing the packed package as a user would: POST /ece is the
// webhook receiver (createWebhookHandler), GET /delivered lists what reached onMessages, and
// GET /send?base=... sends one message through createEceClient to the stub at `base`.
import { createEceClient } from "ece-messaging";
import { createWebhookHandler } from "ece-messaging/webhooks";

const delivered = [];
const handle = createWebhookHandler({
  authorization: [
    { type: "basic", username: "ece", password: "Runtime-Old-Secret" },
    { type: "basic", username: "ece", password: "Runtime-Secret" },
  ],
  bodyTimeoutMs: 1000,
  onMessages: (messages) => {
    delivered.push(messages.map((m) => ({ id: m.id, type: m.type, content: m.content })));
  },
});

export async function app(request) {
  const url = new URL(request.url);
  if (url.pathname === "/ece") return handle(request);
  if (url.pathname === "/delivered") return Response.json(delivered);
  if (url.pathname === "/send") {
    const ece = createEceClient({
      baseUrl: url.searchParams.get("base"),
      credentials: { clientKey: "runtime-key", clientSecret: "Runtime-Client-Secret" },
      timeoutMs: 10000,
    });
    const outcome = await ece.sendTextMessage({ conversationId: "c-runtime", message: "Hello from the runtime" });
    const closed = await ece.close();
    return Response.json({ outcome, closed });
  }
  return new Response("not found", { status: 404 });
}
