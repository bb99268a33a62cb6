/**
 * The fake's side of issue 21, through raw requests (`fake.fetch`, and HTTP to `fake.listen()`)
 * checked against the spec: the chat web service (no token; the spec's XML examples exactly, its
 * JSON schemas when asked `Accept: application/json`; per entry point settable), reading a
 * conversation back (JSON by default, the documented XML when asked; 400/401/403/404), scripted
 * failures on the new paths, and `"refused"` - what each transport can prove.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { readXml } from "../../src/internal/xml.js";
import { createFakeEce, type FakeAvailability, type FakeEce, type FakeServer } from "../../src/testing.js";
import { declaredResponses, spec } from "../support/spec.js";
import { specProblems } from "../support/spec-schemas.js";

const BASE = "https://ece.example.com";
const API = "/system/ws/v19/clientapplications";
const CHAT = "/system/egain/chat/entrypoint";
const credentials = { clientKey: "read-key", clientSecret: "Read-Secret-4a1c" };

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

type Json = Record<string, unknown>;

/** The spec's XML examples of a path's 200, by name (`default` for a single `example`). */
function xmlExamples(path: string): Record<string, string> {
  const ok = (((spec.paths as Json)[path] as Json).get as Json).responses as Json;
  const media = ((ok["200"] as Json).content as Json)["application/xml"] as { example?: string; examples?: Record<string, { value: string }> };
  if (media.example !== undefined) return { default: media.example };
  return Object.fromEntries(Object.entries(media.examples!).map(([name, { value }]) => [name, value]));
}

/** The three calls: the spec's path, the fake's path, and the availability each XML example of the spec shows. */
const chatCalls = [
  {
    operation: "getAgentAvailability",
    specPath: "/agentAvailability/{entryPointId}",
    path: "/agentAvailability",
    examples: { available: { agentAvailable: true }, notAvailable: { agentAvailable: false } },
    json: (a: FakeAvailability) => ({ available: a.agentAvailable }),
  },
  {
    operation: "getAgentCapacity",
    specPath: "/capacity/{entryPointId}",
    path: "/capacity",
    examples: { slots: { availableSlots: 3 }, full: { availableSlots: 0 } },
    json: (a: FakeAvailability) => ({ count: a.availableSlots }),
  },
  {
    operation: "checkEligibility",
    specPath: "/checkEligibility/{entryPointId}",
    path: "/checkEligibility",
    examples: { eligible: { eligibility: 0 }, noAgent: { eligibility: 1 }, queueFull: { eligibility: 2 } },
    json: (a: FakeAvailability) => ({ responseType: a.eligibility }),
  },
] as const;

const get = (fake: FakeEce, path: string, headers: Record<string, string> = {}) => fake.fetch(`${BASE}${path}`, { headers });

