/**
 * The fake ECE's behaviour, through the SDK's own client (`fake.fetch`) and, where the SDK cannot
 * send it, raw requests: tokens and sessions, the configuration and its date, starting
 * conversations (the 409 flow), every message read back in the SDK's input shapes, the errors ECE
 * answers, the scripts, and the promises a test awaits.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEceClient, type EceClient, type EceClientOptions } from "../../src/index.js";
import { createFakeEce, type FakeEce, type FakeEceOptions } from "../../src/testing.js";

const BASE = "https://ece.example.com";
const ROOT = "/system/ws/v19/clientapplications";
const CREDENTIALS = { clientKey: "fake-test-key", clientSecret: "Fake-Test-Secret-5d1e" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STALE_DATE_BODY = {
  code: "409-100",
  developerMessage: "Last modified date provided in the request body for the following  do not match : conversation.entryPointConfiguration.",
};

afterEach(() => {
  vi.useRealTimers();
});

/** A client of `fake` with credentials (or the given options). */
function clientOf(fake: FakeEce, options: Partial<EceClientOptions> = {}): EceClient {
  return createEceClient({ baseUrl: BASE, credentials: CREDENTIALS, fetch: fake.fetch, ...options } as EceClientOptions);
}

/** A raw request to the fake, at a path under the API root. */
function raw(fake: FakeEce, path: string, init: RequestInit = {}): Promise<Response> {
  return fake.fetch(`${BASE}${ROOT}${path}`, { method: "POST", ...init });
}

const basic = (key: string, secret: string) => `Basic ${btoa(`${key}:${secret}`)}`;
const tokenRequest = (fake: FakeEce, query = "", key = CREDENTIALS.clientKey, secret = CREDENTIALS.clientSecret) =>
  raw(fake, `/authentication/oauth2/token${query}`, {
    headers: { Authorization: basic(key, secret), "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });

/** A fake with one conversation started through the API, and the client that started it. */
async function withConversation(options: FakeEceOptions = {}) {
  const fake = createFakeEce(options);
  const ece = clientOf(fake);
  const started = await ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } });
  if (started.kind !== "conversationStarted") throw new Error(`not started: ${started.kind}`);
  return { fake, ece, conversationId: started.conversationId };
}

