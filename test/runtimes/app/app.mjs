// The app each runtime serves, importing the packed package as a user would: POST /ece is the
// webhook receiver (createWebhookHandler), GET /delivered lists what reached onMessages, and
// GET /send?base=... sends one message through createEceClient to the stub at `base`, and
// GET /send-fleet?base=... does the same with a tokenStore.
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
  if (url.pathname === "/send-fleet") {
    const entries = new Map();
    const tokenStore = {
      read: async (key) => entries.get(key),
      write: async (key, token, ttlMs) => void entries.set(key, { token, ttlMs }),
      deleteIf: async (key, token) => entries.get(key)?.token === token && entries.delete(key),
      acquireLock: async (key) => !entries.has(`${key}:lock`) && Boolean(entries.set(`${key}:lock`, { token: "lock", ttlMs: 1 })),
      releaseLock: async (key) => void entries.delete(`${key}:lock`),
    };
    const events = [];
    const ece = createEceClient({
      baseUrl: url.searchParams.get("base"),
      credentials: { clientKey: "runtime-key", clientSecret: "Runtime-Client-Secret" },
      timeoutMs: 10000,
      tokenStore,
      onEvent: (event) => events.push(event.type),
    });
    const outcome = await ece.sendTextMessage({ conversationId: "c-runtime", message: "Hello from the fleet" });
    const stored = [...entries.values()].map((entry) => entry.token);
    const closed = await ece.close();
    return Response.json({ outcome, stored, storeErrors: events.filter((type) => type === "tokenStoreError").length, closed });
  }
  return new Response("not found", { status: 404 });
}
