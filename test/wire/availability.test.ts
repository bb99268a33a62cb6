/**
 * The chat web service's reads (issue 21 item 1) against a node:http stub: where they go
 * (chatRoot), that they never carry credentials nor ask for a token, XML and JSON answers, every
 * responseType, and each failure - every one undelivered.
 */
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { createEceClient, type EceClient, type EceEvent } from "../../src/index.js";
import { answer, API_ROOT, CREDENTIALS, SEND_PATH, stubsPerTest, TOKEN_PATH, type RecordedRequest, type StubHandler } from "../support/ece-stub.js";

const stubWith = stubsPerTest();
const CHAT_ROOT = "/system/egain/chat/entrypoint";
const NS = 'xmlns:ns2="http://bindings.egain.com/chat"';

type ChatCall = "getAgentAvailability" | "getAgentCapacity" | "checkEligibility";
const pathOf: Record<ChatCall, string> = {
  getAgentAvailability: "agentAvailability",
  getAgentCapacity: "capacity",
  checkEligibility: "checkEligibility",
};

/** Answers with XML, as the chat web service does by default. */
function xml(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "Content-Type": "application/xml", "Content-Length": Buffer.byteLength(text) });
  response.end(text);
}

/** A stub whose chat web service answers every path under `root` with `chat`; sends succeed. */
function chatStub(chat: StubHandler, root = CHAT_ROOT) {
  const routes = Object.fromEntries(Object.values(pathOf).map((name) => [`${root}/${name}/1001`, chat]));
  return stubWith((_r, response) => answer(response, 200, { id: "m-1" }), { routes });
}

const call = (ece: EceClient, operation: ChatCall) => ece[operation]({ entryPointId: 1001 });