describe("tokens and sessions", () => {
  it("issues a 24-hour bearer token for Basic credentials, used by every call and revoked on close", async () => {
    const fake = createFakeEce();
    const response = await tokenRequest(fake);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(body).toEqual({ access_token: expect.stringMatching(UUID), expires_in: 86_400, token_type: "Bearer" });

    const ece = clientOf(fake);
    expect((await ece.getEntryPointConfiguration({ entryPointId: 1001 })).kind).toBe("entryPointConfigurationFound");
    expect(fake.sessions().map((s) => s.clientKey)).toEqual([CREDENTIALS.clientKey, CREDENTIALS.clientKey]);
    expect(await ece.close()).toEqual({ revoked: true });
    expect(fake.tokens().map((t) => t.state)).toEqual(["open", "revoked"]);
    // A revoked token opens nothing any more.
    const clientToken = fake.tokens()[1]!.token;
    const after = await raw(fake, "/messaging/configuration?entrypoint=1001", { method: "GET", headers: { Authorization: `Bearer ${clientToken}` } });
    expect([after.status, await after.json()]).toEqual([401, { code: "401-102", developerMessage: "Session not found for the given access token." }]);
  });

  it("refuses a key and secret that are not a registered application's (authorizationFail)", async () => {
    const fake = createFakeEce({ applications: [CREDENTIALS] });
    const outcome = await clientOf(fake, { credentials: { ...CREDENTIALS, clientSecret: "Not-The-Secret-9a" } }).sendTextMessage({
      conversationId: "c-1",
      message: "Hi",
    });
    expect(outcome).toMatchObject({ kind: "authorizationFail", status: 401, code: "401-110", delivered: false });
    expect(fake.tokens()).toEqual([]);
    const noHeader = await raw(fake, "/authentication/oauth2/token", { body: "grant_type=client_credentials" });
    expect(noHeader.status).toBe(401);
  });

  it("refuses the 11th session of an application (inferred 401, 401-111) unless forceLogin ends the oldest", async () => {
    const fake = createFakeEce();
    expect(fake.sessionLimit).toBe(10);
    const tokens: string[] = [];
    for (let i = 0; i < 10; i++) tokens.push(((await (await tokenRequest(fake)).json()) as { access_token: string }).access_token);
    expect(fake.sessions()).toHaveLength(10);

    const refused = await clientOf(fake).getEntryPointConfiguration({ entryPointId: 1001 });
    expect(refused).toMatchObject({ kind: "authorizationFail", status: 401, code: "401-111", delivered: false });
    expect(refused.kind === "authorizationFail" && refused.developerMessage).toMatch(/forceLogin=yes/);
    expect(fake.sessions()).toHaveLength(10);

    const forced = await clientOf(fake, { forceLogin: true }).getEntryPointConfiguration({ entryPointId: 1001 });
    expect(forced.kind).toBe("entryPointConfigurationFound");
    expect(fake.sessions()).toHaveLength(10);
    expect(fake.tokens()[0]).toMatchObject({ token: tokens[0], state: "ended" });
    const oldest = await raw(fake, "/messaging/configuration?entrypoint=1001", { method: "GET", headers: { Authorization: `Bearer ${tokens[0]}` } });
    expect(oldest.status).toBe(401);

    // Revoking one session makes room again.
    expect((await raw(fake, "/authentication/oauth2/revoke", { headers: { Authorization: `Bearer ${tokens[1]}` } })).status).toBe(204);
    expect((await tokenRequest(fake)).status).toBe(200);
  });

  it("counts sessions per application when applications are listed; any keys are one application otherwise", async () => {
    const other = { clientKey: "other-key", clientSecret: "Other-Secret-33aa" };
    const listed = createFakeEce({ applications: [CREDENTIALS, other], sessionLimit: 1 });
    expect((await tokenRequest(listed)).status).toBe(200);
    expect((await tokenRequest(listed, "", other.clientKey, other.clientSecret)).status).toBe(200);
    expect((await tokenRequest(listed)).status).toBe(401);

    const open = createFakeEce({ sessionLimit: 1 });
    expect((await tokenRequest(open)).status).toBe(200);
    expect((await tokenRequest(open, "", "another-key", "Another-Secret-11")).status).toBe(401);
  });

  it("expireTokens: the next call gets 401 once, the SDK fetches a new token and repeats it", async () => {
    const { fake, ece, conversationId } = await withConversation();
    fake.expireTokens();
    expect(fake.sessions()).toEqual([]);
    const outcome = await ece.sendTextMessage({ conversationId, message: "Still there?" });
    expect(outcome.kind).toBe("sendMessageSuccess");
    expect(fake.requests().slice(-3).map((r) => [r.operation, r.status])).toEqual([
      ["sendTextMessage", 401],
      ["createAccessToken", 200],
      ["sendTextMessage", 200],
    ]);
    expect(fake.tokens().map((t) => t.state)).toEqual(["expired", "open"]);
    expect(fake.messages(conversationId).map((m) => m.input)).toEqual([{ conversationId, message: "Still there?" }]);
  });

  it("a token expires by itself once its lifetime has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const fake = createFakeEce({ tokenLifetimeSeconds: 60 });
    const token = fake.issueToken();
    const ask = () => raw(fake, "/messaging/configuration?entrypoint=1001", { method: "GET", headers: { Authorization: `Bearer ${token}` } });
    expect((await ask()).status).toBe(200);
    vi.setSystemTime(Date.now() + 60_000);
    expect((await ask()).status).toBe(401);
    expect(fake.tokens()[0]!.state).toBe("expired");
  });

  it("answers the three documented 401 cases on messaging calls, each with its code", async () => {
    const fake = createFakeEce();
    const ask = async (headers: Record<string, string>) => {
      const response = await raw(fake, "/messaging/configuration?entrypoint=1001", { method: "GET", headers });
      return [response.status, ((await response.json()) as { code: string }).code];
    };
    expect(await ask({})).toEqual([401, "401-100"]);
    expect(await ask({ Authorization: "Token abc" })).toEqual([401, "401-101"]);
    expect(await ask({ Authorization: "Bearer no-such-token" })).toEqual([401, "401-102"]);
  });
});

