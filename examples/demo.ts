/**
 * `npm start`: a whole conversation, from first contact to the last message, against a Prism
 * mock of the spec and a local webhook receiver. Nothing leaves this machine.
 *
 * is anyone there? (checkEligibility) -> configuration -> start (ECE first answers 409: one
 * refresh, one repeat) -> each kind of send -> the agent's message arriving at the webhook ->
 * close; and a refused input on the way.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { preferMatchingExample, startPrism } from "../scripts/prism.js";
import { createEceClient } from "../src/index.js";
import { createWebhookHandler, toNodeListener, type WebhookMessage } from "../src/webhooks.js";

const show = (step: string, value: unknown): void => console.log(`${step} -> ${JSON.stringify(value)}`);

const prism = await startPrism();
console.log(`Prism mock of spec/ece-messaging.yaml listening on ${prism.url}\n`);

// The agent's side arrives on a webhook: a receiver on a free local port.
const received: WebhookMessage[] = [];
const receiver = createServer(
  toNodeListener(
    createWebhookHandler({
      authorization: { type: "basic", username: "ece", password: "demo-callback-password" },
      onMessages: (messages) => void received.push(...messages),
    }),
  ),
);
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ece/messages`;

// Ask Prism for a 409 on the first start (a stale entry-point date), and for the success example
// of each message's own type (a mock-only nicety: Prism answers every send from one path).
let startsSeen = 0;
const mockFetch = preferMatchingExample(async (input, init) => {
  const request = new Request(input, init);
  if (new URL(request.url).pathname.endsWith("/messaging/conversation/start") && ++startsSeen === 1) request.headers.set("Prefer", "code=409");
  return fetch(request);
});

const ece = createEceClient({
  baseUrl: prism.url,
  apiRoot: "/", // Prism serves the spec's paths at its root
  chatRoot: "/", // the chat web service's too
  credentials: { clientKey: "demo-key", clientSecret: "demo-secret" },
  timeoutMs: 10_000,
  fetch: mockFetch,
});

try {
  // Ask first whether a chat can start now (no token: the chat web service is unauthenticated).
  const eligibility = await ece.checkEligibility({ entryPointId: 1001 });
  show("checkEligibility", eligibility);
  if (eligibility.kind !== "eligible") throw new Error(`no chat now: ${eligibility.kind}`);

  show("getEntryPointConfiguration", await ece.getEntryPointConfiguration({ entryPointId: 1001 }));

  const refused = await ece.startConversation({
    entryPointId: 1001,
    customer: { email: "jane@example.com" },
    customAttributes: { activity_order: "4521+1" }, // ECE refuses "+": caught before sending
  });
  show("startConversation with a '+' in an attribute", refused);

  const started = await ece.startConversation({
    entryPointId: 1001,
    customer: { firstName: "Jane", email: "jane@example.com" },
    subject: "Order 4521",
    customAttributes: { activity_order: "4521" },
  });
  show(`startConversation (ECE answered 409 first; ${startsSeen} start requests)`, started);
  if (started.kind !== "conversationStarted") throw new Error(`could not start: ${started.kind}`);
  const { conversationId } = started;

  show("sendTextMessage", await ece.sendTextMessage({ conversationId, message: "Hello, I need help with my order." }));
  show("sendHtmlMessage", await ece.sendHtmlMessage({ conversationId, message: "<p>My order is <b>#4521</b>.</p>" }));
  show(
    "uploadAttachmentFromUrl",
    await ece.uploadAttachmentFromUrl({
      conversationId,
      fileName: "receipt.pdf",
      contentType: "application/pdf",
      fileSize: 48213,
      contentUrl: "https://files.example.com/receipt.pdf",
    }),
  );
  show("acceptAttachment", await ece.acceptAttachment({ conversationId, attachmentId: "5008" }));
  show("rejectAttachment", await ece.rejectAttachment({ conversationId, attachmentId: "5009" }));
  show("sendGeolocation", await ece.sendGeolocation({ conversationId, latitude: 52.3676, longitude: 4.9041, label: "Head office" }));

  // What ECE posts to the callback URL when the agent answers, then ends the chat.
  const sample = {
    message: [
      { id: "3118908846", conversation: { id: conversationId }, type: { value: "text/plain" }, content: "Your order ships today.", sender: { type: "user", user: { name: "Alex" } }, timeStamp: 1624144750000 },
      { id: "3118908847", conversation: { id: conversationId }, type: { value: "complete" }, content: "Agent has ended the chat", sender: { type: "system" }, timeStamp: 1624144754000 },
    ],
  };
  const posted = await fetch(webhookUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Basic ${btoa("ece:demo-callback-password")}` },
    body: JSON.stringify(sample),
  });
  show(`webhook POST (${posted.status})`, received.map((m) => ({ type: m.type, content: "content" in m ? m.content : undefined })));

  show("close", await ece.close());
} finally {
  receiver.close();
  await prism.stop();
}
