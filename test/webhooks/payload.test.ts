/**
 * parseWebhookPayload: JSON and XML bodies of every message type, in order and typed; unknown
 * types kept; bad items named; XML read safely (no entity expansion, CDATA kept literal).
 */
import { describe, expect, it } from "vitest";
import { parseWebhookPayload, type WebhookMessage } from "../../src/webhooks.js";
import { conversationId, everyTypeItems, jsonBody, xmlBody } from "../support/webhook-fixtures.js";

function messagesOf(body: string, contentType: string): WebhookMessage[] {
  const result = parseWebhookPayload(body, contentType);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.messages;
}

// Written from the fixtures' meaning (shared/ece-api.md section 6), not from the parser.
const agent = { type: "user", user: { id: "1001", name: "Alex Agent" } };
const system = { type: "system" };
const base = (id: string, sender: object = agent) => ({
  id,
  conversationId,
  sender,
  timeStamp: 1624144750000 + Number(id),
});
const expected = [
  { ...base("1", system), type: "assigned", content: "Alex Agent has joined the chat" },
  { ...base("2"), type: "startTyping" },
  { ...base("3"), type: "endTyping" },
  { ...base("4"), type: "text/plain", content: 'Hello! How can I help? <not html> & "quotes"' },
  { ...base("5"), type: "text/html", content: "<p>Here is <b>the link</b></p>" },
  { ...base("6"), type: "pagePush", content: "https://help.example.com/returns" },
  {
    ...base("7"),
    type: "uploadAttachment",
    attachment: { id: "5008", fileName: "invoice.pdf", contentType: "application/pdf", size: 48213, contentUrl: "https://ece.example.com/a/5008" },
    attachments: [
      { id: "5008", fileName: "invoice.pdf", contentType: "application/pdf", size: 48213, contentUrl: "https://ece.example.com/a/5008" },
    ],
  },
  {
    ...base("8"),
    type: "acceptAttachment",
    attachment: { id: "5007", fileName: "a.jpeg", contentType: "image/jpeg", size: 32 },
    attachments: [{ id: "5007", fileName: "a.jpeg", contentType: "image/jpeg", size: 32 }],
  },
  { ...base("9"), type: "rejectAttachment", attachment: { id: "5006" }, attachments: [{ id: "5006" }] },
  { ...base("10", system), type: "transfer", content: "Transferred to Billing" },
  { ...base("11"), type: "unknown", typeValue: "videoChatInvite", content: "Join the video call", client: "tenant-7" },
  { ...base("12", system), type: "complete", content: "Agent has ended the chat", client: "tenant-7" },
];

describe.each([
  ["JSON", () => jsonBody(everyTypeItems), "application/json"],
  ["JSON with charset", () => jsonBody(everyTypeItems), "application/json; charset=utf-8"],
  ["XML", () => xmlBody(everyTypeItems), "application/xml"],
  ["XML as text/xml", () => xmlBody(everyTypeItems, "messageList"), "text/xml; charset=UTF-8"],
])("%s: one request with a message of every type", (_name, body, contentType) => {
  it("reads every message, in order, typed", () => {
    const messages = messagesOf(body(), contentType);
    expect(messages.map((m) => m.type)).toEqual(expected.map((m) => m.type));
    const withoutRaw = messages.map((m) => {
      if (m.type !== "unknown") return m;
      const { raw: _raw, ...rest } = m;
      return rest;
    });
    expect(withoutRaw).toEqual(expected);
  });

  it("keeps the unknown type's value and its raw item", () => {
    const unknown = messagesOf(body(), contentType).find((m) => m.type === "unknown");
    expect(unknown).toMatchObject({ typeValue: "videoChatInvite" });
    if (unknown?.type === "unknown") {
      expect(unknown.raw).toMatchObject({ id: "11", type: { value: "videoChatInvite" }, content: "Join the video call" });
    }
  });
});

describe("the documented example", () => {
  it("reads as one complete message", () => {
    const body =
      '{"message":[{"conversation":{"id":"ca2c588e-1e31-405a-9888-e72bf7179186"},"type":{"value":"complete"},"content":"Agent has ended the chat","sender":{"type":"system"},"timeStamp":1624144754000,"id":"3118908847"}]}';
    expect(messagesOf(body, "application/json")).toEqual([
      {
        id: "3118908847",
        conversationId: "ca2c588e-1e31-405a-9888-e72bf7179186",
        type: "complete",
        content: "Agent has ended the chat",
        sender: { type: "system" },
        timeStamp: 1624144754000,
      },
    ]);
  });

  it("accepts a lone message object, and a lone <message> root", () => {
    const [item] = everyTypeItems.slice(3, 4);
    expect(messagesOf(JSON.stringify({ message: item }), "application/json")).toHaveLength(1);
    const lone = xmlBody([item]).replace("<messages>", "").replace("</messages>", "");
    expect(messagesOf(lone, "application/xml")[0]).toMatchObject({ type: "text/plain", id: "4" });
  });
});

