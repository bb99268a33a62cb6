/**
 * The inputs of the client's operations, as callers write them. What each field must hold is
 * checked before any request (./validation.ts), each bad field named in an `invalidData` outcome.
 *
 * @module
 */
/** Input of {@link EceClient.sendTextMessage} and {@link EceClient.sendHtmlMessage}. */
export interface MessageInput {
  /** The ongoing conversation's ID. */
  conversationId: string;
  /** The message content: plain text, or HTML for `sendHtmlMessage`. */
  message: string;
}

/** Input of {@link EceClient.acceptAttachment} and {@link EceClient.rejectAttachment}. */
export interface AttachmentDecisionInput {
  /** The ongoing conversation's ID. */
  conversationId: string;
  /** The ID of the attachment the agent offered. */
  attachmentId: string;
}

/** Input of {@link EceClient.uploadAttachmentFromUrl}. */
export interface UploadAttachmentFromUrlInput {
  /** The ongoing conversation's ID. */
  conversationId: string;
  /** The file's name as the agent will see it, e.g. `invoice.pdf`. */
  fileName: string;
  /** The file's media type, e.g. `application/pdf`. */
  contentType: string;
  /** The file's size in bytes: a non-negative integer. */
  fileSize: number;
  /** Where ECE downloads the file: an absolute `http` or `https` URL. */
  contentUrl: string;
}

/**
 * Input of {@link EceClient.sendGeolocation}. Give a coordinate (latitude and longitude
 * together), a URL or an address - at least one of them. Text fields are 1 to 255 characters.
 */
export interface GeolocationInput {
  /** The ongoing conversation's ID. */
  conversationId: string;
  /** Degrees north, -90..90 as a number, or as text (1..255 characters). */
  latitude?: number | string;
  /** Degrees east, -180..180 as a number, or as text (1..255 characters). */
  longitude?: number | string;
  /** A name for the place. */
  label?: string;
  /** A link to the place, e.g. on a map. */
  locationUrl?: string;
  /** The place's address. */
  address?: string;
}

/** Input of {@link EceClient.getConversation}. */
export interface ConversationInput {
  /** The conversation's ID, as `startConversation` gave it. */
  conversationId: string;
}

/**
 * Input of {@link EceClient.getEntryPointConfiguration}, {@link EceClient.getAgentAvailability},
 * {@link EceClient.getAgentCapacity} and {@link EceClient.checkEligibility}.
 */
export interface EntryPointInput {
  /** The entry point's ID: a positive integer, as a number or as digit text (`1001`, `"1001"`). */
  entryPointId: number | string;
}

/** The customer a conversation is started for: at least an email address or a social contact. */
export interface CustomerInput {
  firstName?: string;
  lastName?: string;
  /** The customer's email address; ECE finds an existing contact by it. */
  email?: string;
  /** A social contact, e.g. `{ type: "instagram", id: "jane_ig" }`. */
  social?: { type: string; id: string };
}

/** Input of {@link EceClient.startConversation}. */
export interface StartConversationInput {
  /** The entry point's ID: a positive integer, as a number or as digit text. */
  entryPointId: number | string;
  customer: CustomerInput;
  /** The chat's subject, at most 255 characters. */
  subject?: string;
  /**
   * Custom attributes of the activity, by attribute name (each must exist on ECE's activity
   * object). Values allow letters, digits, space, `@ : . _ - & , ( ) ? # = ' "` and any
   * character above code 127; ECE refuses `+`, `<`, `;` and other punctuation.
   */
  customAttributes?: Record<string, string | string[]>;
  /**
   * The contact attribute ECE finds an existing customer by. Default: `email.emailAddress` with
   * an email, else `social.<type>Id` (e.g. `social.instagramId`).
   */
  searchContactOnAttribute?: string;
  /** The contact point the conversation uses. Default with only a social contact: `social.<type>Id`. */
  conversationContact?: string;
}
