/**
 * The fleet's code is a file of its own (token-store.js), loaded by a client given a
 * `tokenStore`. A deployment that left the file out (or a file of another build) must not stop
 * the messages: the client goes
 * on with tokens of its own, as during a store outage, and says so with a `tokenStoreError`
 * event (`action: "load"`) that carries no secret.
 */
import { describe, expect, it, vi } from "vitest";
import { createEceClient, type EceEvent } from "../../src/index.js";
import { CREDENTIALS, eceLike, answer, REVOKE_PATH, SEND_PATH, stubsPerTest, TOKEN_PATH } from "../support/ece-stub.js";
import { memoryTokenStore } from "../support/memory-token-store.js";

// The file loads but cannot make its source (what a file of another version would do); its
// error names the client secret. The factory is hoisted above the imports: the secret is
// written out (CREDENTIALS.clientSecret).
vi.mock("../../src/tokens/token-store.js", () => ({
  createStoreTokenSource: () => {
    throw new Error("createStoreTokenSource is not a function of this build (secret Stub-Client-Secret-7f3a9)");
  },
}));

const stubWith = stubsPerTest();

describe("a client whose token store's file cannot be loaded", () => {
  it("sends with a token of its own, reports tokenStoreError (action load) without the secret, and revokes that token on close", async () => {
    const stub = await stubWith(eceLike((_request, response) => answer(response, 200, { id: "m-1" })));
    const events: EceEvent[] = [];
    const store = memoryTokenStore();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, tokenStore: store, onEvent: (event) => events.push(event) });
    expect(await ece.sendTextMessage({ conversationId: "c-1", message: "hello" })).toMatchObject({ kind: "sendMessageSuccess" });
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(1);
    const storeErrors = events.filter((event) => event.type === "tokenStoreError");
    expect(storeErrors).toHaveLength(1);
    expect(storeErrors[0]).toMatchObject({ type: "tokenStoreError", action: "load" });
    const message = (storeErrors[0] as { message: string }).message;
    expect(message).toBe("The token store could not be set up: createStoreTokenSource is not a function of this build (secret [redacted])");
    // The token was the process's own: close() revokes it, as without a store.
    expect(await ece.close()).toEqual({ revoked: true });
    expect(stub.requestsTo(REVOKE_PATH)).toHaveLength(1);
  });
});
