import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { readXml, type XmlElement } from "../../src/internal/xml.js";

describe("readXml: the strict reader of ECE's fixed XML shapes", () => {
  it("reads the chat web service's documented answers by local name, namespace prefixes ignored", () => {
    expect(readXml(`<agentAvailability xmlns:ns2="http://bindings.egain.com/chat" available="true"/>`)).toEqual({
      name: "agentAvailability",
      attributes: { available: "true" },
      children: [],
      text: "",
    });
    const slots = readXml(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ns3:availableSlots xmlns:ns2="a" xmlns:ns3="b"><ns2:count>3</ns2:count></ns3:availableSlots>\n`,
    );
    expect(slots?.name).toBe("availableSlots");
    expect(slots?.children).toEqual([{ name: "count", attributes: {}, children: [], text: "3" }]);
    expect(readXml(`<checkEligibility responseType='2'/>`)?.attributes).toEqual({ responseType: "2" });
  });

  it("reads an attribute whatever namespace declarations stand beside it, in either order", () => {
    expect(readXml(`<a available="1" xmlns:available="u"/>`)?.attributes).toEqual({ available: "1" });
    expect(readXml(`<a xmlns:available="u" available="1"/>`)?.attributes).toEqual({ available: "1" });
    expect(readXml(`<a xmlnsish="1"/>`)?.attributes).toEqual({ xmlnsish: "1" });
  });

  it("decodes XML's five entities and character references in text and attributes", () => {
    const element = readXml(`<a title="&quot;x&apos; &#x41;">&amp;&lt;&gt;&#66;&#13;</a>`);
    expect(element?.attributes.title).toBe(`"x' A`);
    expect(element?.text).toBe("&<>B\r");
  });

  it.each([
    ["a DOCTYPE (entity expansion)", `<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`],
    ["an entity XML does not define", `<a>&nbsp;</a>`],
    ["an entity named like an object's property", `<a>&constructor;</a>`],
    ["the same in an attribute", `<a title="&constructor;"/>`],
    ["a bare ampersand", `<a>fish & chips</a>`],
    ["a character reference to a lone surrogate", `<a>&#xD800;</a>`],
    ["a character reference to NUL", `<a>&#0;</a>`],
    ["a comment", `<!-- x --><a/>`],
    ["a character XML does not allow, written", `<a>\u0001</a>`],
    ["a character XML does not allow, referenced", `<a>&#xFFFF;</a>`],
    ["a character reference beyond Unicode", `<a>&#x110000;</a>`],
    ["a closing tag under another prefix", `<ns2:a xmlns:ns2="u" xmlns:ns3="u"></ns3:a>`],
    ["a closing tag with attributes", `<a></a x="1">`],
    ["an XML declaration after white space", ` <?xml version="1.0"?><a/>`],
    ["a namespace declared twice", `<a xmlns:n="u" xmlns:n="v"/>`],
    ["a no-break space for white space in a tag", `<a\u00a0x="1"/>`],
    ["a form feed for white space in a closing tag", `<a></a\f>`],
    ["a vertical tab around an attribute's =", `<a x\v="1"/>`],
    ["a no-break space in the XML declaration", `<?xml\u00a0version="1.0"?><a/>`],
    ["an XML declaration without a version", `<?xml ?><a/>`],
    ["an XML declaration with markup in it", `<?xml <b>junk?><a/>`],
    ["references to the two halves of a surrogate pair", `<a>&#xD83D;&#xDE00;</a>`],
    ["the same in an attribute", `<a x="&#55357;&#56832;"/>`],
    ["]]> in text", `<a>]]></a>`],
    ["CDATA", `<a><![CDATA[x]]></a>`],
    ["a processing instruction", `<?php x ?><a/>`],
    ["crossed tags", `<a><b></a></b>`],
    ["an unclosed element", `<a>text`],
    ["two roots", `<a/><b/>`],
    ["text outside the root", `x<a/>`],
    ["a duplicate attribute", `<a x="1" x="2"/>`],
    ["an unquoted attribute", `<a x=1/>`],
    ["nothing", ""],
    ["JSON", `{"available":true}`],
    ["nesting deeper than the shapes need", `${"<a>".repeat(40)}${"</a>".repeat(40)}`],
  ])("refuses %s", (_, xml) => {
    expect(readXml(xml)).toBeUndefined();
  });

  // Pieces of documents: well-formed ones, and pieces that break them in each way the reader refuses.
  const piece = fc.constantFrom(
    "<a>", "</a>", "<n:b>", "</n:b>", "</m:b>", "<c/>", `<a x="1">`, `<n:b n:y='2' z="&amp;">`, ` xmlns:n="u"`, "text", " ", "\n",
    "&lt;", "&#65;", "&#x10FFFF;", "&#0;", "&nbsp;", "&", "<", ">", "<!-- c -->", "<![CDATA[x]]>", `<?xml version="1.0"?>`, "\uFEFF", '"', "=", "\u00a0", "\f", "]]>",
  );

  it("accepts only well-formed XML (fast-xml-parser's validator agrees with every document it reads)", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join("");
        if (readXml(text) !== undefined) expect(XMLValidator.validate(text), text).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  const value = fc.string({ unit: fc.constantFrom("a", "1", " ", "&", "<", ">", '"', "'", "\u00e9", "\u{1F600}"), maxLength: 6 });
  /** An element tree and its XML text, names with and without prefixes, values with each reference. */
  type Written = { xml: string; tree: XmlElement };
  const element: fc.Memo<Written> = fc.memo((depth) =>
    fc
      .record({
        prefix: fc.constantFrom("", "n:", "ns2:"),
        name: fc.constantFrom("a", "conversation", "activity", "count", "x-y.z"),
        attributes: fc.dictionary(fc.constantFrom("id", "available", "type", "b"), value, { maxKeys: 3 }),
        text: value,
        children: depth > 1 ? fc.array(element(depth - 1), { maxLength: 3 }) : fc.constant<Written[]>([]),
      })
      .map(({ prefix, name, attributes, text, children }) => {
        const escape = (value: string) =>
          value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
        const written = Object.entries(attributes).map(([key, value]) => ` ${prefix}${key}="${escape(value)}"`).join("");
        const inner = escape(text) + children.map((child) => child.xml).join("");
        return {
          xml: `<${prefix}${name}${written}>${inner}</${prefix}${name}>`,
          tree: { name, attributes, children: children.map((child) => child.tree), text },
        };
      }),
  );

  it("reads back every well-formed document of these shapes, references decoded", () => {
    fc.assert(
      fc.property(element(3), fc.boolean(), ({ xml, tree }, declared) => {
        const text = declared ? `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n` : xml;
        expect(XMLValidator.validate(text)).toBe(true);
        expect(readXml(text)).toEqual(tree);
      }),
      { numRuns: 1000 },
    );
  });

  it("never throws, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("<", ">", "/", "a", ":", "=", '"', "&", "#", ";", "!", "-", "?", " ", "x") }), (text) => {
        const read = readXml(text);
        expect(read === undefined || typeof read.name === "string").toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
