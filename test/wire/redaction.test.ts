/**
 * Secrets are redacted where network text enters an outcome (error bodies, network error text,
 * success payloads - keys and values), never in the SDK's own sentences; a URL holding a password
 * is refused without repeating it.
 */
import { describe, expect, it } from "vitest";
import { base64Utf8 } from "../../src/internal/wire.js";
import { createEceClient, type EceEvent } from "../../src/index.js";
import { answer, CREDENTIALS, stubsPerTest } from "../support/ece-stub.js";
import { memoryTokenStore } from "../support/memory-token-store.js";

const stubWith = stubsPerTest();
const text = { conversationId: "c-1", message: "hello" };
const basic = base64Utf8(`${CREDENTIALS.clientKey}:${CREDENTIALS.clientSecret}`);

/** Resolves once the clock has moved on by `ms` (a condition, not a guess at how long something takes). */
async function clockPasses(ms: number): Promise<void> {
  const start = Date.now();
  while (Date.now() < start + ms) await new Promise((r) => setImmediate(r));
}

describe("redaction of network text", () => {
  it("a secret echoed as a JSON key of a 2xx body is redacted in the kept payload", async () => {
    const stub = await stubWith((request, response) => {
      const token = String(request.headers.authorization).slice("Bearer ".length);
      answer(response, 200, { id: "m-1", [token]: "echo", nested: { [CREDENTIALS.clientSecret]: { [basic]: 1 } } });
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const outcome = await ece.sendGeolocation({ conversationId: "c", latitude: 1, longitude: 2 });
    expect(outcome).toEqual({
      kind: "sendGeolocationSuccess",
      status: 200,
      messageId: "m-1",
      response: { id: "m-1", "[redacted]": "echo", nested: { "[redacted]": { "[redacted]": 1 } } },
    });
  });

  it("a token from many rotations ago, echoed by the call that used it, is redacted", async () => {
    let sends = 0;
    let releaseFirst: () => void = () => undefined;
    let firstArrived: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
    const stub = await stubWith(
      (request, response) => {
        sends += 1;
        if (sends > 1) return answer(response, 200, {});
        // The first send is answered last, echoing the token it carried.
        releaseFirst = () => answer(response, 400, { code: "400-1", developerMessage: `bad ${request.headers.authorization}` });
        firstArrived();
      },
      { expiresIn: 0.001 }, // 1 ms: once the clock moves on, the next call fetches a new token
    );
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const first = ece.sendTextMessage(text);
    await arrived;
    for (let rotation = 0; rotation < 10; rotation++) {
      await clockPasses(2);
      // Another conversation: the first one's sends wait for its held first send.
      expect(await ece.sendTextMessage({ ...text, conversationId: "c-2" })).toMatchObject({ kind: "sendMessageSuccess" });
    }
    expect(stub.requests.filter((r) => r.url.includes("/oauth2/token")).length).toBe(11);
    releaseFirst();
    const outcome = await first;
    expect(outcome).toMatchObject({ kind: "invalidChoice", developerMessage: "bad Bearer [redacted]" });
    expect(JSON.stringify(outcome)).not.toContain("token-1");
  });

  it("a one-character secret never garbles the SDK's own sentences", async () => {
    const stub = await stubWith((_request, response) => answer(response, 200, {}), {
      onToken: (_request, response) => answer(response, 401, { code: "401-1", developerMessage: "refused" }),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: { clientKey: "k", clientSecret: "e" } });
    expect(await ece.sendTextMessage(text)).toEqual({
      kind: "authorizationFail",
      message: "The token endpoint refused the client credentials.",
      status: 401,
      delivered: false,
      code: "401-1",
      developerMessage: "r[redacted]fus[redacted]d", // ECE's text, where the secret could be echoed
    });
    const refused = createEceClient({ baseUrl: "http://127.0.0.1:1", accessToken: "e", timeoutMs: 5_000 });
    const outcome = await refused.sendTextMessage(text);
    expect(outcome).toMatchObject({ kind: "error", message: expect.stringMatching(/^Network error: /) });
  });

  it("a password in baseUrl is refused with a TypeError that does not repeat it", () => {
    let thrown: unknown;
    try {
      createEceClient({ baseUrl: "http://admin:Pa55-w0rd@ece.example.com", credentials: CREDENTIALS });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(String(thrown)).toContain("baseUrl must not carry a user name or password");
    expect(String(thrown)).not.toContain("Pa55-w0rd");
    expect(String(thrown)).not.toContain("admin");
    expect(() => createEceClient({ baseUrl: "http://admin@ece.example.com", accessToken: "t" })).toThrow(TypeError);
  });

  it("tokens are redacted in error bodies and network error text", async () => {
    const stub = await stubWith((request, response) =>
      answer(response, 500, { code: String(request.headers.authorization), developerMessage: `${CREDENTIALS.clientSecret}/${basic}` }),
    );
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.sendTextMessage(text)).toMatchObject({
      kind: "internalServerError",
      message: "ECE had an internal server error.",
      code: "Bearer [redacted]",
      developerMessage: "[redacted]/[redacted]",
    });
  });
});

describe("redaction with a tokenStore", () => {
  it("the shared token, read from the store, is redacted in an error body of the call that used it", async () => {
    const stub = await stubWith((request, response) =>
      answer(response, 500, { code: "500-1", developerMessage: `refused ${String(request.headers.authorization)}` }),
    );
    const store = memoryTokenStore();
    const writer = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tokenStore: store });
    await writer.sendTextMessage(text); // token-1 is now in the store
    const reader = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tokenStore: store });
    const outcome = await reader.sendTextMessage(text);
    expect(outcome).toMatchObject({ kind: "internalServerError", developerMessage: "refused Bearer [redacted]" });
    expect(stub.requests.filter((r) => r.url.includes("/oauth2/token"))).toHaveLength(1); // the reader read it
    await Promise.all([writer.close(), reader.close()]);
  });

  it("a store error that echoes the token or the secret is redacted in the tokenStoreError event", async () => {
    const stub = await stubWith((_request, response) => answer(response, 200, {}), { expiresIn: 0.001 });
    const store = memoryTokenStore();
    const events: EceEvent[] = [];
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tokenStore: store, onEvent: (e) => events.push(e) });
    await ece.sendTextMessage(text); // token-1, kept for 1 ms less its margin: the next send asks the store
    store.down = "reject";
    store.error = new Error(`WRONGTYPE token-1 ${CREDENTIALS.clientSecret} ${basic}`);
    await clockPasses(2);
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess" });
    const errors = events.filter((e) => e.type === "tokenStoreError");
    expect(errors).toEqual([{ type: "tokenStoreError", action: "read", message: "WRONGTYPE [redacted] [redacted] [redacted]" }]);
    expect(JSON.stringify(events)).not.toContain(CREDENTIALS.clientSecret);
    await ece.close();
  });
});
