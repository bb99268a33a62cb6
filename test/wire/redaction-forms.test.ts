/**
 * Redaction of network text, encoded and not: the client secret, the Basic credential
 * (`key:secret`) and the token are redacted in their URL-encoded and base64 forms too, wherever
 * ECE's text reaches the caller (outcomes, events, log lines, spans, CLI output) - while the
 * values the SDK uses or hands back (the entry point's date, IDs, an attachment's contentUrl)
 * stay exactly as ECE sent them, even when a secret happens to appear in them.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { createEceClient, type EceEvent, type Logger } from "../../src/index.js";
import { answer, CONFIG_PATH, SEND_PATH, START_PATH, stubsPerTest, TOKEN_PATH, type RecordedRequest } from "../support/ece-stub.js";
import { memoryTokenStore } from "../support/memory-token-store.js";

const stubWith = stubsPerTest();
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
afterEach(() => exporter.reset());

/** A logger that keeps its lines. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (line: string) => void lines.push(line);
  return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

/** Everything the spans carry: names, attributes, status messages. */
const spansText = () => JSON.stringify(exporter.getFinishedSpans().map((s) => [s.name, s.attributes, s.status]));

const credentials = { clientKey: "key-1", clientSecret: "s3cret wörd/+~!?" };
const token = "tok/en+1~?=";

/**
 * The encoded forms of the secret, the token and `key:secret` (written out, not computed):
 * encodeURIComponent, the same with a space as +, a form (URLSearchParams), base64 and base64url
 * with and without padding. The Basic credential's base64 is the Authorization header's value.
 */
const secretForms = [
  "s3cret%20w%C3%B6rd%2F%2B~!%3F",
  "s3cret+w%C3%B6rd%2F%2B~!%3F",
  "s3cret+w%C3%B6rd%2F%2B%7E%21%3F",
  "czNjcmV0IHfDtnJkLyt+IT8=",
  "czNjcmV0IHfDtnJkLyt+IT8",
  "czNjcmV0IHfDtnJkLyt-IT8=",
  "czNjcmV0IHfDtnJkLyt-IT8",
];
const basicForms = [
  "key-1%3As3cret%20w%C3%B6rd%2F%2B~!%3F",
  "key-1%3As3cret+w%C3%B6rd%2F%2B~!%3F",
  "key-1%3As3cret+w%C3%B6rd%2F%2B%7E%21%3F",
  "a2V5LTE6czNjcmV0IHfDtnJkLyt+IT8=",
  "a2V5LTE6czNjcmV0IHfDtnJkLyt+IT8",
  "a2V5LTE6czNjcmV0IHfDtnJkLyt-IT8=",
  "a2V5LTE6czNjcmV0IHfDtnJkLyt-IT8",
];
const tokenForms = ["tok%2Fen%2B1~%3F%3D", "tok%2Fen%2B1%7E%3F%3D", "dG9rL2VuKzF+Pz0=", "dG9rL2VuKzF+Pz0", "dG9rL2VuKzF-Pz0=", "dG9rL2VuKzF-Pz0"];
const forms = [...secretForms, ...basicForms, ...tokenForms];
/** The forms in a line of text, and that line as it must come out. */
const echo = (list: string[]) => list.join(" | ");
const redactedEcho = (list: string[]) => list.map(() => "[redacted]").join(" | ");
const echoed = echo(forms);
const redacted = redactedEcho(forms);

/** Fails naming the first encoded form (or the secret, or the token) found in `text`. */
function expectNoSecret(text: string): void {
  for (const secret of [credentials.clientSecret, token, ...forms]) expect(text).not.toContain(secret);
}

/** ECE echoing every form: in free text of its configuration and its 2xx and 4xx bodies, and in its request ID. */
function echoingStub() {
  return stubWith(
    (request, response) => {
      const sent = JSON.parse(request.body) as { type: { value: string } };
      const status = sent.type.value === "geolocation" ? 200 : 400;
      const body = status === 200 ? { id: "m-1", geolocation: { label: echoed } } : { code: "400-1", developerMessage: echoed };
      response.writeHead(status, { "Content-Type": "application/json", "x-request-id": echoed });
      response.end(JSON.stringify(body));
    },
    {
      onToken: (_request, response) => answer(response, 200, { access_token: token, expires_in: 3600 }),
      routes: {
        [CONFIG_PATH]: (_request, response) =>
          answer(response, 200, { entryPointConfiguration: [{ entryPoint: { id: 1001 }, lastModified: { date: "2026-01-01" }, name: echoed }] }),
      },
    },
  );
}

