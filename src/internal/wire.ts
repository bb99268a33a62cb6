/**
 * Reading what came over the wire - ECE's responses and its webhook posts - in one way: IDs as
 * text, sizes as numbers, and an attachment as the one {@link Attachment} shape on both sides.
 *
 * @module
 */
import type { Attachment } from "../outcomes/outcomes.js";

/** Whether `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * A non-negative whole number as it comes over the wire - a number, or decimal digits in a
 * string (XML has only strings) - or `undefined` for anything else, or beyond 2^53.
 */
export function wholeNumberOf(value: unknown): number | undefined {
  const number = typeof value === "string" && /^\s*(0|[1-9][0-9]*)\s*$/.test(value) ? Number(value) : value;
  return typeof number === "number" && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

/** Text as sent, or a finite number as text (JSON may number what XML writes as text). */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** An ID: non-blank text or a number, trimmed. */
export function idOf(value: unknown): string | undefined {
  return scalarText(value)?.trim() || undefined;
}

/** The attachment items of a message: `attachments.attachment` as a list or one object, or `attachment`. */
export function attachmentItems(item: Record<string, unknown> | undefined): unknown[] {
  const holder = item?.attachments;
  const list = isRecord(holder) ? holder.attachment : (holder ?? item?.attachment);
  if (Array.isArray(list)) return list;
  return isRecord(list) ? [list] : [];
}

/** `T` with each field optional, and never `undefined` when present. */
type DefinedFields<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** `record` without its `undefined` fields: an optional field that has no value is absent. */
export function definedFields<T extends object>(record: T): DefinedFields<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as DefinedFields<T>;
}

/** An attachment item's fields; `id` is absent when the item has none. */
export function attachmentOf(item: Record<string, unknown>): Partial<Attachment> {
  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  return definedFields({
    id: idOf(item.id),
    fileName: text(item.fileName ?? item.name),
    contentType: text(item.contentType),
    size: wholeNumberOf(item.size),
    contentUrl: text(item.contentUrl),
  });
}

/** ECE's request ID, from the first of `x-request-id`, `x-correlation-id`, `request-id` it sent. */
export function requestIdOf(headers: Headers, redact: (text: string) => string): string | undefined {
  const id = headers.get("x-request-id") ?? headers.get("x-correlation-id") ?? headers.get("request-id");
  return id === null || id === "" ? undefined : redact(id);
}

/** Base64 of the UTF-8 bytes of `text` (Basic credentials may hold any character). */
export function base64Utf8(text: string): string {
  return btoa(Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join(""));
}

/**
 * The source text of the value at `path` in `json` (text JSON.parse accepts), exactly as it was
 * written - `1.50` stays `1.50` - or `undefined` when there is none. Of duplicate keys the last
 * counts, as with JSON.parse. Only the path is descended; everything else is skipped flat.
 */
export function jsonSourceAt(json: string, path: readonly (string | number)[]): string | undefined {
  const space = (at: number): number => {
    while (at < json.length && " \t\n\r".includes(json[at]!)) at += 1;
    return at;
  };
  /** Where the string starting at `at` (its opening quote) ends. */
  const stringEnd = (at: number): number => {
    for (at += 1; at < json.length && json[at] !== '"'; at += json[at] === "\\" ? 2 : 1);
    return at + 1;
  };
  /** Where the value starting at `at` ends. */
  const valueEnd = (at: number): number => {
    let depth = 0;
    do {
      const char = json[at]!;
      if (char === '"') {
        at = stringEnd(at);
        continue;
      }
      if (char === "{" || char === "[") depth += 1;
      else if (char === "}" || char === "]") depth -= 1;
      else if (depth === 0) {
        while (at < json.length && !",}] \t\n\r".includes(json[at]!)) at += 1;
        return at;
      }
      at += 1;
    } while (depth > 0 && at < json.length);
    return at;
  };
  let at = space(0);
  for (const step of path) {
    const open = typeof step === "string" ? "{" : "[";
    if (json[at] !== open) return undefined;
    let found: number | undefined;
    at = space(at + 1);
    for (let index = 0; at < json.length && json[at] !== (open === "{" ? "}" : "]"); index += 1) {
      let key: string | number = index;
      if (open === "{") {
        const keyEnd = stringEnd(at);
        key = JSON.parse(json.slice(at, keyEnd)) as string;
        at = space(space(keyEnd) + 1); // past the colon
      }
      if (key === step) found = at;
      at = space(valueEnd(at));
      if (json[at] === ",") at = space(at + 1);
    }
    if (found === undefined) return undefined;
    at = found;
  }
  return json.slice(at, valueEnd(at));
}