describe("the chat web service", () => {
  describe.each(chatCalls)("$operation", ({ operation, specPath, path, examples, json }) => {
    it("answers each of the spec's XML examples exactly, for the availability it shows, with no token", async () => {
      const expected = xmlExamples(specPath);
      expect(Object.keys(expected).sort()).toEqual(Object.keys(examples).sort());
      const fake = createFakeEce({ applications: [credentials] });
      for (const [name, availability] of Object.entries(examples)) {
        fake.setAvailability(1001, availability);
        const response = await get(fake, `${CHAT}${path}/1001`);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("application/xml");
        expect(await response.text(), name).toBe(expected[name]);
      }
      expect(fake.tokens()).toEqual([]);
      expect(fake.requests().map((r) => [r.operation, r.path, r.status, r.authorization])).toEqual(
        Object.keys(examples).map(() => [operation, `${path}/1001`, 200, undefined]),
      );
    });

    it("answers JSON of the spec's schema when asked, and ignores any Authorization", async () => {
      const fake = createFakeEce();
      fake.setAvailability(1001, { agentAvailable: false, availableSlots: 0, eligibility: 2 });
      const response = await get(fake, `${CHAT}${path}/1001`, { Accept: "application/json", Authorization: "Bearer not-a-token" });
      const body = await response.text();
      expect([response.status, response.headers.get("content-type")]).toEqual([200, "application/json"]);
      expect(specProblems(specPath, "get", 200, body)).toEqual([]);
      expect(JSON.parse(body)).toEqual(json(fake.entryPoints()[0]!.availability));
      expect(fake.requests()[0]).toMatchObject({ operation, status: 200, authorization: "Bearer" });
    });

    it("answers 404 with ECE's error body for an entry point it does not have", async () => {
      const fake = createFakeEce();
      for (const id of ["1002", "abc"]) {
        const response = await get(fake, `${CHAT}${path}/${id}`, { Accept: "application/json" });
        const body = await response.text();
        expect(response.status).toBe(404);
        expect(specProblems(specPath, "get", 404, body)).toEqual([]);
        expect(JSON.parse(body)).toEqual({ code: "404-100", developerMessage: `The entry point with ID ${id} does not exist.` });
      }
    });

    it("every error status the spec declares, scripted without a body, gets a body of the spec's schema", async () => {
      const statuses = declaredResponses(specPath, "get").filter((r) => r.status >= 400).map((r) => r.status);
      expect(statuses).toEqual([404, 500]);
      for (const status of statuses) {
        const fake = createFakeEce();
        fake.failNext(operation, { status });
        const response = await get(fake, `${CHAT}${path}/1001`);
        expect(response.status).toBe(status);
        expect(specProblems(specPath, "get", status, await response.text())).toEqual([]);
      }
    });
  });

  it("defaults to available, 3 slots, eligible; setAvailability changes only the fields given", async () => {
    const fake = createFakeEce({ entryPoints: [1001, 1002] });
    expect(fake.entryPoints().map((p) => p.availability)).toEqual([
      { agentAvailable: true, availableSlots: 3, eligibility: 0 },
      { agentAvailable: true, availableSlots: 3, eligibility: 0 },
    ]);
    const changed = fake.setAvailability(1002, { availableSlots: 0 });
    expect(changed).toMatchObject({ id: 1002, availability: { agentAvailable: true, availableSlots: 0, eligibility: 0 } });
    expect(fake.setAvailability(1002, { eligibility: 2 }).availability).toEqual({ agentAvailable: true, availableSlots: 0, eligibility: 2 });
    expect(await (await get(fake, `${CHAT}/capacity/1001`, { Accept: "application/json" })).json()).toEqual({ count: 3 });
    expect(await (await get(fake, `${CHAT}/capacity/1002`, { Accept: "application/json" })).json()).toEqual({ count: 0 });
  });

  it("setAvailability refuses an unknown entry point and unusable fields, changing nothing", () => {
    const fake = createFakeEce();
    expect(() => fake.setAvailability(1002, { agentAvailable: false })).toThrow(RangeError);
    expect(() => fake.setAvailability(1001, { agentAvailable: "no" as never, availableSlots: -1, eligibility: 3 as never })).toThrow(
      /agentAvailable.*availableSlots.*eligibility/,
    );
    expect(fake.entryPoints()[0]!.availability).toEqual({ agentAvailable: true, availableSlots: 3, eligibility: 0 });
  });

  it("lives under the chat root, not the API root; the root follows apiRoot or is set", async () => {
    const fake = createFakeEce();
    expect([fake.apiRoot, fake.chatRoot]).toEqual([API, CHAT]);
    expect((await get(fake, `${API}/agentAvailability/1001`)).status).toBe(404);
    const custom = createFakeEce({ apiRoot: "/ece/ws/v19/clientapplications" });
    expect(custom.chatRoot).toBe("/ece/egain/chat/entrypoint");
    expect((await get(custom, "/ece/egain/chat/entrypoint/agentAvailability/1001")).status).toBe(200);
    const set = createFakeEce({ apiRoot: "/api", chatRoot: "/chat/" });
    expect([set.apiRoot, set.chatRoot]).toEqual(["/api", "/chat"]);
    expect((await get(set, "/chat/checkEligibility/1001")).status).toBe(200);
    const atRoot = createFakeEce({ apiRoot: "/" });
    expect(atRoot.chatRoot).toBe("/");
    expect((await get(atRoot, "/capacity/1001")).status).toBe(200);
    expect(() => createFakeEce({ chatRoot: "chat" })).toThrow(/chatRoot/);
  });

  it("a path under the chat root is a failNext target, relative or whole", async () => {
    const fake = createFakeEce();
    fake.failNext("/agentAvailability/1001", { status: 500 });
    fake.failNext(`${CHAT}/agentAvailability/1001`, { status: 503 });
    expect((await get(fake, `${CHAT}/agentAvailability/1001`)).status).toBe(500);
    expect((await get(fake, `${CHAT}/agentAvailability/1001`)).status).toBe(503);
    expect((await get(fake, `${CHAT}/agentAvailability/1001`)).status).toBe(200);
  });

  it("answers over HTTP from fake.listen()", async () => {
    const fake = createFakeEce();
    const server = await fake.listen();
    servers.push(server);
    fake.setAvailability(1001, { agentAvailable: false });
    const response = await fetch(`${server.url}${CHAT}/agentAvailability/1001`);
    expect(await response.text()).toBe('<agentAvailability xmlns:ns2="http://bindings.egain.com/chat" available="false"/>');
  });
});

