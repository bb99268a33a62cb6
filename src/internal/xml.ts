/**
 * A small strict XML reader for the few fixed shapes ECE answers the client with (the chat web
 * service, a conversation read back): elements, attributes and text, by local name (namespace
 * prefixes ignored). It refuses what those shapes never hold - a DOCTYPE, a comment, CDATA, a
 * processing instruction other than the XML declaration, entities other than XML's five and
 * character references, unbalanced tags - by returning `undefined`. Internal.
 *
 * @module
 */

/** One element: its local name, its attributes by local name, its child elements and its text. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** An XML name, with a namespace prefix or without. */
const NAME = "[A-Za-z_][\\w.-]*(?::[A-Za-z_][\\w.-]*)?";
/** A tag, or text up to the next `<`; nothing else matches, so anything else ends the read. */
const TOKEN = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>|[^<]+`, "y");
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "g");
const ENTITY: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
/** A character XML does not allow (its `Char` production). */
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** Deeper than any of the shapes. */
const MAX_DEPTH = 16;

/** `text` with XML's five entities and character references decoded; throws (ending the read) on any other `&`. */
function decode(text: string): string {
  const decoded = text.replace(/&(?:(lt|gt|amp|quot|apos)|#(x[0-9a-fA-F]+|[0-9]+));|&/g, (_, name?: string, code?: string) => {
    if (name) return ENTITY[name]!;
    // "0x41" and "065" are both read by Number; above U+10FFFF fromCodePoint throws.
    if (code) return String.fromCodePoint(Number(`0${code}`));
    throw new SyntaxError("not a reference");
  });
  if (NOT_XML_CHAR.test(decoded)) throw new SyntaxError("not an XML character");
  return decoded;
}

const localName = (name: string): string => name.slice(name.indexOf(":") + 1);

/** The document's root element, or `undefined` when `xml` is not one well-formed element of the kinds above. */
export function readXml(xml: string): XmlElement | undefined {
  // The XML declaration, if any, comes first (after a byte-order mark).
  const body = xml.replace(/^\uFEFF?(?:<\?xml\s[^?]*\?>)?/, "");
  /** The elements open, each with its name as written (a closing tag repeats it, prefix included). */
  const open: [name: string, element: XmlElement][] = [];
  let root: XmlElement | undefined;
  TOKEN.lastIndex = 0;
  try {
    for (let match; TOKEN.lastIndex < body.length && (match = TOKEN.exec(body)); ) {
      const [token, closing, name, attributeText = "", selfClosing] = match;
      const parent = open.at(-1)?.[1];
      if (name === undefined) {
        // Outside the root, only XML's white space may stand (trim() would also take a U+FEFF).
        if (parent) parent.text += decode(token);
        else if (/[^ \t\r\n]/.test(token)) return undefined;
      } else if (closing) {
        if (open.pop()?.[0] !== name || selfClosing || attributeText) return undefined;
      } else {
        if (root && !parent) return undefined; // a second root
        const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
        const attributeNames = new Set<string>();
        for (const [, attributeName, double, single] of attributeText.matchAll(ATTRIBUTE)) {
          const local = localName(attributeName!);
          // A name written twice (refused by XML), or one local name under two prefixes (read by local name).
          if (attributeNames.has(attributeName!) || local in attributes) return undefined;
          attributeNames.add(attributeName!);
          if (!attributeName!.startsWith("xmlns")) attributes[local] = decode(double ?? single!);
        }
        const element: XmlElement = { name: localName(name), attributes, children: [], text: "" };
        parent?.children.push(element);
        root ??= element;
        if (!selfClosing && open.push([name, element]) > MAX_DEPTH) return undefined;
      }
    }
  } catch {
    return undefined;
  }
  return TOKEN.lastIndex === body.length && open.length === 0 ? root : undefined;
}
