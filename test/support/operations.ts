/** One valid call of each operation, for tests that drive all six alike. */
import type { CallOptions, EceClient, MessageOperationName as OperationName, Outcome } from "../../src/index.js";

export const CONVERSATION_ID = "ca2c588e-1e31-405a-9888-e72bf7179186";

export const validCall: Record<OperationName, (client: EceClient, options?: CallOptions) => Promise<Outcome>> = {
  sendTextMessage: (c, o) => c.sendTextMessage({ conversationId: CONVERSATION_ID, message: "Hello" }, o),
  sendHtmlMessage: (c, o) => c.sendHtmlMessage({ conversationId: CONVERSATION_ID, message: "<b>Hello</b>" }, o),
  uploadAttachmentFromUrl: (c, o) =>
    c.uploadAttachmentFromUrl(
      {
        conversationId: CONVERSATION_ID,
        fileName: "a.jpeg",
        contentType: "image/jpeg",
        fileSize: 32,
        contentUrl: "https://files.example.com/a.jpeg",
      },
      o,
    ),
  acceptAttachment: (c, o) => c.acceptAttachment({ conversationId: CONVERSATION_ID, attachmentId: "5008" }, o),
  rejectAttachment: (c, o) => c.rejectAttachment({ conversationId: CONVERSATION_ID, attachmentId: "5008" }, o),
  sendGeolocation: (c, o) => c.sendGeolocation({ conversationId: CONVERSATION_ID, latitude: 52.37, longitude: 4.9 }, o),
};
