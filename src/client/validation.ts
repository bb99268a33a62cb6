/**
 * Input checks, run before any request: each returns either the checked values or every
 * problem found, each naming its field. The rules are the ECE "Send Message" node's.
 *
 * @module
 */
import type { InvalidDataOutcome, ValidationIssue } from "../outcomes/outcomes.js";
import type { Result } from "../internal/result.js";
import type { Logger, LogLevel, ObservabilityOptions } from "../observe/events.js";
import type { TokenStore } from "../tokens/token-store.js";
import type { Tracer } from "../observe/tracing.js";
import { isRecord } from "../internal/wire.js";

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

/** Input of {@link EceClient.getEntryPointConfiguration}. */
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

/** The `invalidData` outcome for `issues`, its message naming each field and problem. */
export function invalidDataOutcome(issues: ValidationIssue[]): InvalidDataOutcome {
  const summary = issues.map(({ field, problem }) => `${field} ${problem.replace(/\.$/, "")}`).join("; ");
  return { kind: "invalidData", message: `Invalid input: ${summary}.`, delivered: false, issues };
}

/** The result of a check: the checked value, or every problem found. */
export type Checked<T> = Result<T, ValidationIssue[]>;

/** Longest text the geolocation fields accept. */
const GEOLOCATION_TEXT_MAX = 255;

/** Why an input could not be read at all (a throwing getter, a hostile Proxy). */
const UNREADABLE = "could not be read";

/**
 * The fields of one input argument, read once: own data properties only (a key inherited from a
 * polluted `Object.prototype` is absent), a getter called once, and a getter or Proxy trap that
 * throws recorded as an issue of that field instead of escaping.
 */
class Fields {
  readonly list: ValidationIssue[] = [];
  readonly #record: object;
  readonly #values = new Map<string, unknown>();

  constructor(record: object) {
    this.#record = record;
  }

  /** Adds a problem of `field` - unless it could not be read (that is its one problem) or says so already. */
  add(field: string, problem: string): undefined {
    if (!this.list.some((issue) => issue.field === field && (issue.problem === problem || issue.problem === UNREADABLE))) {
      this.list.push({ field, problem });
    }
    return undefined;
  }

