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
/** XML's white space: narrower than `\s`, which also takes U+00A0, U+FEFF, a form feed... */
const S = "[ \\t\\r\\n]";
const BLANK = new RegExp(`^${S}*$`);
/** A tag, or text up to the next `<`; nothing else matches, so anything else ends the read. */
const TOKEN = new RegExp(`<(/?)(${NAME})((?:${S}+${NAME}${S}*=${S}*(?:"[^"<]*"|'[^'<]*'))*)${S}*(/?)>|[^<]+`, "y");
const ATTRIBUTE = new RegExp(`(${NAME})${S}*=${S}*(?:"([^"]*)"|'([^']*)')`, "g");
/** The XML declaration, first if anywhere (after a byte-order mark), with its version. */
const DECLARATION = new RegExp(`^\\uFEFF?(?:<\\?xml${S}+version${S}*=${S}*(["'])1\\.[0-9]+\\1[^?<>]*\\?>)?`);
const ENTITY: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
/** A character XML does not allow (its `Char` production). */
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** Deeper than any of the shapes. */
const MAX_DEPTH = 16;

/** Throws (ending the read) when `text` holds a character XML does not allow. */
function checkChars(text: string): string {
  if (NOT_XML_CHAR.test(text)) throw new SyntaxError("not an XML character");
  return text;
}

/** `text` with XML's five entities and character references decoded; throws (ending the read) on any other `&`. */
function decode(text: string): string {
  // Each reference checked on its own: two references to the halves of a surrogate pair are no character.
  return checkChars(text).replace(/&(?:(lt|gt|amp|quot|apos)|#(x[0-9a-fA-F]+|[0-9]+));|&/g, (_, name?: string, code?: string) => {
    if (name) return ENTITY[name]!;
    // "0x41" and "065" are both read by Number; above U+10FFFF fromCodePoint throws.
    if (code) return checkChars(String.fromCodePoint(Number(`0${code}`)));
    throw new SyntaxError("not a reference");
  });
}

const localName = (name: string): string => name.slice(name.indexOf(":") + 1);

/** The document's root element, or `undefined` when `xml` is not one well-formed element of the kinds above. */
export function readXml(xml: string): XmlElement | undefined {
  const body = xml.replace(DECLARATION, "");
  /** The elements open, each with its name as written (a closing tag repeats it, prefix included). */
  const open: [name: string, element: XmlElement][] = [];
  let root: XmlElement | undefined;
  TOKEN.lastIndex = 0;
  try {
    for (let match; TOKEN.lastIndex < body.length && (match = TOKEN.exec(body)); ) {
      const [token, closing, name, attributeText = "", selfClosing] = match;
      const parent = open.at(-1)?.[1];
      if (name === undefined) {
        // Outside the root, only XML's white space may stand (trim() would also take a U+FEFF); `]]>` nowhere.
        if (parent ? token.includes("]]>") : !BLANK.test(token)) return undefined;
        if (parent) parent.text += decode(token);
      } else if (closing) {
        if (open.pop()?.[0] !== name || selfClosing || attributeText) return undefined;
      } else {
        if (root && !parent) return undefined; // a second root
        const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
        const attributeNames = new Set<string>();
        for (const [, attributeName, double, single] of attributeText.matchAll(ATTRIBUTE)) {
          // A name written twice is refused by XML; a namespace declaration is not read.
          if (attributeNames.has(attributeName!)) return undefined;
          attributeNames.add(attributeName!);
          if (attributeName === "xmlns" || attributeName!.startsWith("xmlns:")) continue;
          const local = localName(attributeName!);
          if (local in attributes) return undefined; // one local name under two prefixes: which to read?
          attributes[local] = decode(double ?? single!);
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
