/**
 * Safe retries (issue 21, section 3), through a real node:http stub: what is retried - a request
 * that made no connection and a 429 on every call, also a 408, 5xx or network failure on a read -
 * and nothing else; the waits (proven through the retry events' `delayMs`, with fake timers:
 * never by waiting); the deadline, the 60 s bound, `maxRetries`, the token request's own rule,
 * the revoke on close, and close() cutting a waiting retry.
 */
import type { ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEceClient, type EceClientOptions, type EceEvent, type Outcome, type RetryEvent, type Span, type Tracer } from "../../src/index.js";
import { answer, CONFIG_PATH, CREDENTIALS, REVOKE_PATH, SEND_PATH, startEceStub, stubsPerTest, TOKEN_PATH, tokenBody } from "../support/ece-stub.js";

const stubWith = stubsPerTest();
const text = { conversationId: "c-1", message: "hello" };
const NOW = Date.parse("2030-01-01T00:00:00Z");

beforeEach(() => {
  // Timers and the clock are the test's: a retry waits only when the test advances time.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  vi.setSystemTime(NOW);
});
afterEach(() => void vi.useRealTimers());

const tooManyRequests = (retryAfter?: string) => (response: ServerResponse) =>
  void response.writeHead(429, retryAfter === undefined ? {} : { "Retry-After": retryAfter }).end();

