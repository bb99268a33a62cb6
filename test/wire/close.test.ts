/**
 * close(): from the moment it is called, new calls are refused; calls in flight finish without
 * fetching a token; then every token the client fetched that may still be live is revoked.
 * No ECE session outlives the client - except, with a tokenStore, the shared token, which is the
 * fleet's (revoked only with revokeOnClose).
 */
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { storeKeyOf } from "../../src/tokens/token-store.js";
import {
  answer,
  API_ROOT,
  CONFIG_PATH,
  CREDENTIALS,
  REVOKE_PATH,
  SEND_PATH,
  START_PATH,
  stubsPerTest,
  TOKEN_PATH,
} from "../support/ece-stub.js";
import { signal } from "../support/signal.js";
import { memoryTokenStore } from "../support/memory-token-store.js";

const stubWith = stubsPerTest();
const text = { conversationId: "c-1", message: "hello" };


describe("close()", () => {
  it("waits for a send in flight, lets it end without a new token, then revokes nothing ECE refused", async () => {
    const held = signal<ServerResponse>();
    let sends = 0;
    const stub = await stubWith((_request, response) => {
      sends += 1;
      if (sends === 1) return answer(response, 200, { id: "m-1" }); // caches token-1
      held.resolve(response); // the second send waits for the test
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess" });

    const inFlight = ece.sendTextMessage(text);
    const response = await held.promise; // the second send reached ECE with token-1
    const closed = ece.close();
    // From the moment close() is called, new calls are refused without a request.
    expect(await ece.sendTextMessage(text)).toEqual({ kind: "error", message: "The client is closed.", delivered: false });
    expect(stub.requestsTo(REVOKE_PATH)).toHaveLength(0); // close() is still waiting for the send
    answer(response, 401, { code: "401-102", developerMessage: "Session not found." });

    // The send in flight ends as unauthorized: no token is fetched once close() was called.
    expect(await inFlight).toMatchObject({ kind: "unauthorized", reason: "sessionNotFound" });
    const result = await closed;
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(2);
    // token-1 was refused with 401 (ECE has no session for it): nothing is left to revoke, and
    // no token fetched after close() is left behind.
    expect(stub.requestsTo(REVOKE_PATH)).toHaveLength(0);
    expect(result).toEqual({ revoked: false });
    expect(await ece.close()).toBe(result);
  });

  it("revokes the token of a send that succeeded while close() waited for it", async () => {
    const held = signal<ServerResponse>();
    const stub = await stubWith((_request, response) => held.resolve(response));
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const inFlight = ece.sendTextMessage(text);
    const response = await held.promise;
    const closed = ece.close();
    expect(stub.requestsTo(REVOKE_PATH)).toHaveLength(0);
    answer(response, 200, { id: "m-1" });
    expect(await inFlight).toMatchObject({ kind: "sendMessageSuccess", messageId: "m-1" });
    expect(await closed).toEqual({ revoked: true });
    expect(stub.requestsTo(REVOKE_PATH).map((r) => r.headers.authorization)).toEqual(["Bearer token-1"]);
  });

  it("waits for a token request in flight and revokes what it brings", async () => {
    const tokenHeld = signal<ServerResponse>();
    const stub = await stubWith((_request, response) => answer(response, 200, {}), {
      onToken: (_request, response) => tokenHeld.resolve(response),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const inFlight = ece.sendTextMessage(text);
    const response = await tokenHeld.promise;
    const closed = ece.close();
    answer(response, 200, { access_token: "late-token", expires_in: 3600, token_type: "Bearer" });
    expect(await inFlight).toMatchObject({ kind: "sendMessageSuccess" });
    expect(await closed).toEqual({ revoked: true });
    expect(stub.requestsTo(REVOKE_PATH).map((r) => r.headers.authorization)).toEqual(["Bearer late-token"]);
  });

  it("lets a start called before close() finish its 409 refresh and repeat, then revokes", async () => {
    const firstStart = signal<ServerResponse>();
    let configs = 0;
    let starts = 0;
    const stub = await stubWith((_request, response) => answer(response, 200, {}), {
      routes: {
        [CONFIG_PATH]: (_request, response) => {
          configs += 1;
          answer(response, 200, { entryPointConfiguration: [{ entryPoint: { id: 1001 }, lastModified: { date: `date-${configs}` } }] });
        },
        [START_PATH]: (_request, response) => {
          starts += 1;
          if (starts === 1) return firstStart.resolve(response);
          answer(response, 200, { id: "conversation-1" });
        },
      },
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const started = ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } });
    const response = await firstStart.promise;
    const closed = ece.close();
    expect(await ece.sendTextMessage(text)).toEqual({ kind: "error", message: "The client is closed.", delivered: false });
    // The entry point's date went stale: the start fetches it again and repeats, though closing.
    answer(response, 409, { code: "409-100", developerMessage: "Last modified date ... do not match" });

    expect(await started).toMatchObject({ kind: "conversationStarted", conversationId: "conversation-1" });
    expect(await closed).toEqual({ revoked: true });
    const repeat = stub.requestsTo(START_PATH)[1]!;
    expect(JSON.parse(repeat.body).entryPointConfiguration.lastModified).toEqual({ date: "date-2" });
    expect(repeat.headers.authorization).toBe("Bearer token-1"); // still live: not revoked yet
    const paths = stub.requests.map((r) => r.url.split("?")[0]);
    expect(paths).toEqual([TOKEN_PATH, CONFIG_PATH, START_PATH, CONFIG_PATH, START_PATH, REVOKE_PATH]);
    expect(stub.requestsTo(REVOKE_PATH).map((r) => r.headers.authorization)).toEqual(["Bearer token-1"]);
  });

  it("leaves a caller's accessToken alone", async () => {
    const stub = await stubWith((_request, response) => answer(response, 200, {}));
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "callers-token" });
    await ece.sendTextMessage(text);
    expect(await ece.close()).toEqual({ revoked: false });
    expect(stub.requestsTo(REVOKE_PATH)).toHaveLength(0);
  });
});

describe("close() with a tokenStore", () => {
  const key = (url: string) => storeKeyOf(url, API_ROOT, CREDENTIALS.clientKey);

  it("leaves the shared token live and stored, for the other processes and the next start", async () => {
    const stub = await stubWith((_request, response) => answer(response, 200, { id: "m-1" }));
    const store = memoryTokenStore();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tokenStore: store });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess" });
    expect(await ece.close()).toEqual({ revoked: false });
    expect(stub.requestsTo(REVOKE_PATH)).toHaveLength(0);
    expect(store.peek(await key(stub.url))).toBe("token-1");
    // A later process (or a restart) uses it without a token request.
    const next = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tokenStore: store });
    expect(await next.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess" });
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    await next.close();
  });

  it("with revokeOnClose: revokes the shared token and deletes it from the store", async () => {
    const stub = await stubWith((_request, response) => answer(response, 200, { id: "m-1" }));
    const store = memoryTokenStore();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tokenStore: store, revokeOnClose: true });
    expect(await ece.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess" });
    expect(await ece.close()).toEqual({ revoked: true });
    expect(stub.requestsTo(REVOKE_PATH).map((r) => r.headers.authorization)).toEqual(["Bearer token-1"]);
    expect(store.peek(await key(stub.url))).toBeUndefined();
  });

  it("revokes a token of the process's own, fetched while the store was down, and leaves the shared one", async () => {
    const stub = await stubWith((_request, response) => answer(response, 200, { id: "m-1" }));
    const store = memoryTokenStore();
    const first = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tokenStore: store });
    expect(await first.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess" }); // shared token-1
    store.down = "reject";
    const second = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tokenStore: store });
    expect(await second.sendTextMessage(text)).toMatchObject({ kind: "sendMessageSuccess" }); // its own token-2
    expect(await second.close()).toEqual({ revoked: true });
    expect(stub.requestsTo(REVOKE_PATH).map((r) => r.headers.authorization)).toEqual(["Bearer token-2"]);
    store.down = undefined;
    expect(store.peek(await key(stub.url))).toBe("token-1");
    expect(await first.close()).toEqual({ revoked: false });
    expect(stub.requestsTo(REVOKE_PATH)).toHaveLength(1);
  });

  it("waits for the lock holder's token request in flight, then leaves the token it brings shared", async () => {
    const tokenHeld = signal<ServerResponse>();
    const stub = await stubWith((_request, response) => answer(response, 200, {}), {
      onToken: (_request, response) => tokenHeld.resolve(response),
    });
    const store = memoryTokenStore();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tokenStore: store });
    const inFlight = ece.sendTextMessage(text);
    const response = await tokenHeld.promise;
    const closed = ece.close();
    answer(response, 200, { access_token: "late-token", expires_in: 3600, token_type: "Bearer" });
    expect(await inFlight).toMatchObject({ kind: "sendMessageSuccess" });
    expect(await closed).toEqual({ revoked: false });
    expect(stub.requestsTo(REVOKE_PATH)).toHaveLength(0);
    expect(store.peek(await key(stub.url))).toBe("late-token");
    expect(store.calls.releaseLock).toBe(1);
  });
});
