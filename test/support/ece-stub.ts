/**
 * A local `node:http` server that plays ECE for tests: it records every request byte for byte
 * and answers through a handler the test gives, so tests can do what Prism cannot (expiring
 * tokens, stalls, dropped connections, arbitrary statuses).
 *
 * Tests never wait a fixed time for a request to reach the stub: they await
 * {@link EceStub.arrived} (the request was read in full and handed to the handler) or
 * {@link EceStub.headersArrived} (its headers are in; the body may still be on its way).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach } from "vitest";

export const API_ROOT = "/system/ws/v19/clientapplications";
export const TOKEN_PATH = `${API_ROOT}/authentication/oauth2/token`;
export const REVOKE_PATH = `${API_ROOT}/authentication/oauth2/revoke`;
export const SEND_PATH = `${API_ROOT}/messaging/sendmessage`;
export const CONFIG_PATH = `${API_ROOT}/messaging/configuration`;
export const START_PATH = `${API_ROOT}/messaging/conversation/start`;

/** A request whose headers the server has received (its body may still be on its way). */
export interface RequestHead {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingMessage["headers"];
}

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
  /**
   * Resolves with the `count`-th request to `path` (without query; counted since the stub
   * started) once it has been read in full and its handler has been called - at once if it
   * already has. For a stub shared between tests, the next one is
   * `arrived(path, stub.requestsTo(path).length + 1)`.
   */
  arrived(path: string, count?: number): Promise<RecordedRequest>;
  /** Like {@link EceStub.arrived}, but resolves as soon as the request's headers are in. */
  headersArrived(path: string, count?: number): Promise<RequestHead>;
  close(): Promise<void>;
}

/** Starts a stub on a free loopback port. */
export async function startEceStub(handler: StubHandler): Promise<EceStub> {
  const requests: RecordedRequest[] = [];
  const bodiesRead = arrivals<RecordedRequest>();
  const headersIn = arrivals<RequestHead>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const head: RequestHead = { method: req.method ?? "", url: req.url ?? "", headers: req.headers };
    headersIn.record(head);
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
      let handled: void | Promise<void>;
      try {
        handled = handler(recorded, res, req.socket);
      } catch (error) {
        handled = Promise.reject(error);
      }
      Promise.resolve(handled).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(599);
        res.end(String(error));
      });
      // After the handler's synchronous part: a test resumed by `arrived` sees what it set up.
      bodiesRead.record(recorded);
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
    requestsTo: (path) => requests.filter((r) => pathOf(r.url) === path),
    arrived: (path, count = 1) => bodiesRead.wait(path, count),
    headersArrived: (path, count = 1) => headersIn.wait(path, count),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve()); // resolves on a second close too
      }),
  };
}

function pathOf(url: string): string {
  return url.split("?")[0] ?? "";
}

/** Requests counted per path, and promises for the n-th one to come. */
function arrivals<T extends { url: string }>() {
  const seen = new Map<string, T[]>();
  const waiters: { path: string; count: number; resolve: (item: T) => void }[] = [];
  return {
    record(item: T): void {
      const path = pathOf(item.url);
      const list = seen.get(path) ?? [];
      list.push(item);
      seen.set(path, list);
      for (let i = waiters.length - 1; i >= 0; i--) {
        const waiter = waiters[i]!;
        if (waiter.path === path && waiter.count === list.length) {
          waiters.splice(i, 1);
          waiter.resolve(item);
        }
      }
    },
    wait(path: string, count: number): Promise<T> {
      if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, not ${count}`);
      const already = seen.get(path)?.[count - 1];
      if (already) return Promise.resolve(already);
      return new Promise<T>((resolve) => waiters.push({ path, count, resolve }));
    },
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
  options: { expiresIn?: number; onToken?: StubHandler; routes?: Record<string, StubHandler> } = {},
): StubHandler {
  let issued = 0;
  return (request, response, socket) => {
    const path = pathOf(request.url);
    const route = options.routes?.[path]; // a route overrides the usual answer (revoke's too)
    if (route) return route(request, response, socket);
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
