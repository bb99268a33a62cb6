/**
 * Abort: a caller's AbortSignal ends a call at once with `error` / `aborted: true` - while it is
 * sent, while the token request is in flight - and no abort, at any moment, ever leaves an
 * unhandled rejection behind.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { operationNames } from "../support/expected-outcomes.js";
import { validCall } from "../support/operations.js";
import { answer, CREDENTIALS, eceLike, startEceStub, tokenBody, type EceStub } from "../support/ece-stub.js";

const AT_ONCE_MS = 50;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
let tokenDelay = 0;
let sendDelay = 0;
let stub: EceStub;

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  stub = await startEceStub(
    eceLike((_r, response) => {
      setTimeout(() => answer(response, 200, { id: "1" }), sendDelay);
    }, {
      onToken: (_r, response) => {
        setTimeout(() => answer(response, 200, tokenBody("tok-abort")), tokenDelay);
      },
    }),
  );
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await stub.close();
});

async function abortAfter(ms: number, call: (signal: AbortSignal) => Promise<unknown>) {
  const controller = new AbortController();
  const pending = call(controller.signal);
  await new Promise((r) => setTimeout(r, ms));
  const started = performance.now();
  controller.abort();
  const outcome = await pending;
  return { outcome, afterAbortMs: performance.now() - started };
}

describe.each(operationNames)("%s", (operation) => {
  it("aborting while sending ends the call at once", async () => {
    tokenDelay = 0;
    sendDelay = 5_000;
    const client = createEceClient({ baseUrl: stub.url, accessToken: "tok", timeoutMs: 10_000 });
    const { outcome, afterAbortMs } = await abortAfter(30, (signal) => validCall[operation](client, { signal }));
    expect(outcome).toMatchObject({ kind: "error", aborted: true });
    expect(afterAbortMs).toBeLessThan(AT_ONCE_MS);
  });

  it("aborting while the token request is in flight ends the call at once", async () => {
    tokenDelay = 5_000;
    sendDelay = 0;
    const client = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, timeoutMs: 10_000 });
    const { outcome, afterAbortMs } = await abortAfter(30, (signal) => validCall[operation](client, { signal }));
    expect(outcome).toMatchObject({ kind: "error", aborted: true });
    expect(afterAbortMs).toBeLessThan(AT_ONCE_MS);
  });
});

describe("aborts at any moment", () => {
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
            ? createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS })
            : createEceClient({ baseUrl: stub.url, accessToken: "tok" });
          const { outcome } = await abortAfter(abortMs, (signal) => validCall[operation](client, { signal }));
          const kind = (outcome as { kind: string }).kind;
          if (kind === "error") expect(outcome).toMatchObject({ aborted: true });
          else expect(kind).not.toBe("timeout");
        },
      ),
      { numRuns: 300 },
    );
    await new Promise((r) => setTimeout(r, 100)); // let any stray rejection surface
    expect(unhandled).toEqual([]);
  });
});
