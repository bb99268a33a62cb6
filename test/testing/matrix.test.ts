/**
 * The SDK's operation x status matrix through the fake, as test/contract runs it through Prism:
 * the same matrix read from the spec (each declared status, each named example), each answer
 * scripted with `failNext({ status, body: <the spec's example> })`, and the same oracle
 * (test/support/expected-outcomes.ts). Beside it, each operation's own answer from the fake.
 */
import { describe, expect, it } from "vitest";
import { createEceClient, type EceClient, type MessageOperationName as OperationName, type Outcome } from "../../src/index.js";
import { createFakeEce, type FakeEce } from "../../src/testing.js";
import {
  expectedErrorKind,
  expectedLifecycleErrorKind,
  expectedSuccessKind as successKind,
  expectFailureOf,
  expectLifecycleSuccessOf,
  expectMessageSuccessOf,
} from "../support/expected-outcomes.js";
import { declaredResponses, exampleForType, type DeclaredResponse } from "../support/spec.js";

const BASE = "https://ece.example.com";

/** Valid input per operation, and the sendmessage `type.value` it sends. */
const operations: Record<OperationName, { type: string; send: (c: EceClient, conversationId: string, attachmentId: string) => Promise<Outcome> }> = {
  sendTextMessage: { type: "text/plain", send: (c, conversationId) => c.sendTextMessage({ conversationId, message: "Hello" }) },
  sendHtmlMessage: { type: "text/html", send: (c, conversationId) => c.sendHtmlMessage({ conversationId, message: "<b>Hello</b>" }) },
  uploadAttachmentFromUrl: {
    type: "uploadAttachment",
    send: (c, conversationId) =>
      c.uploadAttachmentFromUrl({ conversationId, fileName: "a.jpeg", contentType: "image/jpeg", fileSize: 32, contentUrl: "https://files.example.com/a.jpeg" }),
  },
  acceptAttachment: { type: "acceptAttachment", send: (c, conversationId, attachmentId) => c.acceptAttachment({ conversationId, attachmentId }) },
  rejectAttachment: { type: "rejectAttachment", send: (c, conversationId, attachmentId) => c.rejectAttachment({ conversationId, attachmentId }) },
  sendGeolocation: {
    type: "geolocation",
    send: (c, conversationId) =>
      c.sendGeolocation({ conversationId, latitude: 52.3676, longitude: 4.9041, label: "Head office", locationUrl: "https://maps.example.com/?q=52.3676,4.9041", address: "Dam 1, Amsterdam" }),
  },
};
const operationNames = Object.keys(operations) as OperationName[];

/** A fake with a conversation of its application, an agent's offered file, and a client with a fixed token. */
async function setUp(): Promise<{ fake: FakeEce; client: EceClient; conversationId: string; attachmentId: string }> {
  const fake = createFakeEce({ webhook: { handler: async () => new Response(null, { status: 200 }) } });
  const { id } = fake.addConversation();
  const { attachmentId } = await fake.agent(id).offersAttachment({ fileName: "invoice.pdf", contentType: "application/pdf", size: 48213 });
  // A fixed token, as against Prism: a 401 is the outcome, not a refresh.
  const client = createEceClient({ baseUrl: BASE, accessToken: fake.issueToken(), fetch: fake.fetch });
  return { fake, client, conversationId: id, attachmentId };
}

const responses = declaredResponses("/messaging/sendmessage");
const successResponses = responses.filter((r) => r.status >= 200 && r.status <= 299);
const errorResponses = responses.filter((r) => r.status >= 300);

const exampleFor = (operation: OperationName, response: DeclaredResponse) => exampleForType(operations[operation].type, response);

describe.each(operationNames)("%s against the fake", (operation) => {
  it("gets the fake's own success, which it records", async () => {
    const { fake, client, conversationId, attachmentId } = await setUp();
    const outcome = await operations[operation].send(client, conversationId, attachmentId);
    expect(outcome).toMatchObject({ kind: successKind[operation], status: 200, messageId: expect.stringMatching(/^[0-9]+$/) });
    expect(fake.messages(conversationId).map((m) => m.operation)).toEqual([operation]);
  });

  it.each(successResponses.map((r) => ({ status: r.status, response: r })))(
    "maps the spec's $status to success, with the example's fields",
    async ({ status, response }) => {
      const { fake, client, conversationId, attachmentId } = await setUp();
      const example = exampleFor(operation, response);
      fake.failNext(operation, { status, ...(example ? { body: example.value } : {}) });
      const outcome = await operations[operation].send(client, conversationId, attachmentId);
      expect(fake.requests().at(-1)).toMatchObject({ operation, status, scripted: true });
      expectMessageSuccessOf(operation, outcome, status, example);
    },
  );

  const errorCases = errorResponses.flatMap((r) => r.examples.map((example) => ({ status: r.status, example })));
  it.each(errorCases)("maps the spec's $status ($example.name) to the contract's kind", async ({ status, example }) => {
    const { fake, client, conversationId, attachmentId } = await setUp();
    fake.failNext(operation, { status, body: example.value });
    const outcome = await operations[operation].send(client, conversationId, attachmentId);
    expect(fake.requests().filter((r) => r.operation === operation)).toHaveLength(1);
    expectFailureOf(expectedErrorKind(operation, status, example.name === "illegalUnquotedCharacter"), outcome, status, example);
    expect(fake.messages(conversationId)).toEqual([]);
  });
});

