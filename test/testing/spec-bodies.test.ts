/**
 * Every body the fake answers with validates against the spec's own schemas (Ajv, JSON Schema
 * 2020-12): each natural answer of each operation - successes and every error the fake produces
 * by itself - and the default body of every error status the spec declares, when a test scripts
 * one without a body. The statuses exercised are listed, so a scenario that stopped reaching one
 * fails here rather than passing on fewer answers.
 */
import { describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { createFakeEce, type FakeOperation } from "../../src/testing.js";
import { declaredResponses } from "../support/spec.js";
import { specProblems } from "../support/spec-schemas.js";

const BASE = "https://ece.example.com";
const ROOT = "/system/ws/v19/clientapplications";
const A = { clientKey: "app-a", clientSecret: "Secret-Of-App-A-1f9c" };
const B = { clientKey: "app-b", clientSecret: "Secret-Of-App-B-77e2" };

interface Exchange {
  method: "get" | "post";
  path: string;
  status: number;
  body: string;
}

/** A fake, and a fetch over it that keeps every answer's status and body. */
function recordedFake() {
  const fake = createFakeEce({
    sessionLimit: 2,
    applications: [A, B],
    entryPoints: [1001, { id: 1002, allowed: false }],
    webhook: { handler: async () => new Response(null, { status: 200 }) },
  });
  const exchanges: Exchange[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fake.fetch(request);
    exchanges.push({
      method: request.method.toLowerCase() as "get" | "post",
      path: new URL(request.url).pathname.slice(ROOT.length),
      status: response.status,
      body: await response.clone().text(),
    });
    return response;
  };
  const raw = (path: string, init: RequestInit = {}) => fetchImpl(`${BASE}${ROOT}${path}`, { method: "POST", ...init });
  const client = (credentials = A) => createEceClient({ baseUrl: BASE, credentials, fetch: fetchImpl, forceLogin: false });
  return { fake, exchanges, raw, client };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}`, "Content-Type": "application/json" });

describe("the fake's own answers", () => {
  it("validate against the spec, for every status the fake produces by itself", async () => {
    const { fake, exchanges, raw, client } = recordedFake();
    const ece = client();

    // configuration: 200, 403, 404; the start 200, 409 (stale date) and its refresh.
    expect((await ece.getEntryPointConfiguration({ entryPointId: 1001 })).kind).toBe("entryPointConfigurationFound");
    expect((await ece.getEntryPointConfiguration({ entryPointId: 1002 })).kind).toBe("forbidden");
    expect((await ece.getEntryPointConfiguration({ entryPointId: 9999 })).kind).toBe("entryPointNotFound");
    fake.touchEntryPoint(1001);
    const started = await ece.startConversation({
      entryPointId: 1001,
      customer: { firstName: "Jane", lastName: "Doe", email: "jane@example.com", social: { type: "instagram", id: "jane_ig" } },
      subject: "Order 4521",
      customAttributes: { activity_order: "4521", activity_tags: ["a", "b"] },
    });
    expect(started.kind).toBe("conversationStarted");
    const conversationId = started.kind === "conversationStarted" ? started.conversationId : "";

    // Every message type's 200, and the accept of a file the agent offered.
    const { attachmentId } = await fake.agent(conversationId).offersAttachment({ fileName: "invoice.pdf", contentType: "application/pdf", size: 48213 });
    const second = await fake.agent(conversationId).offersAttachment({ fileName: "photo.jpeg", contentType: "image/jpeg", size: 0 });
    const sends = await Promise.all([
      ece.sendTextMessage({ conversationId, message: "Hello" }),
      ece.sendHtmlMessage({ conversationId, message: "<b>Hello</b>" }),
      ece.uploadAttachmentFromUrl({ conversationId, fileName: "a.jpeg", contentType: "image/jpeg", fileSize: 32, contentUrl: "https://files.example.com/a.jpeg" }),
      ece.acceptAttachment({ conversationId, attachmentId }),
      ece.rejectAttachment({ conversationId, attachmentId: second.attachmentId }),
      ece.sendGeolocation({ conversationId, latitude: 52.3676, longitude: 4.9041, label: "Head office", locationUrl: "https://maps.example.com/?q=1", address: "Dam 1" }),
    ]);
    expect(sends.map((s) => s.kind)).toEqual([
      "sendMessageSuccess",
      "sendMessageSuccess",
      "sendMessageSuccess",
      "attachmentAccepted",
      "attachmentRejected",
      "sendGeolocationSuccess",
    ]);
    // 400: an attachment the agent never offered; 403: another application's conversation;
    // 404: an unknown conversation, and an ended one.
    expect((await ece.acceptAttachment({ conversationId, attachmentId: "999999" })).kind).toBe("attachmentAcceptFailed");
    const theirs = fake.addConversation({ clientKey: B.clientKey });
    expect((await ece.sendTextMessage({ conversationId: theirs.id, message: "Hi" })).kind).toBe("forbidden");
    expect((await ece.sendTextMessage({ conversationId: "no-such-conversation", message: "Hi" })).kind).toBe("conversationNotFound");
    fake.endConversation(conversationId);
    expect((await ece.sendTextMessage({ conversationId, message: "Still there?" })).kind).toBe("conversationNotFound");

    // 401 on each operation: no header, a malformed one, an unknown token.
    const token = (await (await raw("/authentication/oauth2/token", {
      headers: { Authorization: `Basic ${btoa(`${B.clientKey}:${B.clientSecret}`)}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    })).json()) as { access_token: string };
    await raw("/messaging/sendmessage", { headers: { "Content-Type": "application/json" }, body: "{}" });
    await raw("/messaging/conversation/start", { headers: { Authorization: "Token abc", "Content-Type": "application/json" }, body: "{}" });
    await raw("/messaging/configuration?entrypoint=1001", { method: "GET", headers: { Authorization: "Bearer not-a-token" } });
    await raw("/authentication/oauth2/revoke", { headers: { Authorization: "Bearer not-a-token" } });
    // 400 for bodies ECE cannot read: malformed JSON, a control character, a wrong shape.
    await raw("/messaging/sendmessage", { headers: bearer(token.access_token), body: "{" });
    await raw("/messaging/sendmessage", { headers: bearer(token.access_token), body: '{"content":"a\nb"}' });
    await raw("/messaging/conversation/start", { headers: bearer(token.access_token), body: '{"activity":{}}' });
    // start: 403 and 404 for the entry point named in the body.
    const startBody = (id: string) =>
      JSON.stringify({
        entryPointConfiguration: { entryPoint: { id }, lastModified: { date: "2025-06-12T09:41:07.000Z" } },
        activity: { customer: { type: { value: "individual" }, contacts: { contact: [{ email: [{ emailAddress: "j@example.com" }] }] } } },
      });
    await raw("/messaging/conversation/start", { headers: bearer(token.access_token), body: startBody("1002") });
    await raw("/messaging/conversation/start", { headers: bearer(token.access_token), body: startBody("9999") });
    // The token endpoint: 400 (wrong grant), 401 (wrong secret), 401 (session limit).
    await raw("/authentication/oauth2/token", {
      headers: { Authorization: `Basic ${btoa(`${B.clientKey}:${B.clientSecret}`)}` },
      body: "grant_type=password",
    });
    expect((await client({ ...A, clientSecret: "wrong" }).getEntryPointConfiguration({ entryPointId: 1001 })).kind).toBe("authorizationFail");
    const second2 = client(B);
    await second2.getEntryPointConfiguration({ entryPointId: 1001 }); // B's second session: the limit
    expect((await client(B).getEntryPointConfiguration({ entryPointId: 1001 })).kind).toBe("authorizationFail");
    // revoke: 204.
    expect(await ece.close()).toEqual({ revoked: true });

    const problems = exchanges.flatMap((e) => specProblems(e.path, e.method, e.status, e.body).map((p) => `${e.method} ${e.path}: ${p}`));
    expect(problems).toEqual([]);
    const seen = new Set(exchanges.map((e) => `${e.method} ${e.path} ${e.status}`));
    expect([...seen].sort()).toEqual(
      [
        "post /authentication/oauth2/token 200",
        "post /authentication/oauth2/token 400",
        "post /authentication/oauth2/token 401",
        "post /authentication/oauth2/revoke 204",
        "post /authentication/oauth2/revoke 401",
        "get /messaging/configuration 200",
        "get /messaging/configuration 401",
        "get /messaging/configuration 403",
        "get /messaging/configuration 404",
        "post /messaging/conversation/start 200",
        "post /messaging/conversation/start 400",
        "post /messaging/conversation/start 401",
        "post /messaging/conversation/start 403",
        "post /messaging/conversation/start 404",
        "post /messaging/conversation/start 409",
        "post /messaging/sendmessage 200",
        "post /messaging/sendmessage 400",
        "post /messaging/sendmessage 401",
        "post /messaging/sendmessage 403",
        "post /messaging/sendmessage 404",
      ].sort(),
    );
    // The 409 is the documented body, byte for byte.
    const conflict = exchanges.find((e) => e.status === 409)!;
    expect(JSON.parse(conflict.body)).toEqual({
      code: "409-100",
      developerMessage: "Last modified date provided in the request body for the following  do not match : conversation.entryPointConfiguration.",
    });
  });

  it("the check fails on a body that breaks the spec", async () => {
    const { exchanges, client } = recordedFake();
    await client().getEntryPointConfiguration({ entryPointId: 1001 });
    const answer = exchanges.find((e) => e.path === "/messaging/configuration")!;
    expect(specProblems(answer.path, "get", 200, answer.body)).toEqual([]);
    const broken = JSON.parse(answer.body) as { entryPointConfiguration: { entryPoint: { id: unknown } }[] };
    broken.entryPointConfiguration[0]!.entryPoint.id = "1001"; // a string: the spec says a number
    expect(specProblems(answer.path, "get", 200, JSON.stringify(broken))).not.toEqual([]);
    expect(specProblems(answer.path, "get", 201, answer.body)).toEqual(["GET /messaging/configuration does not declare 201"]);
  });
});