describe("reading a conversation back", () => {
  const conversationPath = "/messaging/conversation/{conversationId}";

  async function started() {
    const fake = createFakeEce();
    const ece = createEceClient({ baseUrl: BASE, credentials, fetch: fake.fetch });
    const outcome = await ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } });
    if (outcome.kind !== "conversationStarted") throw new Error(`not started: ${outcome.kind}`);
    const read = (id: string, headers: Record<string, string> = {}, token = fake.issueToken()) =>
      get(fake, `${API}/messaging/conversation/${id}`, { Authorization: `Bearer ${token}`, ...headers });
    return { fake, conversationId: outcome.conversationId, read };
  }

  it("answers the conversation it started as JSON of the spec's schema, with its activity and creation date", async () => {
    const { fake, conversationId, read } = await started();
    const response = await read(conversationId);
    const body = await response.text();
    expect([response.status, response.headers.get("content-type")]).toEqual([200, "application/json"]);
    expect(specProblems(conversationPath, "get", 200, body)).toEqual([]);
    const conversation = fake.conversation(conversationId)!;
    expect(conversation.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(JSON.parse(body)).toEqual({ id: conversationId, activity: { id: conversation.activityId, created: { date: conversation.created } } });
    expect(fake.requests().at(-1)).toMatchObject({ operation: "getConversation", status: 200, conversationId, authorization: "Bearer" });
  });

  it("answers the documented XML when asked, in the shape of the spec's example", async () => {
    const { fake, conversationId, read } = await started();
    const response = await read(conversationId, { Accept: "application/xml" });
    expect([response.status, response.headers.get("content-type")]).toEqual([200, "application/xml"]);
    /** Each element's name and attribute names, from the root down its first children. */
    const shape = (xml: string) => {
      const names: unknown[] = [];
      for (let element = readXml(xml); element; element = element.children[0]) names.push(element.name, Object.keys(element.attributes));
      return names;
    };
    const text = await response.text();
    expect(shape(text)).toEqual(shape(xmlExamples(conversationPath).default!));
    const conversation = fake.conversation(conversationId)!;
    const root = readXml(text)!;
    expect([root.attributes.id, root.children[0]!.attributes.id, root.children[0]!.children[0]!.attributes.date]).toEqual([
      conversationId,
      conversation.activityId,
      conversation.created,
    ]);
  });

  it("answers an ended conversation too (documented for completed ones)", async () => {
    const { fake, conversationId, read } = await started();
    fake.endConversation(conversationId);
    expect((await read(conversationId)).status).toBe(200);
  });

  it("answers 404, 403, 400 and 401 as the spec declares them", async () => {
    const { fake, conversationId, read } = await started();
    const cases: [Promise<Response>, number, string][] = [
      [read("3f0c5a8e-0000-4000-8000-000000000000"), 404, "404-100"],
      [read(fake.addConversation({ foreign: true }).id), 403, "403-100"],
      [get(fake, `${API}/messaging/conversation/${conversationId}?lang=en`, { Authorization: `Bearer ${fake.issueToken()}` }), 400, "400-100"],
      [read(conversationId, {}, "not-a-token"), 401, "401-102"],
      [get(fake, `${API}/messaging/conversation/${conversationId}`), 401, "401-100"],
    ];
    for (const [answer, status, code] of cases) {
      const response = await answer;
      const body = await response.text();
      expect([response.status, JSON.parse(body).code]).toEqual([status, code]);
      expect(specProblems(conversationPath, "get", status, body)).toEqual([]);
    }
    expect(fake.requests().filter((r) => r.status === 400)[0]).toMatchObject({ operation: "getConversation", query: "lang=en" });
  });

  it("every error status the spec declares, scripted without a body, gets a body of the spec's schema", async () => {
    const statuses = declaredResponses(conversationPath, "get").filter((r) => r.status >= 400).map((r) => r.status);
    expect(statuses).toEqual([400, 401, 403, 404, 500]);
    for (const status of statuses) {
      const fake = createFakeEce();
      fake.failNext("getConversation", { status });
      const response = await get(fake, `${API}/messaging/conversation/c-1`);
      expect(response.status).toBe(status);
      expect(specProblems(conversationPath, "get", status, await response.text())).toEqual([]);
    }
  });
});

