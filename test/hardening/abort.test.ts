/**
 * Abort: a caller's AbortSignal ends a call at once with `error` / `aborted: true` - while it is
 * sent, while the token request is in flight - and no abort, at any moment, ever leaves an
 * unhandled rejection behind.
 */
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { operationNames } from "../support/expected-outcomes.js";
import { validCall } from "../support/operations.js";
import {
  answer,
  CREDENTIALS,
  eceLike,
  SEND_PATH,
  startEceStub,
  TOKEN_PATH,
  tokenBody,
  type EceStub,
  type RecordedRequest,
} from "../support/ece-stub.js";

/**
 * "At once": the server would answer after 5 s and the call's timeout is 10 s; the call must
 * end long before either. A second leaves room for a loaded machine.
 */
const AT_ONCE_MS = 1_000;
const SERVER_ANSWERS_AFTER_MS = 5_000;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
let tokenDelay = 0;
let sendDelay = 0;
let stub: EceStub;
/** Requests the stub has answered. */
const answered = new Set<RecordedRequest>();
/** The stub's answers still to come, by their timer. */
const answersDue = new Map<NodeJS.Timeout, () => void>();

/** The stub answers `request` after `ms` (the random delays of the property are the race under test). */
function answerAfter(request: RecordedRequest, ms: number, send: () => void): void {
  const timer = setTimeout(() => {
    answersDue.delete(timer);
    answered.add(request);
    send();
  }, ms);
  answersDue.set(timer, send);
}

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  stub = await startEceStub(
    eceLike((request, response) => answerAfter(request, sendDelay, () => answer(response, 200, { id: "1" })), {
      onToken: (request, response) => answerAfter(request, tokenDelay, () => answer(response, 200, tokenBody("tok-abort"))),
    }),
  );
});
afterEach(() => {
  // An answer a test no longer waits for (the 5 s ones) must not land in the next test.
  for (const timer of answersDue.keys()) clearTimeout(timer);
  answersDue.clear();
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await stub.close();
});

/** Starts `call`, aborts it as soon as `arrived` (a request at the stub) resolves. */
async function abortOnArrival(
  arrived: Promise<RecordedRequest>,
  call: (signal: AbortSignal) => Promise<unknown>,
): Promise<{ outcome: unknown; request: RecordedRequest; afterAbortMs: number }> {
  const controller = new AbortController();
  const pending = call(controller.signal);
  const request = await arrived;
  const started = performance.now();
  controller.abort();
  const outcome = await pending;
  return { outcome, request, afterAbortMs: performance.now() - started };
}

/** The next request to `path` the stub will receive. */
const nextArrival = (path: string) => stub.arrived(path, stub.requestsTo(path).length + 1);

describe.each(operationNames)("%s", (operation) => {
  it("aborting while sending ends the call at once", async () => {
    tokenDelay = 0;
    sendDelay = SERVER_ANSWERS_AFTER_MS;
    const client = createEceClient({ baseUrl: stub.url, accessToken: "tok", timeoutMs: 10_000 });
    const { outcome, request, afterAbortMs } = await abortOnArrival(nextArrival(SEND_PATH), (signal) =>
      validCall[operation](client, { signal }),
    );
    expect(outcome).toMatchObject({ kind: "error", aborted: true });
    expect(afterAbortMs).toBeLessThan(AT_ONCE_MS);
    expect(answered.has(request)).toBe(false); // the abort ended it, not an answer
  });

  it("aborting while the token request is in flight ends the call at once", async () => {
    tokenDelay = SERVER_ANSWERS_AFTER_MS;
    sendDelay = 0;
    const sendsBefore = stub.requestsTo(SEND_PATH).length;
    const client = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, timeoutMs: 10_000 });
    const { outcome, request, afterAbortMs } = await abortOnArrival(nextArrival(TOKEN_PATH), (signal) =>
      validCall[operation](client, { signal }),
    );
    expect(outcome).toMatchObject({ kind: "error", aborted: true });
    expect(afterAbortMs).toBeLessThan(AT_ONCE_MS);
    expect(answered.has(request)).toBe(false);
    expect(stub.requestsTo(SEND_PATH).length).toBe(sendsBefore);
  });
});

describe("aborts at any moment", () => {
  /**
   * The network work the clients started and has not settled: each fetch, tracked without
   * handling the promise the SDK gets (a rejection the SDK left unhandled would still surface).
   */
  const inFlight = new Set<Promise<void>>();
  const trackedFetch: typeof fetch = (input, init) =>
    new Promise<Response>((resolve, reject) => {
      let settle: () => void = () => undefined;
      const settled = new Promise<void>((done) => (settle = done));
      inFlight.add(settled);
      fetch(input, init).then(
        (response) => {
          inFlight.delete(settled);
          settle();
          resolve(response);
        },
        (error: unknown) => {
          inFlight.delete(settled);
          settle();
          reject(error as Error);
        },
      );
    });

  /**
   * Waits until nothing is left to happen: every fetch settled, every answer the stub had due
   * sent (their delays are at most 15 ms), then a bounded number of event-loop turns so that
   * the bodies already on the socket are read and a rejection nobody handled is reported.
   */
  async function quiescence(): Promise<void> {
    while (inFlight.size > 0 || answersDue.size > 0) {
      if (inFlight.size > 0) await Promise.all(inFlight);
      else await new Promise((resolve) => setImmediate(resolve)); // the stub's timers, at most 15 ms
    }
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
  }

  it("resolve (never reject) and leave no unhandled rejection (300 runs)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operationNames),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        async (operation, tokenMs, sendMs, abortMs, useCredentials) => {
          tokenDelay = tokenMs;
          sendDelay = sendMs;
          const client = useCredentials
            ? createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, fetch: trackedFetch })
            : createEceClient({ baseUrl: stub.url, accessToken: "tok", fetch: trackedFetch });
          // An abort at a random moment: the race itself is what this property is about.
          const controller = new AbortController();
          const pending = validCall[operation](client, { signal: controller.signal });
          await new Promise((r) => setTimeout(r, abortMs));
          controller.abort();
          const outcome = await pending;
          if (outcome.kind === "error") expect(outcome).toMatchObject({ aborted: true });
          else expect(outcome.kind).not.toBe("timeout");
        },
      ),
      { numRuns: 300 },
    );
    await quiescence(); // instead of sleeping: let any stray rejection surface
    expect(unhandled).toEqual([]);
  });
});