describe("the entry point's configuration", () => {
  it("sends each entry point's date exactly as configured, text or number", async () => {
    const fake = createFakeEce({ entryPoints: [{ id: 1001, lastModified: "2026-01-02T03:04:05Z" }, { id: 1002, lastModified: 1749721267000 }] });
    const ece = clientOf(fake);
    expect(await ece.getEntryPointConfiguration({ entryPointId: 1001 })).toMatchObject({ entryPointId: 1001, lastModified: "2026-01-02T03:04:05Z" });
    expect(await ece.getEntryPointConfiguration({ entryPointId: "1002" })).toMatchObject({ entryPointId: 1002, lastModified: 1749721267000 });
  });

  it("answers 404 for an unknown entry point and 403 for one the application may not use", async () => {
    const fake = createFakeEce({ entryPoints: [1001, { id: 1003, allowed: false }] });
    const ece = clientOf(fake);
    expect(await ece.getEntryPointConfiguration({ entryPointId: 1002 })).toMatchObject({
      kind: "entryPointNotFound",
      status: 404,
      developerMessage: "The entry point with ID 1002 does not exist.",
    });
    expect(await ece.getEntryPointConfiguration({ entryPointId: 1003 })).toMatchObject({ kind: "forbidden", status: 403 });
    expect(await ece.startConversation({ entryPointId: 1003, customer: { email: "j@example.com" } })).toMatchObject({ kind: "forbidden" });
  });
});

