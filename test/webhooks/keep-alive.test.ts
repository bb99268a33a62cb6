/**
 * Finding 1 of the receiver's hostile test: a refused request must leave its keep-alive
 * connection usable. toNodeListener used to pause a body the handler never read and leave it
 * paused, so the next request on that connection was never read (ECONNRESET seconds later). Now
 * a small unread body is drained (the connection is kept) and a large one is answered with
 * `Connection: close` (the client opens a new one). Real node:http server, real keep-alive agent.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { everyTypeItems, jsonBody } from "../support/webhook-fixtures.js";
import { basicAuthorization, serveWebhook } from "../support/webhook-server.js";

const agents: Agent[] = [];
afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
});

/** One keep-alive connection at a time: the second request goes on the first one's connection if it is kept. */
function keepAliveAgent(): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  return agent;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Sends a request and resolves with the whole answer. An error of the upload after the answer
 * is in (the server closed a connection it announced it would close) does not count.
 */
function send(agent: Agent, url: string, method: string, headers: Record<string, string>, body: Buffer | string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { agent, method, headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) } });
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.end(body);
  });
}

const json = { "Content-Type": "application/json" };
const wrongCredentials = { Authorization: `Basic ${Buffer.from("ece:wrong").toString("base64")}` };
const valid = { Authorization: basicAuthorization, ...json };

/** A JSON body of about `bytes` bytes (valid, so only the refusal's own reason applies). */
function bodyOf(bytes: number): string {
  const item = { ...everyTypeItems[3]!, content: "x".repeat(bytes) };
  return jsonBody([item]);
}

const refusals: [string, string, Record<string, string>, number][] = [
  ["401 (wrong credentials)", "POST", { ...wrongCredentials, ...json }, 401],
  ["415 (text/plain)", "POST", { Authorization: basicAuthorization, "Content-Type": "text/plain" }, 415],
  ["405 (PUT)", "PUT", valid, 405],
  ["413 (declared length over maxBodyBytes)", "POST", valid, 413],
];

describe("a refused request leaves its keep-alive connection usable", () => {
  it.each(refusals)(
    "%s for a 1 MiB body the handler never read: Connection: close, and the next request is answered",
    async (_name, method, headers, status) => {
      const webhook = await serveWebhook({ maxBodyBytes: 512 * 1024 });
      const agent = keepAliveAgent();
      const refused = await send(agent, webhook.url, method, headers, bodyOf(1024 * 1024));
      expect(refused.status).toBe(status);
      const next = await send(agent, webhook.url, "POST", valid, jsonBody(everyTypeItems));
      expect(next.status).toBe(200);
      expect(refused.headers.connection).toBe("close");
      expect((await webhook.delivered.arrived()).map((m) => m.id)).toEqual(everyTypeItems.map((i) => i.id));
    },
  );

  it.each(refusals)(
    "%s for a 200 KB body the handler never read: the body is drained and the connection kept",
    async (_name, method, headers, status) => {
      const webhook = await serveWebhook({ maxBodyBytes: 100 * 1024 });
      const agent = keepAliveAgent();
      const refused = await send(agent, webhook.url, method, headers, bodyOf(200 * 1024));
      expect(refused.status).toBe(status);
      expect(refused.headers.connection).toBe("keep-alive");
      const next = await send(agent, webhook.url, "POST", valid, jsonBody(everyTypeItems));
      expect(next.status).toBe(200);
      expect(webhook.sockets).toHaveLength(2);
      expect(webhook.sockets[1]).toBe(webhook.sockets[0]); // the same connection
      await webhook.delivered.arrived();
    },
  );

  it("a delivered request keeps its connection too", async () => {
    const webhook = await serveWebhook();
    const agent = keepAliveAgent();
    expect((await send(agent, webhook.url, "POST", valid, bodyOf(300 * 1024))).status).toBe(200);
    expect((await send(agent, webhook.url, "POST", valid, jsonBody(everyTypeItems))).status).toBe(200);
    expect(webhook.sockets[1]).toBe(webhook.sockets[0]);
    expect(webhook.delivered.list).toHaveLength(2);
  });
});
