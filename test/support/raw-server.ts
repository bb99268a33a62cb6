/**
 * A loopback TCP server that speaks just enough HTTP/1.1 to read one request per connection and
 * then lets a test answer with raw bytes: any status line (1xx and 3xx included), any headers,
 * any framing, stalls, trickles, resets. For faults node:http would refuse to produce.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** One request as received. */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** What to do with a request: write to the socket however the test likes. */
export type RawResponder = (request: RawRequest, socket: Socket) => void;

export interface RawServer {
  url: string;
  requests: RawRequest[];
  /** Writes to a socket and counts the bytes; returns write()'s backpressure flag. */
  write(socket: Socket, data: Buffer | string): boolean;
  /** Bytes written through {@link RawServer.write}. */
  bytesWritten(): number;
  close(): Promise<void>;
}

const HEADER_END = Buffer.from("\r\n\r\n");

/** Starts a raw server; `respond` decides every answer. */
export async function startRawServer(respond: RawResponder): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let buffer = Buffer.alloc(0);
    let handled = false;
    socket.on("data", (chunk: Buffer) => {
      if (handled) return;
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf(HEADER_END);
      if (end < 0) return;
      const [requestLine = "", ...lines] = buffer.subarray(0, end).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers["content-length"] ?? 0);
      if (buffer.length < end + 4 + length) return;
      handled = true;
      const [method = "", path = ""] = requestLine.split(" ");
      const request = { method, path, headers, body: buffer.subarray(end + 4, end + 4 + length) };
      requests.push(request);
      respond(request, socket);
    });
  });
  server.maxConnections = 4096;
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", backlog: 2048 }, resolve));
  let written = 0;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    write: (socket, data) => {
      written += typeof data === "string" ? Buffer.byteLength(data) : data.length;
      return socket.write(data);
    },
    bytesWritten: () => written,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A complete response with `Connection: close`, then the socket ends. */
export function rawReply(
  socket: Socket,
  status: number,
  headers: [string, string][],
  body: Buffer | string = "",
  framing: "length" | "chunked" | "close" = "length",
): void {
  const payload = typeof body === "string" ? Buffer.from(body) : body;
  let head = `HTTP/1.1 ${status} Status\r\nConnection: close\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  if (framing === "length") head += `Content-Length: ${payload.length}\r\n`;
  if (framing === "chunked") head += "Transfer-Encoding: chunked\r\n";
  head += "\r\n";
  socket.write(head);
  if (framing === "chunked") {
    if (payload.length > 0) socket.write(`${payload.length.toString(16)}\r\n`);
    if (payload.length > 0) socket.write(Buffer.concat([payload, Buffer.from("\r\n")]));
    socket.end("0\r\n\r\n");
  } else {
    socket.end(payload);
  }
}
