/**
 * Input checks, run before any request: each returns either the checked values or every
 * problem found, each naming its field. The rules are the ECE "Send Message" node's.
 *
 * @module
 */
import type { InvalidDataOutcome, ValidationIssue } from "./outcomes.js";

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

/** The `invalidData` outcome for `issues`, its message naming each field and problem. */
export function invalidDataOutcome(issues: ValidationIssue[]): InvalidDataOutcome {
  const summary = issues.map(({ field, problem }) => `${field} ${problem}`).join("; ");
  return { kind: "invalidData", message: `Invalid input: ${summary}.`, issues };
}

/** Whether `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The result of a check: the checked value, or every problem found. */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Longest text the geolocation fields accept. */
export const GEOLOCATION_TEXT_MAX = 255;

class Issues {
  readonly list: ValidationIssue[] = [];

  add(field: string, problem: string): undefined {
    this.list.push({ field, problem });
    return undefined;
  }

  /** A string with at least one non-white-space character. */
  requiredText(record: Record<string, unknown>, field: string): string | undefined {
    const value = record[field];
    if (value === undefined || value === null) return this.add(field, "is required");
    if (typeof value !== "string") return this.add(field, `must be a string, not ${describe(value)}`);
    if (value.trim() === "") return this.add(field, value === "" ? "must not be empty" : "must not be blank");
    return value;
  }

