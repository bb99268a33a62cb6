/**
 * Hostile input never makes a call reject and never reaches the network: throwing getters,
 * Proxies, signal look-alikes and a polluted Object.prototype are `invalidData` naming the field,
 * and only own properties are read (of inputs, options and query strings).
 */
import { afterEach, describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { answer, CONFIG_PATH, CREDENTIALS, START_PATH, stubsPerTest } from "../support/ece-stub.js";

const stubWith = stubsPerTest();
const ok = stubWith.bind(null, (_request, response) => answer(response, 200, { id: "m-1" }));

describe("inputs that throw when read", () => {
  it("a throwing getter is invalidData naming its field, nothing sent", async () => {
    const stub = await ok();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const input = {
      conversationId: "c-1",
      get message(): string {
        throw new Error("boom");
      },
    };
    expect(await ece.sendTextMessage(input)).toEqual({
      kind: "invalidData",
      message: "Invalid input: message could not be read.",
      delivered: false,
      issues: [{ field: "message", problem: "could not be read" }],
    });
    expect(stub.requests).toHaveLength(0);
  });

  it("a Proxy whose traps throw is invalidData, nothing sent", async () => {
    const stub = await ok();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const hostile = new Proxy(
      {},
      {
        getOwnPropertyDescriptor() {
          throw new Error("trap");
        },
        get() {
          throw new Error("trap");
        },
      },
    );
    const outcome = await ece.sendTextMessage(hostile as never);
    expect(outcome).toMatchObject({ kind: "invalidData" });
    expect(outcome.kind === "invalidData" && outcome.issues.map((i) => i.field)).toEqual(["conversationId", "message"]);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(await ece.acceptAttachment(proxy as never)).toEqual({
      kind: "invalidData",
      message: "Invalid input: input could not be read.",
      delivered: false,
      issues: [{ field: "input", problem: "could not be read" }],
    });
    expect(stub.requests).toHaveLength(0);
  });

  it("throwing call options are invalidData naming the option", async () => {
    const stub = await ok();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const options = {
      get timeoutMs(): number {
        throw new Error("boom");
      },
    };
    expect(await ece.sendTextMessage({ conversationId: "c", message: "m" }, options)).toMatchObject({
      kind: "invalidData",
      issues: [{ field: "options.timeoutMs", problem: "could not be read" }],
    });
    expect(stub.requests).toHaveLength(0);
  });

  it("a signal look-alike without removeEventListener is invalidData naming signal, nothing sent", async () => {
    const stub = await ok();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const lookAlike = { aborted: false, addEventListener: () => undefined };
    expect(await ece.sendTextMessage({ conversationId: "c", message: "m" }, { signal: lookAlike as never })).toEqual({
      kind: "invalidData",
      message: "Invalid input: options.signal must be an AbortSignal.",
      delivered: false,
      issues: [{ field: "options.signal", problem: "must be an AbortSignal" }],
    });
    expect(stub.requests).toHaveLength(0);
  });
});

describe("an input changed after the call", () => {
  /** A stub that configures entry point 1001 and starts every conversation. */
  const starts = () =>
    stubWith((_request, response) => answer(response, 200, { id: "m-1" }), {
      routes: {
        [CONFIG_PATH]: (_request, response) =>
          answer(response, 200, { entryPointConfiguration: [{ entryPoint: { id: 1001 }, lastModified: { date: "2026-11-01T10:00:00Z" } }] }),
        [START_PATH]: (_request, response) => answer(response, 200, { id: "conversation-1" }),
      },
    });
  const attributesSent = async (stub: Awaited<ReturnType<typeof starts>>) =>
    JSON.parse((await stub.arrived(START_PATH)).body).activity.customAttributes.customAttribute;

  it("sends a start's custom attributes as they were checked, whatever the caller does to them later", async () => {
    const stub = await starts();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const tags = ["a", "b c"];
    const started = ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" }, customAttributes: { tags } });
    // The start has yet to fetch its configuration and token: nothing of it is sent yet.
    tags.push("x+y");
    tags[0] = "line\r\nbreak";
    expect(await started).toMatchObject({ kind: "conversationStarted", conversationId: "conversation-1" });
    expect(await attributesSent(stub)).toEqual([{ attribName: "tags", attribValues: { attribValue: [{ value: "a" }, { value: "b c" }] } }]);
  });

  it("reads each custom attribute value once: a getter that throws on its second read is sent as first read", async () => {
    const stub = await starts();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    let reads = 0;
    const tags: string[] = [];
    Object.defineProperty(tags, 0, {
      enumerable: true,
      get() {
        reads += 1;
        if (reads > 1) throw new Error("second read");
        return "first";
      },
    });
    const outcome = await ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" }, customAttributes: { tags } });
    expect(outcome).toMatchObject({ kind: "conversationStarted", conversationId: "conversation-1" });
    expect(await attributesSent(stub)).toEqual([{ attribName: "tags", attribValues: { attribValue: [{ value: "first" }] } }]);
    expect(reads).toBe(1);
  });
});

describe("a polluted Object.prototype", () => {
  const polluted = Object.prototype as Record<string, unknown>;
  afterEach(() => {
    delete polluted.conversationId;
    delete polluted.message;
    delete polluted.pollutedKey;
    delete polluted.timeoutMs;
  });

  it("does not lend an input its fields", async () => {
    const stub = await ok();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    polluted.conversationId = "x";
    polluted.message = "from the prototype";
    expect(await ece.sendTextMessage({} as never)).toMatchObject({
      kind: "invalidData",
      issues: [
        { field: "conversationId", problem: "is required" },
        { field: "message", problem: "is required" },
      ],
    });
    expect(stub.requests).toHaveLength(0);
  });

  it("adds nothing to the token or send query strings", async () => {
    const stub = await ok();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, forceLogin: true });
    polluted.pollutedKey = "x";
    expect(await ece.sendTextMessage({ conversationId: "c", message: "m" })).toMatchObject({ kind: "sendMessageSuccess" });
    delete polluted.pollutedKey;
    expect(stub.requests.map((r) => r.url)).toEqual([
      "/system/ws/v19/clientapplications/authentication/oauth2/token?forceLogin=yes",
      "/system/ws/v19/clientapplications/messaging/sendmessage",
    ]);
  });

  it("does not lend call options or client options a value", async () => {
    const stub = await ok();
    polluted.timeoutMs = -5; // would be refused if it were read
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.sendTextMessage({ conversationId: "c", message: "m" }, {})).toMatchObject({ kind: "sendMessageSuccess" });
  });
});