describe("starting a conversation", () => {
  it("records the start in the SDK's input shape and answers its ID and activity", async () => {
    const fake = createFakeEce();
    const ece = clientOf(fake);
    const announced = fake.conversationStarted();
    const started = await ece.startConversation({
      entryPointId: 1001,
      customer: { firstName: "Jane", lastName: "Doe", email: "jane@example.com", social: { type: "instagram", id: "jane_ig" } },
      subject: "Order 4521",
      customAttributes: { activity_order: "4521", activity_tags: ["a", "b"] },
      conversationContact: "social.instagramId",
    });
    expect(started).toMatchObject({ kind: "conversationStarted", status: 200, conversationId: expect.stringMatching(UUID), activityId: expect.stringMatching(/^[0-9]+$/) });
    const conversation = await announced;
    expect(started).toMatchObject({ conversationId: conversation.id, activityId: conversation.activityId });
    expect(conversation).toMatchObject({ entryPointId: 1001, state: "ongoing", messages: [], attachments: [] });
    expect(conversation.start).toEqual({
      entryPointId: 1001,
      customer: { firstName: "Jane", lastName: "Doe", email: "jane@example.com", social: { type: "instagram", id: "jane_ig" } },
      subject: "Order 4521",
      customAttributes: { activity_order: "4521", activity_tags: ["a", "b"] },
      searchContactOnAttribute: "email.emailAddress",
      conversationContact: "social.instagramId",
    });
    expect(fake.conversations().map((c) => c.id)).toEqual([conversation.id]);
  });

  it("touchEntryPoint: the next start gets the documented 409; the SDK fetches the date again and repeats once", async () => {
    const fake = createFakeEce();
    const ece = clientOf(fake);
    await ece.getEntryPointConfiguration({ entryPointId: 1001 }); // the date is cached
    const before = fake.entryPoints()[0]!.lastModified;
    const touched = fake.touchEntryPoint(1001);
    expect(touched.lastModified).not.toEqual(before);
    expect(typeof touched.lastModified).toBe(typeof before);
    const conflicts = fake.arrived("startConversation");
    const started = await ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } });
    expect(started.kind).toBe("conversationStarted");
    expect((await conflicts).status).toBe(409);
    expect(fake.requests().map((r) => [r.operation, r.status]).slice(-4)).toEqual([
      ["getEntryPointConfiguration", 200],
      ["startConversation", 409],
      ["getEntryPointConfiguration", 200],
      ["startConversation", 200],
    ]);
    // Raw, the 409's body: the documented one, even for a start that carries the new date.
    fake.touchEntryPoint(1001);
    const token = fake.issueToken();
    const body = JSON.stringify({
      entryPointConfiguration: { entryPoint: { id: "1001" }, lastModified: { date: fake.entryPoints()[0]!.lastModified } },
      activity: { customer: { type: { value: "individual" }, contacts: { contact: [{ email: [{ emailAddress: "j@example.com" }] }] } } },
    });
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    const first = await raw(fake, "/messaging/conversation/start", { headers, body });
    expect([first.status, await first.json()]).toEqual([409, STALE_DATE_BODY]);
    expect((await raw(fake, "/messaging/conversation/start", { headers, body })).status).toBe(200);
  });

  it("refuses a start whose date differs from the entry point's in text or in JSON type", async () => {
    const fake = createFakeEce({ entryPoints: [{ id: 1001, lastModified: 1749721267000 }] });
    const headers = { Authorization: `Bearer ${fake.issueToken()}`, "Content-Type": "application/json" };
    const body = (date: unknown) =>
      JSON.stringify({
        entryPointConfiguration: { entryPoint: { id: "1001" }, lastModified: { date } },
        activity: { customer: { type: { value: "individual" }, contacts: { contact: [{ social: [{ type: { value: "instagram" }, socialId: "j" }] }] } } },
      });
    expect((await raw(fake, "/messaging/conversation/start", { headers, body: body("1749721267000") })).status).toBe(409);
    expect((await raw(fake, "/messaging/conversation/start", { headers, body: body(1749721267001) })).status).toBe(409);
    expect((await raw(fake, "/messaging/conversation/start", { headers, body: body(1749721267000) })).status).toBe(200);
    // The SDK echoes the number as a number: no 409.
    expect((await clientOf(fake).startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).kind).toBe("conversationStarted");
  });

  it("a client whose cached date went stale gets 409 from the date alone, and recovers", async () => {
    const fake = createFakeEce();
    const first = clientOf(fake);
    await first.getEntryPointConfiguration({ entryPointId: 1001 });
    fake.touchEntryPoint(1001);
    // Another client takes the touch's 409; the first still holds the old date.
    expect((await clientOf(fake).startConversation({ entryPointId: 1001, customer: { email: "a@example.com" } })).kind).toBe("conversationStarted");
    expect((await first.startConversation({ entryPointId: 1001, customer: { email: "b@example.com" } })).kind).toBe("conversationStarted");
    expect(fake.requests().filter((r) => r.operation === "startConversation").map((r) => r.status)).toEqual([409, 200, 409, 200]);
  });

  it("refuses bodies ECE refuses (400): a punctuation ECE forbids in an attribute, an entry point ID as a number", async () => {
    const fake = createFakeEce();
    const headers = { Authorization: `Bearer ${fake.issueToken()}`, "Content-Type": "application/json" };
    const start = (entryPointId: unknown, value: string) =>
      raw(fake, "/messaging/conversation/start", {
        headers,
        body: JSON.stringify({
          entryPointConfiguration: { entryPoint: { id: entryPointId }, lastModified: { date: fake.entryPoints()[0]!.lastModified } },
          activity: {
            customAttributes: { customAttribute: [{ attribName: "activity_order", attribValues: { attribValue: [{ value }] } }] },
            customer: { type: { value: "individual" }, contacts: { contact: [{ email: [{ emailAddress: "j@example.com" }] }] } },
          },
        }),
      });
    expect((await start("1001", "4521 (a), b & c?")).status).toBe(200);
    expect((await start("1001", "4521+1")).status).toBe(400);
    expect((await start(1001, "4521")).status).toBe(400);
    expect(fake.conversations()).toHaveLength(1);
  });
});