describe("the chat web service's reads", () => {
  it.each(Object.keys(pathOf) as ChatCall[])("%s asks for XML under the default chatRoot, with no credentials and no token request, even on a client with credentials", async (operation) => {
    const stub = await chatStub((_r, response) => xml(response, 200, `<agentAvailability ${NS} available="true"/>`));
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await call(ece, operation);
    const [request] = stub.requests;
    expect(stub.requests).toHaveLength(1);
    expect(request!.method).toBe("GET");
    expect(request!.url).toBe(`${CHAT_ROOT}/${pathOf[operation]}/1001`);
    expect(request!.headers.accept).toBe("application/xml");
    expect(request!.headers).not.toHaveProperty("authorization");
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(0);
  });

  const answers: [ChatCall, string, string | unknown, Record<string, unknown>][] = [
    ["getAgentAvailability", "XML true", `<agentAvailability ${NS} available="true"/>`, { kind: "agentAvailable" }],
    ["getAgentAvailability", "XML false", `<?xml version="1.0"?><ns2:agentAvailability ${NS} available="false"></ns2:agentAvailability>`, { kind: "noAgentAvailable" }],
    ["getAgentAvailability", "JSON true", { available: true }, { kind: "agentAvailable" }],
    ["getAgentAvailability", "JSON false", { available: false }, { kind: "noAgentAvailable" }],
    ["getAgentAvailability", 'JSON "true"', { available: "true" }, { kind: "agentAvailable" }],
    ["getAgentAvailability", 'JSON "false"', { available: "false" }, { kind: "noAgentAvailable" }],
    ["getAgentCapacity", "XML 3 slots", `<availableSlots ${NS}><ns2:count>3</ns2:count></availableSlots>`, { kind: "slotAvailable", availableSlots: 3 }],
    ["getAgentCapacity", "XML 0 slots", `<availableSlots ${NS}><ns2:count>0</ns2:count></availableSlots>`, { kind: "maximumLoad", availableSlots: 0 }],
    ["getAgentCapacity", "JSON 7 slots", { count: 7 }, { kind: "slotAvailable", availableSlots: 7 }],
    ["getAgentCapacity", "JSON 0 slots", { count: 0 }, { kind: "maximumLoad", availableSlots: 0 }],
    ["checkEligibility", "XML 0", `<checkEligibility ${NS} responseType="0"/>`, { kind: "eligible", responseType: 0 }],
    ["checkEligibility", "XML 1", `<checkEligibility ${NS} responseType="1"/>`, { kind: "noAgentAvailable", responseType: 1 }],
    ["checkEligibility", "XML 2", `<checkEligibility ${NS} responseType="2"/>`, { kind: "queueFull", responseType: 2 }],
    ["checkEligibility", "JSON 0", { responseType: 0 }, { kind: "eligible", responseType: 0 }],
    ["checkEligibility", "JSON 1", { responseType: 1 }, { kind: "noAgentAvailable", responseType: 1 }],
    ["checkEligibility", "JSON 2", { responseType: 2 }, { kind: "queueFull", responseType: 2 }],
  ];
  it.each(answers)("%s reads %s", async (operation, _name, body, expected) => {
    const stub = await chatStub((_r, response) => (typeof body === "string" ? xml(response, 200, body) : answer(response, 200, body)));
    const ece = createEceClient({ baseUrl: stub.url });
    expect(await call(ece, operation)).toEqual({ ...expected, status: 200 });
  });

  const unreadable: [ChatCall, string, string | unknown, RegExp][] = [
    ["checkEligibility", "another responseType (XML)", `<checkEligibility ${NS} responseType="3"/>`, /responseType of 0, 1 or 2/],
    ["checkEligibility", "another responseType (JSON)", { responseType: 7 }, /responseType of 0, 1 or 2/],
    ["checkEligibility", "no responseType", `<checkEligibility ${NS}/>`, /responseType/],
    ["getAgentAvailability", "available neither true nor false", `<agentAvailability available="yes"/>`, /available/],
    ["getAgentAvailability", "JSON available as a number", { available: 1 }, /available/],
    ["getAgentAvailability", "another root element", `<checkEligibility available="true"/>`, /available/],
    ["getAgentAvailability", "unbalanced XML", `<agentAvailability available="true">`, /available/],
    ["getAgentAvailability", "a DOCTYPE", `<!DOCTYPE x [<!ENTITY e "true">]><agentAvailability available="&e;"/>`, /available/],
    ["getAgentCapacity", "a negative count", `<availableSlots><count>-1</count></availableSlots>`, /slot count/],
    ["getAgentCapacity", "a JSON count as text that is no number", { count: "many" }, /slot count/],
    ["getAgentCapacity", "a JSON array", [{ count: 1 }], /slot count/],
  ];
  it.each(unreadable)("%s: %s is an undelivered error", async (operation, _name, body, message) => {
    const stub = await chatStub((_r, response) => (typeof body === "string" ? xml(response, 200, body) : answer(response, 200, body)));
    const outcome = await call(createEceClient({ baseUrl: stub.url }), operation);
    expect(outcome).toMatchObject({ kind: "error", status: 200, delivered: false });
    expect(outcome).toHaveProperty("message", expect.stringMatching(message));
  });

  it("a body that is neither JSON nor XML, and an empty body, are undelivered errors", async () => {
    const bodies = ["{not json", ""];
    const stub = await chatStub((_r, response) => answer(response, 200, bodies.shift()!));
    const ece = createEceClient({ baseUrl: stub.url });
    expect(await ece.getAgentAvailability({ entryPointId: 1001 })).toMatchObject({ kind: "error", status: 200, delivered: false, message: expect.stringMatching(/not valid JSON/) });
    expect(await ece.getAgentAvailability({ entryPointId: 1001 })).toMatchObject({ kind: "error", status: 200, delivered: false });
  });

  it("a 404 with ECE's error body is entryPointNotFound", async () => {
    const stub = await chatStub((_r, response) => answer(response, 404, { code: "404-100", developerMessage: "The entry point with ID 1001 does not exist." }));
    expect(await createEceClient({ baseUrl: stub.url }).checkEligibility({ entryPointId: 1001 })).toEqual({
      kind: "entryPointNotFound",
      message: expect.any(String),
      status: 404,
      code: "404-100",
      developerMessage: "The entry point with ID 1001 does not exist.",
      delivered: false,
    });
  });

  it("a 404 without ECE's error body is an error naming the path and pointing at chatRoot", async () => {
    const stub = await chatStub((_r, response) => {
      response.writeHead(404, { "Content-Type": "text/html" }).end("<html><body>Not Found</body></html>");
    });
    const outcome = await createEceClient({ baseUrl: stub.url }).getAgentCapacity({ entryPointId: 1001 });
    expect(outcome).toMatchObject({ kind: "error", status: 404, delivered: false });
    expect(outcome).toHaveProperty("message", expect.stringContaining(`${CHAT_ROOT}/capacity/1001`));
    expect(outcome).toHaveProperty("message", expect.stringContaining("chatRoot"));
  });

  it("a 500 is internalServerError, and another status invalidChoice - both undelivered, never a token request", async () => {
    const statuses = [500, 401, 429];
    const stub = await chatStub((_r, response) => answer(response, statuses.shift()!, { code: "x-1", developerMessage: "no" }));
    // The mapping, not the retries (test/wire/retries.test.ts): each answer ends its call.
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, maxRetries: 0 });
    expect(await ece.getAgentAvailability({ entryPointId: 1001 })).toMatchObject({ kind: "internalServerError", status: 500, delivered: false });
    expect(await ece.getAgentAvailability({ entryPointId: 1001 })).toMatchObject({ kind: "invalidChoice", status: 401, delivered: false });
    expect(await ece.getAgentAvailability({ entryPointId: 1001 })).toMatchObject({ kind: "invalidChoice", status: 429, delivered: false });
    expect(stub.requests).toHaveLength(3);
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(0);
  });

  it("a timeout after sending is undelivered: a read delivers nothing", async () => {
    const stub = await chatStub(() => undefined); // never answers
    const outcome = await createEceClient({ baseUrl: stub.url }).checkEligibility({ entryPointId: 1001 }, { timeoutMs: 50 });
    expect(outcome).toMatchObject({ kind: "timeout", timeoutMs: 50, delivered: false });
  });

  it("bad input is invalidData naming the field, nothing sent", async () => {
    const stub = await chatStub((_r, response) => answer(response, 200, { available: true }));
    const outcome = await createEceClient({ baseUrl: stub.url }).getAgentAvailability({ entryPointId: "x" });
    expect(outcome).toMatchObject({ kind: "invalidData", delivered: false, issues: [{ field: "entryPointId" }] });
    expect(stub.requests).toHaveLength(0);
  });
});