  /** An optional string of 1..max characters (counted as Unicode code points). */
  optionalText(record: Record<string, unknown>, field: string, max: number): string | undefined {
    const value = record[field];
    if (value === undefined) return undefined;
    if (typeof value !== "string") return this.add(field, `must be a string, not ${describe(value)}`);
    if (value.trim() === "") return this.add(field, value === "" ? "must not be empty" : "must not be blank");
    if (codePointLength(value) > max) return this.add(field, `must be at most ${max} characters`);
    return value;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/**
 * Checks an argument that must be a plain object: `read` checks its fields, adding issues, and
 * returns the checked value, which is used only when no issue was found.
 */
function checkObject<T>(input: unknown, read: (record: Record<string, unknown>, issues: Issues) => T): Checked<T> {
  const issues = new Issues();
  if (!isRecord(input)) {
    issues.add("input", `must be an object, not ${describe(input)}`);
    return { ok: false, issues: issues.list };
  }
  const value = read(input, issues);
  return issues.list.length === 0 ? { ok: true, value } : { ok: false, issues: issues.list };
}

/**
 * Whether `text` is, as written, an absolute `http://` or `https://` URL with a host: URL
 * parsers forgive forms like `https:x`, `http:\\\\x` or surrounding spaces, but the text is sent
 * as given, so it must already be well-formed (no white space or control characters either).
 */
export function isAbsoluteHttpUrl(text: string): boolean {
  if (!/^https?:\/\/[^/?#]/i.test(text) || /[\s\u0000-\u001f\u007f]/.test(text)) return false;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.host !== "";
}

/** Checks the input of the text and HTML operations. */
export function checkMessageInput(input: unknown): Checked<MessageInput> {
  return checkObject(input, (record, issues) => {
    const conversationId = issues.requiredText(record, "conversationId");
    const message = issues.requiredText(record, "message");
    return { conversationId: conversationId!, message: message! };
  });
}

/** Checks the input of the accept- and reject-attachment operations. */
export function checkAttachmentDecisionInput(input: unknown): Checked<AttachmentDecisionInput> {
  return checkObject(input, (record, issues) => {
    const conversationId = issues.requiredText(record, "conversationId");
    const attachmentId = issues.requiredText(record, "attachmentId");
    return { conversationId: conversationId!, attachmentId: attachmentId! };
  });
}

/** Checks the input of the upload-from-URL operation. */
export function checkUploadAttachmentFromUrlInput(input: unknown): Checked<UploadAttachmentFromUrlInput> {
  return checkObject(input, (record, issues) => {
    const conversationId = issues.requiredText(record, "conversationId");
    const fileName = issues.requiredText(record, "fileName");
    const contentType = issues.requiredText(record, "contentType");
    const fileSize = record.fileSize;
    if (fileSize === undefined || fileSize === null) {
      issues.add("fileSize", "is required");
    } else if (typeof fileSize !== "number") {
      issues.add("fileSize", `must be a number, not ${describe(fileSize)}`);
    } else if (!Number.isFinite(fileSize)) {
      issues.add("fileSize", `must be a finite number of bytes, not ${fileSize}`);
    } else if (!Number.isInteger(fileSize)) {
      issues.add("fileSize", "must be a whole number of bytes");
    } else if (fileSize < 0) {
      issues.add("fileSize", "must not be negative");
    } else if (!Number.isSafeInteger(fileSize)) {
      issues.add("fileSize", `must be at most ${Number.MAX_SAFE_INTEGER}`);
    }
    const contentUrl = issues.requiredText(record, "contentUrl");
    if (contentUrl !== undefined && !isAbsoluteHttpUrl(contentUrl)) {
      issues.add("contentUrl", "must be an absolute http or https URL");
    }
    return {
      conversationId: conversationId!,
      fileName: fileName!,
      contentType: contentType!,
      fileSize: fileSize as number,
      contentUrl: contentUrl!,
    };
  });
}

/** A checked geolocation: text fields only, as they go on the wire. */
export interface CheckedGeolocation {
  conversationId: string;
  coordinate?: { latitude: string; longitude: string };
  label?: string;
  url?: string;
  address?: string;
}

function coordinateText(
  record: Record<string, unknown>,
  field: "latitude" | "longitude",
  limit: number,
  issues: Issues,
): string | undefined {
  const value = record[field];
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return issues.add(field, `must be a finite number, not ${value}`);
    if (value < -limit || value > limit) return issues.add(field, `must be between -${limit} and ${limit}`);
    return String(value);
  }
  if (value !== undefined && typeof value !== "string") {
    return issues.add(field, `must be a number or a string, not ${describe(value)}`);
  }
  return issues.optionalText(record, field, GEOLOCATION_TEXT_MAX);
}

/** Checks the input of the geolocation operation. */
export function checkGeolocationInput(input: unknown): Checked<CheckedGeolocation> {
  return checkObject(input, (record, issues) => {
    const conversationId = issues.requiredText(record, "conversationId");
    const latitude = coordinateText(record, "latitude", 90, issues);
    const longitude = coordinateText(record, "longitude", 180, issues);
    const label = issues.optionalText(record, "label", GEOLOCATION_TEXT_MAX);
    const url = issues.optionalText(record, "locationUrl", GEOLOCATION_TEXT_MAX);
    const address = issues.optionalText(record, "address", GEOLOCATION_TEXT_MAX);
    const hasLatitude = record.latitude !== undefined;
    const hasLongitude = record.longitude !== undefined;
    if (hasLatitude !== hasLongitude) {
      issues.add(hasLatitude ? "longitude" : "latitude", "is required when the other coordinate is given");
    }
    if (!hasLatitude && !hasLongitude && record.locationUrl === undefined && record.address === undefined) {
      issues.add("input", "needs a coordinate (latitude and longitude), a locationUrl or an address");
    }
    return {
      conversationId: conversationId!,
      ...(latitude !== undefined && longitude !== undefined ? { coordinate: { latitude, longitude } } : {}),
      ...(label === undefined ? {} : { label }),
      ...(url === undefined ? {} : { url }),
      ...(address === undefined ? {} : { address }),
    };
  });
}

/**
 * A non-negative whole number as it comes over the wire - a number, or decimal digits in a
 * string (XML has only strings) - or `undefined` for anything else, or beyond 2^53.
 */
export function wholeNumberOf(value: unknown): number | undefined {
  const number = typeof value === "string" && /^\s*(0|[1-9][0-9]*)\s*$/.test(value) ? Number(value) : value;
  return typeof number === "number" && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

/** Checks the per-call options. */
export function checkCallOptions(options: unknown): ValidationIssue[] {
  if (options === undefined) return [];
  if (!isRecord(options)) return [{ field: "options", problem: `must be an object, not ${describe(options)}` }];
  const record = options;
  const found: ValidationIssue[] = [];
  if (record.timeoutMs !== undefined && !isPositiveTimeout(record.timeoutMs)) {
    found.push({ field: "options.timeoutMs", problem: "must be a positive finite number of milliseconds" });
  }
  if (record.signal !== undefined && !isAbortSignal(record.signal)) {
    found.push({ field: "options.signal", problem: "must be an AbortSignal" });
  }
  return found;
}

/** Whether `value` is a usable timeout in milliseconds. */
export function isPositiveTimeout(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 && value <= 2_147_483_647;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function"
  );
}
