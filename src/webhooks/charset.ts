/**
 * Which character encoding a webhook body is in, and decoding it without mojibake: the
 * `Content-Type` charset, else (XML) a byte order mark or the `encoding=` declaration, else
 * UTF-8. Any label the runtime's `TextDecoder` knows is accepted; bytes that are not valid in the
 * encoding are an error, never U+FFFD.
 *
 * @module
 */

/** The `charset` parameter of a `Content-Type` (unquoted), or `undefined` when there is none. */
export function charsetParameter(contentType: string): string | undefined {
  const parts = contentType.split(";");
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const equals = part.indexOf("=");
    if (equals < 0 || part.slice(0, equals).trim().toLowerCase() !== "charset") continue;
    const value = part.slice(equals + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, "$1") : value;
  }
  return undefined;
}

/** The encoding a byte order mark names, or `undefined`. */
export function byteOrderMark(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return undefined;
}

const declaration = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/;

/**
 * The encoding an XML declaration names (`<?xml version="1.0" encoding="ISO-8859-1"?>`), or
 * `undefined`. The declaration is ASCII in every encoding it can name without a byte order mark.
 */
export function xmlDeclaredEncoding(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, 256);
  if (head[0] !== 0x3c && head[0] !== 0x20 && head[0] !== 0x09 && head[0] !== 0x0a && head[0] !== 0x0d) return undefined;
  let text = "";
  for (const byte of head) text += String.fromCharCode(byte);
  const match = declaration.exec(text);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** What decodes a body: a TextDecoder, or the fallback below. */
interface BodyDecoder {
  /** The encoding's name, as TextDecoder names it. */
  readonly encoding: string;
  /** Decodes all of `bytes`; throws on bytes not valid in the encoding. */
  decode(bytes: Uint8Array): string;
}

// windows-1252 at 0x80-0x9F (WHATWG, where the labels iso-8859-1, latin1 and ascii lead too);
// the five unassigned bytes map to the C1 controls, as the standard says.
const windows1252High =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/**
 * windows-1252 done by hand, for runtimes whose TextDecoder decodes it as ISO-8859-1 (Node 20
 * does: 0x80 becomes U+0080, not the euro sign), which would deliver Windows punctuation
 * (’ “ ” – €) as control characters.
 */
const windows1252: BodyDecoder = {
  encoding: "windows-1252",
  decode(bytes) {
    const parts: string[] = [];
    const units = new Uint16Array(Math.min(bytes.length, 8192));
    for (let start = 0; start < bytes.length; start += units.length) {
      const end = Math.min(start + units.length, bytes.length);
      for (let i = start; i < end; i++) {
        const byte = bytes[i]!;
        units[i - start] = byte >= 0x80 && byte < 0xa0 ? windows1252High.charCodeAt(byte - 0x80) : byte;
      }
      parts.push(String.fromCharCode(...units.subarray(0, end - start)));
    }
    return parts.join("");
  },
};

let nativeWindows1252Works: boolean | undefined;

const decoders = new Map<string, BodyDecoder | undefined>();

/**
 * A decoder that throws on bytes not valid in `label`'s encoding, or `undefined` when the runtime's
 * TextDecoder knows no such label. Cached per label.
 */
export function strictDecoder(label: string): BodyDecoder | undefined {
  const key = label.trim().toLowerCase();
  if (decoders.has(key)) return decoders.get(key);
  let decoder: BodyDecoder | undefined;
  try {
    decoder = new TextDecoder(key, { fatal: true });
  } catch {
    decoder = undefined; // RangeError: not a label this runtime knows
  }
  if (decoder?.encoding === "windows-1252") {
    nativeWindows1252Works ??= decoder.decode(Uint8Array.of(0x80)) === "\u20ac";
    if (!nativeWindows1252Works) decoder = windows1252;
  }
  if (decoders.size < 64) decoders.set(key, decoder); // labels come from the network: bounded
  return decoder;
}
