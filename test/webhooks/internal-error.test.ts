/**
 * Finding 5 of the receiver's hostile test: an unexpected exception inside the SDK was answered
 * 400, so ECE took a bug of ours for its own bad request (and would not send the batch again).
 * Now it is 500 `internalError`, onMessages is not called, and nothing of the exception is echoed.
 * The fault is injected by making the SDK's own message reader throw.
 */
import { describe, expect, it, vi } from "vitest";
import { everyTypeItems, jsonBody } from "../support/webhook-fixtures.js";
import { basicAuthorization, recordingHandler, serveWebhook } from "../support/webhook-server.js";

const fault = vi.hoisted(() => ({ on: false }));

vi.mock("../../src/webhooks/messages.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/webhooks/messages.js")>();
  return {
    ...original,
    toWebhookMessages: (items: unknown[]) => {
      if (fault.on) throw new TypeError("Cannot read properties of undefined (reading 'secret-internal-detail')");
      return original.toWebhookMessages(items);
    },
  };
});

function post(): Request {
  return new Request("https://receiver.example/ece", {
    method: "POST",
    headers: { Authorization: basicAuthorization, "Content-Type": "application/json" },
    body: jsonBody(everyTypeItems),
  });
}

describe("an exception inside the SDK", () => {
  it("is 500 internalError, not 400; onMessages is not called; the exception is not echoed", async () => {
    const { handle, delivered } = recordingHandler();
    fault.on = true;
    try {
      const response = await handle(post());
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: "internalError" });
      expect(text).not.toContain("secret-internal-detail");
      expect(delivered.list).toHaveLength(0);
    } finally {
      fault.on = false;
    }
    // The same handler, without the fault: delivered (the fault was the only cause).
    expect((await handle(post())).status).toBe(200);
  });

  it("through toNodeListener on node:http: 500 too", async () => {
    const webhook = await serveWebhook();
    fault.on = true;
    try {
      const response = await fetch(webhook.url, {
        method: "POST",
        headers: { Authorization: basicAuthorization, "Content-Type": "application/json" },
        body: jsonBody(everyTypeItems),
      });
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ error: "internalError" });
    } finally {
      fault.on = false;
    }
    expect(webhook.delivered.list).toHaveLength(0);
  });
});
