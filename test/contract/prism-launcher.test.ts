/**
 * The Prism launcher the contract tests rely on: it reports Prism's own log when Prism dies
 * before listening, and `--errors` really turns a spec example that breaks its schema into a
 * 500 (so a broken example fails the contract suite instead of passing silently).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { specPath, startPrism } from "../../scripts/prism.js";

const dir = mkdtempSync(join(tmpdir(), "ece-prism-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("startPrism", () => {
  it("rejects with Prism's log when Prism exits before listening", async () => {
    const broken = join(dir, "not-a-spec.yaml");
    writeFileSync(broken, "openapi: 3.1.0\npaths: [this is: not an object\n");
    await expect(startPrism({ spec: broken, startupTimeoutMs: 20_000 })).rejects.toThrow(/Prism exited .* before listening\. Its log:\n[\s\S]+/);
  });

  it("with --errors, a spec example that breaks its own schema is a 500", async () => {
    const bent = join(dir, "bent-example.yaml");
    // The 409 example's code no longer matches the Error schema's pattern.
    writeFileSync(bent, readFileSync(specPath, "utf8").replace("code: 409-100", "code: not-a-code"));
    const prism = await startPrism({ spec: bent });
    try {
      const send = (prefer: string) =>
        fetch(`${prism.url}/messaging/sendmessage`, {
          method: "POST",
          headers: { Authorization: "Bearer t", "Content-Type": "application/json", Prefer: prefer },
          body: JSON.stringify({ conversation: { id: "c" }, type: { value: "text/plain" }, content: "hi" }),
        });
      expect((await send("code=409")).status).toBe(500);
      expect((await send("code=403")).status).toBe(403); // an intact example is served as written
    } finally {
      await prism.stop();
    }
  });
});
