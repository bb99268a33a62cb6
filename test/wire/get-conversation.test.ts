/**
 * Reading a conversation back (issue 21 item 2) against a node:http stub: the request, JSON and
 * XML answers, redaction of free text, and each failure kind - every one undelivered.
 */
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { answer, API_ROOT, CREDENTIALS, stubsPerTest, TOKEN_PATH, type StubHandler } from "../support/ece-stub.js";

const stubWith = stubsPerTest();
const ID = "6f1c2c0e-8a52-4b7e-9d1a-2f2d6c3b9e11";
const PATH = `${API_ROOT}/messaging/conversation/${ID}`;
const SECRET_TOKEN = "tok-5ecret-4711";

function conversationStub(handler: StubHandler, options: Parameters<typeof stubWith>[1] = {}) {
  return stubWith((_r, response) => answer(response, 200, {}), { ...options, routes: { [PATH]: handler } });
}

function xml(response: ServerResponse, text: string): void {
  response.writeHead(200, { "Content-Type": "application/xml" }).end(text);
}

describe("getConversation", () => {
  it("asks for JSON with the token, no query, and returns the IDs and the body as received", async () => {
    const body = { id: ID, activity: { id: 1071, created: { date: "2025-06-12T09:41:07.000Z" } }, extra: [1, "two"] };
    const stub = await conversationStub((_r, response) => answer(response, 200, body));
    const outcome = await createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS }).getConversation({ conversationId: ID });
    expect(outcome).toEqual({ kind: "conversationFound", status: 200, conversationId: ID, activityId: "1071", raw: body });
    const [request] = stub.requestsTo(PATH);
    expect(request!.method).toBe("GET");
    expect(request!.url).toBe(PATH);
    expect(request!.headers.accept).toBe("application/json");
    expect(request!.headers.authorization).toBe("Bearer token-1");
  });

  it("reads XML when ECE answers XML: raw is the text, the IDs read by local name", async () => {
    const text = `<?xml version="1.0"?><ns:conversation xmlns:ns="http://bindings.egain.com/ws/model/v12/gen/interaction/conversation" id="${ID}"><ns:activity id="1071"><ns:created date="2025-06-12T09:41:07.000Z"/></ns:activity></ns:conversation>`;
    const stub = await conversationStub((_r, response) => xml(response, text));
    const outcome = await createEceClient({ baseUrl: stub.url, accessToken: "t0k3n" }).getConversation({ conversationId: ID });
    expect(outcome).toEqual({ kind: "conversationFound", status: 200, conversationId: ID, activityId: "1071", raw: text });
  });

  it("redacts secrets in free text, JSON or XML, and keeps IDs as sent", async () => {
    const answers = [
      (response: ServerResponse) => answer(response, 200, { id: ID, activity: { id: "1071", subject: `token ${SECRET_TOKEN}` } }),
      (response: ServerResponse) => xml(response, `<conversation id="${ID}"><activity id="1071"><note>${SECRET_TOKEN}</note></activity></conversation>`),
    ];
    const stub = await conversationStub((_r, response) => answers.shift()!(response));
    const ece = createEceClient({ baseUrl: stub.url, accessToken: SECRET_TOKEN });
    const json = await ece.getConversation({ conversationId: ID });
    const fromXml = await ece.getConversation({ conversationId: ID });
    for (const outcome of [json, fromXml]) {
      expect(JSON.stringify(outcome)).not.toContain(SECRET_TOKEN);
      expect(outcome).toMatchObject({ kind: "conversationFound", conversationId: ID, activityId: "1071" });
    }
    expect(json).toHaveProperty("raw.activity.subject", "token [redacted]");
    expect(fromXml).toHaveProperty("raw", expect.stringContaining("<note>[redacted]</note>"));
  });

  const failures: [number, unknown, string][] = [
    [400, { code: "400-100", developerMessage: "Query parameters are not supported." }, "invalidChoice"],
    [403, { code: "403-101", developerMessage: "The conversation was not started by this client application." }, "forbidden"],
    [404, { code: "404-101", developerMessage: "The conversation does not exist." }, "conversationNotFound"],
    [500, { code: "500-100", developerMessage: "An internal server error occurred." }, "internalServerError"],
    [503, "busy", "invalidChoice"],
  ];
  it.each(failures)("%i is %s... undelivered", async (status, body, kind) => {
    const stub = await conversationStub((_r, response) => answer(response, status, body));
    const outcome = await createEceClient({ baseUrl: stub.url, accessToken: "t0k3n" }).getConversation({ conversationId: ID });
    expect(outcome).toMatchObject({ kind, status, delivered: false });
  });

  it("a 401 is unauthorized; a refused key is authorizationFail - both undelivered", async () => {
    const stub = await conversationStub((_r, response) => answer(response, 401, { code: "401-102", developerMessage: "Session not found." }));
    const outcome = await createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS }).getConversation({ conversationId: ID });
    expect(outcome).toMatchObject({ kind: "unauthorized", reason: "sessionNotFound", delivered: false });
    expect(stub.requestsTo(PATH)).toHaveLength(1); // a token fetched for this very call earns no repeat

    const refused = await conversationStub(() => undefined, { onToken: (_r, response) => answer(response, 401, { code: "401-110" }) });
    const failed = await createEceClient({ baseUrl: refused.url, credentials: CREDENTIALS }).getConversation({ conversationId: ID });
    expect(failed).toMatchObject({ kind: "authorizationFail", delivered: false });
    expect(refused.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(refused.requestsTo(PATH)).toHaveLength(0);
  });

  const unreadable: [string, (response: ServerResponse) => void][] = [
    ["JSON without an id", (response) => answer(response, 200, { activity: { id: "1" } })],
    ["XML of another element", (response) => xml(response, `<activity id="${ID}"/>`)],
    ["malformed XML", (response) => xml(response, `<conversation id="${ID}">`)],
    ["a body that is not JSON", (response) => answer(response, 200, "{nope")],
  ];
  it.each(unreadable)("%s is an undelivered error", async (_name, respond) => {
    const stub = await conversationStub((_r, response) => respond(response));
    const outcome = await createEceClient({ baseUrl: stub.url, accessToken: "t0k3n" }).getConversation({ conversationId: ID });
    expect(outcome).toMatchObject({ kind: "error", status: 200, delivered: false });
  });

  it("a timeout is undelivered", async () => {
    const stub = await conversationStub(() => undefined);
    const outcome = await createEceClient({ baseUrl: stub.url, accessToken: "t0k3n" }).getConversation({ conversationId: ID }, { timeoutMs: 50 });
    expect(outcome).toMatchObject({ kind: "timeout", delivered: false });
  });

  it("bad input is invalidData naming conversationId, nothing sent", async () => {
    const stub = await conversationStub((_r, response) => answer(response, 200, { id: ID }));
    const outcome = await createEceClient({ baseUrl: stub.url, accessToken: "t0k3n" }).getConversation({ conversationId: "" });
    expect(outcome).toMatchObject({ kind: "invalidData", delivered: false, issues: [{ field: "conversationId" }] });
    expect(stub.requests).toHaveLength(0);
  });
});
