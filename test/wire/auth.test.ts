/**
 * Tokens: the token request's shape, caching, single flight, renewal before expiry, the one
 * refresh-and-repeat after a 401, token failures, close() revoking, and no secret in outcomes.
 */
import type { ServerResponse } from "node:http";
import { describe, expect, it, vi } from "vitest";
import { createEceClient, type Outcome } from "../../src/index.js";
import { answer, CREDENTIALS, REVOKE_PATH, SEND_PATH, stubsPerTest, TOKEN_PATH, tokenBody } from "../support/ece-stub.js";

const stubWith = stubsPerTest();

const ok = (_r: unknown, response: Parameters<typeof answer>[0]) => answer(response, 200, { id: "1" });
const text = { conversationId: "c-1", message: "hello" };

/** Every secret of a test must stay out of every outcome. */
function expectNoSecrets(outcome: unknown, secrets: string[]): void {
  const serialized = JSON.stringify(outcome);
  for (const secret of secrets) expect(serialized).not.toContain(secret);
}

describe("the token request", () => {
  it("is a client-credentials grant with Basic credentials, as documented", async () => {
    const stub = await stubWith(ok);
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await ece.sendTextMessage(text);
    const [tokenRequest] = stub.requestsTo(TOKEN_PATH);
    expect(tokenRequest!.method).toBe("POST");
    expect(tokenRequest!.url).toBe(TOKEN_PATH);
    expect(tokenRequest!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(tokenRequest!.body).toBe("grant_type=client_credentials");
    const expected = Buffer.from(`${CREDENTIALS.clientKey}:${CREDENTIALS.clientSecret}`).toString("base64");
    expect(tokenRequest!.headers.authorization).toBe(`Basic ${expected}`);
    expect(stub.requestsTo(SEND_PATH)[0]!.headers.authorization).toBe("Bearer token-1");
  });

  it("encodes non-ASCII credentials as UTF-8", async () => {
    const stub = await stubWith(ok);
    const credentials = { clientKey: "clé", clientSecret: "sécret-✓" };
    await createEceClient({ baseUrl: stub.url, credentials }).sendTextMessage(text);
    const header = stub.requestsTo(TOKEN_PATH)[0]!.headers.authorization!;
    expect(Buffer.from(header.slice("Basic ".length), "base64").toString("utf8")).toBe("clé:sécret-✓");
  });

  it("asks with ?forceLogin=yes only when forceLogin is set", async () => {
    const stub = await stubWith(ok);
    await createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, forceLogin: true }).sendTextMessage(text);
    await createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS }).sendTextMessage(text);
    expect(stub.requestsTo(TOKEN_PATH).map((r) => r.url)).toEqual([`${TOKEN_PATH}?forceLogin=yes`, TOKEN_PATH]);
  });
});