describe("chatRoot", () => {
  const eligible = (_r: RecordedRequest, response: ServerResponse) => xml(response, 200, `<checkEligibility responseType="0"/>`);

  it("defaults to the apiRoot's context root: /ctx/ws/v19/clientapplications -> /ctx/egain/chat/entrypoint", async () => {
    const stub = await chatStub(eligible, "/ctx/egain/chat/entrypoint");
    const ece = createEceClient({ baseUrl: stub.url, apiRoot: "/ctx/ws/v19/clientapplications/" });
    expect(await ece.checkEligibility({ entryPointId: 1001 })).toMatchObject({ kind: "eligible" });
  });

  it("may be a path on baseUrl", async () => {
    const stub = await chatStub(eligible, "/chat/here");
    const ece = createEceClient({ baseUrl: stub.url, chatRoot: "/chat/here/" });
    expect(await ece.checkEligibility({ entryPointId: 1001 })).toMatchObject({ kind: "eligible" });
  });

  it("may be an absolute URL on another server; the API stays on baseUrl", async () => {
    const api = await stubWith((_r, response) => answer(response, 200, { id: "m-1" }));
    const chat = await chatStub(eligible, "/chat");
    const ece = createEceClient({ baseUrl: api.url, accessToken: "t0k3n", chatRoot: `${chat.url}/chat` });
    expect(await ece.checkEligibility({ entryPointId: 1001 })).toMatchObject({ kind: "eligible" });
    expect(await ece.sendTextMessage({ conversationId: "c-1", message: "hi" })).toMatchObject({ kind: "sendMessageSuccess" });
    expect(chat.requests.map((r) => r.url)).toEqual(["/chat/checkEligibility/1001"]);
    expect(api.requests.map((r) => r.url)).toEqual([SEND_PATH]);
  });

  it("is needed with an apiRoot of another shape: the chat calls end error naming it, nothing sent; other calls unaffected", async () => {
    const stub = await stubWith((_r, response) => answer(response, 200, { id: "m-1" }));
    const ece = createEceClient({ baseUrl: stub.url, apiRoot: API_ROOT.replace("/ws/v19/clientapplications", "/api"), accessToken: "t0k3n" });
    for (const operation of Object.keys(pathOf) as ChatCall[]) {
      const outcome = await call(ece, operation);
      expect(outcome).toMatchObject({ kind: "error", delivered: false });
      expect(outcome).toHaveProperty("message", expect.stringContaining("set the chatRoot option"));
    }
    expect(stub.requests).toHaveLength(0);
    // The API itself is still asked (here it has nothing at that root).
    expect(await ece.sendTextMessage({ conversationId: "c-1", message: "hi" })).toMatchObject({ status: 404 });
    expect(stub.requests.map((r) => r.url)).toEqual(["/system/api/messaging/sendmessage"]);
  });

  it("must be a path or an absolute http(s) URL without a password", () => {
    expect(() => createEceClient({ baseUrl: "https://ece.example.com", chatRoot: "chat" })).toThrow(/chatRoot/);
    expect(() => createEceClient({ baseUrl: "https://ece.example.com", chatRoot: "https://u:secret-pw@chat.example.com/c" })).toThrow(/chatRoot must not carry a user name or password/);
    expect(() => createEceClient({ baseUrl: "https://ece.example.com", chatRoot: "https://u:secret-pw@chat.example.com/c" })).not.toThrow(/secret-pw/);
  });
});