/** A client whose events are kept; `run` drives a call, advancing the clock by each retry's delay. */
function observed(options: Omit<EceClientOptions, "onEvent" | "credentials" | "accessToken"> & Partial<EceClientOptions>) {
  const events: EceEvent[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const client = createEceClient({
    ...(options.credentials ? {} : { accessToken: "t" }),
    ...options,
    onEvent: (event) => {
      events.push(event);
      for (const waiter of waiting) if (retries().length >= waiter.count) waiter.resolve();
    },
  } as EceClientOptions);
  const retries = () => events.filter((e): e is RetryEvent => e.type === "retry");
  /** Resolves once `count` retries have been announced. */
  const retried = (count: number) =>
    new Promise<void>((resolve) => (retries().length >= count ? resolve() : waiting.push({ count, resolve })));
  let seen = 0;
  /** Settles `call`: each time a retry is announced, time moves on by its delay. */
  async function run<T extends Outcome>(call: Promise<T>): Promise<T> {
    const ended = call.then(() => "ended" as const);
    while ((await Promise.race([ended, retried(seen + 1)])) !== "ended") {
      const retry = retries()[seen++]!;
      await vi.advanceTimersByTimeAsync(retry.delayMs);
    }
    return call;
  }
  return { client, events, retries, retried, run };
}

/** A base URL where nothing listens: every connection is refused. */
async function refusingUrl(): Promise<string> {
  const gone = await startEceStub(() => undefined);
  await gone.close();
  return gone.url;
}

describe("every call", () => {
  it("a refused connection is retried maxRetries times, waiting min(8 s, 0.5 s x 2^n) less up to a quarter", async () => {
    const { client, retries, events, run } = observed({ baseUrl: await refusingUrl(), maxRetries: 6, timeoutMs: 120_000 });
    const outcome = await run(client.sendTextMessage(text));
    expect(outcome).toMatchObject({ kind: "error", delivered: false, message: expect.stringMatching(/ECONNREFUSED/) });
    expect(outcome).not.toHaveProperty("retryAfterMs");
    expect(events.filter((e) => e.type === "request").map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const delays = retries().map((r) => r.delayMs);
    [500, 1000, 2000, 4000, 8000, 8000].forEach((ceiling, n) => {
      expect(delays[n]).toBeLessThanOrEqual(ceiling);
      expect(delays[n]).toBeGreaterThanOrEqual(ceiling * 0.75);
    });
    expect(retries()[0]).toEqual({ type: "retry", operation: "sendTextMessage", attempt: 1, delayMs: delays[0], outcome: "error" });
  });

  it("a 429 is retried, honouring Retry-After in seconds and as an HTTP date; the events say so", async () => {
    let sends = 0;
    const stub = await stubWith((_r, response) => {
      sends += 1;
      if (sends === 1) return tooManyRequests("3")(response);
      if (sends === 2) return tooManyRequests(new Date(Date.now() + 5_000).toUTCString())(response);
      answer(response, 200, { id: "m-1" });
    });
    const { client, retries, run } = observed({ baseUrl: stub.url });
    expect(await run(client.sendTextMessage(text))).toMatchObject({ kind: "sendMessageSuccess", messageId: "m-1" });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(3);
    expect(retries()).toEqual([
      { type: "retry", operation: "sendTextMessage", attempt: 1, delayMs: 3_000, outcome: "invalidChoice", status: 429 },
      { type: "retry", operation: "sendTextMessage", attempt: 2, delayMs: 5_000, outcome: "invalidChoice", status: 429 },
    ]);
  });

  it("a Retry-After over 60 s is not waited for: the 429 is the outcome, with retryAfterMs, sent once", async () => {
    const stub = await stubWith((_r, response) => tooManyRequests("61")(response));
    const { client, retries, run } = observed({ baseUrl: stub.url, timeoutMs: 300_000 });
    expect(await run(client.sendTextMessage(text))).toMatchObject({ kind: "invalidChoice", status: 429, retryAfterMs: 61_000, delivered: false });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
    expect(retries()).toHaveLength(0);
  });

  it("a wait that would end after the call's deadline is not started: the failure, with retryAfterMs", async () => {
    const stub = await stubWith((_r, response) => tooManyRequests("3")(response));
    const { client, retries, run } = observed({ baseUrl: stub.url, timeoutMs: 2_000 });
    expect(await run(client.sendTextMessage(text))).toMatchObject({ kind: "invalidChoice", retryAfterMs: 3_000 });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
    // The backoff too: 0.5 s less up to a quarter does not fit in 300 ms.
    const refused = observed({ baseUrl: await refusingUrl(), timeoutMs: 300 });
    const outcome = await refused.run(refused.client.sendTextMessage(text));
    expect(outcome).toMatchObject({ kind: "error", delivered: false, retryAfterMs: expect.any(Number) });
    expect(outcome.kind === "error" && outcome.retryAfterMs).toBeGreaterThanOrEqual(375);
    expect(retries()).toHaveLength(0);
    expect(refused.retries()).toHaveLength(0);
  });

  it("maxRetries: 0 turns retries off; a call's maxRetries overrides the client's", async () => {
    const stub = await stubWith((_r, response) => tooManyRequests("1")(response));
    const { client, run } = observed({ baseUrl: stub.url, maxRetries: 0 });
    expect(await run(client.sendTextMessage(text))).toMatchObject({ kind: "invalidChoice", status: 429 });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
    expect(await run(client.sendTextMessage(text, { maxRetries: 1 }))).toMatchObject({ kind: "invalidChoice", status: 429 });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(3);
  });

  it("maxRetries is checked: the client throws, a call is invalidData naming it", async () => {
    for (const maxRetries of [-1, 1.5, Number.NaN, "2"]) {
      expect(() => createEceClient({ baseUrl: "https://ece.example.com", accessToken: "t", maxRetries: maxRetries as number })).toThrow(/maxRetries/);
    }
    const client = createEceClient({ baseUrl: "https://ece.example.com", accessToken: "t" });
    const outcome = await client.sendTextMessage(text, { maxRetries: -1 });
    expect(outcome.kind === "invalidData" && outcome.issues.map((i) => i.field)).toEqual(["options.maxRetries"]);
  });
});

describe("a send is never retried once it may have reached ECE, nor after another 4xx", () => {
  const behaviours: [string, (response: ServerResponse) => void][] = [
    ["500", (response) => answer(response, 500, {})],
    ["503", (response) => void response.writeHead(503, { "Retry-After": "1" }).end()],
    ["502", (response) => answer(response, 502, {})],
    ["408", (response) => answer(response, 408, {})],
    ["400", (response) => answer(response, 400, {})],
    ["409", (response) => answer(response, 409, {})],
    ["a reset", (response) => void response.socket?.resetAndDestroy()],
  ];
  it.each(behaviours)("%s: sent once", async (_name, behave) => {
    const stub = await stubWith((_r, response) => behave(response));
    const { client, retries, run } = observed({ baseUrl: stub.url });
    const outcome = await run(client.sendTextMessage(text));
    expect(outcome.kind).not.toBe("sendMessageSuccess");
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
    expect(retries()).toHaveLength(0);
  });
});

describe("a read (the configuration)", () => {
  const found = { entryPointConfiguration: [{ entryPoint: { id: 1001 }, lastModified: { date: "2025-01-01" } }] };

  it("is also retried after a 408, a 5xx and a network failure", async () => {
    let reads = 0;
    const stub = await stubWith(() => undefined, {
      routes: {
        [CONFIG_PATH]: (_r, response) => {
          reads += 1;
          if (reads === 1) return answer(response, 408, {});
          if (reads === 2) return answer(response, 500, {});
          if (reads === 3) return void response.socket?.resetAndDestroy();
          answer(response, 200, found);
        },
      },
    });
    const { client, retries, run } = observed({ baseUrl: stub.url, maxRetries: 3 });
    expect(await run(client.getEntryPointConfiguration({ entryPointId: 1001 }))).toMatchObject({ kind: "entryPointConfigurationFound" });
    expect(stub.requestsTo(CONFIG_PATH)).toHaveLength(4);
    expect(retries().map((r) => [r.outcome, r.status])).toEqual([
      ["invalidChoice", 408],
      ["internalServerError", 500],
      ["error", undefined],
    ]);
  });

  it("ends delivered: false whatever its failure (a 5xx, a reset, a timeout)", async () => {
    let behave: (response: ServerResponse) => void = (response) => answer(response, 503, {});
    const stub = await stubWith(() => undefined, { routes: { [CONFIG_PATH]: (_r, response) => behave(response) } });
    const { client, run } = observed({ baseUrl: stub.url, timeoutMs: 60_000 });
    expect(await run(client.getEntryPointConfiguration({ entryPointId: 1001 }))).toMatchObject({ kind: "invalidChoice", status: 503, delivered: false });
    expect(stub.requestsTo(CONFIG_PATH)).toHaveLength(3); // 1 + maxRetries (the default, 2)
    behave = (response) => void response.socket?.resetAndDestroy();
    expect(await run(client.getEntryPointConfiguration({ entryPointId: 1001 }))).toMatchObject({ kind: "error", delivered: false });
    behave = () => undefined;
    const stalled = client.getEntryPointConfiguration({ entryPointId: 1001 }, { timeoutMs: 1_000 });
    await stub.arrived(CONFIG_PATH, 7);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await stalled).toMatchObject({ kind: "timeout", delivered: false });
  });
});

describe("the token request", () => {
  it("is retried after a 429, counting against its call's maxRetries", async () => {
    let tokens = 0;
    const stub = await stubWith((_r, response) => answer(response, 200, {}), {
      onToken: (_r, response) => ((tokens += 1) <= 2 ? tooManyRequests("1")(response) : answer(response, 200, tokenBody("t-1"))),
    });
    const once = observed({ baseUrl: stub.url, credentials: CREDENTIALS, maxRetries: 1 });
    expect(await once.run(once.client.sendTextMessage(text))).toMatchObject({ kind: "invalidChoice", status: 429, delivered: false });
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(2);
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(0);
    tokens = 0;
    const twice = observed({ baseUrl: stub.url, credentials: CREDENTIALS, maxRetries: 2 });
    expect(await twice.run(twice.client.sendTextMessage(text))).toMatchObject({ kind: "sendMessageSuccess" });
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(5);
    expect(twice.retries().map((r) => r.attempt)).toEqual([1, 2]);
    expect(twice.events.filter((e) => e.type === "request" && e.operation === "sendTextMessage")).toMatchObject([{ attempt: 3 }]);
  });

  it.each([
    ["a 500", (response: ServerResponse) => answer(response, 500, {})],
    ["a reset (it may have opened a session)", (response: ServerResponse) => void response.socket?.resetAndDestroy()],
  ])("is not retried after %s", async (_name, behave) => {
    const stub = await stubWith((_r, response) => answer(response, 200, {}), { onToken: (_r, response) => behave(response) });
    const { client, retries, run } = observed({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await run(client.sendTextMessage(text))).toMatchObject({ delivered: false });
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(retries()).toHaveLength(0);
  });

  it("is retried when it made no connection", async () => {
    const { client, events, run } = observed({ baseUrl: await refusingUrl(), credentials: CREDENTIALS, timeoutMs: 60_000 });
    expect(await run(client.sendTextMessage(text))).toMatchObject({ kind: "error", delivered: false });
    expect(events.filter((e) => e.type === "request").map((e) => (e as { operation: string }).operation)).toEqual(["token", "token", "token"]);
  });
});

describe("repeats and close()", () => {
  it("the 401 repeat does not use the count; the span counts every resend", async () => {
    const attributes: Record<string, unknown> = {};
    const span: Span = { setAttribute: (key, value) => (attributes[key] = value), setStatus: () => undefined, end: () => undefined };
    const tracer = { startActiveSpan: (_name, _options, work) => work(span) } as Tracer;
    let sends = 0;
    const stub = await stubWith((_r, response) => {
      sends += 1;
      if (sends === 2) return answer(response, 401, { code: "401-102", developerMessage: "Session not found." });
      if (sends === 3) return tooManyRequests("0")(response);
      answer(response, 200, {});
    });
    const { client, run } = observed({ baseUrl: stub.url, credentials: CREDENTIALS, maxRetries: 1, tracer });
    await run(client.sendTextMessage(text)); // token-1 is cached
    expect(await run(client.sendTextMessage(text))).toMatchObject({ kind: "sendMessageSuccess" });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(4); // 401, its repeat (429), the retry
    expect(attributes["http.request.resend_count"]).toBe(2);
  });

  it("close(): a retry still waiting is not started; its call ends with the failure it would have retried", async () => {
    const stub = await stubWith((_r, response) => tooManyRequests("30")(response));
    const { client, retried, events } = observed({ baseUrl: stub.url, timeoutMs: 60_000 });
    const call = client.sendTextMessage(text);
    await retried(1);
    await client.close();
    expect(await call).toMatchObject({ kind: "invalidChoice", status: 429, retryAfterMs: 30_000 });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(1);
  });

  it("the revoke on close() is retried as a read, and logged at warn", async () => {
    let revokes = 0;
    const stub = await stubWith((_r, response) => answer(response, 200, {}), {
      routes: { [REVOKE_PATH]: (_r, response) => ((revokes += 1) === 1 ? answer(response, 503, {}) : answer(response, 204)) },
    });
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (line: string) => warnings.push(line), error: () => undefined };
    const { client, retries, retried, run } = observed({ baseUrl: stub.url, credentials: CREDENTIALS, logger, logLevel: "warn" });
    await run(client.sendTextMessage(text));
    const closing = client.close();
    await retried(1);
    await vi.advanceTimersByTimeAsync(retries()[0]!.delayMs);
    expect(await closing).toEqual({ revoked: true });
    expect(stub.requestsTo(REVOKE_PATH)).toHaveLength(2);
    expect(JSON.parse(warnings.find((line) => line.includes('"retry"'))!.replace(/^ece-messaging /, ""))).toMatchObject({
      type: "retry",
      operation: "revoke",
      attempt: 1,
      outcome: "invalidChoice",
      status: 503,
    });
  });
});
