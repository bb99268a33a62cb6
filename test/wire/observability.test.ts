/**
 * Observability: one event stream (onEvent and the leveled logger read it), OpenTelemetry spans
 * through a caller's tracer, and request IDs on outcomes - with no secret or message content in
 * any event, log line or span attribute.
 */
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import fc from "fast-check";
import { execFile } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEceClient, type EceEvent, type Logger, type Span, type Tracer } from "../../src/index.js";
import { projectRoot } from "../../scripts/prism.js";
import { answer, CREDENTIALS, REVOKE_PATH, SEND_PATH, stubsPerTest, TOKEN_PATH } from "../support/ece-stub.js";

const stubWith = stubsPerTest();
const text = { conversationId: "c-42", message: "a private message" };
const ok = stubWith.bind(null, (_request, response) => answer(response, 200, { id: "m-1" }));

/** A logger that keeps its lines, per level. */
function recordingLogger(): Logger & { lines: [string, string][] } {
  const lines: [string, string][] = [];
  return {
    lines,
    debug: (line) => lines.push(["debug", line]),
    info: (line) => lines.push(["info", line]),
    warn: (line) => lines.push(["warn", line]),
    error: (line) => lines.push(["error", line]),
  };
}

describe("events", () => {
  it("request and response, with operation, attempt, method, path, status, kind, conversation ID", async () => {
    const stub = await ok();
    const events: EceEvent[] = [];
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t0k3n-value", onEvent: (e) => events.push(e) });
    await ece.sendTextMessage(text);
    expect(events).toEqual([
      { type: "request", operation: "sendTextMessage", attempt: 1, method: "POST", path: SEND_PATH, conversationId: "c-42" },
      {
        type: "response",
        operation: "sendTextMessage",
        status: 200,
        durationMs: expect.any(Number) as number,
        outcome: "sendMessageSuccess",
        conversationId: "c-42",
      },
    ]);
  });

  it("a failure's response says delivered; invalidData is reported too", async () => {
    const stub = await stubWith((_request, response) => answer(response, 503, {}));
    const events: EceEvent[] = [];
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t", onEvent: (e) => events.push(e) });
    await ece.sendTextMessage(text);
    await ece.sendTextMessage({ conversationId: "", message: "m" });
    const responses = events.filter((e) => e.type === "response");
    expect(responses).toMatchObject([
      { outcome: "invalidChoice", status: 503, delivered: "unknown" },
      { outcome: "invalidData", delivered: false },
    ]);
  });

  it("tokenRequested, tokenRefreshed after a 401 (attempt 2), and tokenRevoked", async () => {
    let sends = 0;
    const stub = await stubWith((_request, response) => {
      sends += 1;
      answer(response, sends === 2 ? 401 : 200, {});
    });
    const events: EceEvent[] = [];
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, onEvent: (e) => events.push(e) });
    await ece.sendTextMessage(text);
    await ece.sendTextMessage(text); // 401 on the cached token: refreshed, repeated
    await ece.close();
    const summary = events.map((e) =>
      e.type === "request" ? `request ${e.operation} #${e.attempt} ${e.path}` : e.type === "response" ? `response ${e.outcome}` : e.type === "tokenRefreshed" ? `tokenRefreshed ${e.reason}` : e.type === "tokenRevoked" ? `tokenRevoked ${e.ok}` : e.type,
    );
    expect(summary).toEqual([
      "tokenRequested",
      `request token #1 ${TOKEN_PATH}`,
      `request sendTextMessage #1 ${SEND_PATH}`,
      "response sendMessageSuccess",
      `request sendTextMessage #1 ${SEND_PATH}`,
      "tokenRefreshed 401",
      `request token #1 ${TOKEN_PATH}`,
      `request sendTextMessage #2 ${SEND_PATH}`,
      "response sendMessageSuccess",
      `request revoke #1 ${REVOKE_PATH}`,
      "tokenRevoked true",
    ]);
  });

  it("tokenRefreshed with reason expired when the cached token runs out", async () => {
    const stub = await stubWith((_request, response) => answer(response, 200, {}), { expiresIn: 0.001 });
    const events: EceEvent[] = [];
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, onEvent: (e) => events.push(e) });
    await ece.sendTextMessage(text);
    const start = Date.now();
    while (Date.now() < start + 2) await new Promise((r) => setImmediate(r)); // the clock moves on
    await ece.sendTextMessage(text);
    expect(events.filter((e) => e.type.startsWith("token"))).toEqual([{ type: "tokenRequested" }, { type: "tokenRefreshed", reason: "expired" }]);
  });

  it("a throwing listener changes no outcome", async () => {
    const stub = await ok();
    const ece = createEceClient({
      baseUrl: stub.url,
      credentials: CREDENTIALS,
      onEvent: () => {
        throw new Error("listener bug");
      },
    });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess", messageId: "m-1" });
  });
});