describe("a scripted error without a body", () => {
  const operations: { operation: FakeOperation; path: string; method: "get" | "post"; init: RequestInit }[] = [
    { operation: "createAccessToken", path: "/authentication/oauth2/token", method: "post", init: { method: "POST" } },
    { operation: "revokeAccessToken", path: "/authentication/oauth2/revoke", method: "post", init: { method: "POST" } },
    { operation: "getEntryPointConfiguration", path: "/messaging/configuration", method: "get", init: { method: "GET" } },
    { operation: "startConversation", path: "/messaging/conversation/start", method: "post", init: { method: "POST", body: "{}" } },
    {
      operation: "sendMessage",
      path: "/messaging/sendmessage",
      method: "post",
      init: { method: "POST", body: JSON.stringify({ conversation: { id: "c-1" }, type: { value: "text/plain" }, content: "x" }) },
    },
  ];
  const cases = operations.flatMap((o) =>
    declaredResponses(o.path, o.method)
      .filter((r) => r.status >= 400)
      .map((r) => ({ ...o, status: r.status })),
  );

  it("covers every error status the spec declares", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)("$operation $status gets a body of the spec's schema", async ({ operation, path, method, init, status }) => {
    const fake = createFakeEce();
    fake.failNext(operation, { status });
    const response = await fake.fetch(`${BASE}${ROOT}${path}`, init);
    expect(response.status).toBe(status);
    expect(specProblems(path, method, status, await response.text())).toEqual([]);
  });
});
