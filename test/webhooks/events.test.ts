/**
 * The webhook handler's events: webhookReceived (message count, content type) and
 * webhookRefused (status and a reason code) - never credentials, never body text - and a
 * throwing listener changes no response.
 */
import { describe, expect, it } from "vitest";
import type { EceEvent } from "../../src/index.js";
import { createWebhookHandler } from "../../src/webhooks.js";

const password = "Webhook-Pass-77x";
const basic = `Basic ${btoa(`ece:${password}`)}`;
const item = (id: string, content: string) => ({
  id,
  conversation: { id: "c-9" },
  type: { value: "text/plain" },
  content,
  sender: { type: "user" },
  timeStamp: 1624144754000,
});

function setup(onEvent: (event: EceEvent) => void) {
  return createWebhookHandler({ authorization: { type: "basic", username: "ece", password }, onMessages: () => undefined, onEvent });
}

const post = (body: string, headers: Record<string, string>) => new Request("http://localhost/ece", { method: "POST", headers, body });

describe("webhook events", () => {
  it("webhookReceived with the message count and the media type, not the content", async () => {
    const events: EceEvent[] = [];
    const handle = setup((event) => events.push(event));
    const body = JSON.stringify({ message: [item("1", "secret plans"), item("2", "more")] });
    const response = await handle(post(body, { "Content-Type": "application/json; charset=utf-8", Authorization: basic }));
    expect(response.status).toBe(200);
    expect(events).toEqual([{ type: "webhookReceived", messageCount: 2, contentType: "application/json" }]);
    expect(JSON.stringify(events)).not.toContain("secret plans");
  });

  it.each([
    ["a wrong password", { "Content-Type": "application/json", Authorization: `Basic ${btoa("ece:wrong")}` }, "{}", 401, "unauthorized"],
    ["a form body", { "Content-Type": "application/x-www-form-urlencoded", Authorization: basic }, "a=b", 415, "unsupportedMediaType"],
    ["broken JSON", { "Content-Type": "application/json", Authorization: basic }, `{"message": [${password}`, 400, "invalidData"],
  ])("webhookRefused for %s: status and reason code, no credentials or body text", async (_name, headers, body, status, reason) => {
    const events: EceEvent[] = [];
    const handle = setup((event) => events.push(event));
    expect((await handle(post(body, headers))).status).toBe(status);
    expect(events).toEqual([{ type: "webhookRefused", status, reason }]);
    expect(JSON.stringify(events)).not.toContain(password);
  });

  it("webhookRefused for onMessages failing (500) and for a GET (405)", async () => {
    const events: EceEvent[] = [];
    const handle = createWebhookHandler({
      authorization: { type: "none" },
      onMessages: () => {
        throw new Error("app bug");
      },
      onEvent: (event) => events.push(event),
    });
    await handle(post(JSON.stringify({ message: [item("1", "x")] }), { "Content-Type": "application/json" }));
    await handle(new Request("http://localhost/ece"));
    expect(events).toEqual([
      { type: "webhookRefused", status: 500, reason: "onMessagesFailed" },
      { type: "webhookRefused", status: 405, reason: "methodNotAllowed" },
    ]);
  });

  it("a throwing listener changes no response, and a logger gets one line per event", async () => {
    const lines: string[] = [];
    const log = (line: string) => void lines.push(line);
    const handle = createWebhookHandler({
      authorization: { type: "none" },
      onMessages: () => undefined,
      onEvent: () => {
        throw new Error("listener bug");
      },
      logger: { debug: log, info: log, warn: log, error: log },
      logLevel: "info",
    });
    const response = await handle(post(JSON.stringify({ message: [item("1", "x")] }), { "Content-Type": "application/json" }));
    expect(response.status).toBe(200);
    expect(lines).toEqual(['ece-messaging {"type":"webhookReceived","messageCount":1,"contentType":"application/json"}']);
  });

  it("refuses an onEvent that is not a function", () => {
    expect(() => createWebhookHandler({ authorization: { type: "none" }, onMessages: () => undefined, onEvent: 5 as never })).toThrow(
      /onEvent must be a function/,
    );
  });
});
