/**
 * The API this SDK covers, by name: where a default installation serves it, and its operations -
 * the one list the operation types, and the test kit's lists, come from.
 *
 * @module
 */

/** The API root of a default ECE installation. */
export const DEFAULT_API_ROOT = "/system/ws/v19/clientapplications";

/** The client's six message operations, each a kind of ECE's `sendMessage`. */
export const messageOperationNames = [
  "sendTextMessage",
  "sendHtmlMessage",
  "uploadAttachmentFromUrl",
  "acceptAttachment",
  "rejectAttachment",
  "sendGeolocation",
] as const;

/** Every operation of the client: the conversation lifecycle and the messages. */
export const operationNames = ["getEntryPointConfiguration", "startConversation", ...messageOperationNames] as const;

/** The six message operations of the client. */
export type MessageOperationName = (typeof messageOperationNames)[number];

/** Every operation of the client: the conversation lifecycle and the messages. */
export type OperationName = (typeof operationNames)[number];
