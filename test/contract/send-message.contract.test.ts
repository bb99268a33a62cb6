/**
 * Contract tests against a Prism mock of the spec itself (started by prism.global-setup.ts with
 * --errors). The matrix (operation x declared status x named example) is read from the spec;
 * Prism is asked for each with `Prefer: code=..., example=...`. Every request the SDK sends must
 * pass Prism's request validation (no `sl-violations` header); a deliberately broken one must not.
 */
import { describe, expect, inject, it } from "vitest";
import { createEceClient, type EceClient, type MessageOperationName as OperationName, type Outcome } from "../../src/index.js";
import {
  expectedErrorKind,
  expectedRefusedKind as refusedKind,
  expectFailureOf,
  expectMessageSuccessOf,
} from "../support/expected-outcomes.js";
import { declaredResponses, exampleForType, type DeclaredResponse } from "../support/spec.js";

const prismUrl = inject("prismUrl");
const conversationId = "ca2c588e-1e31-405a-9888-e72bf7179186";

/** Valid input per operation, and the sendmessage `type.value` it sends. */
const operations: Record<OperationName, { type: string; send: (c: EceClient) => Promise<Outcome> }> = {
  sendTextMessage: { type: "text/plain", send: (c) => c.sendTextMessage({ conversationId, message: "Hello" }) },
  sendHtmlMessage: { type: "text/html", send: (c) => c.sendHtmlMessage({ conversationId, message: "<b>Hello</b>" }) },
  uploadAttachmentFromUrl: {
    type: "uploadAttachment",
    send: (c) =>
      c.uploadAttachmentFromUrl({
        conversationId,
        fileName: "a.jpeg",
        contentType: "image/jpeg",
        fileSize: 32,
        contentUrl: "https://files.example.com/a.jpeg",
      }),
  },
  acceptAttachment: { type: "acceptAttachment", send: (c) => c.acceptAttachment({ conversationId, attachmentId: "5008" }) },
  rejectAttachment: { type: "rejectAttachment", send: (c) => c.rejectAttachment({ conversationId, attachmentId: "5008" }) },
  sendGeolocation: {
    type: "geolocation",
    send: (c) =>
      c.sendGeolocation({
        conversationId,
        latitude: 52.3676,
        longitude: 4.9041,
        label: "Head office",
        locationUrl: "https://maps.example.com/?q=52.3676,4.9041",
        address: "Dam 1, Amsterdam",
      }),
  },
};
const operationNames = Object.keys(operations) as OperationName[];

/** What the SDK's requests looked like to Prism. */
interface Exchange {
  url: string;
  status: number;
  violations: string | null;
}

/**
 * A client whose requests carry `prefer` (if any) and whose exchanges are recorded; `mutate`
 * may break the body before it leaves, to prove the violation check can fail.
 */
function recordingClient(prefer?: string, mutate?: (body: Record<string, unknown>) => void) {
  const exchanges: Exchange[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    let request = new Request(input, init);
    const headers = new Headers(request.headers);
    if (prefer && request.url.endsWith("/messaging/sendmessage")) headers.set("Prefer", prefer);
    let body: string | undefined = request.body ? await request.clone().text() : undefined;
    if (mutate && body !== undefined && request.url.endsWith("/messaging/sendmessage")) {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      mutate(parsed);
      body = JSON.stringify(parsed);
    }
    request = new Request(request.url, { method: request.method, headers, body, signal: request.signal });
    const response = await fetch(request);
    exchanges.push({ url: request.url, status: response.status, violations: response.headers.get("sl-violations") });
    return response;
  };
  // No retries: the matrix maps each answer (a read's 5xx would be asked again).
  const client = createEceClient({ baseUrl: prismUrl, apiRoot: "/", accessToken: "contract-token", fetch: fetchImpl, maxRetries: 0 });
  return { client, exchanges };
}

const responses = declaredResponses("/messaging/sendmessage");
const successResponses = responses.filter((r) => r.status >= 200 && r.status <= 299);
const errorResponses = responses.filter((r) => r.status >= 300);

const exampleFor = (operation: OperationName, response: DeclaredResponse) => exampleForType(operations[operation].type, response);

describe("the matrix is read from the spec", () => {
  it("declares success and the documented error statuses", () => {
    expect(successResponses.length).toBeGreaterThan(0);
    expect(errorResponses.map((r) => r.status)).toEqual(expect.arrayContaining([400, 401, 403, 404, 409, 500]));
  });
});

