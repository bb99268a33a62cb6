/**
 * Sends into one conversation leave in call order (issue 21, section 4), through a real
 * node:http stub that holds its answers: a later send starts only once the earlier one has
 * ended, another conversation does not wait, a queued call's deadline runs from its call, and
 * calls queued behind an `authorizationFail` end with it.
 */
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEceClient } from "../../src/index.js";
import { answer, CREDENTIALS, SEND_PATH, stubsPerTest, TOKEN_PATH, type RecordedRequest } from "../support/ece-stub.js";

const stubWith = stubsPerTest();
afterEach(() => void vi.useRealTimers());

/** A stub that holds every send until the test answers it. */
async function holdingStub() {
  const held: ServerResponse[] = [];
  const stub = await stubWith((_r, response) => void held.push(response));
  /** The n-th send (counted from 1): its body's message, once it has arrived. */
  const nth = async (n: number) => (JSON.parse((await stub.arrived(SEND_PATH, n)).body) as { content: string }).content;
  const release = (n: number) => answer(held[n - 1]!, 200, { id: `m-${n}` });
  return { stub, nth, release };
}
const messagesOf = (requests: RecordedRequest[]) => requests.map((r) => (JSON.parse(r.body) as { content: string }).content);

describe("sends into one conversation", () => {
  it("arrive in call order while a held first one blocks them; another conversation does not wait", async () => {
    const { stub, nth, release } = await holdingStub();
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t" });
    const calls = ["one", "two", "three"].map((message) => ece.sendTextMessage({ conversationId: "c-1", message }));
    const elsewhere = ece.sendTextMessage({ conversationId: "c-2", message: "elsewhere" });
    expect(await nth(1)).toBe("one");
    expect(await nth(2)).toBe("elsewhere"); // c-2 went while c-1's first is held
    release(2);
    expect(await elsewhere).toMatchObject({ kind: "sendMessageSuccess" });
    expect(messagesOf(stub.requestsTo(SEND_PATH))).toEqual(["one", "elsewhere"]); // two and three wait
    release(1);
    expect(await nth(3)).toBe("two");
    expect(messagesOf(stub.requestsTo(SEND_PATH))).toEqual(["one", "elsewhere", "two"]);
    release(3);
    expect(await nth(4)).toBe("three");
    release(4);
    expect((await Promise.all(calls)).map((o) => o.kind)).toEqual(["sendMessageSuccess", "sendMessageSuccess", "sendMessageSuccess"]);
  });

  it("a send's retries hold its place: the next starts once they have ended", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    let sends = 0;
    const stub = await stubWith((_r, response) => {
      sends += 1;
      if (sends === 1) return void response.writeHead(429, { "Retry-After": "2" }).end();
      answer(response, 200, {});
    });
    let retried: () => void = () => undefined;
    const announced = new Promise<void>((resolve) => (retried = resolve));
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t", onEvent: (e) => e.type === "retry" && retried() });
    const first = ece.sendTextMessage({ conversationId: "c-1", message: "one" });
    const second = ece.sendTextMessage({ conversationId: "c-1", message: "two" });
    await announced;
    expect(messagesOf(stub.requestsTo(SEND_PATH))).toEqual(["one"]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await Promise.all([first, second])).map((o) => o.kind)).toEqual(["sendMessageSuccess", "sendMessageSuccess"]);
    expect(messagesOf(stub.requestsTo(SEND_PATH))).toEqual(["one", "one", "two"]);
  });

  it("a queued call's deadline runs from its call: timing out while waiting is timeout, delivered: false, nothing sent", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { stub, nth, release } = await holdingStub();
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t" });
    const first = ece.sendTextMessage({ conversationId: "c-1", message: "one" });
    const queued = ece.sendTextMessage({ conversationId: "c-1", message: "two" }, { timeoutMs: 1_000 });
    const last = ece.sendTextMessage({ conversationId: "c-1", message: "three" });
    expect(await nth(1)).toBe("one");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await queued).toMatchObject({ kind: "timeout", timeoutMs: 1_000, delivered: false });
    expect(messagesOf(stub.requestsTo(SEND_PATH))).toEqual(["one"]); // three still waits for one
    release(1);
    expect(await first).toMatchObject({ kind: "sendMessageSuccess" });
    expect(await nth(2)).toBe("three");
    release(2);
    expect(await last).toMatchObject({ kind: "sendMessageSuccess" });
  });

  it("calls queued behind one that ended authorizationFail end with it, without asking for a token again", async () => {
    const stub = await stubWith((_r, response) => answer(response, 200, {}), {
      onToken: (_r, response) => answer(response, 401, { code: "401-110", developerMessage: "Invalid client credentials." }),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const outcomes = await Promise.all(["one", "two", "three"].map((message) => ece.sendTextMessage({ conversationId: "c-1", message })));
    expect(outcomes.map((o) => o.kind)).toEqual(["authorizationFail", "authorizationFail", "authorizationFail"]);
    expect(stub.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(0);
  });

  it("close(): sends made before it still run, in turn", async () => {
    const { stub, nth, release } = await holdingStub();
    const ece = createEceClient({ baseUrl: stub.url, accessToken: "t" });
    const calls = ["one", "two"].map((message) => ece.sendTextMessage({ conversationId: "c-1", message }));
    expect(await nth(1)).toBe("one");
    const closed = ece.close();
    expect(await ece.sendTextMessage({ conversationId: "c-1", message: "late" })).toMatchObject({ kind: "error", delivered: false });
    release(1);
    expect(await nth(2)).toBe("two");
    release(2);
    expect((await Promise.all(calls)).map((o) => o.kind)).toEqual(["sendMessageSuccess", "sendMessageSuccess"]);
    await closed;
  });
});