describe("the lifecycle against the fake", () => {
  const start = (client: EceClient) =>
    client.startConversation({
      entryPointId: 1001,
      customer: { firstName: "Jane", email: "jane@example.com", social: { type: "instagram", id: "jane_ig" } },
      subject: "Order 4521",
      customAttributes: { activity_order: "4521" },
    });
  const lifecycle = [
    { operation: "getEntryPointConfiguration" as const, path: "/messaging/configuration", method: "get" as const },
    { operation: "startConversation" as const, path: "/messaging/conversation/start", method: "post" as const },
  ];

  describe.each(lifecycle)("$operation", ({ operation, path, method }) => {
    const declared = declaredResponses(path, method);
    const call = (client: EceClient) => (operation === "startConversation" ? start(client) : client.getEntryPointConfiguration({ entryPointId: 1001 }));
    // No retries: the matrix maps each scripted answer (a read's 5xx would be asked again).
    const fixedTokenClient = (fake: FakeEce) => createEceClient({ baseUrl: BASE, accessToken: fake.issueToken(), fetch: fake.fetch, maxRetries: 0 });

    const successes = declared.filter((r) => r.status >= 200 && r.status <= 299).flatMap((r) => r.examples.map((example) => ({ status: r.status, example })));
    it.each(successes)("maps the spec's $status ($example.name) to success, with the example's fields", async ({ status, example }) => {
      const fake = createFakeEce();
      fake.failNext(operation, { status, body: example.value });
      const outcome = await call(fixedTokenClient(fake));
      expect(fake.requests().filter((r) => r.operation === operation).at(-1)).toMatchObject({ status, scripted: true });
      expectLifecycleSuccessOf(operation, outcome, status, example);
    });

    const errors = declared.filter((r) => r.status >= 300).flatMap((r) => r.examples.map((example) => ({ status: r.status, example })));
    it.each(errors)("maps the spec's $status ($example.name) to the contract's kind", async ({ status, example }) => {
      const fake = createFakeEce();
      fake.failNext(operation, { status, body: example.value });
      // As Prism does, the repeat after a 409 gets the 409 again.
      if (status === 409) fake.failNext(operation, { status, body: example.value });
      const outcome = await call(fixedTokenClient(fake));
      expectFailureOf(expectedLifecycleErrorKind(operation, status), outcome, status, example);
      const starts = fake.requests().filter((r) => r.operation === "startConversation").length;
      if (operation === "startConversation") expect(starts).toBe(status === 409 ? 2 : 1);
    });
  });

  it("a single 409 on a start is followed by the fake's own answer to the repeat: started", async () => {
    const fake = createFakeEce();
    fake.failNext("startConversation", { status: 409 });
    const outcome = await start(createEceClient({ baseUrl: BASE, accessToken: fake.issueToken(), fetch: fake.fetch }));
    expect(outcome.kind).toBe("conversationStarted");
    expect(fake.requests().map((r) => [r.operation, r.status])).toEqual([
      ["getEntryPointConfiguration", 200],
      ["startConversation", 409],
      ["getEntryPointConfiguration", 200],
      ["startConversation", 200],
    ]);
  });
});

describe("the token endpoint against the fake", () => {
  const tokenErrors = declaredResponses("/authentication/oauth2/token").filter((r) => r.status >= 300);
  const tokenKind = (status: number) => (status === 500 ? "internalServerError" : "authorizationFail");
  it.each(tokenErrors.map((r) => ({ status: r.status, kind: tokenKind(r.status), example: r.examples[0]!.value })))(
    "maps the token endpoint's $status to $kind, the message never delivered",
    async ({ status, kind, example }) => {
      const fake = createFakeEce();
      fake.failNext("createAccessToken", { status, body: example });
      const client = createEceClient({ baseUrl: BASE, credentials: { clientKey: "key", clientSecret: "Matrix-Secret-0c4" }, forceLogin: true, fetch: fake.fetch });
      expect(await client.sendTextMessage({ conversationId: "c-1", message: "hi" })).toMatchObject({ kind, status, delivered: false, ...(example as object) });
      expect(fake.requests()).toHaveLength(1);
    },
  );

  it("gets a token, sends with it and revokes it", async () => {
    const fake = createFakeEce();
    const { id } = fake.addConversation();
    const client = createEceClient({ baseUrl: BASE, credentials: { clientKey: "key", clientSecret: "Matrix-Secret-0c4" }, forceLogin: true, fetch: fake.fetch });
    expect((await client.sendTextMessage({ conversationId: id, message: "hi" })).kind).toBe("sendMessageSuccess");
    expect(await client.close()).toEqual({ revoked: true });
    expect(fake.requests().map((r) => [r.operation, r.query, r.status])).toEqual([
      ["createAccessToken", "forceLogin=yes", 200],
      ["sendTextMessage", "", 200],
      ["revokeAccessToken", "", 204],
    ]);
  });
});
