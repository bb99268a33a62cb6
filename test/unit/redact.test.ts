/**
 * The redactor keeps its pattern while the secrets stay the same, and follows them when they
 * change: a token replaced between two strings is redacted in the second, the old one too while
 * it is still listed, and a secret no longer listed is left alone.
 */
import { describe, expect, it } from "vitest";
import { createRedactor } from "../../src/redact.js";

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
