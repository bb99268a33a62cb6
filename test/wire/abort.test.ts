/**
 * Cancelling through the caller's AbortSignal: the call ends at once with `error` and
 * `aborted: true` - while sending, while waiting for the token, or before anything is sent.
 */
import { describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { CREDENTIALS, SEND_PATH, stubsPerTest, TOKEN_PATH } from "../support/ece-stub.js";

const stubWith = stubsPerTest();
const text = { conversationId: "c-1", message: "hello" };
const never = () => undefined; // a server that never answers

describe("abort", () => {
  it("ends a call in flight at once, as error with aborted: true", async () => {
    const stub = await stubWith(never);
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t0k3n", timeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = ece.sendTextMessage(text, { signal: controller.signal });
    await stub.arrived(SEND_PATH); // the request is at the server, which never answers
    const started = performance.now();
    controller.abort();
    const outcome = await pending;
    // "At once": long before the 10 s timeout, with room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(outcome).toEqual({ kind: "error", message: "The call was aborted by its AbortSignal.", aborted: true, delivered: "unknown" });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
  });

  it("ends a call waiting for the token, without failing the other callers", async () => {
    let releaseToken: () => void = () => undefined;
    const stub = await stubWith((_r, response) => void response.writeHead(204).end(), {
      onToken: (_request, response) => {
        releaseToken = () => {
          response.writeHead(200, { "Content-Type": "application/json" });
          response.end(JSON.stringify({ access_token: "shared", expires_in: 3600 }));
        };
      },
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const controller = new AbortController();
    const aborted = ece.sendTextMessage(text, { signal: controller.signal });
    const other = ece.sendTextMessage(text);
    await stub.arrived(TOKEN_PATH); // both calls wait for it; the stub holds its answer
    controller.abort();
    expect(await aborted).toMatchObject({ kind: "error", aborted: true });
    releaseToken();
    expect(await other).toMatchObject({ kind: "sendMessageSuccess", status: 204 });
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
  });

  it("sends nothing when the signal is already aborted", async () => {
    const stub = await stubWith(never);
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const outcome = await ece.sendTextMessage(text, { signal: AbortSignal.abort() });
    expect(outcome).toMatchObject({ kind: "error", aborted: true });
    expect(stub.requests).toHaveLength(0);
  });

  it("a timeout is timeout, not an abort", async () => {
    const stub = await stubWith(never);
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t0k3n" });
    const outcome = await ece.sendTextMessage(text, { timeoutMs: 100, signal: new AbortController().signal });
    expect(outcome).toEqual({ kind: "timeout", message: "No complete answer within 100 ms.", timeoutMs: 100, delivered: "unknown" });
  });

  it("rejects unusable call options as invalidData, sending nothing", async () => {
    const stub = await stubWith(never);
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t0k3n" });
    const outcome = await ece.sendTextMessage(text, { timeoutMs: -1, signal: "no" as never });
    expect(outcome).toMatchObject({
      kind: "invalidData",
      issues: [
        { field: "options.timeoutMs", problem: "must be a positive finite number of milliseconds" },
        { field: "options.signal", problem: "must be an AbortSignal" },
      ],
    });
    expect(stub.requests).toHaveLength(0);
  });
});
