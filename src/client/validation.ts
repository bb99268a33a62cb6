/**
 * Internal: the client's checks, run before any request - each operation's input, the per-call
 * options and `createEceClient`'s options. Each returns the checked values or every problem
 * found, each naming its field. The input rules are the ECE "Send Message" node's.
 *
 * @module
 */
import type { TokenStore } from "../tokens/token-store.js";
import type { Tracer } from "../observe/tracing.js";
import { checkObservabilityOptions } from "../observe/events.js";
import { checkObject, describe, elementsOf, hasMethods, isAbsoluteHttpUrl, isPositiveWhole, isTimerDelay, nested, type Checked, type Fields } from "../internal/check.js";
import { definedFields } from "../internal/wire.js";
import type { AttachmentDecisionInput, ConversationInput, CustomerInput, MessageInput, UploadAttachmentFromUrlInput } from "./inputs.js";

/** Longest text the geolocation fields accept. */
const GEOLOCATION_TEXT_MAX = 255;

const NOT_HTTP_URL = "must be an absolute http or https URL";
const NOT_TIMER_DELAY = "must be a positive finite number of milliseconds";

/** Reads `names`, each a required non-blank string (the value is used only when every one is). */
function requiredTexts<K extends string>(fields: Fields, names: readonly K[]): Record<K, string> {
  return Object.fromEntries(names.map((name) => [name, fields.requiredText(name)])) as Record<K, string>;
}

/** Checks the input of the text and HTML operations. */
export function checkMessageInput(input: unknown): Checked<MessageInput> {
  return checkObject(input, (fields) => requiredTexts(fields, ["conversationId", "message"]));
}

/** Checks the input of the conversation read. */
export function checkConversationInput(input: unknown): Checked<ConversationInput> {
  return checkObject(input, (fields) => requiredTexts(fields, ["conversationId"]));
}

/** Checks the input of the accept- and reject-attachment operations. */
export function checkAttachmentDecisionInput(input: unknown): Checked<AttachmentDecisionInput> {
  return checkObject(input, (fields) => requiredTexts(fields, ["conversationId", "attachmentId"]));
}

/** The rules of a file size, in order: the first one it breaks is its problem. */
const FILE_SIZE_RULES: [holds: (size: unknown) => boolean, problem: (size: unknown) => string][] = [
  [(size) => typeof size === "number", (size) => `must be a number, not ${describe(size)}`],
  [Number.isFinite, (size) => `must be a finite number of bytes, not ${String(size)}`],
  [Number.isInteger, () => "must be a whole number of bytes"],
  [(size) => (size as number) >= 0, () => "must not be negative"],
  [Number.isSafeInteger, () => `must be at most ${Number.MAX_SAFE_INTEGER}`],
];

