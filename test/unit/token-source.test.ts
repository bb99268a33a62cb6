/**
 * The token source's bookkeeping, with its clock in the test's hands: every token fetched that
 * may still be live is revoked on close, including one replaced shortly before it expired.
 */
import createClient from "openapi-fetch";
import { afterEach, describe, expect, it } from "vitest";
import type { paths } from "../../generated/ece-messaging.js";
import { createTokenSource } from "../../src/tokens/tokens.js";
import { createCappedFetch, Deadline } from "../../src/http/transport.js";
import { CREDENTIALS, REVOKE_PATH, startEceStub, eceLike, answer, type EceStub } from "../support/ece-stub.js";

let stub: EceStub | undefined;
afterEach(async () => stub?.close());

async function sourceWithClock(expiresIn: number) {
  stub = await startEceStub(eceLike((_r, response) => answer(response, 200, {}), { expiresIn }));
  const api = createClient<paths>({
    baseUrl: `${stub.url}/system/ws/v19/clientapplications`,
    ...createCappedFetch((input, init) => fetch(input, init)),
  });
  let time = 1_000_000;
  const source = createTokenSource({
    api,
    credentials: CREDENTIALS,
    forceLogin: false,
    timeoutMs: 5_000,
    baseUrl: stub.url,
    apiRoot: "/system/ws/v19/clientapplications",
    now: () => time,
  });
  const get = async () => {
    const deadline = new Deadline(5_000);
    try {
      const result = await source.get(deadline);
      if (!result.ok) throw new Error(result.error.message);
      return result.value.token;
    } finally {
      deadline.dispose();
    }
  };
  const revokeAll = () => source.close(Promise.resolve(), 5_000);
  return { source, get, revokeAll, advance: (ms: number) => (time += ms) };
}

describe("close: revoking", () => {
  it("revokes a token replaced inside its refresh margin (still live at ECE) and its successor", async () => {
    const { get, revokeAll, advance } = await sourceWithClock(3600); // margin: 60 s
    expect(await get()).toBe("token-1");
    advance(3_600_000 - 30_000); // inside the margin: replaced, but live for 30 s more
    expect(await get()).toBe("token-2");
    expect(await revokeAll()).toEqual({ revoked: 2, failed: 0 });
    expect(stub!.requestsTo(REVOKE_PATH).map((r) => r.headers.authorization).sort()).toEqual([
      "Bearer token-1",
      "Bearer token-2",
    ]);
  });

  it("does not revoke a token past its lifetime, nor one ECE refused", async () => {
    const { source, get, revokeAll, advance } = await sourceWithClock(3600);
    expect(await get()).toBe("token-1");
    advance(3_600_001); // token-1 is dead at ECE
    expect(await get()).toBe("token-2");
    // ECE answered 401 for it (fetched for the call that sent it: nothing to repeat with).
    expect(await source.refused({ token: "token-2", fromCache: false })).toBe("stop");
    expect(await revokeAll()).toEqual({ revoked: 0, failed: 0 });
    expect(stub!.requestsTo(REVOKE_PATH)).toHaveLength(0);
  });
});
