/**
 * Input rules of the Send Message node, checked before any request: each bad field is named.
 */
import { describe, expect, it } from "vitest";
import {
  checkAttachmentDecisionInput,
  checkClientOptions,
  checkGeolocationInput,
  checkMessageInput,
  checkStartConversationInput,
  checkUploadAttachmentFromUrlInput,
} from "../../src/client/validation.js";
import { isAbsoluteHttpUrl } from "../../src/internal/check.js";

const upload = {
  conversationId: "c",
  fileName: "a.pdf",
  contentType: "application/pdf",
  fileSize: 10,
  contentUrl: "https://files.example.com/a.pdf",
};

describe("every check", () => {
  it.each([null, undefined, 42, "text", [], true])("refuses a non-object argument %o, naming input", (input) => {
    for (const check of [checkMessageInput, checkAttachmentDecisionInput, checkUploadAttachmentFromUrlInput, checkGeolocationInput]) {
      const result = check(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toEqual([{ field: "input", problem: expect.stringMatching(/^must be an object/) }]);
    }
  });
});

describe("problem wording", () => {
  it.each([
    [undefined, "must be an object, not undefined"],
    [null, "must be an object, not null"],
    [42, "must be an object, not a number"],
    ["text", "must be an object, not a string"],
    [[], "must be an object, not an array"],
    [true, "must be an object, not a boolean"],
    [10n, "must be an object, not a bigint"],
    [() => "x", "must be an object, not a function"],
  ])("names the argument %o with the right article", (input, problem) => {
    expect(checkMessageInput(input)).toEqual({ ok: false, error: [{ field: "input", problem }] });
  });

  it("says a missing customer is required, like any missing required field", () => {
    expect(checkStartConversationInput({ entryPointId: 1001 })).toEqual({ ok: false, error: [{ field: "customer", problem: "is required" }] });
  });

  const unreadable = (): never => {
    throw new Error("boom");
  };
  it.each([
    ["a nested object", () => checkStartConversationInput({ entryPointId: 1001, get customer() { return unreadable(); } }), "customer"],
    [
      "a custom attribute",
      () => checkStartConversationInput({ entryPointId: 1001, customer: { email: "j@example.com" }, customAttributes: { get order() { return unreadable(); } } }),
      "customAttributes.order",
    ],
    ["one coordinate of two", () => checkGeolocationInput({ conversationId: "c", get latitude() { return unreadable(); }, longitude: 4.9 }), "latitude"],
    ["a client option", () => checkClientOptions({ get baseUrl() { return unreadable(); }, accessToken: "t" }), "baseUrl"],
  ])("a throwing getter of %s is one problem of its field", (_name, check, field) => {
    expect(check()).toEqual({ ok: false, error: [{ field, problem: "could not be read" }] });
  });

  it("names the same problem of a field once", () => {
    const input = { entryPointId: 1001, customer: { email: "j@example.com" }, customAttributes: { order: [1, "a+b", 2, "c;d"] } };
    expect(checkStartConversationInput(input)).toEqual({
      ok: false,
      error: [
        { field: "customAttributes.order", problem: "must be text or a list of text" },
        { field: "customAttributes.order", problem: `must hold only letters, digits, space, @ : . _ - & , ( ) ? # = ' " or characters above code 127` },
      ],
    });
  });
});

describe("text and HTML messages", () => {
  it("accepts a conversation ID and a message", () => {
    expect(checkMessageInput({ conversationId: "c-1", message: "hi" })).toEqual({
      ok: true,
      value: { conversationId: "c-1", message: "hi" },
    });
  });

  it.each([
    [{}, [["conversationId", "is required"], ["message", "is required"]]],
    [{ conversationId: "", message: "" }, [["conversationId", "must not be empty"], ["message", "must not be empty"]]],
    [{ conversationId: "  ", message: "\n\t" }, [["conversationId", "must not be blank"], ["message", "must not be blank"]]],
    [{ conversationId: 7, message: null }, [["conversationId", "must be a string, not a number"], ["message", "is required"]]],
    [{ conversationId: { id: "c" }, message: ["m"] }, [["conversationId", "must be a string, not an object"], ["message", "must be a string, not an array"]]],
  ])("names every bad field of %o", (input, expected) => {
    expect(checkMessageInput(input)).toEqual({
      ok: false,
      error: expected.map(([field, problem]) => ({ field, problem })),
    });
  });

  it("keeps text exactly as given (no trimming)", () => {
    const result = checkMessageInput({ conversationId: " c ", message: "  hi  " });
    expect(result).toEqual({ ok: true, value: { conversationId: " c ", message: "  hi  " } });
  });
});

describe("attachment decisions", () => {
  it("needs a conversation ID and an attachment ID", () => {
    expect(checkAttachmentDecisionInput({ conversationId: "c" })).toEqual({
      ok: false,
      error: [{ field: "attachmentId", problem: "is required" }],
    });
  });
});

describe("upload from URL", () => {
  it("accepts a complete file description", () => {
    expect(checkUploadAttachmentFromUrlInput(upload)).toEqual({ ok: true, value: upload });
  });

  it.each([
    [Number.NaN, "must be a finite number of bytes, not NaN"],
    [Number.POSITIVE_INFINITY, "must be a finite number of bytes, not Infinity"],
    [-1, "must not be negative"],
    [1.5, "must be a whole number of bytes"],
    [2 ** 53, `must be at most ${Number.MAX_SAFE_INTEGER}`],
    ["10", "must be a number, not a string"],
    [undefined, "is required"],
  ])("refuses fileSize %o", (fileSize, problem) => {
    expect(checkUploadAttachmentFromUrlInput({ ...upload, fileSize })).toEqual({
      ok: false,
      error: [{ field: "fileSize", problem }],
    });
  });

  it("accepts a zero-byte file", () => {
    expect(checkUploadAttachmentFromUrlInput({ ...upload, fileSize: 0 }).ok).toBe(true);
  });

  it.each([
    "files/a.pdf",
    "ftp://files.example.com/a.pdf",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "https://",
    "//cdn.example.com/a.pdf",
    "https:files.example.com/a.pdf", // a URL parser would forgive these; ECE gets the text as is
    "http:\\\\files.example.com\\a.pdf",
    " https://files.example.com/a.pdf",
    "https://files.example.com/a b.pdf",
    "https://files.example.com/a.pdf\n",
  ])(
    "refuses contentUrl %s",
    (contentUrl) => {
      expect(checkUploadAttachmentFromUrlInput({ ...upload, contentUrl })).toEqual({
        ok: false,
        error: [{ field: "contentUrl", problem: "must be an absolute http or https URL" }],
      });
    },
  );

  it.each(["http://files.example.com/a.pdf", "HTTPS://files.example.com:8443/a%20b.pdf?sig=1#x"])("accepts contentUrl %s", (contentUrl) => {
    expect(checkUploadAttachmentFromUrlInput({ ...upload, contentUrl }).ok).toBe(true);
  });

  it("names every missing field at once", () => {
    const result = checkUploadAttachmentFromUrlInput({});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.map((i) => i.field)).toEqual(["conversationId", "fileName", "contentType", "fileSize", "contentUrl"]);
    }
  });
});

