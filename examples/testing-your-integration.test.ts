// Testing an app that uses ece-messaging, with the fake ECE of ece-messaging/testing (vitest).
import { createEceClient, type EceClient } from "ece-messaging";
import { createWebhookHandler, type WebhookAuthorization } from "ece-messaging/webhooks";
import { createFakeEce, type FakeEce } from "ece-messaging/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// --- The app under test: a tiny support bot -------------------------------------------------

const webhookAuthorization: WebhookAuthorization = { type: "bearer", token: "support-bot-webhook-token" };

/** Opens a chat for a customer's question, and thanks the agent for each answer. */
function createSupportBot(ece: EceClient) {
  return {
    /** Starts a conversation, asks the question in it, and returns its ID. */
    async ask(email: string, question: string): Promise<string> {
      const started = await ece.startConversation({ entryPointId: 1001, customer: { email }, subject: question });
      if (started.kind !== "conversationStarted") throw new Error(`Could not start a chat: ${started.kind}`);
      const sent = await ece.sendTextMessage({ conversationId: started.conversationId, message: question });
      if (sent.kind !== "sendMessageSuccess") throw new Error(`Could not ask: ${sent.kind}`);
      return started.conversationId;
    },
    /** ECE's callback: answers each text message of the agent. */
    webhook: createWebhookHandler({
      authorization: webhookAuthorization,
      onMessages: async (messages) => {
        for (const message of messages) {
          if (message.type !== "text/plain") continue;
          await ece.sendTextMessage({ conversationId: message.conversationId, message: `Thank you! You said: ${message.content}` });
        }
      },
    }),
  };
}

// --- The tests --------------------------------------------------------------------------------

describe("the support bot", () => {
  let fake: FakeEce;
  let ece: EceClient;
  let bot: ReturnType<typeof createSupportBot>;

  beforeEach(() => {
    fake = createFakeEce(); // entry point 1001, any client key and secret
    ece = createEceClient({
      baseUrl: "https://ece.example.com",
      credentials: { clientKey: "support-bot", clientSecret: "Support-Bot-Secret-1234" },
      fetch: fake.fetch, // no port: the fake answers in process
    });
    bot = createSupportBot(ece);
    // Where ECE posts the agent's side: straight into the bot's handler, with its credentials.
    fake.setWebhook({ handler: bot.webhook, authorization: webhookAuthorization });
  });

  afterEach(async () => {
    await ece.close();
  });

  it("opens a chat even when the entry point was just edited (ECE answers 409 once)", async () => {
    fake.touchEntryPoint(1001);
    const conversationId = await bot.ask("jane@example.com", "Where is order 4521?");

    // The SDK fetched the entry point's new date and repeated the start once.
    const starts = fake.requests().filter((request) => request.operation === "startConversation");
    expect(starts.map((request) => request.status)).toEqual([409, 200]);
    expect(fake.conversation(conversationId)?.start).toMatchObject({ customer: { email: "jane@example.com" }, subject: "Where is order 4521?" });
    expect(fake.messages(conversationId).map((message) => message.input)).toEqual([{ conversationId, message: "Where is order 4521?" }]);
  });

  it("answers the agent's message", async () => {
    const conversationId = await bot.ask("jane@example.com", "Where is order 4521?");

    await fake.agent(conversationId).says("It ships today.");

    const reply = await fake.messageArrived(conversationId, 2); // the question was the first
    expect(reply.operation).toBe("sendTextMessage");
    expect(reply.input).toEqual({ conversationId, message: "Thank you! You said: It ships today." });
  });

  it("keeps going when its token has expired", async () => {
    await bot.ask("jane@example.com", "Where is order 4521?");

    fake.expireTokens(); // as when the token's 24 hours are over
    const conversationId = await bot.ask("joe@example.com", "Can I change my address?");

    expect(fake.messages(conversationId)).toHaveLength(1);
    // The SDK got 401 once, fetched a new token and repeated the call.
    expect(fake.tokens().map((token) => token.state)).toEqual(["expired", "open"]);
  });
});
