/**
 * Which character encoding a webhook body is in, and decoding it without mojibake: the
 * `Content-Type` charset, else a byte order mark, else (XML) the `encoding=` declaration, else
 * UTF-8. Any label the runtime's `TextDecoder` knows is accepted; bytes that are not valid in the
 * encoding are an error, never U+FFFD.
 *
 * @module
 */
import type { WebhookBodyFormat } from "./messages.js";

/** The `charset` parameter of a `Content-Type`: a quoted string (group 1) or a token (group 2). */
const charsetParameter = /;\s*charset\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/i;

/** An XML declaration's `encoding=`, ASCII in every encoding it can name without a byte order mark. */
const declaredEncoding = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']*)["']/;

const byteOrderMarks: [number[], string][] = [
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xfe, 0xff], "utf-16be"],
  [[0xff, 0xfe], "utf-16le"],
];

/** The label of the encoding `bytes` are in, as their `Content-Type`, byte order mark or XML declaration says; else UTF-8. */
export function encodingOf(bytes: Uint8Array, contentType: string, format: WebhookBodyFormat): string {
  const charset = charsetParameter.exec(contentType);
  if (charset) return charset[1]?.replace(/\\(.)/g, "$1") ?? charset[2]!;
  const mark = byteOrderMarks.find(([prefix]) => prefix.every((byte, i) => bytes[i] === byte));
  if (mark) return mark[1];
  const head = format === "xml" ? String.fromCharCode(...bytes.subarray(0, 256)) : "";
  return declaredEncoding.exec(head)?.[1] ?? "utf-8";
}

// windows-1252 at 0x80-0x9F (WHATWG, where the labels iso-8859-1, latin1 and ascii lead too);
// the five unassigned bytes map to the C1 controls, as the standard says.
const windows1252High =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/** What decodes a body: a TextDecoder, or the windows-1252 one below. */
type BodyDecoder = Pick<TextDecoder, "encoding" | "decode">;

/**
 * Decoders by label, each made once: a TextDecoder's first decode costs more than a small body's
 * (bench/'s webhookRatio). Labels come from the network: at most 64 are kept.
 */
const decoders = new Map<string, BodyDecoder | undefined>();

/**
 * A decoder that throws on bytes not valid in `label`'s encoding, or `undefined` when the runtime's
 * TextDecoder knows no such label.
 */
export function strictDecoder(label: string): BodyDecoder | undefined {
  if (!decoders.has(label)) {
    if (decoders.size >= 64) decoders.clear();
    decoders.set(label, newDecoder(label));
  }
  return decoders.get(label);
}

function newDecoder(label: string): BodyDecoder | undefined {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    return undefined; // RangeError: not a label this runtime knows
  }
  if (decoder.encoding !== "windows-1252" || decoder.decode(Uint8Array.of(0x80)) === "\u20ac") return decoder;
  // A runtime whose windows-1252 is ISO-8859-1 (Node 20: 0x80 becomes U+0080, not the euro sign)
  // would deliver Windows punctuation (’ “ ” – €) as control characters: mapped here instead.
  const toWindows1252 = (control: string): string => windows1252High[control.charCodeAt(0) - 0x80]!;
  return { encoding: "windows-1252", decode: (bytes) => decoder.decode(bytes).replace(/[\u0080-\u009f]/g, toWindows1252) };
}