describe("a client created with only baseUrl", () => {
  it("asks the chat web service, and every other call ends error without sending anything", async () => {
    const stub = await chatStub((_r, response) => xml(response, 200, `<agentAvailability available="true"/>`));
    const events: EceEvent[] = [];
    const ece = createEceClient({ baseUrl: stub.url, onEvent: (event) => events.push(event) });
    expect(await ece.getAgentAvailability({ entryPointId: 1001 })).toMatchObject({ kind: "agentAvailable" });
    const others = [
      ece.sendTextMessage({ conversationId: "c-1", message: "hi" }),
      ece.getConversation({ conversationId: "c-1" }),
      ece.getEntryPointConfiguration({ entryPointId: 1001 }),
      ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } }),
    ];
    for (const outcome of await Promise.all(others)) {
      expect(outcome).toMatchObject({ kind: "error", delivered: false, message: expect.stringMatching(/this client has no credentials/i) });
    }
    expect(stub.requests.map((r) => r.url)).toEqual([`${CHAT_ROOT}/agentAvailability/1001`]);
    // Nothing was tried, so nothing is retried: no retry event, no request, at once.
    expect(events.filter((event) => event.type !== "response" || event.operation === "getAgentAvailability").map((event) => event.type)).toEqual(["request", "response"]);
    expect(await ece.close()).toEqual({ revoked: false });
  });

  it("with a tokenStore is refused: a store needs credentials", () => {
    const store = { read: () => null, write: () => undefined, deleteIf: () => undefined, acquireLock: () => true, releaseLock: () => undefined };
    expect(() => createEceClient({ baseUrl: "https://ece.example.com", tokenStore: store } as never)).toThrow(/tokenStore needs credentials/);
  });
});