describe("messages into a conversation", () => {
  it("records each of the six messages in the SDK's input shape, in order, under the ID the outcome names", async () => {
    const { fake, ece, conversationId } = await withConversation({ webhook: { handler: async () => new Response(null, { status: 204 }) } });
    const offer = await fake.agent(conversationId).offersAttachment({ fileName: "invoice.pdf", contentType: "application/pdf", size: 48213 });
    const outcomes = [
      await ece.sendTextMessage({ conversationId, message: "Hello" }),
      await ece.sendHtmlMessage({ conversationId, message: "<p>Order <b>#4521</b></p>" }),
      await ece.uploadAttachmentFromUrl({ conversationId, fileName: "a.jpeg", contentType: "image/jpeg", fileSize: 32, contentUrl: "https://files.example.com/a.jpeg" }),
      await ece.acceptAttachment({ conversationId, attachmentId: offer.attachmentId }),
      await ece.sendGeolocation({ conversationId, latitude: -33.8688, longitude: 151.2093, label: "Sydney", locationUrl: "https://maps.example.com/?q=sydney", address: "1 Macquarie St" }),
    ];
    const received = fake.messages(conversationId);
    expect(received.map((m) => m.operation)).toEqual(["sendTextMessage", "sendHtmlMessage", "uploadAttachmentFromUrl", "acceptAttachment", "sendGeolocation"]);
    expect(received.map((m) => m.input)).toEqual([
      { conversationId, message: "Hello" },
      { conversationId, message: "<p>Order <b>#4521</b></p>" },
      { conversationId, fileName: "a.jpeg", contentType: "image/jpeg", fileSize: 32, contentUrl: "https://files.example.com/a.jpeg" },
      { conversationId, attachmentId: offer.attachmentId },
      // Coordinates arrive as the decimal text the SDK writes them in.
      { conversationId, latitude: "-33.8688", longitude: "151.2093", label: "Sydney", locationUrl: "https://maps.example.com/?q=sydney", address: "1 Macquarie St" },
    ]);
    expect(outcomes.map((o) => ("messageId" in o ? o.messageId : undefined))).toEqual(received.map((m) => m.id));

    const upload = received[2]!;
    if (upload.operation !== "uploadAttachmentFromUrl") throw new Error(`not an upload: ${upload.operation}`);
    expect(outcomes[2]).toMatchObject({ kind: "sendMessageSuccess", attachmentId: upload.attachmentId, typeValue: "uploadAttachment" });
    expect(outcomes[3]).toEqual({
      kind: "attachmentAccepted",
      status: 200,
      messageId: received[3]!.id,
      attachment: { id: offer.attachmentId, fileName: "invoice.pdf", contentType: "application/pdf", size: 48213, contentUrl: `https://ece.example.com/system/web/view/attachments/${offer.attachmentId}` },
    });
    expect(outcomes[4]).toMatchObject({
      kind: "sendGeolocationSuccess",
      response: { geolocation: { coordinate: { latitude: "-33.8688", longitude: "151.2093" }, label: "Sydney", url: "https://maps.example.com/?q=sydney", address: "1 Macquarie St" } },
    });
    expect(fake.conversation(conversationId)!.attachments.map((a) => [a.from, a.fileName, a.decision])).toEqual([
      ["agent", "invoice.pdf", "accepted"],
      ["customer", "a.jpeg", undefined],
    ]);
  });

  it("refuses to accept or reject a file the agent did not offer, or one already decided (400)", async () => {
    const { fake, ece, conversationId } = await withConversation({ webhook: { handler: async () => new Response(null, { status: 200 }) } });
    expect(await ece.acceptAttachment({ conversationId, attachmentId: "5999" })).toMatchObject({
      kind: "attachmentAcceptFailed",
      status: 400,
      code: "400-102",
      developerMessage: "The attachment with ID 5999 could not be found in this conversation.",
    });
    const upload = await ece.uploadAttachmentFromUrl({ conversationId, fileName: "a.pdf", contentType: "application/pdf", fileSize: 1, contentUrl: "https://files.example.com/a.pdf" });
    const ownId = upload.kind === "sendMessageSuccess" ? upload.attachmentId! : "";
    expect((await ece.rejectAttachment({ conversationId, attachmentId: ownId })).kind).toBe("attachmentRejectFailed"); // the customer's own file
    const { attachmentId } = await fake.agent(conversationId).offersAttachment({ fileName: "x.pdf", contentType: "application/pdf", size: 10 });
    expect((await ece.rejectAttachment({ conversationId, attachmentId })).kind).toBe("attachmentRejected");
    expect((await ece.acceptAttachment({ conversationId, attachmentId })).kind).toBe("attachmentAcceptFailed");
    expect(fake.messages(conversationId).map((m) => m.operation)).toEqual(["uploadAttachmentFromUrl", "rejectAttachment"]);
  });

  it("answers 403 for another application's conversation, 404 for an unknown or ended one, and records none", async () => {
    const { fake, ece, conversationId } = await withConversation();
    const theirs = fake.addConversation({ foreign: true });
    expect(await ece.sendTextMessage({ conversationId: theirs.id, message: "Hi" })).toMatchObject({
      kind: "forbidden",
      status: 403,
      code: "403-100",
      developerMessage: "The conversation was not started by this client application.",
    });
    expect(await ece.sendTextMessage({ conversationId: "3f0c5a8e-0000-4000-8000-000000000000", message: "Hi" })).toMatchObject({
      kind: "conversationNotFound",
      status: 404,
      developerMessage: "The conversation with ID 3f0c5a8e-0000-4000-8000-000000000000 does not exist.",
    });
    fake.endConversation(conversationId);
    expect(fake.conversation(conversationId)!.state).toBe("ended");
    expect(await ece.sendHtmlMessage({ conversationId, message: "<i>Hello?</i>" })).toMatchObject({ kind: "conversationNotFound", status: 404 });
    expect(fake.messages(conversationId)).toEqual([]);
    expect(fake.messages(theirs.id)).toEqual([]);
    expect(() => fake.endConversation("no-such-conversation")).toThrow(RangeError);
  });

  it("an application's own added conversation takes messages from any of its clients", async () => {
    const fake = createFakeEce();
    const { id } = fake.addConversation();
    const ece = createEceClient({ baseUrl: BASE, accessToken: fake.issueToken(), fetch: fake.fetch });
    expect((await ece.sendTextMessage({ conversationId: id, message: "Hi" })).kind).toBe("sendMessageSuccess");
    expect(fake.conversation(id)!.start).toBeUndefined();
  });

  it("messageArrived resolves with a message that arrives later, and at once with one already there", async () => {
    const { fake, ece, conversationId } = await withConversation();
    const second = fake.messageArrived(conversationId, 2);
    await ece.sendTextMessage({ conversationId, message: "one" });
    void ece.sendTextMessage({ conversationId, message: "two" });
    expect((await second).input).toEqual({ conversationId, message: "two" });
    expect((await fake.messageArrived(conversationId, 1)).input).toEqual({ conversationId, message: "one" });
    await expect(fake.messageArrived(conversationId, 0)).rejects.toThrow(RangeError);
  });

  it("refuses a body that is not JSON (400), naming an unescaped control character as ECE does", async () => {
    const fake = createFakeEce();
    const headers = { Authorization: `Bearer ${fake.issueToken()}`, "Content-Type": "application/json" };
    const control = await raw(fake, "/messaging/sendmessage", { headers, body: '{"conversation":{"id":"c"},"type":{"value":"text/plain"},"content":"a\tb"}' });
    expect(await control.json()).toMatchObject({ code: "400-101", developerMessage: expect.stringMatching(/^Illegal unquoted character/) });
    const broken = await raw(fake, "/messaging/sendmessage", { headers, body: "{" });
    expect([broken.status, ((await broken.json()) as { code: string }).code]).toEqual([400, "400-100"]);
    const numberSize = await raw(fake, "/messaging/sendmessage", {
      headers,
      body: JSON.stringify({
        conversation: { id: "c" },
        type: { value: "uploadAttachment" },
        attachments: { attachment: [{ fileName: "a", contentType: "b", size: 32, contentUrl: "https://x.example.com/a" }] },
      }),
    });
    expect(numberSize.status).toBe(400); // size is sent as decimal text
  });
});