describe("bad payloads name what is wrong", () => {
  const invalid = (body: string, contentType = "application/json") => {
    const result = parseWebhookPayload(body, contentType);
    expect(result.ok).toBe(false);
    return result.ok ? [] : result.error.issues;
  };

  it("names each missing required field with its message index", () => {
    const items = [
      everyTypeItems[3],
      { id: "x", type: { value: "text/plain" }, sender: {}, timeStamp: "soon" },
      { id: "y", conversation: { id: "c" }, type: { value: "uploadAttachment" }, sender: { type: "user" }, timeStamp: 1 },
      { id: "z", conversation: { id: "c" }, type: { value: "acceptAttachment" }, sender: { type: "user" }, timeStamp: 1, attachment: { fileName: "f" } },
      "not an object",
    ];
    expect(invalid(jsonBody(items))).toEqual([
      { field: "message[1].conversation.id", problem: "is required" },
      { field: "message[1].sender.type", problem: "is required" },
      { field: "message[1].timeStamp", problem: "must be a whole number of epoch milliseconds" },
      { field: "message[1].content", problem: "is required" },
      { field: "message[2].attachments.attachment", problem: "is required" },
      { field: "message[3].attachments.attachment[0].id", problem: "is required" },
      { field: "message[4]", problem: "must be an object" },
    ]);
  });

  it.each([
    ["{", "body", "is not valid JSON"],
    ["[]", "body", 'must be a JSON object with a "message" array'],
    ["{}", "message", "is required"],
    ['{"message":"hi"}', "message", "must be an array of messages"],
  ])("JSON %s", (body, field, problem) => {
    expect(invalid(body)).toEqual([{ field, problem }]);
  });

  it("XML that is not well-formed, or has no messages", () => {
    expect(invalid("<messages><message></messages>", "application/xml")[0]).toMatchObject({
      field: "body",
      problem: expect.stringMatching(/^is not well-formed XML/),
    });
    expect(invalid("<a/><b/>", "application/xml")[0]!.field).toBe("body");
    expect(invalid("<messages><other/></messages>", "application/xml")).toEqual([
      { field: "message", problem: "is required (no <message> element)" },
    ]);
  });

  it("an unsupported content type", () => {
    expect(invalid(jsonBody(everyTypeItems), "text/plain")).toEqual([
      { field: "contentType", problem: "must be application/json or application/xml" },
    ]);
  });
});

describe("XML is read safely", () => {
  const wrap = (content: string) =>
    `<messages><message><id>1</id><conversation><id>c</id></conversation><type><value>text/plain</value></type>` +
    `<sender><type>user</type></sender><timeStamp>1</timeStamp><content>${content}</content></message></messages>`;
  const contentOf = (xml: string) => {
    const [message] = messagesOf(xml, "application/xml");
    return message?.type === "text/plain" ? message.content : undefined;
  };

  it("decodes the predefined entities and character references", () => {
    expect(contentOf(wrap("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#169; &#x1F600;"))).toBe("a & b <c> \"d\" 'e' © 😀");
  });

  it("keeps CDATA literally (HTML content), and leaf white space as sent", () => {
    expect(contentOf(wrap("<![CDATA[<p>Tom &amp; Jerry</p>]]>"))).toBe("<p>Tom &amp; Jerry</p>");
    expect(contentOf(wrap("  two  spaces  "))).toBe("  two  spaces  ");
  });

  it("leaves unknown entities and impossible references as text (no expansion)", () => {
    expect(contentOf(wrap("&nbsp; &#0; &#9999999; &#x110000;"))).toBe("&nbsp; &#0; &#9999999; &#x110000;");
  });

  it("refuses a character reference to a surrogate (XML 1.0 allows none): no lone surrogate is delivered", () => {
    for (const reference of ["&#xD800;", "&#xdfff;", "&#55296;"]) {
      const result = parseWebhookPayload(wrap(`a ${reference} b`), "application/xml");
      expect(result.ok, reference).toBe(false);
      if (!result.ok) expect(result.error.issues).toEqual([{ field: "body", problem: expect.stringMatching(/^is not well-formed XML/) }]);
    }
  });

  it.each(["\u0001", "\u0008", "\u000B", "\u000C", "\u000E", "\u001F"])(
    "refuses a raw control character (%j), which XML 1.0 does not allow, as malformed XML",
    (character) => {
      const result = parseWebhookPayload(wrap(`a${character}b`), "application/xml");
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.issues).toEqual([{ field: "body", problem: expect.stringMatching(/^is not well-formed XML/) }]);
    },
  );

  it("still takes tab, line feed and carriage return as text", () => {
    expect(contentOf(wrap("a\tb\nc"))).toBe("a\tb\nc");
  });

  it("refuses a DOCTYPE, so no declared entity is ever expanded", () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>' + wrap("&lol2;");
    expect(parseWebhookPayload(laughs, "application/xml")).toEqual({
      ok: false,
      error: { kind: "invalidData", issues: [{ field: "body", problem: "must not contain a DOCTYPE declaration" }] },
    });
  });

  it("an element named __proto__ is refused and touches no prototype", () => {
    const xml = wrap("x").replace("<content>", "<__proto__><polluted>yes</polluted></__proto__><content>");
    expect(parseWebhookPayload(xml, "application/xml")).toEqual({
      ok: false,
      error: { kind: "invalidData", issues: [{ field: "body", problem: "is not readable XML" }] },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a JSON __proto__ key stays data", () => {
    const item = JSON.parse(JSON.stringify(everyTypeItems[3])) as Record<string, unknown>;
    const body = jsonBody([item]).replace('"id":"4"', '"__proto__":{"polluted":"yes"},"id":"4"');
    expect(messagesOf(body, "application/json")).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