describe("observers that return rejected promises", () => {
  it("change no outcome and surface no unhandled rejection (a child process, in Node's default mode)", async () => {
    // NODE_OPTIONS could set --unhandled-rejections: the child runs in Node's default mode.
    const { NODE_OPTIONS: _ignored, ...env } = process.env;
    const child = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const run = execFile(process.execPath, ["--import", "tsx", "test/wire/rejecting-observers.ts"], { cwd: projectRoot, env, timeout: 60_000 }, (_error, stdout, stderr) =>
        resolve({ code: run.exitCode, stdout, stderr }),
      );
    });
    expect(child.stderr).toBe("");
    expect(child.code).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({
      client: {
        sent: "sendMessageSuccess",
        notFound: "conversationNotFound",
        closed: { revoked: true },
        called: ["debug", "end", "error", "info", "onEvent", "setAttribute", "setStatus", "startActiveSpan", "warn"],
      },
      webhook: { received: 200, refused: 401, called: ["info", "onEvent", "warn"] },
    });
  });
});

describe("logging", () => {
  const saved = process.env.ECE_LOG;
  afterEach(() => {
    if (saved === undefined) delete process.env.ECE_LOG;
    else process.env.ECE_LOG = saved;
  });

  it("off by default; at info, one structured line per event at a fitting level", async () => {
    delete process.env.ECE_LOG;
    const stub = await ok();
    const quiet = recordingLogger();
    await createEceClient({ baseUrl: stub.url, accessToken: "t", logger: quiet }).sendTextMessage(text);
    expect(quiet.lines).toEqual([]);
    const logger = recordingLogger();
    await createEceClient({ baseUrl: stub.url, accessToken: "t", logger, logLevel: "info" }).sendTextMessage(text);
    expect(logger.lines).toHaveLength(1); // the request is debug
    const [level, line] = logger.lines[0]!;
    expect(level).toBe("info");
    expect(line.startsWith("ece-messaging {")).toBe(true);
    expect(JSON.parse(line.slice("ece-messaging ".length))).toMatchObject({ type: "response", outcome: "sendMessageSuccess" });
  });

  it("failures are warnings; debug shows requests", async () => {
    const stub = await stubWith((_request, response) => answer(response, 404, {}));
    const logger = recordingLogger();
    await createEceClient({ baseUrl: stub.url, accessToken: "t", logger, logLevel: "debug" }).sendTextMessage(text);
    expect(logger.lines.map(([level]) => level)).toEqual(["debug", "warn"]);
  });

  it("ECE_LOG sets the level when the option is absent; the option wins", async () => {
    const stub = await ok();
    process.env.ECE_LOG = "debug";
    const fromEnvironment = recordingLogger();
    await createEceClient({ baseUrl: stub.url, accessToken: "t", logger: fromEnvironment }).sendTextMessage(text);
    expect(fromEnvironment.lines.map(([level]) => level)).toEqual(["debug", "info"]);
    const optionWins = recordingLogger();
    await createEceClient({ baseUrl: stub.url, accessToken: "t", logger: optionWins, logLevel: "off" }).sendTextMessage(text);
    expect(optionWins.lines).toEqual([]);
  });

  it("reading the environment never throws (Deno without env permission)", async () => {
    const stub = await ok();
    const descriptor = Object.getOwnPropertyDescriptor(process, "env")!;
    Object.defineProperty(process, "env", {
      configurable: true,
      get() {
        throw new Error("Requires env access");
      },
    });
    try {
      const ece = createEceClient({ baseUrl: stub.url, accessToken: "t", logger: recordingLogger() });
      expect((await ece.sendTextMessage(text)).kind).toBe("sendMessageSuccess");
    } finally {
      Object.defineProperty(process, "env", descriptor);
    }
  });

  it("refuses a logger without the four methods and an unknown level", () => {
    expect(() => createEceClient({ baseUrl: "http://x.example", accessToken: "t", logger: { info: () => 1 } as never })).toThrow(/logger must have debug, info, warn and error/);
    expect(() => createEceClient({ baseUrl: "http://x.example", accessToken: "t", logLevel: "verbose" as never })).toThrow(/logLevel must be/);
  });
});

describe("request IDs", () => {
  it.each([
    [{ "x-request-id": "r-1", "x-correlation-id": "c-1", "request-id": "q-1" }, "r-1"],
    [{ "x-correlation-id": "c-1", "request-id": "q-1" }, "c-1"],
    [{ "request-id": "q-1" }, "q-1"],
  ])("%o -> %s, on successes and failures, and in the response event", async (headers, expected) => {
    let status = 200;
    const stub = await stubWith((_request, response) => void response.writeHead(status, { "Content-Type": "application/json", ...headers }).end("{}"));
    const events: EceEvent[] = [];
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t", onEvent: (e) => events.push(e) });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess", requestId: expected });
    status = 500;
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "internalServerError", requestId: expected });
    expect(events.filter((e) => e.type === "response").map((e) => (e as { requestId?: string }).requestId)).toEqual([expected, expected]);
  });

  it("is absent without such a header", async () => {
    const stub = await ok();
    expect(await createEceClient({ baseUrl: stub.url, accessToken: "t" }).sendTextMessage(text)).not.toHaveProperty("requestId");
  });
});