describe("failNext", () => {
  it("answers the next matching request instead of processing it, in the order scripted", async () => {
    const { fake, ece, conversationId } = await withConversation();
    fake.failNext("sendMessage", { status: 500 });
    fake.failNext("sendTextMessage", { status: 409, body: { code: "409-7", developerMessage: "Busy." } });
    expect(await ece.sendHtmlMessage({ conversationId, message: "<b>1</b>" })).toMatchObject({
      kind: "internalServerError",
      status: 500,
      code: "500-100",
      developerMessage: "An internal server error occurred.",
      delivered: "unknown",
    });
    expect(await ece.sendTextMessage({ conversationId, message: "2" })).toMatchObject({ kind: "conflict", code: "409-7", developerMessage: "Busy." });
    expect((await ece.sendTextMessage({ conversationId, message: "3" })).kind).toBe("sendMessageSuccess");
    expect(fake.messages(conversationId).map((m) => m.input)).toEqual([{ conversationId, message: "3" }]);
    expect(fake.requests().filter((r) => r.conversationId === conversationId).map((r) => [r.operation, r.status, r.scripted])).toEqual([
      ["startConversation", 200, false],
      ["sendHtmlMessage", 500, true],
      ["sendTextMessage", 409, true],
      ["sendTextMessage", 200, false],
    ]);
  });

  it("an operation of its own matches only its own messages; a path (relative or whole) matches every request there", async () => {
    const { fake, ece, conversationId } = await withConversation();
    fake.failNext("acceptAttachment", { status: 500 });
    expect((await ece.sendTextMessage({ conversationId, message: "not an accept" })).kind).toBe("sendMessageSuccess");
    expect((await ece.acceptAttachment({ conversationId, attachmentId: "1" })).kind).toBe("internalServerError");
    fake.failNext("/messaging/configuration", { status: 404 });
    fake.failNext(`${ROOT}/messaging/configuration`, { status: 403 });
    expect((await ece.getEntryPointConfiguration({ entryPointId: 1001 })).kind).toBe("entryPointNotFound");
    expect((await ece.getEntryPointConfiguration({ entryPointId: 1001 })).kind).toBe("forbidden");
    expect((await ece.getEntryPointConfiguration({ entryPointId: 1001 })).kind).toBe("entryPointConfigurationFound");
  });

  it("a scripted body may be any text, and headers come along (the outcome's requestId)", async () => {
    const { fake, ece, conversationId } = await withConversation();
    fake.failNext("sendTextMessage", { status: 502, body: "<html>Bad gateway</html>", headers: { "x-request-id": "req-42" } });
    expect(await ece.sendTextMessage({ conversationId, message: "x" })).toMatchObject({ kind: "invalidChoice", status: 502, requestId: "req-42" });
    fake.failNext("sendTextMessage", { status: 204 });
    expect(await ece.sendTextMessage({ conversationId, message: "x" })).toEqual({ kind: "sendMessageSuccess", status: 204 });
  });

  it('"timeout": no answer until the caller gives up', async () => {
    const { fake, ece, conversationId } = await withConversation();
    fake.failNext("sendTextMessage", "timeout");
    const abort = new AbortController();
    const sent = ece.sendTextMessage({ conversationId, message: "x" }, { signal: abort.signal });
    const held = await fake.arrived("sendTextMessage");
    expect(held).toMatchObject({ failure: "timeout", scripted: true });
    expect(held).not.toHaveProperty("status");
    abort.abort();
    expect(await sent).toMatchObject({ kind: "error", aborted: true, delivered: "unknown" });
    fake.failNext("sendTextMessage", "timeout");
    // A timeout is the behaviour here: the call's own deadline ends it.
    expect(await ece.sendTextMessage({ conversationId, message: "x" }, { timeoutMs: 50 })).toMatchObject({ kind: "timeout", delivered: "unknown" });
  });

  it('"reset": the connection drops - a send may have been delivered, a token request never carries one', async () => {
    const { fake, ece, conversationId } = await withConversation();
    fake.failNext("sendTextMessage", "reset");
    expect(await ece.sendTextMessage({ conversationId, message: "x" })).toMatchObject({ kind: "error", delivered: "unknown" });
    const fresh = createFakeEce();
    fresh.failNext("createAccessToken", "reset");
    expect(await clientOf(fresh).sendTextMessage({ conversationId, message: "x" })).toMatchObject({ kind: "error", delivered: false });
    expect(fresh.requests().map((r) => [r.operation, r.failure])).toEqual([["createAccessToken", "reset"]]);
  });

  it("refuses a script it cannot play", () => {
    const fake = createFakeEce();
    expect(() => fake.failNext("sendMessage", { status: 99 })).toThrow(TypeError);
    expect(() => fake.failNext("sendMessage", "slow" as never)).toThrow(TypeError);
    expect(() => fake.failNext("sendMesage" as never, { status: 500 })).toThrow(TypeError);
  });
});

