/**
 * Webhook payloads as ECE posts them (shared/ece-api.md section 6): one message of every type,
 * as JSON objects, and the same as XML.
 */
import { XMLBuilder } from "fast-xml-parser";

export const conversationId = "ca2c588e-1e31-405a-9888-e72bf7179186";
const agent = { id: "1001", name: "Alex Agent" };

function item(id: string, type: string, extra: Record<string, unknown> = {}, sender: "user" | "system" = "user") {
  return {
    id,
    conversation: { id: conversationId },
    type: { value: type },
    sender: sender === "user" ? { type: "user", user: agent } : { type: "system" },
    timeStamp: 1624144750000 + Number(id),
    ...extra,
  };
}

/** One message of each documented (and inferred) type, in a realistic order, plus an unknown one. */
export const everyTypeItems = [
  item("1", "assigned", { content: "Alex Agent has joined the chat" }, "system"),
  item("2", "startTyping"),
  item("3", "endTyping"),
  item("4", "text/plain", { content: "Hello! How can I help? <not html> & \"quotes\"" }),
  item("5", "text/html", { content: "<p>Here is <b>the link</b></p>" }),
  item("6", "pagePush", { content: "https://help.example.com/returns" }),
  item("7", "uploadAttachment", {
    attachments: {
      attachment: [
        { id: "5008", fileName: "invoice.pdf", contentType: "application/pdf", size: "48213", contentUrl: "https://ece.example.com/a/5008" },
      ],
    },
  }),
  item("8", "acceptAttachment", { attachments: { attachment: [{ id: "5007", fileName: "a.jpeg", contentType: "image/jpeg", size: 32 }] } }),
  item("9", "rejectAttachment", { attachment: { id: "5006" } }), // the single-object form
  item("10", "transfer", { content: "Transferred to Billing" }, "system"),
  item("11", "videoChatInvite", { content: "Join the video call", client: "tenant-7" }), // not a known type
  { ...item("12", "complete", { content: "Agent has ended the chat" }, "system"), client: "tenant-7" },
];

/** The JSON body ECE posts. */
export function jsonBody(items: unknown[]): string {
  return JSON.stringify({ message: items });
}

const builder = new XMLBuilder({ format: true, suppressEmptyNode: false, processEntities: true });

/** The XML body ECE posts: a root element holding one `<message>` per message. */
export function xmlBody(items: unknown[], root = "messages"): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { message: items } }) as string}`;
}
