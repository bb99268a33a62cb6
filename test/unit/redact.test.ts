/**
 * The redactor keeps its pattern while the secrets stay the same, and follows them when they
 * change: a token replaced between two strings is redacted in the second, the old one too while
 * it is still listed, and a secret no longer listed is left alone.
 */
import { describe, expect, it } from "vitest";
import { createRedactor, redactBody } from "../../src/internal/redact.js";

describe("createRedactor", () => {
  it("follows the secrets as they change between strings", () => {
    let secrets = ["client-secret", "token-1"];
    const redact = createRedactor(() => secrets);
    expect(redact("client-secret and token-1 and token-2")).toBe("[redacted] and [redacted] and token-2");
    secrets = ["client-secret", "token-1", "token-2"];
    expect(redact("token-1 then token-2")).toBe("[redacted] then [redacted]");
    secrets = ["client-secret", "token-2"];
    expect(redact("token-1 then token-2")).toBe("token-1 then [redacted]");
  });

  it("takes a list whose items changed but whose length did not, and a secret holding a NUL", () => {
    let secrets = ["a\u0000b"];
    const redact = createRedactor(() => secrets);
    expect(redact("a\u0000b a b")).toBe("[redacted] a b");
    secrets = ["a", "b"];
    expect(redact("a\u0000b")).toBe("[redacted]\u0000[redacted]");
    secrets = ["a", "c"];
    expect(redact("a b c")).toBe("[redacted] b [redacted]");
  });

  it("redacts the longest secret first, in one pass, and ignores an empty one", () => {
    const redact = createRedactor(() => ["", "dacted", "secret-long", "secret"]);
    // "[redacted]" written in holds "dacted" again: one pass never touches what it wrote.
    expect(redact("secret-long secret dacted")).toBe("[redacted] [redacted] [redacted]");
    expect(redact("x")).toBe("x");
  });
});

describe("createRedactor: the encoded forms of a secret", () => {
  it("redacts a secret URL-encoded, form-encoded, and in base64 and base64url with or without padding", () => {
    const redact = createRedactor(() => ["s3cret wörd/+~!?"]);
    const forms = [
      "s3cret wörd/+~!?",
      "s3cret%20w%C3%B6rd%2F%2B~!%3F", // encodeURIComponent
      "s3cret+w%C3%B6rd%2F%2B~!%3F", // the same with a space as +
      "s3cret+w%C3%B6rd%2F%2B%7E%21%3F", // a form (application/x-www-form-urlencoded)
      "czNjcmV0IHfDtnJkLyt+IT8=", // base64 of the UTF-8 bytes
      "czNjcmV0IHfDtnJkLyt+IT8",
      "czNjcmV0IHfDtnJkLyt-IT8=", // base64url
      "czNjcmV0IHfDtnJkLyt-IT8",
    ];
    for (const form of forms) expect(redact(`<${form}>`)).toBe("<[redacted]>");
  });

  it("takes a secret that cannot be URL-encoded (a lone surrogate) without throwing", () => {
    const redact = createRedactor(() => ["a\uD800b"]);
    expect(redact("x a\uD800b x")).toBe("x [redacted] x");
  });
});

describe("redactBody: protocol values", () => {
  it("keeps dates, IDs, sizes and contentUrl verbatim (unless one is a secret whole) and redacts the free text around them", () => {
    const redact = createRedactor(() => ["2025"]);
    const body = {
      id: "conv-2025",
      lastModified: { date: "2025-06-12T10:20:25.000Z" },
      activity: { id: "act-2025", subject: "order 2025" },
      attachments: { attachment: [{ id: "a-2025", fileName: "2025.pdf", size: "20250", contentUrl: "https://files.example/2025" }] },
      conversationId: "c-2025",
      activityId: "x2025",
      attachmentId: "a2025",
      messageId: "m2025",
      note: ["2025", { date: "2025 2025" }],
      echo: { id: "2025", date: "MjAyNQ==" }, // the secret, and its base64, as a whole: an echo
      "2025": "key",
    };
    expect(redactBody(body, redact)).toEqual({
      id: "conv-2025",
      lastModified: { date: "2025-06-12T10:20:25.000Z" },
      activity: { id: "act-2025", subject: "order [redacted]" },
      attachments: { attachment: [{ id: "a-2025", fileName: "[redacted].pdf", size: "20250", contentUrl: "https://files.example/2025" }] },
      conversationId: "c-2025",
      activityId: "x2025",
      attachmentId: "a2025",
      messageId: "m2025",
      note: ["[redacted]", { date: "2025 2025" }],
      echo: { id: "[redacted]", date: "[redacted]" },
      "[redacted]": "key",
    });
  });
});
