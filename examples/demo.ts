/**
 * `npm start`: starts a Prism mock of the spec and sends one message of each kind through the
 * SDK, printing each outcome. Nothing leaves this machine.
 */
import { preferMatchingExample, startPrism } from "../scripts/prism.js";
import { createEceClient } from "../src/index.js";

const prism = await startPrism();
console.log(`Prism mock of spec/ece-messaging.yaml listening on ${prism.url}\n`);

const ece = createEceClient({
  baseUrl: prism.url,
  apiRoot: "/", // Prism serves the spec's paths at its root
  credentials: { clientKey: "demo-key", clientSecret: "demo-secret" },
  timeoutMs: 10_000,
  // Ask Prism for the success example of each message's own type (a mock-only nicety).
  fetch: preferMatchingExample(),
});
const conversationId = "ca2c588e-1e31-405a-9888-e72bf7179186";

try {
  const outcomes = {
    sendTextMessage: await ece.sendTextMessage({ conversationId, message: "Hello, I need help with my order." }),
    sendHtmlMessage: await ece.sendHtmlMessage({ conversationId, message: "<p>My order is <b>#1042</b>.</p>" }),
    uploadAttachmentFromUrl: await ece.uploadAttachmentFromUrl({
      conversationId,
      fileName: "receipt.pdf",
      contentType: "application/pdf",
      fileSize: 48213,
      contentUrl: "https://files.example.com/receipt.pdf",
    }),
    acceptAttachment: await ece.acceptAttachment({ conversationId, attachmentId: "5008" }),
    rejectAttachment: await ece.rejectAttachment({ conversationId, attachmentId: "5009" }),
    sendGeolocation: await ece.sendGeolocation({ conversationId, latitude: 52.3676, longitude: 4.9041, label: "Head office" }),
  };
  for (const [operation, outcome] of Object.entries(outcomes)) {
    console.log(`${operation} -> ${JSON.stringify(outcome)}`);
  }
  const closed = await ece.close();
  console.log(`\nclose -> ${JSON.stringify(closed)}`);
} finally {
  await prism.stop();
}