describe("geolocation", () => {
  const long = "x".repeat(256);

  it("sends only the fields given, numbers as decimal-degree text", () => {
    expect(checkGeolocationInput({ conversationId: "c", latitude: 0, longitude: -0.5 })).toEqual({
      ok: true,
      value: { conversationId: "c", coordinate: { latitude: "0", longitude: "-0.5" } },
    });
    expect(checkGeolocationInput({ conversationId: "c", locationUrl: "https://maps.example.com/p", label: "l" })).toEqual({
      ok: true,
      value: { conversationId: "c", label: "l", url: "https://maps.example.com/p" },
    });
  });

  it.each([
    [1e-7, "0.0000001"],
    [-1.5e-7, "-0.00000015"],
    [1.2345678e-10, "0.00000000012345678"],
    [52.3676, "52.3676"],
    [-180, "-180"],
  ])("writes the number %o as %s, never with an exponent", (longitude, text) => {
    const result = checkGeolocationInput({ conversationId: "c", latitude: 1, longitude });
    expect(result).toEqual({ ok: true, value: { conversationId: "c", coordinate: { latitude: "1", longitude: text } } });
  });

  it("needs a coordinate, a URL or an address", () => {
    expect(checkGeolocationInput({ conversationId: "c", label: "Just a label" })).toEqual({
      ok: false,
      error: [{ field: "input", problem: "needs a coordinate (latitude and longitude), a locationUrl or an address" }],
    });
  });

  it("needs latitude and longitude together", () => {
    expect(checkGeolocationInput({ conversationId: "c", latitude: 1 })).toEqual({
      ok: false,
      error: [{ field: "longitude", problem: "is required when the other coordinate is given" }],
    });
    expect(checkGeolocationInput({ conversationId: "c", longitude: "1", address: "a" })).toEqual({
      ok: false,
      error: [{ field: "latitude", problem: "is required when the other coordinate is given" }],
    });
  });

  it.each([
    ["latitude", 90.5, "must be between -90 and 90"],
    ["longitude", -181, "must be between -180 and 180"],
    ["latitude", "91", "must be between -90 and 90"],
    ["longitude", "-180.0001", "must be between -180 and 180"],
    ["latitude", Number.NaN, "must be a finite number, not NaN"],
    ["longitude", Number.NEGATIVE_INFINITY, "must be a finite number, not -Infinity"],
    ["latitude", true, "must be a number or a string, not a boolean"],
    ...["abc", "1e-7", "1,5", " 1", "1.", ".5", "+-1", "0x10", "", "Infinity"].map((text): [string, unknown, string] => [
      "latitude",
      text,
      'must be decimal degrees such as "52.3676" (digits, an optional sign and fraction)',
    ]),
  ])("refuses %s %o", (field, value, problem) => {
    const input = { conversationId: "c", latitude: 1, longitude: 1, [field]: value };
    expect(checkGeolocationInput(input)).toEqual({ ok: false, error: [{ field, problem }] });
  });

  it.each(["+52.3676", "-0", "90", "-90.000000"])("accepts decimal-degree text %s as written", (latitude) => {
    expect(checkGeolocationInput({ conversationId: "c", latitude, longitude: "4.9" })).toEqual({
      ok: true,
      value: { conversationId: "c", coordinate: { latitude, longitude: "4.9" } },
    });
  });

  it("limits label to 1..255 characters, counting code points (255 emoji fit)", () => {
    const base = { conversationId: "c", latitude: "1", longitude: "2" };
    expect(checkGeolocationInput({ ...base, label: "🏠".repeat(255) }).ok).toBe(true);
    expect(checkGeolocationInput({ ...base, label: long })).toEqual({
      ok: false,
      error: [{ field: "label", problem: "must be at most 255 characters" }],
    });
    expect(checkGeolocationInput({ ...base, label: "" })).toEqual({
      ok: false,
      error: [{ field: "label", problem: "must not be empty" }],
    });
  });

  it("limits latitude and longitude text to 255 characters", () => {
    const digits = `1.${"0".repeat(253)}`; // 255 characters
    expect(checkGeolocationInput({ conversationId: "c", latitude: digits, longitude: digits }).ok).toBe(true);
    expect(checkGeolocationInput({ conversationId: "c", latitude: `${digits}0`, longitude: "1" })).toEqual({
      ok: false,
      error: [{ field: "latitude", problem: "must be at most 255 characters" }],
    });
  });

  it("never refuses a long maps URL or address for its length", () => {
    const locationUrl = `https://maps.example.com/?q=${"52.3676,4.9041;".repeat(200)}`;
    const address = "Keizersgracht 1, ".repeat(100);
    expect(checkGeolocationInput({ conversationId: "c", locationUrl, address })).toEqual({
      ok: true,
      value: { conversationId: "c", url: locationUrl, address },
    });
  });

  it.each(["javascript:alert(1)", "maps.example.com/x", "ftp://maps.example.com/x", "https://", " https://m.example.com"])(
    "refuses locationUrl %s",
    (locationUrl) => {
      expect(checkGeolocationInput({ conversationId: "c", locationUrl })).toEqual({
        ok: false,
        error: [{ field: "locationUrl", problem: "must be an absolute http or https URL" }],
      });
    },
  );

  it.each(["locationUrl", "address"])("refuses an empty %s", (field) => {
    expect(checkGeolocationInput({ conversationId: "c", latitude: 1, longitude: 2, [field]: "" })).toEqual({
      ok: false,
      error: [{ field, problem: "must not be empty" }],
    });
  });
});

describe("isAbsoluteHttpUrl", () => {
  it("is true only for http(s) URLs with a host", () => {
    expect(["https://a.b/c", "http://localhost:8080"].map(isAbsoluteHttpUrl)).toEqual([true, true]);
    expect(["", "a.b/c", "mailto:x@y.z", "data:text/plain,hi"].map(isAbsoluteHttpUrl)).toEqual([false, false, false, false]);
  });
});
