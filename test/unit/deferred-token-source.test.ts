/**
 * The store-backed token source is a file of its own, loaded only by a client with a
 * `tokenStore`; until it has loaded, the client holds a deferred source. Calls wait for it, and a
 * file that cannot be loaded makes calls an `error` outcome instead of a rejection.
 */
import { describe, expect, it } from "vitest";
import { createDeferredTokenSource, createFixedTokenSource, type TokenSource } from "../../src/tokens.js";
import { Deadline } from "../../src/transport.js";

async function getWith(source: TokenSource) {
  const deadline = new Deadline(5_000);
  try {
    return await source.get(deadline);
  } finally {
    deadline.dispose();
  }
}

describe("a deferred token source", () => {
  it("holds the credentials only, and makes calls wait, until the source has loaded", async () => {
    let load!: (source: TokenSource) => void;
    const deferred = createDeferredTokenSource(new Promise((resolve) => (load = resolve)), ["client-secret"]);
    expect([...deferred.secrets()]).toEqual(["client-secret"]);
    expect(deferred.retired("t")).toBe(false);
    let settled = false;
    const pending = getWith(deferred).finally(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    load(createFixedTokenSource("loaded-token"));
    expect(await pending).toEqual({ ok: true, value: { token: "loaded-token", fromCache: true } });
    expect([...deferred.secrets()]).toEqual(["loaded-token"]);
  });

  it("answers an error outcome (never a rejection) when the source's file cannot be loaded, and closes", async () => {
    const deferred = createDeferredTokenSource(Promise.reject(new Error("Cannot find module './token-store.js'")), ["client-secret"]);
    const result = await getWith(deferred);
    expect(result).toEqual({
      ok: false,
      error: { kind: "error", message: "The token store's code could not be loaded (Cannot find module './token-store.js').", delivered: false },
    });
    expect([...deferred.secrets()]).toEqual(["client-secret"]);
    await expect(deferred.revokeAll(1_000)).resolves.toEqual({ revoked: 0, failed: 0 });
  });

  it("gives up waiting at the call's deadline", async () => {
    const deferred = createDeferredTokenSource(new Promise(() => undefined), []);
    const deadline = new Deadline(1);
    try {
      await expect(deferred.get(deadline)).rejects.toBeDefined();
    } finally {
      deadline.dispose();
    }
  });
});