describe('failNext "refused" and scripted statuses', () => {
  it("fake.fetch rejects as fetch does on a refused connection: the SDK knows nothing was sent", async () => {
    const fake = createFakeEce();
    const { id } = fake.addConversation();
    fake.failNext("sendTextMessage", "refused");
    const token = fake.issueToken();
    const unscripted = await get(fake, `${API}/messaging/configuration?entrypoint=1001`, { Authorization: `Bearer ${token}` });
    expect(unscripted.status).toBe(200); // another operation: not scripted
    fake.failNext("getEntryPointConfiguration", "refused");
    const thrown = await get(fake, `${API}/messaging/configuration?entrypoint=1001`).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).cause).toMatchObject({ code: "ECONNREFUSED" });

    // maxRetries: 0 - once the client retries what was never sent (issue 21), this call must still end here.
    const ece = createEceClient({ baseUrl: BASE, accessToken: token, fetch: fake.fetch, maxRetries: 0 } as Parameters<typeof createEceClient>[0]);
    expect(await ece.sendTextMessage({ conversationId: id, message: "lost" })).toMatchObject({ kind: "error", delivered: false });
    fake.failNext("sendTextMessage", "reset");
    expect(await ece.sendTextMessage({ conversationId: id, message: "maybe" })).toMatchObject({ kind: "error", delivered: "unknown" });
    expect(fake.messages(id)).toEqual([]);
    expect(fake.requests().filter((r) => r.scripted).map((r) => [r.operation, r.failure, r.status])).toEqual([
      ["getEntryPointConfiguration", "refused", undefined],
      ["sendTextMessage", "refused", undefined],
      ["sendTextMessage", "reset", undefined],
    ]);
  });

  it("over fake.listen() a refused request gets no HTTP answer: the connection closes, as on a reset", async () => {
    const fake = createFakeEce();
    const server = await fake.listen();
    servers.push(server);
    const { id } = fake.addConversation();
    fake.failNext("sendMessage", "refused");
    const ece = createEceClient({ baseUrl: server.url, accessToken: fake.issueToken(), maxRetries: 0 } as Parameters<typeof createEceClient>[0]);
    expect(await ece.sendTextMessage({ conversationId: id, message: "lost?" })).toMatchObject({ kind: "error", delivered: "unknown" });
    expect(fake.requests().at(-1)).toMatchObject({ operation: "sendTextMessage", failure: "refused", scripted: true });
    expect((await ece.sendTextMessage({ conversationId: id, message: "again" })).kind).toBe("sendMessageSuccess");
    expect(fake.messages(id).map((m) => m.input)).toEqual([{ conversationId: id, message: "again" }]);
  });

  it("a scripted 429 answers with its headers (Retry-After) and a body of ECE's shape, and is not processed", async () => {
    const fake = createFakeEce();
    fake.failNext("getAgentAvailability", { status: 429, headers: { "Retry-After": "2" } });
    const response = await get(fake, `${CHAT}/agentAvailability/1001`);
    expect([response.status, response.headers.get("retry-after")]).toEqual([429, "2"]);
    expect(await response.json()).toEqual({ code: "429-100", developerMessage: "The fake ECE answered 429, as the test scripted." });
    expect(() => fake.failNext("sendMessage", "refuse" as never)).toThrow(/"refused"/);
  });
});