describe("token reuse", () => {
  it("reuses one token for sequential calls", async () => {
    const stub = await stubWith(ok);
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    for (let i = 0; i < 5; i++) expect((await ece.sendTextMessage(text)).kind).toBe("sendMessageSuccess");
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(new Set(stub.requestsTo(SEND_PATH).map((r) => r.headers.authorization))).toEqual(new Set(["Bearer token-1"]));
  });

  it("makes one token request for many concurrent calls on a cold client", async () => {
    let heldToken: ServerResponse | undefined;
    const stub = await stubWith(ok, { onToken: (_request, response) => void (heldToken = response) });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    // Each into a conversation of its own: a conversation's sends go one at a time.
    const calls = Promise.all(Array.from({ length: 50 }, (_, i) => ece.sendTextMessage({ ...text, conversationId: `c-${i}` })));
    // All 50 calls started (synchronously, above) and wait; only now does the token come.
    await stub.arrived(TOKEN_PATH);
    answer(heldToken!, 200, tokenBody("shared"));
    const outcomes = await calls;
    expect(outcomes.every((o) => o.kind === "sendMessageSuccess")).toBe(true);
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(50);
  });

  it("renews the token shortly before it expires", async () => {
    // The client reads its clock through Date.now; only Date is faked (timers and the network
    // run for real), and the clock moves only when the test moves it: no real waiting.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const stub = await stubWith(ok, { expiresIn: 1 }); // renewed after 1 s minus a tenth
      const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS }); // after faking: its clock
      const issuedAt = Date.now();
      await ece.sendTextMessage(text);
      await ece.sendTextMessage(text);
      expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
      vi.setSystemTime(issuedAt + 850); // still inside the 900 ms it is kept for
      await ece.sendTextMessage(text);
      expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
      vi.setSystemTime(issuedAt + 950); // past it, still before the expiry at 1 s
      await ece.sendTextMessage(text);
      expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(2);
      expect(stub.requestsTo(SEND_PATH).map((r) => r.headers.authorization)).toEqual([
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
      ]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("a 401 on a cached token", () => {
  /** Sends are refused while they carry a token in `revoked`. */
  function revoking(revoked: Set<string>) {
    return (request: { headers: { authorization?: string } }, response: Parameters<typeof answer>[0]) => {
      const token = request.headers.authorization?.slice("Bearer ".length) ?? "";
      if (revoked.has(token)) return answer(response, 401, { code: "401-102", developerMessage: "Session not found." });
      return answer(response, 200, { id: "1" });
    };
  }

  it("gets a new token once and repeats the call once", async () => {
    const revoked = new Set<string>();
    const stub = await stubWith(revoking(revoked));
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await ece.sendTextMessage(text);
    revoked.add("token-1"); // the session ended on the server
    const outcome = await ece.sendTextMessage(text);
    expect(outcome.kind).toBe("sendMessageSuccess");
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(2);
    expect(stub.requestsTo(SEND_PATH).map((r) => r.headers.authorization)).toEqual([
      "Bearer token-1",
      "Bearer token-1",
      "Bearer token-2",
    ]);
  });

  it("repeats at most once: a second 401 is the outcome", async () => {
    const stub = await stubWith((_request, response) =>
      answer(response, 401, { code: "401-102", developerMessage: "Session not found." }),
    );
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    // First call: its token is fresh, so a 401 is final (a new token would not help).
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "unauthorized", reason: "sessionNotFound", status: 401 });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
    // The 401 forgot token-1; the next call's token-2 is fresh too: again one send.
    expect((await ece.sendTextMessage(text)).kind).toBe("unauthorized");
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(2);
  });

  it("with a cached token: one refresh, one repeat, then the 401 stands", async () => {
    let refuse = false;
    const stub = await stubWith((_request, response) =>
      refuse ? answer(response, 401, { developerMessage: "No session found for the access token." }) : answer(response, 200, {}),
    );
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await ece.sendTextMessage(text);
    refuse = true;
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "unauthorized", reason: "sessionNotFound" });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(3); // 1 + the refused call + its single repeat
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(2);
  });

  it("many concurrent 401s share one refresh", async () => {
    const revoked = new Set<string>();
    const stub = await stubWith(revoking(revoked));
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await ece.sendTextMessage(text);
    revoked.add("token-1");
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => ece.sendTextMessage({ ...text, conversationId: `c-${i}` })));
    expect(outcomes.every((o) => o.kind === "sendMessageSuccess")).toBe(true);
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(2);
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1 + 40 + 40);
  });

  it("is never retried with a caller's fixed accessToken", async () => {
    const stub = await stubWith((_request, response) => answer(response, 401, { developerMessage: "Authorization header is missing" }));
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "fixed-token-abc" });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "unauthorized", reason: "missingHeader" });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(0);
  });
});