  /** The own value of `field`, or `undefined` when it is absent or could not be read. */
  get(field: string): unknown {
    if (this.#values.has(field)) return this.#values.get(field);
    let value: unknown;
    try {
      const descriptor = Object.getOwnPropertyDescriptor(this.#record, field);
      value = descriptor === undefined ? undefined : "value" in descriptor ? descriptor.value : descriptor.get?.call(this.#record);
    } catch {
      this.add(field, UNREADABLE);
      value = undefined;
    }
    this.#values.set(field, value);
    return value;
  }

  /** Whether `field` was given (own, and not `undefined`). */
  has(field: string): boolean {
    return this.get(field) !== undefined;
  }

  /** Whether reading `field` threw (already named as an issue). */
  unreadable(field: string): boolean {
    return this.list.some((issue) => issue.field === field && issue.problem === UNREADABLE);
  }

  /** A string with at least one non-white-space character. */
  requiredText(field: string): string | undefined {
    const value = this.get(field);
    if (this.unreadable(field)) return undefined;
    return value === undefined || value === null ? this.add(field, "is required") : this.optionalText(field);
  }

  /** An optional non-blank string, of at most `max` characters (Unicode code points) when given. */
  optionalText(field: string, max = Number.POSITIVE_INFINITY): string | undefined {
    const value = this.get(field);
    if (value === undefined) return undefined;
    if (typeof value !== "string") return this.add(field, `must be a string, not ${describe(value)}`);
    if (value.trim() === "") return this.add(field, value === "" ? "must not be empty" : "must not be blank");
    return [...value].length > max ? this.add(field, `must be at most ${max} characters`) : value;
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Checks an argument that must be a plain object: `read` checks its fields, adding issues, and
 * returns the checked value, which is used only when no issue was found. Never throws, whatever
 * the argument is (a revoked Proxy included).
 */
export function checkObject<T>(input: unknown, read: (fields: Fields) => T, name = "input"): Checked<T> {
  let fields: Fields | undefined;
  try {
    if (!isRecord(input)) return { ok: false, error: [{ field: name, problem: `must be an object, not ${describe(input)}` }] };
    fields = new Fields(input);
    const value = read(fields);
    return fields.list.length === 0 ? { ok: true, value } : { ok: false, error: fields.list };
  } catch {
    return { ok: false, error: [...(fields?.list ?? []), { field: name, problem: UNREADABLE }] };
  }
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
  return checkObject(input, (fields) => {
    const conversationId = fields.requiredText("conversationId");
    const message = fields.requiredText("message");
    return { conversationId: conversationId!, message: message! };
  });
}

/** Checks the input of the accept- and reject-attachment operations. */
export function checkAttachmentDecisionInput(input: unknown): Checked<AttachmentDecisionInput> {
  return checkObject(input, (fields) => {
    const conversationId = fields.requiredText("conversationId");
    const attachmentId = fields.requiredText("attachmentId");
    return { conversationId: conversationId!, attachmentId: attachmentId! };
  });
}

/** Checks the input of the upload-from-URL operation. */
export function checkUploadAttachmentFromUrlInput(input: unknown): Checked<UploadAttachmentFromUrlInput> {
  return checkObject(input, (fields) => {
    const conversationId = fields.requiredText("conversationId");
    const fileName = fields.requiredText("fileName");
    const contentType = fields.requiredText("contentType");
    const fileSize = fields.get("fileSize");
    if (fields.unreadable("fileSize")) {
      // already named
    } else if (fileSize === undefined || fileSize === null) {
      fields.add("fileSize", "is required");
    } else if (typeof fileSize !== "number") {
      fields.add("fileSize", `must be a number, not ${describe(fileSize)}`);
    } else if (!Number.isFinite(fileSize)) {
      fields.add("fileSize", `must be a finite number of bytes, not ${fileSize}`);
    } else if (!Number.isInteger(fileSize)) {
      fields.add("fileSize", "must be a whole number of bytes");
    } else if (fileSize < 0) {
      fields.add("fileSize", "must not be negative");
    } else if (!Number.isSafeInteger(fileSize)) {
      fields.add("fileSize", `must be at most ${Number.MAX_SAFE_INTEGER}`);
    }
    const contentUrl = fields.requiredText("contentUrl");
    if (contentUrl !== undefined && !isAbsoluteHttpUrl(contentUrl)) {
      fields.add("contentUrl", "must be an absolute http or https URL");
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

/** Decimal-degree text: an optional sign, digits, and an optional "." with a fraction. */
const DECIMAL_DEGREES = /^[+-]?[0-9]+(?:\.[0-9]+)?$/;

/**
 * `value` in decimal notation, never with an exponent (`1e-7` -> `0.0000001`). JavaScript writes
 * numbers below 1e-6 in exponent form; coordinates are never large enough for the other form.
 */
function decimalText(value: number): string {
  const text = String(value);
  const match = /^(-?)([0-9])(?:\.([0-9]+))?e-([0-9]+)$/.exec(text);
  if (!match) return text;
  const [, sign, digit, fraction = "", exponent] = match;
  return `${sign}0.${"0".repeat(Number(exponent) - 1)}${digit}${fraction}`;
}

function coordinateText(fields: Fields, field: "latitude" | "longitude", limit: number): string | undefined {
  const value = fields.get(field);
  if (value === undefined) return undefined;
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return fields.add(field, `must be a finite number, not ${value}`);
    text = decimalText(value);
  } else if (typeof value === "string") {
    if ([...value].length > GEOLOCATION_TEXT_MAX) {
      return fields.add(field, `must be at most ${GEOLOCATION_TEXT_MAX} characters`);
    }
    if (!DECIMAL_DEGREES.test(value)) {
      return fields.add(field, 'must be decimal degrees such as "52.3676" (digits, an optional sign and fraction)');
    }
    text = value;
  } else {
    return fields.add(field, `must be a number or a string, not ${describe(value)}`);
  }
  const degrees = Number(text);
  if (degrees < -limit || degrees > limit) return fields.add(field, `must be between -${limit} and ${limit}`);
  return text;
}

/** Checks the input of the geolocation operation. */
export function checkGeolocationInput(input: unknown): Checked<CheckedGeolocation> {
  return checkObject(input, (fields) => {
    const conversationId = fields.requiredText("conversationId");
    const latitude = coordinateText(fields, "latitude", 90);
    const longitude = coordinateText(fields, "longitude", 180);
    const label = fields.optionalText("label", GEOLOCATION_TEXT_MAX);
    // A maps URL is often longer than 255 characters: never refused for its length.
    const url = fields.optionalText("locationUrl");
    if (url !== undefined && !isAbsoluteHttpUrl(url)) fields.add("locationUrl", "must be an absolute http or https URL");
    const address = fields.optionalText("address");
    const hasLatitude = fields.has("latitude");
    const hasLongitude = fields.has("longitude");
    if (hasLatitude !== hasLongitude) {
      fields.add(hasLatitude ? "longitude" : "latitude", "is required when the other coordinate is given");
    }
    if (!hasLatitude && !hasLongitude && !fields.has("locationUrl") && !fields.has("address")) {
      fields.add("input", "needs a coordinate (latitude and longitude), a locationUrl or an address");
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

/** The per-call options, as checked. */
export interface CheckedCallOptions {
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
}

/** Checks the per-call options (own properties only; never throws); fields are `options.<name>`. */
export function checkCallOptions(options: unknown): Checked<CheckedCallOptions> {
  if (options === undefined) return { ok: true, value: { signal: undefined, timeoutMs: undefined } };
  const checked = checkObject(
    options,
    (fields): CheckedCallOptions => {
      const timeoutMs = fields.get("timeoutMs");
      if (timeoutMs !== undefined && !isPositiveTimeout(timeoutMs)) {
        fields.add("timeoutMs", "must be a positive finite number of milliseconds");
      }
      const signal = fields.get("signal");
      if (signal !== undefined && !(signal instanceof AbortSignal)) fields.add("signal", "must be an AbortSignal");
      // Both keys are always own, so that reading an absent one never reaches the prototype.
      return {
        signal: signal instanceof AbortSignal ? signal : undefined,
        timeoutMs: isPositiveTimeout(timeoutMs) ? timeoutMs : undefined,
      };
    },
    "options",
  );
  return checked.ok
    ? checked
    : { ok: false, error: checked.error.map((issue) => ({ ...issue, field: issue.field === "options" ? "options" : `options.${issue.field}` })) };
}

/** Whether `value` is a usable timeout in milliseconds. */
function isPositiveTimeout(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 && value <= 2_147_483_647;
}

/** The client's options as checked: own properties only, credentials copied. */
interface CheckedClientOptions {
  baseUrl: string;
  apiRoot: string | undefined;
  timeoutMs: number | undefined;
  forceLogin: boolean | undefined;
  fetch: typeof fetch | undefined;
  credentials: { clientKey: string; clientSecret: string } | undefined;
  accessToken: string | undefined;
  observability: ObservabilityOptions;
  tracer: Tracer | undefined;
  tokenStore: TokenStore | undefined;
  revokeOnClose: boolean | undefined;
}

/** The methods a token store must have. */
const TOKEN_STORE_METHODS = ["read", "write", "deleteIf", "acquireLock", "releaseLock"] as const;

/** Checks `onEvent`, `logger` and `logLevel` (shared by the client and the webhook handler). */
export function checkObservabilityOptions(fields: Fields): ObservabilityOptions {
  const onEvent = fields.get("onEvent");
  if (onEvent !== undefined && typeof onEvent !== "function") fields.add("onEvent", "must be a function");
  const logger = fields.get("logger");
  const methods = ["debug", "info", "warn", "error"] as const;
  if (logger !== undefined && (!isRecordLike(logger) || methods.some((m) => typeof (logger as Record<string, unknown>)[m] !== "function"))) {
    fields.add("logger", "must have debug, info, warn and error methods");
  }
  const logLevel = fields.get("logLevel");
  if (logLevel !== undefined && !["off", "error", "warn", "info", "debug"].includes(logLevel as string)) {
    fields.add("logLevel", 'must be "off", "error", "warn", "info" or "debug"');
  }
  return {
    ...(typeof onEvent === "function" ? { onEvent: onEvent as ObservabilityOptions["onEvent"] } : {}),
    ...(logger === undefined ? {} : { logger: logger as Logger }),
    ...(logLevel === undefined ? {} : { logLevel: logLevel as LogLevel }),
  };
}

/** An object or a class instance (a logger may be either). */
function isRecordLike(value: unknown): value is object {
  return (typeof value === "object" || typeof value === "function") && value !== null;
}

/** Checks the options of `createEceClient`; no problem names a secret or repeats a value. */
export function checkClientOptions(options: unknown): Checked<CheckedClientOptions> {
  return checkObject(
    options,
    (fields): CheckedClientOptions => {
      const baseUrl = fields.get("baseUrl");
      if (typeof baseUrl !== "string" || !isAbsoluteHttpUrl(baseUrl)) fields.add("baseUrl", "must be an absolute http or https URL");
      else if (/^[a-z]+:\/\/[^/?#]*@/i.test(baseUrl)) {
        fields.add("baseUrl", "must not carry a user name or password (give credentials instead)");
      }
      const apiRoot = fields.get("apiRoot");
      if (apiRoot !== undefined && (typeof apiRoot !== "string" || !apiRoot.startsWith("/"))) {
        fields.add("apiRoot", 'must be a path starting with "/"');
      }
      const timeoutMs = fields.get("timeoutMs");
      if (timeoutMs !== undefined && !isPositiveTimeout(timeoutMs)) {
        fields.add("timeoutMs", "must be a positive finite number of milliseconds");
      }
      const forceLogin = fields.get("forceLogin");
      if (forceLogin !== undefined && typeof forceLogin !== "boolean") fields.add("forceLogin", "must be a boolean");
      const fetchOption = fields.get("fetch");
      if (fetchOption !== undefined && typeof fetchOption !== "function") fields.add("fetch", "must be a function");
      const credentialsInput = fields.get("credentials");
      const accessToken = fields.get("accessToken");
      let credentials: CheckedClientOptions["credentials"];
      if ((credentialsInput === undefined) === (accessToken === undefined)) {
        fields.add("credentials", "or accessToken: give exactly one of them");
      } else if (credentialsInput !== undefined) {
        const inner = checkObject(credentialsInput, (c) => ({ clientKey: c.requiredText("clientKey")!, clientSecret: c.requiredText("clientSecret")! }), "credentials");
        if (inner.ok) credentials = inner.value;
        else for (const { field, problem } of inner.error) fields.add(field === "credentials" ? field : `credentials.${field}`, problem);
      } else if (typeof accessToken !== "string" || accessToken === "") {
        fields.add("accessToken", "must be a non-empty string");
      }
      const observability = checkObservabilityOptions(fields);
      const tracer = fields.get("tracer");
      if (tracer !== undefined && (!isRecordLike(tracer) || typeof (tracer as Tracer).startActiveSpan !== "function")) {
        fields.add("tracer", "must be an OpenTelemetry Tracer (with startActiveSpan)");
      }
      const tokenStore = fields.get("tokenStore");
      if (tokenStore !== undefined) {
        if (!isRecordLike(tokenStore) || TOKEN_STORE_METHODS.some((m) => typeof (tokenStore as Record<string, unknown>)[m] !== "function")) {
          fields.add("tokenStore", `must be a TokenStore (with ${TOKEN_STORE_METHODS.join(", ")})`);
        } else if (accessToken !== undefined) {
          fields.add("tokenStore", "needs credentials (a caller's accessToken is never shared or refreshed)");
        }
      }
      const revokeOnClose = fields.get("revokeOnClose");
      if (revokeOnClose !== undefined && typeof revokeOnClose !== "boolean") fields.add("revokeOnClose", "must be a boolean");
      return {
        observability,
        tracer: tracer as Tracer | undefined,
        tokenStore: tokenStore as TokenStore | undefined,
        revokeOnClose: revokeOnClose as boolean | undefined,
        baseUrl: baseUrl as string,
        apiRoot: apiRoot as string | undefined,
        timeoutMs: timeoutMs as number | undefined,
        forceLogin: forceLogin as boolean | undefined,
        fetch: fetchOption as typeof fetch | undefined,
        credentials,
        accessToken: accessToken as string | undefined,
      };
    },
    "options",
  );
}

/** Custom attribute values: letters, digits, space, `@ : . _ - & , ( ) ? # = ' "`, and above code 127. */
const ATTRIBUTE_VALUE = /^[A-Za-z0-9 @:._\-&,()?#='"\u0080-\u{10FFFF}]*$/u;

/** Checks an entry point ID: a positive integer, as a number or as digit text. */
function entryPointIdOf(fields: Fields): number | undefined {
  const value = fields.get("entryPointId");
  if (fields.unreadable("entryPointId")) return undefined;
  if (value === undefined || value === null) return fields.add("entryPointId", "is required");
  const id = typeof value === "string" && /^[1-9][0-9]*$/.test(value) ? Number(value) : value;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) {
    return fields.add("entryPointId", "must be a positive whole number (a number or digit text)");
  }
  return id;
}

/** Checks `field` of `fields` as a nested object (required), naming its fields `<field>.<name>`. */
function nested<T>(fields: Fields, field: string, read: (inner: Fields) => T): T | undefined {
  const value = fields.get(field);
  if (value === undefined) return fields.add(field, "is required");
  const checked = checkObject(value, read, field);
  if (checked.ok) return checked.value;
  for (const { field: name, problem } of checked.error) fields.add(name === field ? field : `${field}.${name}`, problem);
  return undefined;
}

/** Checks the input of the configuration operation. */
export function checkEntryPointInput(input: unknown): Checked<{ entryPointId: number }> {
  return checkObject(input, (fields) => ({ entryPointId: entryPointIdOf(fields)! }));
}

/** A checked start: the entry point, the customer, and the query, defaults applied. */
export interface CheckedStart {
  entryPointId: number;
  customer: { firstName?: string; lastName?: string; email?: string; social?: { type: string; id: string } };
  subject?: string;
  /** Attribute name and its values, in the caller's order. */
  customAttributes: [string, string[]][];
  query: { searchContactOnAttribute?: string; conversationContact?: string };
}

/**
 * A copy of `list`, each own element read once (a hole is `undefined`): the request is built
 * from what was checked, whatever the caller does to `list` once the call has begun.
 */
function elementsOf(list: unknown[]): unknown[] {
  const length = list.length;
  const copy: unknown[] = [];
  for (let index = 0; index < length; index += 1) copy.push(Object.hasOwn(list, index) ? list[index] : undefined);
  return copy;
}

/** Checks the input of the start operation. */
export function checkStartConversationInput(input: unknown): Checked<CheckedStart> {
  return checkObject(input, (fields): CheckedStart => {
    const entryPointId = entryPointIdOf(fields);
    const customer =
      nested(fields, "customer", (inner) => {
        const email = inner.optionalText("email");
        if (email !== undefined && !email.includes("@")) inner.add("email", 'must be an email address (with "@")');
        const social = inner.has("social")
          ? nested(inner, "social", (s) => {
              const type = s.requiredText("type");
              if (type !== undefined && !/^[A-Za-z][A-Za-z0-9]*$/.test(type)) s.add("type", "must be a name such as instagram");
              return { type: type!, id: s.requiredText("id")! };
            })
          : undefined;
        if (!inner.has("email") && !inner.has("social")) inner.add("customer", "needs a contact point: email or social");
        const firstName = inner.optionalText("firstName");
        const lastName = inner.optionalText("lastName");
        return {
          ...(firstName === undefined ? {} : { firstName }),
          ...(lastName === undefined ? {} : { lastName }),
          ...(email === undefined ? {} : { email }),
          ...(social === undefined ? {} : { social }),
        };
      }) ?? {};
    const subject = fields.optionalText("subject", 255);
    const customAttributes: [string, string[]][] = [];
    if (fields.has("customAttributes")) {
      nested(fields, "customAttributes", (inner) => {
        for (const name of Object.keys(fields.get("customAttributes") as object)) {
          if (name.trim() === "") inner.add(`"${name}"`, "must be a non-blank attribute name");
          const value = inner.get(name);
          const values = Array.isArray(value) ? elementsOf(value as unknown[]) : [value];
          if (values.length === 0) inner.add(name, "must hold at least one value");
          for (const item of values) {
            if (typeof item !== "string") inner.add(name, "must be text or a list of text");
            else if (!ATTRIBUTE_VALUE.test(item)) {
              inner.add(name, `must hold only letters, digits, space, @ : . _ - & , ( ) ? # = ' " or characters above code 127`);
            }
          }
          customAttributes.push([name, values as string[]]);
        }
      });
    }
    const search = fields.optionalText("searchContactOnAttribute");
    const contact = fields.optionalText("conversationContact");
    const socialAttribute = customer.social ? `social.${customer.social.type}Id` : undefined;
    const searchContactOnAttribute = search ?? (customer.email ? "email.emailAddress" : socialAttribute);
    const conversationContact = contact ?? (customer.email ? undefined : socialAttribute);
    return {
      entryPointId: entryPointId!,
      customer,
      ...(subject === undefined ? {} : { subject }),
      customAttributes,
      query: {
        ...(searchContactOnAttribute === undefined ? {} : { searchContactOnAttribute }),
        ...(conversationContact === undefined ? {} : { conversationContact }),
      },
    };
  });
}
