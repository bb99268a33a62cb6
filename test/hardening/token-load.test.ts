/**
 * Tokens under load (each send into a conversation of its own: a conversation's sends go one at
 * a time): a thousand concurrent sends on a cold client make exactly one token
 * request; a thousand concurrent sends that all meet a 401 on an expired token make exactly one
 * refresh and repeat each call once; a failing token request fails every waiting call with the
 * right kind, and the next call tries again.
 */
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { createEceClient, type EceClient } from "../../src/index.js";
import { answer, CREDENTIALS, SEND_PATH, stubsPerTest, TOKEN_PATH, tokenBody } from "../support/ece-stub.js";

const CONCURRENT = 1000;
const text = { conversationId: "c-1", message: "hello" };
/** `CONCURRENT` sends at once, each into its own conversation. */
const concurrentSends = (ece: EceClient) =>
  Promise.all(Array.from({ length: CONCURRENT }, (_, i) => ece.sendTextMessage({ conversationId: `c-${i}`, message: "hello" })));
const stubWith = stubsPerTest();

describe(`${CONCURRENT} concurrent sends`, () => {
  it("on a cold client make exactly one token request", async () => {
    let heldToken: ServerResponse | undefined;
    const stub = await stubWith((_r, response) => answer(response, 200, { id: "1" }), {
      onToken: (_r, response) => void (heldToken = response),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const calls = concurrentSends(ece);
    await stub.arrived(TOKEN_PATH); // every call was issued above, and waits for this token
    answer(heldToken!, 200, tokenBody("cold-start"));
    const outcomes = await calls;
    expect(outcomes.filter((o) => o.kind === "sendMessageSuccess")).toHaveLength(CONCURRENT);
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(CONCURRENT);
  });

  it("that all get 401 on an expired token make exactly one refresh, and each call is repeated once", async () => {
    const refused = new Set<string>();
    const stub = await stubWith((request, response) => {
      const token = request.headers.authorization?.slice("Bearer ".length) ?? "";
      if (refused.has(token)) return answer(response, 401, { code: "401-102", developerMessage: "Session not found." });
      return answer(response, 200, { id: "1" });
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await ece.sendTextMessage(text); // token-1 is cached
    refused.add("token-1"); // ECE has expired it
    const outcomes = await concurrentSends(ece);
    expect(outcomes.filter((o) => o.kind === "sendMessageSuccess")).toHaveLength(CONCURRENT);
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(2); // the first, and exactly one refresh
    const sends = stub.requestsTo(SEND_PATH).slice(1);
    expect(sends.filter((r) => r.headers.authorization === "Bearer token-1")).toHaveLength(CONCURRENT);
    expect(sends.filter((r) => r.headers.authorization === "Bearer token-2")).toHaveLength(CONCURRENT);
  });

  it("whose token request is refused all get authorizationFail, and the next call tries again", async () => {
    let refuse = true;
    let heldToken: ServerResponse | undefined;
    const stub = await stubWith((_r, response) => answer(response, 204), {
      onToken: (_r, response) => (refuse ? void (heldToken = response) : answer(response, 200, tokenBody("ok"))),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const calls = concurrentSends(ece);
    await stub.arrived(TOKEN_PATH); // every call waits for this token request: refuse it
    answer(heldToken!, 401, { code: "401-110", developerMessage: "Invalid client credentials." });
    const outcomes = await calls;
    expect(outcomes.filter((o) => o.kind === "authorizationFail")).toHaveLength(CONCURRENT);
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(0);
    refuse = false;
    expect((await ece.sendTextMessage(text)).kind).toBe("sendMessageSuccess");
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(2);
  });

  it("whose token request fails on the network all get error, and the next call tries again", async () => {
    let drop = true;
    let heldSocket: Socket | undefined;
    const stub = await stubWith((_r, response) => answer(response, 204), {
      onToken: (_r, response, socket) => (drop ? void (heldSocket = socket) : answer(response, 200, tokenBody("ok"))),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const calls = concurrentSends(ece);
    await stub.arrived(TOKEN_PATH); // every call waits for this token request: drop it
    heldSocket!.destroy();
    const outcomes = await calls;
    expect(outcomes.filter((o) => o.kind === "error")).toHaveLength(CONCURRENT);
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    drop = false;
    expect((await ece.sendTextMessage(text)).kind).toBe("sendMessageSuccess");
  });
});