describe("options", () => {
  it("serves under another API root, and nothing outside it", async () => {
    const fake = createFakeEce({ apiRoot: "/ece/ws/v19/clientapplications/" });
    expect(fake.apiRoot).toBe("/ece/ws/v19/clientapplications");
    const ece = clientOf(fake, { apiRoot: "/ece/ws/v19/clientapplications" });
    expect((await ece.getEntryPointConfiguration({ entryPointId: 1001 })).kind).toBe("entryPointConfigurationFound");
    expect((await clientOf(fake).getEntryPointConfiguration({ entryPointId: 1001 })).kind).toBe("error"); // no token endpoint there
    expect(fake.requests().at(-1)).toMatchObject({ operation: "unknown", status: 404, path: `${ROOT}/authentication/oauth2/token` });
  });

  it("refuses unusable options", () => {
    expect(() => createFakeEce({ sessionLimit: 0 })).toThrow(/sessionLimit/);
    expect(() => createFakeEce({ entryPoints: [] })).toThrow(/entryPoints/);
    expect(() => createFakeEce({ entryPoints: [{ id: -1 }] })).toThrow(/entry point -1/);
    expect(() => createFakeEce({ apiRoot: "system" })).toThrow(/apiRoot/);
    expect(() => createFakeEce({ applications: [{ clientKey: "k", clientSecret: "" }] })).toThrow(/applications/);
  });

  it("onRequest sees each request once it is answered", async () => {
    const seen: string[] = [];
    const fake = createFakeEce({ onRequest: (record) => seen.push(`${record.operation} ${record.status}`) });
    await clientOf(fake).getEntryPointConfiguration({ entryPointId: 1001 });
    expect(seen).toEqual(["createAccessToken 200", "getEntryPointConfiguration 200"]);
  });
});
