/**
 * Finding 4 of the receiver's hostile test: `charset=iso-8859-1` bodies were decoded as UTF-8 and
 * delivered as mojibake ("h\uFFFDllo"). Now the body is decoded by the charset the Content-Type
 * names, else (XML) by the BOM or the `encoding=` declaration, else as UTF-8 - any label
 * TextDecoder knows; an unknown label is 415 and bytes that are not valid in the charset are
 * 400: mojibake is never delivered.
 */
import { describe, expect, it } from "vitest";
import { everyTypeItems, jsonBody, xmlBody } from "../support/webhook-fixtures.js";
import { basicAuthorization, recordingHandler, serveWebhook } from "../support/webhook-server.js";

const text = "Grüße aus Köln, señor: ça coûte 5 €?"; // € is in windows-1252, not in ISO-8859-1 proper
const latinText = "Grüße aus Köln, señor: ça coûte 5 £?";
const item = (content: string) => ({ ...everyTypeItems[3]!, content });

function request(body: Uint8Array<ArrayBuffer> | string, contentType: string): Request {
  return new Request("https://receiver.example/ece", {
    method: "POST",
    headers: { Authorization: basicAuthorization, "Content-Type": contentType },
    body,
  });
}

// windows-1252's bytes 0x80-0x9F that Windows text uses most, written out from the standard's table.
const windows1252Bytes: Record<string, number> = { "€": 0x80, "‚": 0x82, "…": 0x85, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "–": 0x96, "—": 0x97, "™": 0x99 };

/** The bytes of `text` in windows-1252, built by hand (Node's Buffer knows only latin1). */
function windows1252(source: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([...source], (char) => windows1252Bytes[char] ?? char.charCodeAt(0));
}
const punctuation = "It’s “done” – 5 € … ‘ok’™";

function utf16le(source: string, bom = false): Uint8Array<ArrayBuffer> {
  const bytes = Buffer.from(source, "utf16le");
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), bytes]) : bytes;
}

describe("the body is decoded by its charset", () => {
  const cases: [string, () => Request, string][] = [
    ["JSON, charset=iso-8859-1", () => request(Buffer.from(jsonBody([item(latinText)]), "latin1"), "application/json; charset=iso-8859-1"), latinText],
    ["JSON, charset=ISO-8859-1 (any case)", () => request(Buffer.from(jsonBody([item(latinText)]), "latin1"), "application/json;charset=ISO-8859-1"), latinText],
    ["JSON, charset=\"windows-1252\" (quoted)", () => request(windows1252(jsonBody([item(text)])), 'application/json; charset="windows-1252"'), text],
    // The WHATWG label iso-8859-1 means windows-1252: Windows punctuation must not become C1 controls.
    ["JSON, charset=iso-8859-1 with Windows punctuation", () => request(windows1252(jsonBody([item(punctuation)])), "application/json; charset=iso-8859-1"), punctuation],
    ["JSON, charset=utf-16le", () => request(utf16le(jsonBody([item(text)])), "application/json; charset=utf-16le"), text],
    ["JSON, charset=utf-8", () => request(jsonBody([item(text)]), "application/json; charset=utf-8"), text],
    ["JSON, no charset: UTF-8", () => request(jsonBody([item(text)]), "application/json"), text],
    [
      "XML, encoding=\"ISO-8859-1\" declared, no charset",
      () => request(Buffer.from(xmlBody([item(latinText)]).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), "latin1"), "application/xml"),
      latinText,
    ],
    [
      "XML, encoding='windows-1252' (single quotes)",
      () => request(windows1252(xmlBody([item(text)]).replace('encoding="UTF-8"', "encoding='windows-1252'")), "text/xml"),
      text,
    ],
    [
      "XML, UTF-16 with a BOM and no charset",
      () => request(utf16le(xmlBody([item(text)]).replace('encoding="UTF-8"', 'encoding="UTF-16"'), true), "application/xml"),
      text,
    ],
    [
      "XML: the Content-Type's charset wins over the declaration",
      () => request(Buffer.from(xmlBody([item(latinText)]), "latin1"), "application/xml; charset=iso-8859-1"),
      latinText,
    ],
    ["XML without a declaration: UTF-8", () => request(xmlBody([item(text)]).replace(/^<\?xml[^>]*\?>\n/, ""), "application/xml"), text],
  ];

  it.each(cases)("%s", async (_name, make, expected) => {
    const { handle, delivered } = recordingHandler();
    const response = await handle(make());
    expect(response.status).toBe(200);
    expect(await delivered.arrived()).toMatchObject([{ type: "text/plain", content: expected }]);
  });

  it("Shift_JIS XML (a multi-byte legacy charset) by its declaration", async () => {
    // "こんにちは" in Shift_JIS, written out: Node cannot encode it.
    const hello = [0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd];
    const [before, after] = xmlBody([item("@@")]).replace('encoding="UTF-8"', 'encoding="Shift_JIS"').split("@@");
    const body = Uint8Array.from([...Buffer.from(before!, "latin1"), ...hello, ...Buffer.from(after!, "latin1")]);
    const { handle, delivered } = recordingHandler();
    expect((await handle(request(body, "application/xml"))).status).toBe(200);
    expect(await delivered.arrived()).toMatchObject([{ content: "こんにちは" }]);
  });
});

describe("never mojibake", () => {
  it.each([
    ["an unknown charset label", () => request(jsonBody([item(text)]), "application/json; charset=x-klingon"), 415, "unsupportedMediaType"],
    [
      "an unknown XML encoding declaration",
      () => request(xmlBody([item(text)]).replace('encoding="UTF-8"', 'encoding="x-klingon"'), "application/xml"),
      415,
      "unsupportedMediaType",
    ],
    ["Latin-1 bytes sent as UTF-8", () => request(Buffer.from(jsonBody([item(latinText)]), "latin1"), "application/json; charset=utf-8"), 400, "invalidData"],
    ["Latin-1 bytes with no charset (UTF-8 assumed)", () => request(Buffer.from(jsonBody([item(latinText)]), "latin1"), "application/json"), 400, "invalidData"],
  ])("%s: refused, onMessages not called", async (_name, make, status, error) => {
    const { handle, delivered } = recordingHandler();
    const response = await handle(make());
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
    expect(delivered.list).toHaveLength(0);
  });
});

it("on a real node:http server: an iso-8859-1 post is delivered as sent", async () => {
  const webhook = await serveWebhook();
  const response = await fetch(webhook.url, {
    method: "POST",
    headers: { Authorization: basicAuthorization, "Content-Type": "application/json; charset=iso-8859-1" },
    body: Buffer.from(jsonBody([item("héllo")]), "latin1"),
  });
  expect(response.status).toBe(200);
  expect(await webhook.delivered.arrived()).toMatchObject([{ content: "héllo" }]);
});