describe("encoded secrets are redacted (issue 19 item 5)", () => {
  it("in developerMessage, requestId, raw and response, and in events, log lines and spans", async () => {
    const stub = await echoingStub();
    const events: EceEvent[] = [];
    const logger = recordingLogger();
    const ece = createEceClient({
      baseUrl: stub.url,
      credentials,
      onEvent: (e) => events.push(e),
      logger,
      logLevel: "debug",
      tracer: provider.getTracer("forms"),
    });
    const refused = await ece.sendTextMessage({ conversationId: "c-1", message: "hello" });
    expect(refused).toMatchObject({ kind: "invalidChoice", status: 400, developerMessage: redacted, requestId: redacted });
    const found = await ece.getEntryPointConfiguration({ entryPointId: 1001 });
    expect(found).toMatchObject({ kind: "entryPointConfigurationFound", raw: { name: redacted } });
    const shared = await ece.sendGeolocation({ conversationId: "c-1", latitude: 1, longitude: 2 });
    expect(shared).toMatchObject({ kind: "sendGeolocationSuccess", response: { id: "m-1", geolocation: { label: redacted } } });
    await ece.close();
    // The stub did see the Basic credential as the Authorization header (so the form tested is the one sent).
    expect(stub.requestsTo(TOKEN_PATH)[0]!.headers.authorization).toBe("Basic a2V5LTE6czNjcmV0IHfDtnJkLyt+IT8=");
    expect(events.filter((e) => e.type === "response").map((e) => "requestId" in e && e.requestId)).toContain(redacted);
    expectNoSecret(JSON.stringify([refused, found, shared, events, logger.lines]));
    expectNoSecret(spansText());
  });

  it("in network error text, on the outcome and the span's status", async () => {
    const stub = await echoingStub();
    const ece = createEceClient({
      baseUrl: stub.url,
      credentials,
      tracer: provider.getTracer("forms"),
      // The token comes; the send fails with what the network stack said, as fetch reports it.
      fetch: (input, init) =>
        String(input instanceof Request ? input.url : input).includes(SEND_PATH)
          ? Promise.reject(new TypeError("fetch failed", { cause: new Error(echoed) }))
          : fetch(input, init),
    });
    const outcome = await ece.sendTextMessage({ conversationId: "c-1", message: "hello" });
    expect(outcome).toMatchObject({ kind: "error", message: `Network error: fetch failed (${redacted})` });
    expect(exporter.getFinishedSpans().map((s) => s.status.message)).toContain(`Network error: fetch failed (${redacted})`);
    expectNoSecret(spansText());
  });

  it("in a token store's error, on the tokenStoreError event", async () => {
    const stub = await echoingStub();
    const store = memoryTokenStore();
    store.down = "reject";
    // The store fails before any token came: the credentials' forms are the secrets it may hold.
    store.error = new Error(echo([...secretForms, ...basicForms]));
    const events: EceEvent[] = [];
    const ece = createEceClient({ baseUrl: stub.url, credentials, tokenStore: store, onEvent: (e) => events.push(e) });
    await ece.sendTextMessage({ conversationId: "c-1", message: "hello" });
    await ece.close();
    const errors = events.filter((e) => e.type === "tokenStoreError");
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.message).toBe(redactedEcho([...secretForms, ...basicForms]));
    expectNoSecret(JSON.stringify(events));
  });

  it("in the CLI's output and its --verbose log", async () => {
    const runCliInProcess = async (argv: string[], env: Record<string, string>) => {
      const printed = { stdout: "", stderr: "" };
      const exitCode = await runCli(argv, env, { stdout: (text) => void (printed.stdout += text), stderr: (text) => void (printed.stderr += text) });
      return { exitCode, ...printed };
    };
    const stub = await echoingStub();
    const env = { ECE_BASE_URL: stub.url, ECE_CLIENT_KEY: credentials.clientKey, ECE_CLIENT_SECRET: credentials.clientSecret };
    const text = await runCliInProcess(["text", "--conversation", "c-1", "--message", "hello", "--verbose"], env);
    expect(text.exitCode).toBe(1);
    expect(JSON.parse(text.stdout)).toMatchObject({ kind: "invalidChoice", developerMessage: redacted, requestId: redacted });
    const config = await runCliInProcess(["config", "--entry-point", "1001", "--verbose"], env);
    expect(JSON.parse(config.stdout)).toMatchObject({ kind: "entryPointConfigurationFound", raw: { name: redacted } });
    expectNoSecret([text.stdout, text.stderr, config.stdout, config.stderr].join("\n"));
  });
});

