/**
 * A local `node:http` server that plays ECE for tests: it records every request byte for byte
 * and answers through a handler the test gives, so tests can do what Prism cannot (expiring
 * tokens, stalls, dropped connections, arbitrary statuses).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach } from "vitest";

export const API_ROOT = "/system/ws/v19/clientapplications";
export const TOKEN_PATH = `${API_ROOT}/authentication/oauth2/token`;
export const REVOKE_PATH = `${API_ROOT}/authentication/oauth2/revoke`;
export const SEND_PATH = `${API_ROOT}/messaging/sendmessage`;

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingMessage["headers"];
  /** The body, decoded as UTF-8. */
  body: string;
  /** The body's raw bytes. */
  bytes: Buffer;
}

export type StubHandler = (request: RecordedRequest, response: ServerResponse, socket: Socket) => void | Promise<void>;

export interface EceStub {
  /** `http://127.0.0.1:<port>`: pass as `baseUrl`. */
  url: string;
  requests: RecordedRequest[];
  /** Requests to one path (without query). */
  requestsTo(path: string): RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a stub on a free loopback port. */
export async function startEceStub(handler: StubHandler): Promise<EceStub> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const bytes = Buffer.concat(chunks);
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: bytes.toString("utf8"),
        bytes,
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded, res, req.socket)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(599);
        res.end(String(error));
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // A deep backlog: load tests open a thousand connections at once.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", backlog: 2048 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((r) => r.url.split("?")[0] === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve()); // resolves on a second close too
      }),
  };
}

/**
 * For a test file that starts a stub per test: returns `stubWith(...)`, which starts an
 * ECE-like stub ({@link eceLike}); every stub started is closed after each test.
 */
export function stubsPerTest(): (...args: Parameters<typeof eceLike>) => Promise<EceStub> {
  const stubs: EceStub[] = [];
  afterEach(async () => {
    await Promise.all(stubs.splice(0).map((stub) => stub.close()));
  });
  return async (...args) => {
    const stub = await startEceStub(eceLike(...args));
    stubs.push(stub);
    return stub;
  };
}

/** Answers with JSON (or with no body when `body` is undefined). */
export function answer(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  response.end(text);
}

/** A token response as ECE sends it. */
export function tokenBody(token: string, expiresIn = 86_400): unknown {
  return { access_token: token, expires_in: expiresIn, token_type: "Bearer" };
}

/**
 * A handler for the usual case: the token endpoint hands out `token-1`, `token-2`, ... and
 * revoke answers 204; sendmessage requests go to `onSend`.
 */
export function eceLike(
  onSend: StubHandler,
  options: { expiresIn?: number; onToken?: StubHandler } = {},
): StubHandler {
  let issued = 0;
  return (request, response, socket) => {
    const path = request.url.split("?")[0];
    if (path === TOKEN_PATH) {
      if (options.onToken) return options.onToken(request, response, socket);
      issued += 1;
      return answer(response, 200, tokenBody(`token-${issued}`, options.expiresIn));
    }
    if (path === REVOKE_PATH) return answer(response, 204);
    if (path === SEND_PATH) return onSend(request, response, socket);
    return answer(response, 404, { code: "404-0", developerMessage: "No such path in the stub." });
  };
}

export const CREDENTIALS = { clientKey: "stub-client-key", clientSecret: "Stub-Client-Secret-7f3a9" } as const;
