/**
 * The fake behind a real `node:http` server. `node:http` is loaded only when a server is asked
 * for (a dynamic import), so `fake.fetch` works in any runtime that has `fetch`.
 *
 * @module
 */
import type { AddressInfo } from "node:net";
import type { FakeServer } from "./types.js";

/** What the fake does with one request: an answer, or a scripted failure that leaves it unanswered. */
export type Answer = Response | "timeout" | "reset" | "refused";

/** Options of {@link FakeEce.listen}. */
export interface ListenOptions {
  /** The port (default 0: a free one). */
  port?: number;
  /** The interface to listen on (default `127.0.0.1`). */
  host?: string;
}

/** Starts a server that hands each request to `handle`; resolves once it listens. */
export async function listen(handle: (request: Request) => Promise<Answer>, options: ListenOptions = {}): Promise<FakeServer> {
  const { createServer } = await import("node:http");
  const host = options.host ?? "127.0.0.1";
  let url = "";
  const server = createServer(async (req, res) => {
    try {
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      for await (const chunk of req) chunks.push(new Uint8Array(chunk as Uint8Array));
      const headers = new Headers();
      for (const [name, values] of Object.entries(req.headersDistinct)) for (const value of values ?? []) headers.append(name, value);
      const method = req.method ?? "GET";
      const body = method === "GET" || method === "HEAD" ? null : new Blob(chunks);
      const answer = await handle(new Request(`${url}${req.url ?? "/"}`, { method, headers, body }));
      // "reset" and "refused" close the connection without an answer (an open connection cannot be
      // refused any more); "timeout" holds it until the client gives up or the server closes.
      if (answer === "reset" || answer === "refused") req.socket.destroy();
      if (typeof answer === "string") return;
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(new Uint8Array(await answer.arrayBuffer()));
    } catch {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port ?? 0, host }, resolve);
  });
  url = `http://${host.includes(":") ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a held request's too
      })),
  };
}
