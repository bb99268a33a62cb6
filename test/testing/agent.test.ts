/**
 * The agent's side: each of the agent's actions arrives as a real webhook request - JSON or XML,
 * with the configured Authorization - at the SDK's own receiver (createWebhookHandler), called
 * directly or behind a node:http server on a free port, and is read there into typed messages.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { createFakeEce, type FakeWebhookTarget } from "../../src/testing.js";
import { createWebhookHandler, toNodeListener, type WebhookAuthorization } from "../../src/webhooks.js";
import type { WebhookMessage } from "../../src/webhooks.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const authorizations: WebhookAuthorization[] = [
  { type: "basic", username: "ece", password: "Callback-Password-81c0" },
  { type: "bearer", token: "Callback-Token-2b77" },
  { type: "none" },
];

/** The SDK's receiver, collecting what it reads; its `handle` answers as it would to ECE. */
function receiver(authorization: WebhookAuthorization) {
  const messages: WebhookMessage[] = [];
  const handle = createWebhookHandler({ authorization, onMessages: (batch) => void messages.push(...batch) });
  return { messages, handle };
}

/** A fake with one ongoing conversation of its application, posting to `webhook`. */
function fakeWithConversation(webhook: FakeWebhookTarget) {
  const fake = createFakeEce({ webhook });
  const { id } = fake.addConversation();
  return { fake, conversationId: id, agent: fake.agent(id) };
}

describe.each(["json", "xml"] as const)("the agent's messages as %s", (format) => {
  it.each(authorizations)("arrive at the receiver with $type authorization, typed", async (authorization) => {
    const { messages, handle } = receiver(authorization);
    const { fake, conversationId, agent } = fakeWithConversation({ handler: handle, authorization, format });

    const typing = await agent.startsTyping();
    expect(typing.status).toBe(200);
    expect(typing.body.startsWith(format === "json" ? '{"message":[' : "<?xml")).toBe(true);
    await agent.says("Your order ships today & arrives <soon>.");
    await agent.saysHtml("<p>Tracking: <b>1Z999</b></p>");
    await agent.stopsTyping();
    const offer = await agent.offersAttachment({ fileName: "label.pdf", contentType: "application/pdf", size: 3051 });
    await agent.ends();

    const base = { conversationId, sender: { type: "user" } };
    expect(messages).toMatchObject([
      { ...base, type: "startTyping", id: typing.messageId },
      { ...base, type: "text/plain", content: "Your order ships today & arrives <soon>." },
      { ...base, type: "text/html", content: "<p>Tracking: <b>1Z999</b></p>" },
      { ...base, type: "endTyping" },
      {
        ...base,
        type: "uploadAttachment",
        attachment: {
          id: offer.attachmentId,
          fileName: "label.pdf",
          contentType: "application/pdf",
          size: 3051,
          contentUrl: `https://ece.example.com/system/web/view/attachments/${offer.attachmentId}`,
        },
      },
      { conversationId, type: "complete", sender: { type: "system" }, content: "Agent has ended the chat" },
    ]);
    // Each message its own ID and an epoch-millisecond time stamp.
    expect(new Set(messages.map((m) => m.id)).size).toBe(6);
    for (const message of messages) expect(Math.abs(message.timeStamp - Date.now())).toBeLessThan(60_000);
    expect(fake.conversation(conversationId)!.state).toBe("ended");
  });

  it("text arrives as said: CR LF, a lone CR, tabs and edge spaces kept", async () => {
    const { messages, handle } = receiver({ type: "none" });
    const { agent } = fakeWithConversation({ handler: handle, format });
    const text = " Line one\r\nLine two\rLine three\n\tindented\r\n";
    await agent.says(text);
    await agent.offersAttachment({ fileName: "a\r\nb.txt", contentType: "text/plain", size: 1 });
    expect(messages).toMatchObject([{ content: text }, { attachment: { fileName: "a\r\nb.txt" } }]);
  });

  it("a lone surrogate (half a character, which no encoding carries) is refused, nothing posted", async () => {
    const { messages, handle } = receiver({ type: "none" });
    const { agent } = fakeWithConversation({ handler: handle, format });
    const half = "😀".slice(0, 1);
    await expect(agent.says(`Smile ${half}`)).rejects.toThrow(/lone surrogate/);
    await expect(agent.saysHtml(`<p>${"😀".slice(1)}</p>`)).rejects.toThrow(/lone surrogate/);
    await expect(agent.offersAttachment({ fileName: `${half}.png`, contentType: "image/png", size: 1 })).rejects.toThrow(/lone surrogate/);
    await expect(agent.ends(half)).rejects.toThrow(/lone surrogate/);
    expect(messages).toEqual([]);
    await agent.says("A whole one: 😀");
    expect(messages).toMatchObject([{ content: "A whole one: 😀" }]);
  });
});