describe.each(operationNames)("%s against Prism", (operation) => {
  it.each(successResponses.map((r) => ({ status: r.status, response: r })))(
    "maps the spec's $status to success, with the example's fields",
    async ({ status, response }) => {
      const example = exampleFor(operation, response);
      const prefer = example && example.name !== "default" ? `code=${status}, example=${example.name}` : `code=${status}`;
      const { client, exchanges } = recordingClient(prefer);
      const outcome = await operations[operation].send(client);
      expect(exchanges).toEqual([{ url: `${prismUrl}/messaging/sendmessage`, status, violations: null }]);
      expectMessageSuccessOf(operation, outcome, status, example);
    },
  );

  const errorCases = errorResponses.flatMap((r) => r.examples.map((example) => ({ status: r.status, example })));
  it.each(errorCases)("maps the spec's $status ($example.name) to the contract's kind", async ({ status, example }) => {
    const prefer = example.name === "default" ? `code=${status}` : `code=${status}, example=${example.name}`;
    const { client, exchanges } = recordingClient(prefer);
    const outcome = await operations[operation].send(client);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ status, violations: null });
    expectFailureOf(expectedErrorKind(operation, status, example.name === "illegalUnquotedCharacter"), outcome, status, example);
  });

  it("sends a request that passes Prism's validation, and the check catches one that does not", async () => {
    const valid = recordingClient();
    await operations[operation].send(valid.client);
    expect(valid.exchanges).toHaveLength(1);
    expect(valid.exchanges[0]!.violations).toBeNull();

    const broken = recordingClient(undefined, (body) => {
      (body.conversation as { id: string }).id = "";
    });
    const outcome = await operations[operation].send(broken.client);
    expect(broken.exchanges[0]!.violations).toMatch(/minLength/);
    expect(broken.exchanges[0]!.status).toBe(400); // the spec's own 400
    expect(outcome.kind).toBe(refusedKind[operation]);
  });
});

describe("geolocation's limits match ece-api.md section 4", () => {
  it("a maps URL and an address longer than 255 characters pass Prism's validation", async () => {
    const { client, exchanges } = recordingClient();
    const locationUrl = `https://maps.example.com/?q=${"52.3676,4.9041;".repeat(70)}`;
    const outcome = await client.sendGeolocation({ conversationId, locationUrl, address: "Dam 1, Amsterdam. ".repeat(30) });
    expect(locationUrl.length).toBeGreaterThan(1000);
    expect(exchanges).toEqual([{ url: `${prismUrl}/messaging/sendmessage`, status: 200, violations: null }]);
    expect(outcome.kind).toBe("sendGeolocationSuccess");
  });

  it("a coordinate with an exponent is a violation of the spec (the SDK never sends one)", async () => {
    const { client, exchanges } = recordingClient(undefined, (body) => {
      (body.geolocation as { coordinate: { latitude: string } }).coordinate.latitude = "1e-7";
    });
    await client.sendGeolocation({ conversationId, latitude: 1e-7, longitude: 4.9 });
    expect(exchanges[0]!.violations).toMatch(/pattern/);
  });
});

describe("authentication against Prism", () => {
  function credentialsClient(tokenStatus?: number) {
    const exchanges: Exchange[] = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (tokenStatus && request.url.includes("/oauth2/token")) request.headers.set("Prefer", `code=${tokenStatus}`);
      const response = await fetch(request);
      exchanges.push({ url: request.url, status: response.status, violations: response.headers.get("sl-violations") });
      return response;
    };
    const client = createEceClient({
      baseUrl: prismUrl,
      apiRoot: "/",
      credentials: { clientKey: "key", clientSecret: "secret" },
      forceLogin: true,
      fetch: fetchImpl,
    });
    return { client, exchanges };
  }

  it("gets a token, sends with it and revokes it, each request valid", async () => {
    const { client, exchanges } = credentialsClient();
    expect((await client.sendTextMessage({ conversationId, message: "hi" })).kind).toBe("sendMessageSuccess");
    expect(await client.close()).toEqual({ revoked: true });
    expect(exchanges).toEqual([
      { url: `${prismUrl}/authentication/oauth2/token?forceLogin=yes`, status: 200, violations: null },
      { url: `${prismUrl}/messaging/sendmessage`, status: 200, violations: null },
      { url: `${prismUrl}/authentication/oauth2/revoke`, status: 204, violations: null },
    ]);
  });

  const tokenErrors = declaredResponses("/authentication/oauth2/token").filter((r) => r.status >= 300);
  // Refused credentials are authorizationFail; the token endpoint's 500 is ECE's own failure.
  const tokenKind = (status: number) => (status === 500 ? "internalServerError" : "authorizationFail");
  it.each(tokenErrors.map((r) => ({ status: r.status, kind: tokenKind(r.status), example: r.examples[0]!.value })))(
    "maps the token endpoint's $status to $kind, the message never delivered",
    async ({ status, kind, example }) => {
      const { client, exchanges } = credentialsClient(status);
      expect(await client.sendTextMessage({ conversationId, message: "hi" })).toMatchObject({
        kind,
        status,
        delivered: false,
        ...(example as object),
      });
      expect(exchanges).toHaveLength(1);
    },
  );
});
