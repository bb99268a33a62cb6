/**
 * Finding 2 of the receiver's hostile test: behind Express with express.json() (or any
 * middleware that already read the body) toNodeListener never answered - it waited for a body
 * that had already been read. Now it takes the body the middleware kept (`req.rawBody`, or
 * `req.body` as bytes, text or a parsed JSON object). Real Express 5 and Fastify 5 servers.
 */
import express from "express";
import Fastify, { type FastifyInstance } from "fastify";
import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { toNodeListener } from "../../src/webhooks.js";
import { everyTypeItems, jsonBody, xmlBody } from "../support/webhook-fixtures.js";
import { basicAuthorization, listen, recordingHandler } from "../support/webhook-server.js";

const ids = everyTypeItems.map((i) => i.id);
const latin1Item = { ...everyTypeItems[3]!, content: "Grüße, señor: ça va?" };

function post(url: string, body: string | Uint8Array<ArrayBuffer>, contentType: string, authorization = basicAuthorization) {
  return fetch(url, { method: "POST", headers: { Authorization: authorization, "Content-Type": contentType }, body });
}

/** An Express 5 app on a real server, with the listener mounted at /ece behind `middleware`. */
async function expressApp(...middleware: express.RequestHandler[]) {
  const { handle, delivered } = recordingHandler();
  const app = express();
  app.post("/ece", ...middleware, toNodeListener(handle));
  const base = await listen(createServer(app));
  return { url: `${base}/ece`, delivered };
}

describe("behind Express 5", () => {
  it("app.use(express.json()): a JSON post (already parsed into req.body) is delivered", async () => {
    const { handle, delivered } = recordingHandler();
    const app = express();
    app.use(express.json());
    app.post("/ece", toNodeListener(handle));
    const url = `${await listen(createServer(app))}/ece`;
    const response = await post(url, jsonBody(everyTypeItems), "application/json");
    expect(response.status).toBe(200);
    expect((await delivered.arrived()).map((m) => m.id)).toEqual(ids);
  });

  it("express.json(): an XML post (which express.json() leaves unread) is read from the stream", async () => {
    const { url, delivered } = await expressApp(express.json());
    const response = await post(url, xmlBody(everyTypeItems), "application/xml");
    expect(response.status).toBe(200);
    expect((await delivered.arrived()).map((m) => m.id)).toEqual(ids);
  });

  it("express.json(): wrong credentials are still 401", async () => {
    const { url, delivered } = await expressApp(express.json());
    const response = await post(url, jsonBody(everyTypeItems), "application/json", `Basic ${Buffer.from("ece:wrong").toString("base64")}`);
    expect(response.status).toBe(401);
    expect(delivered.list).toHaveLength(0);
  });

  it("express.raw(): the kept bytes are decoded by the request's charset", async () => {
    const { url, delivered } = await expressApp(express.raw({ type: () => true }));
    const response = await post(url, Buffer.from(jsonBody([latin1Item]), "latin1"), "application/json; charset=iso-8859-1");
    expect(response.status).toBe(200);
    expect(await delivered.arrived()).toMatchObject([{ type: "text/plain", content: "Grüße, señor: ça va?" }]);
  });

  it("express.text(): kept text is taken as it is", async () => {
    const { url, delivered } = await expressApp(express.text({ type: "application/xml" }));
    const response = await post(url, xmlBody(everyTypeItems), "application/xml");
    expect(response.status).toBe(200);
    expect((await delivered.arrived()).map((m) => m.id)).toEqual(ids);
  });

  it("a body read by a middleware that kept nothing is a 500 that says so (not a hang)", async () => {
    const drop: express.RequestHandler = (req, _res, next) => {
      req.resume();
      req.on("end", () => next());
    };
    const { url, delivered } = await expressApp(drop);
    const response = await post(url, jsonBody(everyTypeItems), "application/json");
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: "internalError", message: expect.stringMatching(/already read/) });
    expect(delivered.list).toHaveLength(0);
  });
});

describe("behind Fastify 5", () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function fastifyApp(parseAsBuffer: boolean) {
    const { handle, delivered } = recordingHandler();
    const listener = toNodeListener(handle);
    const app = Fastify();
    if (parseAsBuffer) {
      app.removeAllContentTypeParsers();
      app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
    } else {
      app.addContentTypeParser(["application/xml", "text/xml"], { parseAs: "string" }, (_request, body, done) => done(null, body));
    }
    app.post("/ece", (request, reply) => {
      reply.hijack(); // the listener answers on reply.raw
      listener(request, reply.raw);
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    apps.push(app);
    const { port } = app.server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}/ece`, delivered };
  }

  it("Fastify's own JSON parser (a parsed object) and a string XML parser", async () => {
    const { url, delivered } = await fastifyApp(false);
    expect((await post(url, jsonBody(everyTypeItems), "application/json")).status).toBe(200);
    expect((await delivered.arrived(1)).map((m) => m.id)).toEqual(ids);
    expect((await post(url, xmlBody(everyTypeItems), "application/xml")).status).toBe(200);
    expect((await delivered.arrived(2)).map((m) => m.id)).toEqual(ids);
  });

  it("a buffer parser for every content type: bytes decoded by charset; 415 and 401 as usual", async () => {
    const { url, delivered } = await fastifyApp(true);
    const latin1 = Buffer.from(jsonBody([latin1Item]), "latin1");
    expect((await post(url, latin1, "application/json; charset=iso-8859-1")).status).toBe(200);
    expect(await delivered.arrived(1)).toMatchObject([{ content: "Grüße, señor: ça va?" }]);
    expect((await post(url, xmlBody(everyTypeItems), "text/xml")).status).toBe(200);
    expect((await delivered.arrived(2)).map((m) => m.id)).toEqual(ids);
    expect((await post(url, "hello", "text/plain")).status).toBe(415);
    expect((await post(url, jsonBody(everyTypeItems), "application/json", "Bearer nope")).status).toBe(401);
    expect(delivered.list).toHaveLength(2);
  });
});

describe("node:http behind a hand-written middleware", () => {
  it("takes req.rawBody when the stream was read", async () => {
    const { handle, delivered } = recordingHandler();
    const listener = toNodeListener(handle);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => listener(Object.assign(req, { rawBody: Buffer.concat(chunks) }), res));
    });
    const url = `${await listen(server)}/ece`;
    expect((await post(url, xmlBody(everyTypeItems), "application/xml")).status).toBe(200);
    expect((await delivered.arrived()).map((m) => m.id)).toEqual(ids);
  });
});