describe("delivery", () => {
  it("posts to a receiver URL over HTTP with the configured Authorization", async () => {
    const authorization: WebhookAuthorization = { type: "basic", username: "ece", password: "Callback-Password-81c0" };
    const { messages, handle } = receiver(authorization);
    const seen: { url?: string; authorization?: string; contentType?: string }[] = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization, contentType: req.headers["content-type"] });
      toNodeListener(handle)(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ece/messages`;

    const { conversationId, agent } = fakeWithConversation({ url, authorization, format: "xml" });
    expect((await agent.says("Hello from the agent")).status).toBe(200);
    expect(seen).toEqual([{ url: "/ece/messages", authorization: `Basic ${btoa("ece:Callback-Password-81c0")}`, contentType: "application/xml" }]);
    expect(messages).toMatchObject([{ conversationId, type: "text/plain", content: "Hello from the agent" }]);
  });

  it("rejects when the receiver refuses the post, naming its status", async () => {
    const { messages, handle } = receiver({ type: "bearer", token: "the-right-token" });
    const { agent } = fakeWithConversation({ handler: handle, authorization: { type: "bearer", token: "a-wrong-token" } });
    await expect(agent.says("Hi")).rejects.toMatchObject({ name: "WebhookDeliveryError", status: 401, message: expect.stringMatching(/answered 401/) });
    expect(messages).toEqual([]);
  });

  it("refuses what ECE would never post: no target, an ended, unknown or foreign conversation, a bad file", async () => {
    const { messages, handle } = receiver({ type: "none" });
    const fake = createFakeEce();
    const { id } = fake.addConversation();
    await expect(fake.agent(id).says("Hi")).rejects.toThrow(/no webhook target/);
    fake.setWebhook({ handler: handle });
    await expect(fake.agent("no-such-conversation").says("Hi")).rejects.toThrow(/no conversation/);
    await expect(fake.agent(fake.addConversation({ foreign: true }).id).says("Hi")).rejects.toThrow(/another client application/);
    await expect(fake.agent(id).offersAttachment({ fileName: "", contentType: "x", size: -1 })).rejects.toThrow(TypeError);
    await expect(fake.agent(id).says("")).rejects.toThrow(TypeError);
    await fake.agent(id).ends();
    await expect(fake.agent(id).says("Hi")).rejects.toThrow(/has ended/);
    await expect(fake.agent(id).ends()).rejects.toThrow(/has ended/);
    expect(messages.map((m) => m.type)).toEqual(["complete"]);
  });

  it("an offered file can be accepted by the client, and its details come back", async () => {
    const { handle } = receiver({ type: "none" });
    const fake = createFakeEce({ webhook: { handler: handle } });
    const { id } = fake.addConversation();
    const ece = createEceClient({ baseUrl: "https://ece.example.com", accessToken: fake.issueToken(), fetch: fake.fetch });
    const offer = await fake.agent(id).offersAttachment({ fileName: "a.png", contentType: "image/png", size: 7, contentUrl: "https://cdn.example.com/a.png" });
    expect(await ece.acceptAttachment({ conversationId: id, attachmentId: offer.attachmentId })).toMatchObject({
      kind: "attachmentAccepted",
      attachment: { id: offer.attachmentId, fileName: "a.png", contentType: "image/png", size: 7, contentUrl: "https://cdn.example.com/a.png" },
    });
  });
});
