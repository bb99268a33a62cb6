/**
 * `delivered` on every path: false when the message provably never reached ECE (bad input, a
 * closed client, no connection, an abort before the message was sent, a 3xx or 4xx answer),
 * "unknown" once it was written and no complete answer came, and for 5xx.
 */
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { answer, CREDENTIALS, stubsPerTest } from "../support/ece-stub.js";
import { signal } from "../support/signal.js";

const stubWith = stubsPerTest();
const text = { conversationId: "c-1", message: "hello" };


describe("delivered: false - the message never reached ECE", () => {
  it("bad input", async () => {
    const ece = createEceClient({ baseUrl: "http://127.0.0.1:1", accessToken: "t" });
    expect(await ece.sendTextMessage({ conversationId: "", message: "m" })).toMatchObject({ kind: "invalidData", delivered: false });
  });

  it("a closed client", async () => {
    const ece = createEceClient({ baseUrl: "http://127.0.0.1:1", accessToken: "t" });
    await ece.close();
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "error", delivered: false });
  });

  it("a refused connection", async () => {
    const stub = await stubWith(() => undefined);
    const url = stub.url;
    await stub.close(); // nothing listens on the port any more
    const ece = createEceClient({ baseUrl: url, accessToken: "t" });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "error", delivered: false, message: expect.stringContaining("ECONNREFUSED") });
  });

  it("a host name that does not resolve", async () => {
    const ece = createEceClient({ baseUrl: "http://ece.invalid", accessToken: "t", timeoutMs: 20_000 });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "error", delivered: false });
  });

  it("an abort while the token request is in flight, before the message was sent", async () => {
    const tokenArrived = signal();
    const stub = await stubWith((_request, response) => answer(response, 200, {}), {
      onToken: () => tokenArrived.resolve(), // never answered
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const controller = new AbortController();
    const pending = ece.sendTextMessage(text, { signal: controller.signal });
    await tokenArrived.promise;
    controller.abort();
    expect(await pending).toMatchObject({ kind: "error", aborted: true, delivered: false });
    expect(stub.requests.filter((r) => r.url.endsWith("/sendmessage"))).toHaveLength(0);
  });

  it("a timeout while the token request is in flight", async () => {
    const stub = await stubWith((_request, response) => answer(response, 200, {}), { onToken: () => undefined });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, timeoutMs: 200 });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "timeout", delivered: false });
  });

  it.each([301, 400, 401, 403, 404, 409, 429])("an answer %i", async (status) => {
    const stub = await stubWith((_request, response) => answer(response, status, {}));
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t" });
    expect(await ece.sendTextMessage(text)).toMatchObject({ status, delivered: false });
  });
});

describe('delivered: "unknown" - it may have reached ECE', () => {
  it("a timeout after the message was written", async () => {
    const arrived = signal();
    const stub = await stubWith(() => arrived.resolve()); // read, never answered
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t", timeoutMs: 300 });
    const pending = ece.sendTextMessage(text);
    await arrived.promise;
    expect(await pending).toMatchObject({ kind: "timeout", delivered: "unknown" });
  });

  it("a reset after the message was written", async () => {
    const stub = await stubWith((_request, _response: ServerResponse, socket: Socket) => void socket.resetAndDestroy());
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t" });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "error", delivered: "unknown" });
    expect(stub.requests).toHaveLength(1); // the server had read the whole message
  });

  it("an abort after the message was written", async () => {
    const arrived = signal();
    const stub = await stubWith(() => arrived.resolve());
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t" });
    const controller = new AbortController();
    const pending = ece.sendTextMessage(text, { signal: controller.signal });
    await arrived.promise;
    controller.abort();
    expect(await pending).toMatchObject({ kind: "error", aborted: true, delivered: "unknown" });
  });

  it.each([500, 502, 503, 504])("an answer %i", async (status) => {
    const stub = await stubWith((_request, response) => answer(response, status, {}));
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t" });
    expect(await ece.sendTextMessage(text)).toMatchObject({ status, delivered: "unknown" });
  });

  it("a 407 answer: fetch turns it into a network error (the Fetch standard), so its status is not seen", async () => {
    const stub = await stubWith((_request, response) => {
      response.writeHead(407, { "Proxy-Authenticate": 'Basic realm="corp proxy"', "Content-Type": "text/html" });
      response.end("<html><body>Proxy Authentication Required</body></html>");
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const outcome = await ece.sendTextMessage(text);
    expect(outcome).toMatchObject({ kind: "error", delivered: "unknown", message: expect.stringMatching(/^Network error: fetch failed\b/) });
    expect(outcome).not.toHaveProperty("status");
    expect(stub.requests.filter((r) => r.url.endsWith("/sendmessage"))).toHaveLength(1); // it was written to whatever answered
  });

  it("a 2xx whose body cannot be read", async () => {
    const stub = await stubWith((_request, response) => answer(response, 200, "{not json"));
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t" });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "error", status: 200, delivered: "unknown" });
  });
});

describe("retryAfterMs", () => {
  it.each([
    [429, "7", 7_000],
    [503, "0", 0],
  ])("a %i with Retry-After %s waits %i ms", async (status, retryAfter, ms) => {
    const stub = await stubWith((_request, response) => {
      response.writeHead(status, { "Retry-After": retryAfter, "Content-Type": "application/json" }).end("{}");
    });
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t" });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "invalidChoice", status, retryAfterMs: ms });
  });

  it("an HTTP date", async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    const stub = await stubWith((_request, response) => void response.writeHead(503, { "Retry-After": at }).end());
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t" });
    const outcome = await ece.sendTextMessage(text);
    expect(outcome).toMatchObject({ kind: "invalidChoice", status: 503 });
    const ms = (outcome as { retryAfterMs: number }).retryAfterMs;
    expect(ms).toBeGreaterThan(50_000);
    expect(ms).toBeLessThanOrEqual(60_000);
  });
});
