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
import {
  checkObject,
  describe,
  elementsOf,
  hasMethods,
  isAbsoluteHttpUrl,
  isPositiveWhole,
  isTimerDelay,
  nested,
  type Checked,
  type Fields,
} from "../internal/check.js";
import type { AttachmentDecisionInput, ConversationInput, CustomerInput, MessageInput, UploadAttachmentFromUrlInput } from "./inputs.js";

/** Longest text the geolocation fields accept. */
const GEOLOCATION_TEXT_MAX = 255;

/** Checks the input of the text and HTML operations. */
export function checkMessageInput(input: unknown): Checked<MessageInput> {
  return checkObject(input, (fields) => {
    const conversationId = fields.requiredText("conversationId");
    const message = fields.requiredText("message");
    return { conversationId: conversationId!, message: message! };
  });
}

/** Checks the input of the conversation read. */
export function checkConversationInput(input: unknown): Checked<ConversationInput> {
  return checkObject(input, (fields) => ({ conversationId: fields.requiredText("conversationId")! }));
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
  maxRetries?: number;
}

/** Checks `maxRetries`: a whole number, 0 (no retries) or more. */
function checkMaxRetries(fields: Fields): number | undefined {
  const maxRetries = fields.get("maxRetries");
  if (maxRetries === undefined || (Number.isSafeInteger(maxRetries) && (maxRetries as number) >= 0)) return maxRetries as number | undefined;
  fields.add("maxRetries", "must be a whole number, 0 or more");
  return undefined;
}

/** Checks the per-call options (own properties only; never throws); fields are `options.<name>`. */
export function checkCallOptions(options: unknown): Checked<CheckedCallOptions> {
  if (options === undefined) return { ok: true, value: { signal: undefined, timeoutMs: undefined } };
  const checked = checkObject(
    options,
    (fields): CheckedCallOptions => {
      const timeoutMs = fields.get("timeoutMs");
      if (timeoutMs !== undefined && !isTimerDelay(timeoutMs)) {
        fields.add("timeoutMs", "must be a positive finite number of milliseconds");
      }
      const signal = fields.get("signal");
      if (signal !== undefined && !(signal instanceof AbortSignal)) fields.add("signal", "must be an AbortSignal");
      const maxRetries = checkMaxRetries(fields);
      // The keys are always own, so that reading an absent one never reaches the prototype.
      return {
        signal: signal instanceof AbortSignal ? signal : undefined,
        timeoutMs: isTimerDelay(timeoutMs) ? timeoutMs : undefined,
        ...(maxRetries === undefined ? {} : { maxRetries }),
      };
    },
    "options",
  );
  return checked.ok
    ? checked
    : { ok: false, error: checked.error.map((issue) => ({ ...issue, field: issue.field === "options" ? "options" : `options.${issue.field}` })) };
}

/** Whether an absolute URL carries a user name or password (a secret in a URL). */
const hasUserInfo = (url: string): boolean => /^[a-z]+:\/\/[^/?#]*@/i.test(url);

/** The methods a token store must have. */
const TOKEN_STORE_METHODS = ["read", "write", "deleteIf", "acquireLock", "releaseLock"] as const;

/**
 * Checks the options of `createEceClient`: own properties only, credentials copied. No problem
 * names a secret or repeats a value.
 */
export function checkClientOptions(options: unknown) {
  return checkObject(
    options,
    (fields) => {
      const baseUrl = fields.get("baseUrl");
      if (typeof baseUrl !== "string" || !isAbsoluteHttpUrl(baseUrl)) fields.add("baseUrl", "must be an absolute http or https URL");
      else if (hasUserInfo(baseUrl)) fields.add("baseUrl", "must not carry a user name or password (give credentials instead)");
      const apiRoot = fields.get("apiRoot");
      if (apiRoot !== undefined && (typeof apiRoot !== "string" || !apiRoot.startsWith("/"))) {
        fields.add("apiRoot", 'must be a path starting with "/"');
      }
      const chatRoot = fields.get("chatRoot");
      if (chatRoot !== undefined && (typeof chatRoot !== "string" || !(chatRoot.startsWith("/") || isAbsoluteHttpUrl(chatRoot)))) {
        fields.add("chatRoot", 'must be a path starting with "/" or an absolute http or https URL');
      } else if (typeof chatRoot === "string" && hasUserInfo(chatRoot)) fields.add("chatRoot", "must not carry a user name or password");
      const timeoutMs = fields.get("timeoutMs");
      if (timeoutMs !== undefined && !isTimerDelay(timeoutMs)) {
        fields.add("timeoutMs", "must be a positive finite number of milliseconds");
      }
      const forceLogin = fields.get("forceLogin");
      if (forceLogin !== undefined && typeof forceLogin !== "boolean") fields.add("forceLogin", "must be a boolean");
      const maxRetries = checkMaxRetries(fields);
      const fetchOption = fields.get("fetch");
      if (fetchOption !== undefined && typeof fetchOption !== "function") fields.add("fetch", "must be a function");
      const credentialsInput = fields.get("credentials");
      const accessToken = fields.get("accessToken");
      let credentials: { clientKey: string; clientSecret: string } | undefined;
      if (credentialsInput !== undefined && accessToken !== undefined) {
        fields.add("credentials", "or accessToken: give at most one of them");
      } else if (credentialsInput !== undefined) {
        credentials = nested(fields, "credentials", credentialsInput, (c) => ({
          clientKey: c.requiredText("clientKey")!,
          clientSecret: c.requiredText("clientSecret")!,
        }));
      } else if (accessToken !== undefined && (typeof accessToken !== "string" || accessToken === "")) {
        fields.add("accessToken", "must be a non-empty string");
      }
      const observability = checkObservabilityOptions(fields);
      const tracer = fields.get("tracer");
      if (tracer !== undefined && !hasMethods(tracer, ["startActiveSpan"])) {
        fields.add("tracer", "must be an OpenTelemetry Tracer (with startActiveSpan)");
      }
      const tokenStore = fields.get("tokenStore");
      if (tokenStore !== undefined) {
        if (!hasMethods(tokenStore, TOKEN_STORE_METHODS)) {
          fields.add("tokenStore", `must be a TokenStore (with ${TOKEN_STORE_METHODS.join(", ")})`);
        } else if (credentialsInput === undefined) {
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
        chatRoot: chatRoot as string | undefined,
        timeoutMs: timeoutMs as number | undefined,
        forceLogin: forceLogin as boolean | undefined,
        maxRetries,
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
  if (!isPositiveWhole(id)) {
    return fields.add("entryPointId", "must be a positive whole number (a number or digit text)");
  }
  return id;
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
      nested(fields, "customAttributes", fields.get("customAttributes"), (inner) => {
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
