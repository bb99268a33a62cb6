/**
 * No duplicate delivery: nothing that may have reached ECE is sent twice; the only repeats are
 * the single one after a 401 on a cached token, and the retries of a 429 (ECE processed
 * nothing): sent 1 + maxRetries times. A 500, a timeout, a reset and a 503 are each sent once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { operationNames } from "../support/expected-outcomes.js";
import { validCall } from "../support/operations.js";
import { answer, CREDENTIALS, eceLike, SEND_PATH, startEceStub, type EceStub } from "../support/ece-stub.js";

let behaviour: Parameters<typeof eceLike>[0] = () => undefined;
let stub: EceStub;
beforeAll(async () => {
  stub = await startEceStub(eceLike((request, response, socket) => behaviour(request, response, socket)));
});
afterAll(() => stub.close());

/**
 * Proves that no late repeat of a call arrived: after the call's outcome, one more call on the
 * same client with a body of its own; once the stub has received it, the requests since
 * `before` must be exactly the call's one and this sentinel. (No fixed wait for a repeat
 * that might or might not come.)
 */
async function sendsUpToSentinel(client: ReturnType<typeof createEceClient>, before: number) {
  behaviour = (_r, response) => answer(response, 200, { id: "sentinel" });
  const sentinel = client.sendTextMessage({ conversationId: SENTINEL, message: SENTINEL }, { timeoutMs: 10_000 });
  const arrived = await stub.arrived(SEND_PATH, stub.requestsTo(SEND_PATH).length + 1);
  expect(arrived.body).toContain(SENTINEL); // nothing came in between
  expect((await sentinel).kind).toBe("sendMessageSuccess");
  return stub.requestsTo(SEND_PATH).slice(before, -1);
}
const SENTINEL = "sentinel-after-the-outcome";

const MAX_RETRIES = 2; // the default
const cases: { name: string; kind: string; sent?: number; behave: Parameters<typeof eceLike>[0] }[] = [
  { name: "500", kind: "internalServerError", behave: (_r, response) => answer(response, 500, { code: "500-1", developerMessage: "x" }) },
  { name: "a timeout", kind: "timeout", behave: () => undefined },
  { name: "a reset", kind: "error", behave: (_r, _response, socket) => void socket.resetAndDestroy() },
  // Retry-After: 0, so that the retries need no waiting.
  { name: "429", kind: "invalidChoice", sent: 1 + MAX_RETRIES, behave: (_r, response) => void response.writeHead(429, { "Retry-After": "0" }).end() },
  { name: "503", kind: "invalidChoice", behave: (_r, response) => answer(response, 503) },
  { name: "409", kind: "conflict", behave: (_r, response) => answer(response, 409) },
];

describe.each(operationNames)("%s", (operation) => {
  it.each(cases)("$name is sent as often as it may be: once, a 429 1 + maxRetries times (a cached token, so a 401 would earn a repeat)", async ({ kind, sent = 1, behave }) => {
    behaviour = (_r, response) => answer(response, 200, { id: "warm-up" });
    const client = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect((await validCall[operation](client)).kind).not.toBe("timeout"); // the token is now cached
    behaviour = behave;
    const before = stub.requestsTo(SEND_PATH).length;
    // A short timeout only where the timeout is the case: elsewhere a busy machine must not
    // turn the expected kind into a timeout.
    const outcome = await validCall[operation](client, { timeoutMs: kind === "timeout" ? 300 : 10_000 });
    expect(outcome.kind).toBe(kind);
    expect(await sendsUpToSentinel(client, before)).toHaveLength(sent);
  });

  it("421 reaches the server exactly twice: fetch's own retry, for a request ECE did not process", async () => {
    // The Fetch standard retries a 421 (Misdirected Request) once on a new connection (a body
    // with a source, as the SDK's are); by its definition the server did not process the
    // request. The SDK adds no repeat of its own: one would make it four.
    behaviour = (_r, response) => answer(response, 200, {});
    const client = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await validCall[operation](client);
    behaviour = (_r, response) => answer(response, 421, { developerMessage: "Misdirected" });
    const before = stub.requestsTo(SEND_PATH).length;
    expect((await validCall[operation](client)).kind).toBe("invalidChoice");
    expect(await sendsUpToSentinel(client, before)).toHaveLength(2);
  });

  it("a 401 on a cached token is sent exactly twice, then stands", async () => {
    behaviour = (_r, response) => answer(response, 200, {});
    const client = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await validCall[operation](client);
    behaviour = (_r, response) => answer(response, 401, { code: "401-102", developerMessage: "Session not found." });
    const before = stub.requestsTo(SEND_PATH).length;
    expect((await validCall[operation](client)).kind).toBe("unauthorized");
    expect(await sendsUpToSentinel(client, before)).toHaveLength(2);
  });
});
