/**
 * Secrets out of network text, at the point it enters an outcome: error bodies, network error
 * text and success payloads. The SDK's own sentences are never passed through here.
 *
 * @module
 */
import { base64Utf8 } from "./wire.js";

/** What a secret is replaced with. */
const REDACTED = "[redacted]";

/** Replaces secrets in text. */
export type Redact = (text: string) => string;

/**
 * The forms a secret may travel in: as is, URL-encoded (`encodeURIComponent`, that with a space
 * as `+`, and as a form encodes it), and base64 and base64url of its UTF-8 bytes, with and
 * without padding. Each is of the whole secret: base64 of a part is not a part of base64.
 */
function encodedForms(secret: string): string[] {
  const base64 = base64Utf8(secret);
  const base64url = base64.replace(/\+/g, "-").replace(/\//g, "_");
  const forms = [secret, new URLSearchParams({ s: secret }).toString().slice(2), base64, base64url];
  forms.push(base64.replace(/=+$/, ""), base64url.replace(/=+$/, ""));
  try {
    const uri = encodeURIComponent(secret);
    forms.push(uri, uri.replace(/%20/g, "+"));
  } catch {
    // A lone surrogate: no URL-encoded form to look for (the form encoding above replaced it).
  }
  return forms;
}

/**
 * The pattern of every form of `secrets`, shared by all redactors: a client makes one per call,
 * and building a pattern (the encodings, a regular expression) per call cost a fifth of the
 * throughput at 64 concurrent sends (bench/, issue 20).
 */
const patterns = new Map<string, RegExp | undefined>();
function patternOf(secrets: readonly string[]): RegExp | undefined {
  const key = JSON.stringify(secrets);
  if (!patterns.has(key)) {
    if (patterns.size >= 64) patterns.clear();
    const list = [...new Set(secrets.flatMap(encodedForms))].filter((form) => form !== "").sort((a, b) => b.length - a.length);
    const escaped = list.map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    patterns.set(key, list.length === 0 ? undefined : new RegExp(escaped.join("|"), "g"));
  }
  return patterns.get(key);
}

/**
 * Builds a function that replaces each secret it knows of, and each of its encoded forms, with
 * `[redacted]`, in one pass (a secret found inside `[redacted]` itself, or inside a longer
 * secret, cannot garble the result).
 */
export function createRedactor(secrets: () => Iterable<string>): Redact {
  let last: readonly string[] = [];
  let pattern: RegExp | undefined;
  return (text) => {
    // The pattern is looked up again only when the secrets, as given, change: not for every string.
    const given = [...secrets()];
    if (given.length !== last.length || given.some((secret, i) => secret !== last[i])) {
      last = given;
      pattern = patternOf(given);
    }
    return pattern === undefined ? text : text.replace(pattern, REDACTED);
  };
}

/**
 * Keys whose text values are protocol values - dates, IDs, sizes, a download URL - that the SDK
 * sends back or hands the caller to use: a secret that happens to appear in one (a client secret
 * `2025` in the date `2025-06-12...`) must not change it, or ECE answers `409` to a start. A value
 * that is a secret as a whole is no such coincidence but an echo: it is redacted.
 */
const PROTOCOL_KEYS: ReadonlySet<string> = new Set(["date", "id", "conversationId", "activityId", "attachmentId", "messageId", "size", "contentUrl"]);

/**
 * A copy of JSON that came over the network (a body as openapi-fetch parsed it: object, array,
 * text or nothing) with every secret replaced in its values - but for the text of a protocol key
 * (`date`, `id`, `contentUrl`...), kept as sent unless it is a secret whole - and in its keys
 * unless `keys` is false (for a body the SDK still has to read by key). Iterative, so a deeply
 * nested payload cannot overflow the stack.
 */
export function redactBody<T>(body: T, redact: Redact, keys = true): T {
  if (typeof body === "string") return redact(body) as T;
  if (body === null || typeof body !== "object") return body;
  const empty = (source: object): object => (Array.isArray(source) ? [] : {});
  const root = empty(body);
  const pending: [Record<string, unknown>, Record<string, unknown>][] = [[body as Record<string, unknown>, root as Record<string, unknown>]];
  while (pending.length > 0) {
    const [source, target] = pending.pop()!;
    for (const key of Object.keys(source)) {
      const item = source[key];
      let value: unknown = item;
      if (typeof item === "string") {
        const redacted = redact(item);
        value = PROTOCOL_KEYS.has(key) && redacted !== REDACTED ? item : redacted;
      }
      if (item !== null && typeof item === "object") {
        value = empty(item);
        pending.push([item as Record<string, unknown>, value as Record<string, unknown>]);
      }
      // defineProperty: a key such as "__proto__" stays plain data.
      const name = keys && !Array.isArray(target) ? redact(key) : key;
      Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return root as T;
}
