/**
 * The fake behind a real node:http server on 127.0.0.1 (`fake.listen()`): the SDK talks to it over
 * the network with its default fetch, scripted resets drop the connection, a held request stays
 * open until the client gives up, and close() ends everything - held connections included.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { createFakeEce, type FakeServer } from "../../src/testing.js";

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const credentials = { clientKey: "listen-key", clientSecret: "Listen-Secret-6e0b" };

async function serve(fake = createFakeEce()) {
  const server = await fake.listen();
  servers.push(server);
  return { fake, server, ece: createEceClient({ baseUrl: server.url, credentials }) };
}

describe("fake.listen()", () => {
  it("serves the whole lifecycle over HTTP, at the default API root", async () => {
    const { fake, server, ece } = await serve();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+$/);
    const started = await ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } });
    expect(started.kind).toBe("conversationStarted");
    const conversationId = started.kind === "conversationStarted" ? started.conversationId : "";
    expect(await ece.sendTextMessage({ conversationId, message: "Over the wire" })).toMatchObject({ kind: "sendMessageSuccess", status: 200 });
    expect(await ece.close()).toEqual({ revoked: true });
    expect(fake.messages(conversationId).map((m) => m.input)).toEqual([{ conversationId, message: "Over the wire" }]);
    expect(fake.requests().map((r) => r.operation)).toEqual([
      "createAccessToken",
      "getEntryPointConfiguration",
      "startConversation",
      "sendTextMessage",
      "revokeAccessToken",
    ]);
  });

  it("drops the connection for a scripted reset, and serves the next request", async () => {
    const { fake, ece } = await serve();
    const { id } = fake.addConversation();
    fake.failNext("sendMessage", "reset");
    expect(await ece.sendTextMessage({ conversationId: id, message: "lost?" })).toMatchObject({ kind: "error", delivered: "unknown" });
    expect((await ece.sendTextMessage({ conversationId: id, message: "again" })).kind).toBe("sendMessageSuccess");
    expect(fake.messages(id).map((m) => m.input)).toEqual([{ conversationId: id, message: "again" }]);
  });

  it("holds a scripted timeout open until the client aborts", async () => {
    const { fake, ece } = await serve();
    const { id } = fake.addConversation();
    fake.failNext("sendTextMessage", "timeout");
    const abort = new AbortController();
    const sent = ece.sendTextMessage({ conversationId: id, message: "x" }, { signal: abort.signal });
    await fake.arrived("sendTextMessage");
    abort.abort();
    expect(await sent).toMatchObject({ kind: "error", aborted: true, delivered: "unknown" });
  });

  it("close() drops a held connection and resolves; the port is then free", async () => {
    const fake = createFakeEce();
    const server = await fake.listen();
    fake.failNext("getEntryPointConfiguration", "timeout");
    const held = fetch(`${server.url}/system/ws/v19/clientapplications/messaging/configuration?entrypoint=1001`);
    await fake.arrived("getEntryPointConfiguration");
    await server.close();
    await expect(held).rejects.toThrow();
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
    await server.close(); // a second close resolves too
  });

  it("several servers share one fake's state; fake.fetch sees it too", async () => {
    const fake = createFakeEce();
    const one = await serve(fake);
    const two = await serve(fake);
    expect(one.server.url).not.toBe(two.server.url);
    const started = await one.ece.startConversation({ entryPointId: 1001, customer: { email: "jane@example.com" } });
    const conversationId = started.kind === "conversationStarted" ? started.conversationId : "";
    expect((await two.ece.sendTextMessage({ conversationId, message: "from two" })).kind).toBe("sendMessageSuccess");
    const local = createEceClient({ baseUrl: "https://ece.example.com", credentials, fetch: fake.fetch });
    expect((await local.sendTextMessage({ conversationId, message: "in process" })).kind).toBe("sendMessageSuccess");
    expect(fake.messages(conversationId).map((m) => m.input.conversationId === conversationId && "message" in m.input && m.input.message)).toEqual([
      "from two",
      "in process",
    ]);
  });
});
