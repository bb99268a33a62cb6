import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readXml } from "../../src/internal/xml.js";

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

  it("decodes XML's five entities and character references in text and attributes", () => {
    const element = readXml(`<!-- a comment --><a title="&quot;x&apos; &#x41;">&amp;&lt;&gt;&#66;&#13;</a>`);
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