describe("OpenTelemetry", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => void context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => {
    contextManager.disable();
    context.disable();
  });
  afterEach(() => exporter.reset());

  it("a client span per operation, the token request its child, the 401 repeat counted", async () => {
    let sends = 0;
    const stub = await stubWith((_request, response) => {
      sends += 1;
      answer(response, sends === 2 ? 401 : 200, {});
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tracer: provider.getTracer("test") });
    await ece.sendTextMessage(text);
    await ece.sendTextMessage(text);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(["ece.token", "ece.sendTextMessage", "ece.token", "ece.sendTextMessage"]);
    const [firstToken, firstSend, secondToken, secondSend] = spans;
    expect(firstSend!.kind).toBe(2); // SpanKind.CLIENT
    expect(firstToken!.parentSpanContext?.spanId).toBe(firstSend!.spanContext().spanId);
    expect(secondToken!.parentSpanContext?.spanId).toBe(secondSend!.spanContext().spanId);
    expect(firstSend!.attributes).toEqual({
      "ece.conversation.id": "c-42",
      "http.request.method": "POST",
      "url.path": SEND_PATH,
      "http.response.status_code": 200,
      "ece.outcome.kind": "sendMessageSuccess",
    });
    expect(secondSend!.attributes).toMatchObject({ "http.request.resend_count": 1, "http.response.status_code": 200 });
    expect(firstSend!.status.code).toBe(0); // unset: a success
  });

  it("a failure kind sets the span's error status", async () => {
    const stub = await stubWith((_request, response) => answer(response, 404, {}));
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t", tracer: provider.getTracer("test") });
    await ece.sendTextMessage(text);
    const [span] = exporter.getFinishedSpans();
    expect(span!.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(span!.attributes).toMatchObject({ "ece.outcome.kind": "conversationNotFound", "http.response.status_code": 404 });
  });

  it("a tracer that throws changes no outcome", async () => {
    const stub = await ok();
    const broken = {
      startActiveSpan: () => {
        throw new Error("tracer bug");
      },
    };
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t", tracer: broken });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess" });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
  });

  /** A tracer that does with the callback (`run`: it with a span that does nothing) what `use` says. */
  function oddTracer(use: (run: () => unknown) => unknown): Tracer {
    const span: Span = { setAttribute: () => undefined, setStatus: () => undefined, end: () => undefined };
    return { startActiveSpan: (_name, _options, fn) => use(() => fn(span)) as never };
  }

  it("a tracer that calls the callback twice: the operation (and its token request) runs once", async () => {
    const stub = await ok();
    const tracer = oddTracer((run) => {
      void run();
      return run();
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tracer });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess" });
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
  });

  it("a tracer that returns a promise that never settles: the call ends with its own outcome", async () => {
    const stub = await ok();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tracer: oddTracer((run) => (void run(), new Promise(() => {}))) });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess" });
    // One that never calls the callback either: the work runs without a span.
    const silent = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tracer: oddTracer(() => new Promise(() => {})) });
    expect(await silent.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess" });
  });

  it("a tracer that returns a promise that never settles: a call ECE never answers ends on its own deadline", async () => {
    const stub = await stubWith(() => undefined); // never answers a send
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t", tracer: oddTracer((run) => (void run(), new Promise(() => {}))) });
    expect(await ece.sendTextMessage(text, { timeoutMs: 100 })).toMatchObject({ kind: "timeout", timeoutMs: 100 });
  });
});

describe("no secret and no content leaves through events, logs or spans", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  it("secrets echoed by ECE in bodies, headers and error text (100 runs)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 8, maxLength: 24, unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") }),
        fc.string({ minLength: 8, maxLength: 24, unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789") }),
        fc.constantFrom(200, 400, 401, 500),
        async (secret, content, status) => {
          exporter.reset();
          const echo = (value: string) => `${value} ${secret}`;
          const stub = await stubWith(
            (request, response) => {
              const token = String(request.headers.authorization);
              response.writeHead(status, { "Content-Type": "application/json", "x-request-id": echo(token) });
              response.end(JSON.stringify({ code: token, developerMessage: echo(request.body), [secret]: token }));
            },
            { onToken: (_r, response) => answer(response, 200, { access_token: `tok-${secret}`, expires_in: 3600 }) },
          );
          const events: EceEvent[] = [];
          const logger = recordingLogger();
          const ece = createEceClient({
            baseUrl: stub.url,
            credentials: { clientKey: "k", clientSecret: secret },
            onEvent: (e) => events.push(e),
            logger,
            logLevel: "debug",
            tracer: provider.getTracer("property"),
          });
          await ece.sendGeolocation({ conversationId: "c", latitude: 1, longitude: 2, label: content });
          await ece.sendTextMessage({ conversationId: "c", message: content });
          await ece.close();
          const observed = JSON.stringify([events, logger.lines, exporter.getFinishedSpans().map((s) => s.attributes)]);
          const basic = Buffer.from(`k:${secret}`).toString("base64");
          for (const forbidden of [secret, `tok-${secret}`, basic, content]) expect(observed).not.toContain(forbidden);
        },
      ),
      { numRuns: 100 },
    );
  });
});