/** Checks the input of the upload-from-URL operation. */
export function checkUploadAttachmentFromUrlInput(input: unknown): Checked<UploadAttachmentFromUrlInput> {
  return checkObject(input, (fields) => {
    const texts = requiredTexts(fields, ["conversationId", "fileName", "contentType"]);
    const fileSize = fields.required("fileSize");
    const broken = fileSize === undefined ? undefined : FILE_SIZE_RULES.find(([holds]) => !holds(fileSize));
    if (broken) fields.add("fileSize", broken[1](fileSize));
    const contentUrl = fields.requiredText("contentUrl");
    if (contentUrl !== undefined && !isAbsoluteHttpUrl(contentUrl)) fields.add("contentUrl", NOT_HTTP_URL);
    return { ...texts, fileSize: fileSize as number, contentUrl: contentUrl! };
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

/** A coordinate as decimal-degree text, within -`limit`..`limit`: a finite number, or such text as written. */
function coordinateText(fields: Fields, field: "latitude" | "longitude", limit: number): string | undefined {
  const value = fields.get(field);
  if (value === undefined) return undefined;
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return fields.add(field, `must be a finite number, not ${value}`);
    text = decimalText(value);
  } else if (typeof value === "string") {
    if ([...value].length > GEOLOCATION_TEXT_MAX) return fields.add(field, `must be at most ${GEOLOCATION_TEXT_MAX} characters`);
    if (!DECIMAL_DEGREES.test(value)) return fields.add(field, 'must be decimal degrees such as "52.3676" (digits, an optional sign and fraction)');
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
    if (url !== undefined && !isAbsoluteHttpUrl(url)) fields.add("locationUrl", NOT_HTTP_URL);
    const address = fields.optionalText("address");
    const hasLatitude = fields.has("latitude");
    const hasLongitude = fields.has("longitude");
    if (hasLatitude !== hasLongitude) fields.add(hasLatitude ? "longitude" : "latitude", "is required when the other coordinate is given");
    if (!hasLatitude && !hasLongitude && !fields.has("locationUrl") && !fields.has("address")) {
      fields.add("input", "needs a coordinate (latitude and longitude), a locationUrl or an address");
    }
    const coordinate = latitude !== undefined && longitude !== undefined ? { latitude, longitude } : undefined;
    return { conversationId: conversationId!, ...definedFields({ coordinate, label, url, address }) };
  });
}

/** The per-call options, as checked. */
export interface CheckedCallOptions {
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  maxRetries?: number;
}

/** `maxRetries`: a whole number, 0 (no retries) or more. */
const isRetryCount = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
const NOT_RETRY_COUNT = "must be a whole number, 0 or more";

/** Checks the per-call options (own properties only; never throws); fields are `options.<name>`. */
export function checkCallOptions(options: unknown): Checked<CheckedCallOptions> {
  if (options === undefined) return { ok: true, value: { signal: undefined, timeoutMs: undefined } };
  // Checked as the call's nested object `options`, so that each problem is named `options.<name>`.
  return checkObject({ options }, (call) =>
    nested(call, "options", options, (fields): CheckedCallOptions => ({
      // Every key is always own, so that reading an absent one never reaches the prototype.
      timeoutMs: fields.optional<number>("timeoutMs", isTimerDelay, NOT_TIMER_DELAY),
      signal: fields.optional<AbortSignal>("signal", (signal) => signal instanceof AbortSignal, "must be an AbortSignal"),
      maxRetries: fields.optional<number>("maxRetries", isRetryCount, NOT_RETRY_COUNT),
    }))!,
  );
}

const isBoolean = (value: unknown) => typeof value === "boolean";

/** Whether an absolute URL carries a user name or password (a secret in a URL). */
const hasUserInfo = (url: string): boolean => /^[a-z]+:\/\/[^/?#]*@/i.test(url);
const NO_USER_INFO = "must not carry a user name or password";

/** The methods a token store must have. */
const TOKEN_STORE_METHODS = ["read", "write", "deleteIf", "acquireLock", "releaseLock"] as const;

/**
 * Reads the options of `createEceClient`: own properties only, credentials copied. No problem
 * names a secret or repeats a value.
 */
function readClientOptions(fields: Fields) {
  const baseUrl = fields.get("baseUrl");
  if (typeof baseUrl !== "string" || !isAbsoluteHttpUrl(baseUrl)) fields.add("baseUrl", NOT_HTTP_URL);
  else if (hasUserInfo(baseUrl)) fields.add("baseUrl", NO_USER_INFO);
  const apiRoot = fields.optional<string>("apiRoot", (root) => typeof root === "string" && root.startsWith("/"), 'must be a path starting with "/"');
  const isChatRoot = (root: unknown) => typeof root === "string" && (root.startsWith("/") || isAbsoluteHttpUrl(root));
  const chatRoot = fields.optional<string>("chatRoot", isChatRoot, 'must be a path starting with "/" or an absolute http or https URL');
  if (chatRoot !== undefined && hasUserInfo(chatRoot)) fields.add("chatRoot", NO_USER_INFO);
  const timeoutMs = fields.optional<number>("timeoutMs", isTimerDelay, NOT_TIMER_DELAY);
  const forceLogin = fields.optional<boolean>("forceLogin", isBoolean, "must be a boolean");
  const maxRetries = fields.optional<number>("maxRetries", isRetryCount, NOT_RETRY_COUNT);
  const fetchOption = fields.optional<typeof fetch>("fetch", (given) => typeof given === "function", "must be a function");
  const credentialsInput = fields.get("credentials");
  const accessToken = fields.get("accessToken");
  let credentials: { clientKey: string; clientSecret: string } | undefined;
  if (credentialsInput !== undefined && accessToken !== undefined) {
    fields.add("credentials", "or accessToken: give at most one of them");
  } else if (credentialsInput !== undefined) {
    credentials = nested(fields, "credentials", credentialsInput, (inner) => requiredTexts(inner, ["clientKey", "clientSecret"]));
  } else if (accessToken !== undefined && (typeof accessToken !== "string" || accessToken === "")) {
    fields.add("accessToken", "must be a non-empty string");
  }
  const observability = checkObservabilityOptions(fields);
  const tracerProblem = "must be a Tracer (with startActiveSpan)";
  const tracer = fields.optional<Tracer>("tracer", (given) => hasMethods(given, ["startActiveSpan"]), tracerProblem);
  const storeProblem = `must be a TokenStore (with ${TOKEN_STORE_METHODS.join(", ")})`;
  const tokenStore = fields.optional<TokenStore>("tokenStore", (given) => hasMethods(given, TOKEN_STORE_METHODS), storeProblem);
  if (tokenStore !== undefined && credentialsInput === undefined) {
    fields.add("tokenStore", "needs credentials (an accessToken is never shared)");
  }
  const revokeOnClose = fields.optional<boolean>("revokeOnClose", isBoolean, "must be a boolean");
  return {
    baseUrl: baseUrl as string, apiRoot, chatRoot, timeoutMs, forceLogin, maxRetries, fetch: fetchOption, credentials,
    accessToken: accessToken as string | undefined, observability, tracer, tokenStore, revokeOnClose,
  };
}

/** Checks the options of `createEceClient`. */
export function checkClientOptions(options: unknown) {
  return checkObject(options, readClientOptions, "options");
}

/** Custom attribute values: letters, digits, space, `@ : . _ - & , ( ) ? # = ' "`, and above code 127. */
const ATTRIBUTE_VALUE = /^[A-Za-z0-9 @:._\-&,()?#='"\u0080-\u{10FFFF}]*$/u;
const ATTRIBUTE_VALUE_PROBLEM = `must hold only letters, digits, space, @ : . _ - & , ( ) ? # = ' " or characters above code 127`;

/** Checks an entry point ID: a positive integer, as a number or as digit text. */
function entryPointIdOf(fields: Fields): number | undefined {
  const value = fields.required("entryPointId");
  if (value === undefined) return undefined;
  const id = typeof value === "string" && /^[1-9][0-9]*$/.test(value) ? Number(value) : value;
  return isPositiveWhole(id) ? id : fields.add("entryPointId", "must be a positive whole number");
}

/** Checks the input of the configuration operation. */
export function checkEntryPointInput(input: unknown): Checked<{ entryPointId: number }> {
  return checkObject(input, (fields) => ({ entryPointId: entryPointIdOf(fields)! }));
}

/** A checked start: the entry point, the customer, and the query, defaults applied. */
export interface CheckedStart {
  entryPointId: number;
  customer: CustomerInput;
  subject?: string;
  /** Attribute name and its values, in the caller's order. */
  customAttributes: [string, string[]][];
  query: { searchContactOnAttribute?: string; conversationContact?: string };
}

/** Checks the input of the start operation. */
export function checkStartConversationInput(input: unknown): Checked<CheckedStart> {
  return checkObject(input, (fields): CheckedStart => {
    const entryPointId = entryPointIdOf(fields);
    const customer =
      nested(fields, "customer", fields.get("customer"), (inner) => {
        const email = inner.optionalText("email");
        if (email !== undefined && !email.includes("@")) inner.add("email", 'must be an email address (with "@")');
        const social = inner.has("social")
          ? nested(inner, "social", inner.get("social"), (s) => {
              const type = s.requiredText("type");
              if (type !== undefined && !/^[A-Za-z][A-Za-z0-9]*$/.test(type)) s.add("type", "must be a name such as instagram");
              return { type: type!, id: s.requiredText("id")! };
            })
          : undefined;
        if (!inner.has("email") && !inner.has("social")) inner.add("customer", "needs a contact point: email or social");
        return definedFields({ firstName: inner.optionalText("firstName"), lastName: inner.optionalText("lastName"), email, social });
      }) ?? {};
    const subject = fields.optionalText("subject", 255);
    const customAttributes: [string, string[]][] = [];
    if (fields.has("customAttributes")) {
      nested(fields, "customAttributes", fields.get("customAttributes"), (inner) => {
        for (const name of Object.keys(fields.get("customAttributes") as object)) {
          if (name.trim() === "") inner.add(`"${name}"`, "must be a non-blank attribute name");
          const value = inner.get(name);
          const values = Array.isArray(value) ? elementsOf(value as unknown[]) : [value];
          if (values.length === 0) inner.add(name, "must hold at least one value");
          for (const item of values) {
            if (typeof item !== "string") inner.add(name, "must be text or a list of text");
            else if (!ATTRIBUTE_VALUE.test(item)) inner.add(name, ATTRIBUTE_VALUE_PROBLEM);
          }
          customAttributes.push([name, values as string[]]);
        }
      });
    }
    const socialAttribute = customer.social ? `social.${customer.social.type}Id` : undefined;
    const query = definedFields({
      searchContactOnAttribute: fields.optionalText("searchContactOnAttribute") ?? (customer.email ? "email.emailAddress" : socialAttribute),
      conversationContact: fields.optionalText("conversationContact") ?? (customer.email ? undefined : socialAttribute),
    });
    return { entryPointId: entryPointId!, customer, ...definedFields({ subject }), customAttributes, query };
  });
}
