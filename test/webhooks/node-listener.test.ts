/**
 * toNodeListener on a real node:http server: delivery, every refusal, and 200 concurrent posts
 * with none lost or duplicated.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createWebhookHandler, toNodeListener, type WebhookMessage } from "../../src/webhooks.js";
import { everyTypeItems, jsonBody, xmlBody } from "../support/webhook-fixtures.js";

const username = "ece";
const password = "Node-Listener-Secret-42";
const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(options: { maxBodyBytes?: number; delayMs?: number } = {}) {
  const deliveries: WebhookMessage[][] = [];
  const handle = createWebhookHandler({
    authorization: { type: "basic", username, password },
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    onMessages: async (messages) => {
      if (options.delayMs) await new Promise((r) => setTimeout(r, Math.random() * options.delayMs!));
      deliveries.push(messages);
    },
  });
  const server = createServer(toNodeListener(handle));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ece`;
  return { url, deliveries };
}

function send(url: string, body: string, headers: Record<string, string> = {}, method = "POST") {
  return fetch(url, {
    method,
    headers: { Authorization: authorization, "Content-Type": "application/json", ...headers },
    ...(method === "GET" ? {} : { body }),
  });
}

describe("toNodeListener on node:http", () => {
  it("delivers a JSON request once, in order, typed", async () => {
    const { url, deliveries } = await serve();
    const response = await send(url, jsonBody(everyTypeItems));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: everyTypeItems.length });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.map((m) => m.id)).toEqual(everyTypeItems.map((i) => i.id));
    expect(deliveries[0]!.at(-1)).toMatchObject({ type: "complete", content: "Agent has ended the chat" });
  });

  it("delivers XML", async () => {
    const { url, deliveries } = await serve();
    const response = await send(url, xmlBody(everyTypeItems), { "Content-Type": "application/xml; charset=utf-8" });
    expect(response.status).toBe(200);
    expect(deliveries[0]).toHaveLength(everyTypeItems.length);
  });

  it.each([
    ["wrong credentials", { Authorization: "Basic d3Jvbmc6d3Jvbmc=" }, "POST", jsonBody(everyTypeItems), 401],
    ["GET", {}, "GET", "", 405],
    ["text/plain", { "Content-Type": "text/plain" }, "POST", "hello", 415],
    ["broken JSON", {}, "POST", "{", 400],
    ["too many messages", {}, "POST", jsonBody(Array.from({ length: 1001 }, () => everyTypeItems[0])), 413],
  ])("refuses %s with its status", async (_name, headers, method, body, status) => {
    const { url, deliveries } = await serve();
    const response = await send(url, body, headers, method);
    expect(response.status).toBe(status);
    expect(await response.text()).not.toContain(password);
    expect(deliveries).toHaveLength(0);
  });

  it("refuses a body over maxBodyBytes with 413 while the client is still sending", async () => {
    const { url, deliveries } = await serve({ maxBodyBytes: 64 * 1024 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: "POST", headers: { Authorization: authorization, "Content-Type": "application/json" } });
      let answered = false;
      req.on("response", (res) => {
        answered = true;
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy(); // stop sending: the answer is in
      });
      req.on("error", (error) => {
        if (!answered) reject(error);
      });
      const chunk = Buffer.alloc(16 * 1024, 32);
      let sent = 0;
      const write = (): void => {
        while (sent < 200 && !answered) {
          sent += 1; // up to 3.2 MB, chunked, with backpressure
          if (!req.write(chunk)) {
            req.once("drain", write);
            return;
          }
        }
        if (!answered) req.end();
      };
      write();
    });
    expect(status).toBe(413);
    expect(deliveries).toHaveLength(0);
  });

  it("200 concurrent posts: every message delivered exactly once", async () => {
    const { url, deliveries } = await serve({ delayMs: 5 });
    const posts = Array.from({ length: 200 }, (_, p) =>
      jsonBody([0, 1, 2].map((i) => ({ ...everyTypeItems[3]!, id: `${p}-${i}` }))),
    );
    const statuses = await Promise.all(posts.map(async (body) => (await send(url, body)).status));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(deliveries).toHaveLength(200);
    const ids = deliveries.flat().map((m) => m.id);
    expect(ids).toHaveLength(600);
    expect(new Set(ids).size).toBe(600);
    for (const delivery of deliveries) {
      const [post] = delivery[0]!.id.split("-");
      expect(delivery.map((m) => m.id)).toEqual([`${post}-0`, `${post}-1`, `${post}-2`]); // in order, per request
    }
  });
});