describe("protocol values stay verbatim (issue 19 item 6)", () => {
  // A secret that also appears in the entry point's date and in every ID.
  const year = { clientKey: "key-1", clientSecret: "2025" };
  const date = "2025-06-12T10:20:25.000Z";
  const contentUrl = "https://files.example/2025/a-2025?sig=2025";

  /** A send's answer, by what was sent. */
  function sendAnswer(request: RecordedRequest): unknown {
    const { type } = JSON.parse(request.body) as { type: { value: string } };
    switch (type.value) {
      case "uploadAttachment":
        return { id: "m-2025", type: { value: "uploadAttachment" }, attachments: { attachment: [{ id: "a-2025", fileName: "2025.pdf" }] } };
      case "acceptAttachment":
        return {
          id: "m-2025",
          attachments: { attachment: [{ id: "a-2025", fileName: "report 2025.pdf", contentType: "application/pdf", size: "20250", contentUrl }] },
        };
      case "geolocation":
        return { id: "m-2025", conversation: { id: "c-2025" }, geolocation: { label: "HQ 2025", url: "https://maps.example/?q=2025" } };
      default:
        return { id: "m-2025" };
    }
  }

  function yearStub() {
    return stubWith((request, response) => answer(response, 200, sendAnswer(request)), {
      routes: {
        [CONFIG_PATH]: (_request, response) =>
          answer(response, 200, { entryPointConfiguration: [{ entryPoint: { id: 2025 }, lastModified: { date }, name: "Chat 2025" }] }),
        // As ECE does: a date that is not exactly the configuration's is stale.
        [START_PATH]: (request, response) => {
          const sent = (JSON.parse(request.body) as { entryPointConfiguration: { lastModified: { date: unknown } } }).entryPointConfiguration;
          if (sent.lastModified.date !== date) return answer(response, 409, { code: "409-100", developerMessage: "Last modified date do not match" });
          answer(response, 201, { id: "conv-2025", activity: { id: "act-2025" } });
        },
      },
    });
  }

  it("a start echoes the entry point's date exactly and succeeds (no conflict); the configuration keeps it and its ID", async () => {
    const stub = await yearStub();
    const ece = createEceClient({ baseUrl: stub.url, credentials: year });
    expect(await ece.startConversation({ entryPointId: 2025, customer: { email: "ann@example.com" } })).toEqual({
      kind: "conversationStarted",
      status: 201,
      conversationId: "conv-2025",
      activityId: "act-2025",
    });
    expect(stub.requestsTo(START_PATH)).toHaveLength(1);
    expect(JSON.parse(stub.requestsTo(START_PATH)[0]!.body)).toMatchObject({ entryPointConfiguration: { lastModified: { date } } });
    expect(await ece.getEntryPointConfiguration({ entryPointId: 2025 })).toEqual({
      kind: "entryPointConfigurationFound",
      status: 200,
      entryPointId: 2025,
      lastModified: date,
      lastModifiedJson: JSON.stringify(date),
      raw: { entryPoint: { id: 2025 }, lastModified: { date }, name: "Chat [redacted]" },
    });
    await ece.close();
  });

  it("message, attachment and conversation IDs and contentUrl are kept, free text redacted", async () => {
    const stub = await yearStub();
    const ece = createEceClient({ baseUrl: stub.url, credentials: year });
    const conversationId = "c-2025";
    expect(await ece.sendTextMessage({ conversationId, message: "hi" })).toEqual({ kind: "sendMessageSuccess", status: 200, messageId: "m-2025" });
    const file = { conversationId, fileName: "2025.pdf", contentType: "application/pdf", fileSize: 2025, contentUrl: "https://files.example/up/2025.pdf" };
    expect(await ece.uploadAttachmentFromUrl(file)).toEqual({
      kind: "sendMessageSuccess",
      status: 200,
      messageId: "m-2025",
      attachmentId: "a-2025",
      typeValue: "uploadAttachment",
    });
    expect(await ece.acceptAttachment({ conversationId, attachmentId: "a-2025" })).toEqual({
      kind: "attachmentAccepted",
      status: 200,
      messageId: "m-2025",
      attachment: { id: "a-2025", fileName: "report [redacted].pdf", contentType: "application/pdf", size: 20250, contentUrl },
    });
    expect(await ece.sendGeolocation({ conversationId, latitude: 1, longitude: 2 })).toEqual({
      kind: "sendGeolocationSuccess",
      status: 200,
      messageId: "m-2025",
      response: { id: "m-2025", conversation: { id: "c-2025" }, geolocation: { label: "HQ [redacted]", url: "https://maps.example/?q=[redacted]" } },
    });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(4);
    await ece.close();
  });

  it("events, log lines and spans carry the started conversation's ID as ECE sent it, and never a contentUrl", async () => {
    const stub = await yearStub();
    const events: EceEvent[] = [];
    const logger = recordingLogger();
    const ece = createEceClient({
      baseUrl: stub.url,
      credentials: year,
      onEvent: (e) => events.push(e),
      logger,
      logLevel: "debug",
      tracer: provider.getTracer("year"),
    });
    await ece.startConversation({ entryPointId: 2025, customer: { email: "ann@example.com" } });
    const file = { conversationId: "c-2025", fileName: "f.pdf", contentType: "application/pdf", fileSize: 1, contentUrl: "https://files.example/up/f.pdf" };
    await ece.uploadAttachmentFromUrl(file);
    await ece.acceptAttachment({ conversationId: "c-2025", attachmentId: "a-2025" });
    await ece.close();
    const started = events.find((e) => e.type === "response" && e.operation === "startConversation");
    expect(started).toMatchObject({ outcome: "conversationStarted", conversationId: "conv-2025" });
    const startSpan = exporter.getFinishedSpans().find((s) => s.name === "ece.startConversation");
    expect(startSpan?.attributes["ece.conversation.id"]).toBe("conv-2025");
    for (const observed of [JSON.stringify(events), logger.lines.join("\n"), spansText()]) expect(observed).not.toContain("files.example");
  });
});