describe("token failures", () => {
  it.each([400, 401])("the token endpoint refusing with %i is authorizationFail, sending nothing", async (status) => {
    const stub = await stubWith(ok, {
      onToken: (_request, response) => answer(response, status, { code: `${status}-110`, developerMessage: "Invalid client credentials." }),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const outcome = await ece.sendTextMessage(text);
    expect(outcome).toMatchObject({
      kind: "authorizationFail",
      status,
      code: `${status}-110`,
      developerMessage: "Invalid client credentials.",
    });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(0);
    expectNoSecrets(outcome, [CREDENTIALS.clientSecret]);
  });

  it("a failed token request is not cached: the next call tries again", async () => {
    let fail = true;
    const stub = await stubWith(ok, {
      onToken: (_request, response) => (fail ? answer(response, 401, {}) : answer(response, 200, tokenBody("late"))),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect((await ece.sendTextMessage(text)).kind).toBe("authorizationFail");
    fail = false;
    expect((await ece.sendTextMessage(text)).kind).toBe("sendMessageSuccess");
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(2);
  });

  it("a token endpoint that drops the connection is error; one without a token is error", async () => {
    const dropping = await stubWith(ok, { onToken: (_request, _response, socket) => void socket.destroy() });
    expect((await createEceClient({ baseUrl: dropping.url, credentials: CREDENTIALS }).sendTextMessage(text)).kind).toBe("error");
    const empty = await stubWith(ok, { onToken: (_request, response) => answer(response, 200, { token_type: "Bearer" }) });
    expect(await createEceClient({ baseUrl: empty.url, credentials: CREDENTIALS }).sendTextMessage(text)).toMatchObject({
      kind: "error",
      status: 200,
    });
  });

  it("a stalled token request times out within the call's timeoutMs", async () => {
    const stub = await stubWith(ok, { onToken: () => undefined /* never answers */ });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, timeoutMs: 300 });
    const started = performance.now();
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "timeout" });
    expect(performance.now() - started).toBeLessThan(1_300);
  });

  it("connection refused is error", async () => {
    const stub = await stubWith(ok);
    const url = stub.url;
    await stub.close();
    const outcome = await createEceClient({ baseUrl: url, credentials: CREDENTIALS }).sendTextMessage(text);
    expect(outcome).toMatchObject({ kind: "error", message: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe("close()", () => {
  it("revokes the token it obtained, once, and later calls are error without a request", async () => {
    const stub = await stubWith(ok);
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await ece.sendTextMessage(text);
    expect(await ece.close()).toEqual({ revoked: true });
    expect(await ece.close()).toEqual({ revoked: true });
    const revokes = stub.requestsTo(REVOKE_PATH);
    expect(revokes).toHaveLength(1);
    expect(revokes[0]!.method).toBe("POST");
    expect(revokes[0]!.headers.authorization).toBe("Bearer token-1");
    const before = stub.requests.length;
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "error", message: "The client is closed." });
    expect(stub.requests.length).toBe(before);
  });

  it("revokes nothing when no token was obtained, or when the token is the caller's", async () => {
    const stub = await stubWith(ok);
    expect(await createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS }).close()).toEqual({ revoked: false });
    const fixed = createEceClient({ baseUrl: stub.url, accessToken: "callers-token" });
    await fixed.sendTextMessage(text);
    expect(await fixed.close()).toEqual({ revoked: false });
    expect(stub.requestsTo(REVOKE_PATH)).toHaveLength(0);
  });

  it("resolves (revoked: false) when the server is gone", async () => {
    const stub = await stubWith(ok);
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, timeoutMs: 500 });
    await ece.sendTextMessage(text);
    await stub.close();
    expect(await ece.close()).toEqual({ revoked: false });
  });
});

describe("secrets", () => {
  it("never appear in any outcome, even when the server echoes them", async () => {
    const basic = Buffer.from(`${CREDENTIALS.clientKey}:${CREDENTIALS.clientSecret}`).toString("base64");
    let echo = "";
    const stub = await stubWith((request, response) =>
      answer(response, 500, { code: "500-1", developerMessage: `echo: ${request.headers.authorization} ${echo}` }),
    );
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    echo = CREDENTIALS.clientSecret + basic;
    const outcomes: Outcome[] = [await ece.sendTextMessage(text)];
    expect(outcomes[0]).toMatchObject({ kind: "internalServerError" });
    expect((outcomes[0] as { developerMessage: string }).developerMessage).toContain("[redacted]");
    const tokenEcho = await stubWith(ok, {
      onToken: (request, response) =>
        answer(response, 401, { code: CREDENTIALS.clientSecret, developerMessage: `bad ${request.headers.authorization}` }),
    });
    outcomes.push(await createEceClient({ baseUrl: tokenEcho.url, credentials: CREDENTIALS }).sendTextMessage(text));
    for (const outcome of outcomes) expectNoSecrets(outcome, [CREDENTIALS.clientSecret, basic, "token-1"]);
  });

  it("a short secret never garbles the SDK's own words (kinds, reasons), only outside text", async () => {
    let status = 200;
    const stub = await stubWith((_request, response) =>
      answer(response, status, { code: "401-102", developerMessage: "Session t not found", attachments: { attachment: [{ id: "t1" }] } }),
    );
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t" });
    expect(await ece.acceptAttachment({ conversationId: "c", attachmentId: "a" })).toEqual({
      kind: "attachmentAccepted",
      status: 200,
      attachment: { id: "t1" }, // an ID, handed back to be used: as sent (issue 19 item 6)
    });
    status = 401;
    expect(await ece.acceptAttachment({ conversationId: "c", attachmentId: "a" })).toMatchObject({
      kind: "unauthorized",
      reason: "sessionNotFound",
      developerMessage: "Session [redacted] no[redacted] found",
    });
  });

  it("never appear in the error thrown for bad options", () => {
    const secret = "Very-Secret-Value-123";
    expect(() => createEceClient({ baseUrl: "not a url", credentials: { clientKey: "", clientSecret: secret } })).toThrow(
      /baseUrl.*clientKey/,
    );
    try {
      createEceClient({ baseUrl: "ftp://x", credentials: { clientKey: "", clientSecret: secret } });
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
  });
});
