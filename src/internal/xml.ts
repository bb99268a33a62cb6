/**
 * A small strict XML reader for the few fixed shapes ECE answers the client with (the chat web
 * service, a conversation read back): elements, attributes and text, by local name (namespace
 * prefixes ignored). It refuses what those shapes never hold - a DOCTYPE, a processing
 * instruction other than the XML declaration, CDATA, entities other than XML's five and
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

const NAME = "[A-Za-z_][\\w.-]*(?::[A-Za-z_][\\w.-]*)?";
const TOKEN = new RegExp(
  `<!--[\\s\\S]*?-->|<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>|([^<]+)|(<)`,
  "gy",
);
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "g");
const ENTITY: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const MAX_DEPTH = 16;

/** `text` with XML's five entities and character references decoded, or `undefined` for any other `&`. */
function decode(text: string): string | undefined {
  let bad = false;
  const decoded = text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]+);|&/g, (whole, name: string | undefined) => {
    if (name === undefined) return ((bad = true), whole);
    // Own keys only: `&constructor;` is no entity.
    if (!name.startsWith("#")) return Object.hasOwn(ENTITY, name) ? ENTITY[name]! : ((bad = true), whole);
    const code = name[1] === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff));
    return valid ? String.fromCodePoint(code) : ((bad = true), whole);
  });
  return bad ? undefined : decoded;
}

const localName = (name: string): string => name.slice(name.indexOf(":") + 1);

/** The document's root element, or `undefined` when `xml` is not one well-formed element of the kinds above. */
export function readXml(xml: string): XmlElement | undefined {
  const body = xml.replace(/^\uFEFF?\s*(?:<\?xml\s[^?]*\?>)?/, "");
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  // Every character starts a token (a lone `<` is a stray one): the loop reads the whole body.
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(body); match !== null; match = TOKEN.exec(body)) {
    const [, closing, name, attributeText, selfClosing, text, stray] = match;
    if (stray !== undefined) return undefined;
    if (text !== undefined) {
      const decoded = decode(text);
      const parent = stack.at(-1);
      // Outside the root, only blank text may stand.
      if (decoded === undefined || (parent === undefined && decoded.trim() !== "")) return undefined;
      if (parent !== undefined) parent.text += decoded;
      continue;
    }
    if (name === undefined) continue; // a comment
    if (closing) {
      if (stack.pop()?.name !== localName(name) || selfClosing) return undefined;
      continue;
    }
    if (root !== undefined && stack.length === 0) return undefined; // a second root
    const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [, attributeName, double, single] of (attributeText ?? "").matchAll(ATTRIBUTE)) {
      const value = decode(double ?? single ?? "");
      const local = localName(attributeName!);
      if (value === undefined || Object.hasOwn(attributes, local)) return undefined;
      if (!attributeName!.startsWith("xmlns")) attributes[local] = value;
    }
    const element: XmlElement = { name: localName(name), attributes, children: [], text: "" };
    stack[stack.length - 1]?.children.push(element);
    root ??= element;
    if (!selfClosing) {
      if (stack.length === MAX_DEPTH) return undefined;
      stack.push(element);
    }
  }
  return stack.length === 0 ? root : undefined;
}
