/**
 * The fake behind a real `node:http` server. `node:http` is loaded only when a server is asked
 * for (a dynamic import), so `fake.fetch` works in any runtime that has `fetch`.
 *
 * @module
 */
import type { FakeServer } from "./types.js";

/** What the fake does with one request: an answer, or a scripted failure. */
type Handle = (request: Request) => Promise<Response | "timeout" | "reset">;

/** Options of {@link FakeEce.listen}. */
export interface ListenOptions {
  /** The port (default 0: a free one). */
  port?: number;
  /** The interface to listen on (default `127.0.0.1`). */
  host?: string;
}

/** Starts a server that hands each request to `handle`; resolves once it listens. */
export async function listen(handle: Handle, options: ListenOptions = {}): Promise<FakeServer> {
  const { createServer } = await import("node:http");
  const host = options.host ?? "127.0.0.1";
  let url = "";
  const sockets = new Set<{ destroy(): void }>();
  const server = createServer((req, res) => {
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    req.on("data", (chunk: Uint8Array) => chunks.push(new Uint8Array(chunk)));
    req.on("end", () => {
      void (async () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) {
          if (Array.isArray(value)) for (const item of value) headers.append(name, item);
          else if (value !== undefined) headers.set(name, value);
        }
        const method = req.method ?? "GET";
        const body = method === "GET" || method === "HEAD" ? undefined : new Blob(chunks);
        const request = new Request(`${url}${req.url ?? "/"}`, { method, headers, ...(body ? { body } : {}) });
        const answer = await handle(request);
        if (answer === "timeout") return; // held until the client gives up or the server closes
        if (answer === "reset") {
          req.socket.destroy();
          return;
        }
        res.statusCode = answer.status;
        answer.headers.forEach((value, name) => res.setHeader(name, value));
        res.end(new Uint8Array(await answer.arrayBuffer()));
      })().catch(() => {
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port ?? 0, host }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = address !== null && typeof address === "object" ? address.port : options.port;
  url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
