/**
 * Property: whatever arrives (method, content type, body - valid, wrong-shaped, broken, binary,
 * hostile XML), the handler resolves, never answers 5xx unless onMessages throws, and calls
 * onMessages exactly when it answers 200. Runs: WEBHOOK_PROPERTY_RUNS (default 1000).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createWebhookHandler, parseWebhookPayload } from "../../src/webhooks.js";
import { everyTypeItems, jsonBody, xmlBody } from "../support/webhook-fixtures.js";

const runs = Number(process.env.WEBHOOK_PROPERTY_RUNS ?? 1000);
const password = "Prop-Secret-Passw0rd";
const authorization = `Basic ${Buffer.from(`ece:${password}`).toString("base64")}`;

/** A message item with any field possibly missing, mistyped or odd. */
const messageItem = fc.record(
  {
    id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    conversation: fc.oneof(fc.record({ id: fc.oneof(fc.string(), fc.integer()) }), fc.string(), fc.constant([])),
    type: fc.record({ value: fc.oneof(fc.constantFrom("text/plain", "text/html", "startTyping", "complete", "uploadAttachment", "acceptAttachment", "x"), fc.string()) }),
    sender: fc.oneof(fc.record({ type: fc.constantFrom("user", "system", ""), user: fc.anything() }, { requiredKeys: ["type"] }), fc.anything()),
    content: fc.oneof(fc.string(), fc.integer(), fc.anything()),
    timeStamp: fc.oneof(fc.nat(), fc.double(), fc.string(), fc.constant(-1)),
    client: fc.anything(),
    attachments: fc.oneof(
      fc.record({ attachment: fc.oneof(fc.array(fc.record({ id: fc.string(), fileName: fc.string(), size: fc.oneof(fc.string(), fc.double()) })), fc.anything()) }),
      fc.anything(),
    ),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
  fc.json(),
  fc.array(messageItem, { maxLength: 5 }).map((items) => jsonBody(items)),
  fc.array(messageItem, { maxLength: 5 }).map((items) => {
    try {
      return xmlBody(items);
    } catch {
      return "<messages/>";
    }
  }),
  fc.constantFrom(
    jsonBody(everyTypeItems),
    xmlBody(everyTypeItems),
    "<!DOCTYPE a [<!ENTITY b SYSTEM 'file:///etc/passwd'>]><messages>&b;</messages>",
    "<messages><message><__proto__/></message></messages>",
    "<".repeat(5000),
    "[".repeat(100_000),
    `{"message":[${"[".repeat(50_000)}]}`,
    "<html><body>502 Bad Gateway</body></html>",
    "",
  ),
);

const contentType = fc.oneof(
  fc.constantFrom("application/json", "application/xml", "text/xml; charset=utf-8", "application/vnd.ece+json", "text/plain", ""),
  fc.string(),
);
const method = fc.constantFrom("POST", "POST", "POST", "PUT", "GET", "DELETE", "PATCH");
const authHeader = fc.oneof(fc.constant(authorization), fc.constant(authorization), fc.string(), fc.constant(`Basic ${password}`));

describe("the webhook handler never breaks", () => {
  it(`answers every request with a 2xx or 4xx, calling onMessages only for 200 (${runs} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(method, contentType, authHeader, body, fc.boolean(), async (m, type, auth, text, throws) => {
        let calls = 0;
        const handle = createWebhookHandler({
          authorization: { type: "basic", username: "ece", password },
          maxBodyBytes: 64 * 1024,
          onMessages: () => {
            calls += 1;
            if (throws) throw new Error("receiver down");
          },
        });
        const headers = new Headers();
        try {
          headers.set("Content-Type", type);
          headers.set("Authorization", auth);
        } catch {
          // a header value fetch refuses never reaches a real handler either
        }
        const request = new Request("https://r.example/ece", {
          method: m,
          headers,
          ...(m === "GET" ? {} : { body: text }),
        });
        const response = await handle(request);
        const answer = await response.text();
        expect(answer).not.toContain(password);
        if (response.status === 200) expect(calls).toBe(1);
        else if (response.status === 500) expect([calls, throws]).toEqual([1, true]);
        else {
          expect(calls).toBe(0);
          expect([400, 401, 405, 413, 415]).toContain(response.status);
        }
      }),
      { numRuns: runs },
    );
  });

  it(`parseWebhookPayload never throws (${runs} runs)`, () => {
    fc.assert(
      fc.property(body, contentType, (text, type) => {
        const result = parseWebhookPayload(text, type);
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: runs },
    );
  });
});
