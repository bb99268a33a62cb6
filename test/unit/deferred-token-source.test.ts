/**
 * The store-backed token source is a file of its own, loaded only by a client with a
 * `tokenStore`; until it has loaded, the client holds a deferred source. Calls wait for it, and
 * a file that cannot be loaded hands the calls to a fallback source.
 */
import { describe, expect, it } from "vitest";
import { createDeferredTokenSource, createFixedTokenSource, type TokenSource } from "../../src/tokens/tokens.js";
import { Deadline } from "../../src/http/transport.js";

async function getWith(source: TokenSource, timeoutMs = 5_000) {
  const deadline = new Deadline(timeoutMs);
  try {
    return await source.get(deadline);
  } finally {
    deadline.dispose();
  }
}

/** A source that records what reaches it. */
function recording(token: string) {
  const seen: string[] = [];
  const source: TokenSource = {
    ...createFixedTokenSource(token),
    invalidate: (refused) => void seen.push(`invalidate ${refused}`),
    retired: (held) => held === "retired-token",
    revokeAll: async () => {
      seen.push("revokeAll");
      return { revoked: 1, failed: 0 };
    },
  };
  return { source, seen };
}

const noFallback = (thrown: unknown): TokenSource => {
  throw new Error(`unexpected fallback: ${String(thrown)}`);
};

describe("a deferred token source", () => {
  it("holds the credentials only, and a call waits, until the source has loaded", async () => {
    let load!: (source: TokenSource) => void;
    const deferred = createDeferredTokenSource(new Promise((resolve) => (load = resolve)), noFallback, ["client-secret", "basic"]);
    expect([...deferred.secrets()]).toEqual(["client-secret", "basic"]);
    expect(deferred.retired("retired-token")).toBe(false);
    const pending = getWith(deferred);
    // Not answered while the source is missing, even after the event loop went round once.
    const first = await Promise.race([pending, new Promise((resolve) => setImmediate(() => resolve("still waiting")))]);
    expect(first).toBe("still waiting");
    const { source, seen } = recording("loaded-token");
    load(source);
    expect(await pending).toEqual({ ok: true, value: { token: "loaded-token", fromCache: true } });
    expect([...deferred.secrets()]).toEqual(["loaded-token"]);
    deferred.invalidate("loaded-token");
    expect(deferred.retired("retired-token")).toBe(true);
    expect(seen).toEqual(["invalidate loaded-token"]);
  });

  it("close(): revokeAll waits for the source to load, then revokes through it", async () => {
    let load!: (source: TokenSource) => void;
    const deferred = createDeferredTokenSource(new Promise((resolve) => (load = resolve)), noFallback, []);
    const revoking = deferred.revokeAll(1_000);
    const { source, seen } = recording("t");
    expect(seen).toEqual([]);
    load(source);
    expect(await revoking).toEqual({ revoked: 1, failed: 0 });
    expect(seen).toEqual(["revokeAll"]);
  });

  it("hands the calls to the fallback when the source's file cannot be loaded", async () => {
    const thrownSeen: unknown[] = [];
    const failure = new Error("Cannot find module './token-store.js'");
    const deferred = createDeferredTokenSource(
      Promise.reject(failure),
      (thrown) => {
        thrownSeen.push(thrown);
        return createFixedTokenSource("own-token");
      },
      ["client-secret"],
    );
    expect(await getWith(deferred)).toEqual({ ok: true, value: { token: "own-token", fromCache: true } });
    expect(thrownSeen).toEqual([failure]);
    expect([...deferred.secrets()]).toEqual(["own-token"]);
  });

  it("gives up waiting at the call's deadline", async () => {
    const deferred = createDeferredTokenSource(new Promise(() => undefined), noFallback, []);
    await expect(getWith(deferred, 1)).rejects.toBeDefined();
  });
});
