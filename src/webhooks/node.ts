/**
 * The `node:http` adapter of the webhook handler, for node:http, Express, Fastify and any server
 * that hands over Node's request and response: it takes the body from the stream, or as a
 * middleware kept it, and leaves every connection usable after the answer.
 *
 * @module
 */
import type { WebhookHandler } from "./handler.js";
import { refuse } from "./refusals.js";

/**
 * The parts of a request the adapter uses: Node's `IncomingMessage` (node:http, Express), or any
 * request whose body a middleware already read (Fastify's request, with its `body`).
 */
export interface NodeRequestLike {
  method?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /**
   * The body as a middleware kept it, used when the stream was already read: bytes or text
   * (`express.raw()`, `express.text()`, a Fastify content-type parser), or a parsed JSON value
   * (`express.json()`, Fastify's JSON parser), taken as JSON.
   */
  body?: unknown;
  /** The body's bytes (or text) as a middleware kept them; preferred over `body`. */
  rawBody?: unknown;
  /** Whether the stream has ended: one that ended before the adapter ran was read by someone else. */
  readableEnded?: boolean;
  /** Subscribes to the body's chunks. */
  on?(event: "data", listener: (chunk: Uint8Array | string) => void): unknown;
  /** Subscribes to the body's end. */
  on?(event: "end" | "close", listener: () => void): unknown;
  /** Subscribes to a failure while reading the body. */
  on?(event: "error", listener: (error: Error) => void): unknown;
  /** Stops the flow of chunks (backpressure). */
  pause?(): unknown;
  /** Resumes the flow of chunks. */
  resume?(): unknown;
}

/** The parts of a `node:http` response the adapter uses. */
export interface NodeResponseLike {
  statusCode: number;
  /** Whether the status line and headers were already sent (then the adapter sends nothing). */
  headersSent?: boolean;
  /** Sets one response header. */
  setHeader(name: string, value: string | string[]): unknown;
  /** Sends the body and ends the response. */
  end(chunk?: Uint8Array | string): unknown;
}

/**
 * The most of an unread body the adapter reads and discards after a refusal, to keep the
 * connection for the next request (Go's net/http uses the same bound); past it, the answer says
 * `Connection: close`.
 */
const DRAIN_LIMIT_BYTES = 256 * 1024;

const encoder = new TextEncoder();

/** A request's body read from its stream, and how far that got. */
interface StreamedBody {
  kind: "stream";
  stream: ReadableStream<Uint8Array> | null;
  /** Bytes taken from the stream so far. */
  received(): number;
  /** Whether the stream reached its end. */
  ended(): boolean;
  /** Reads and discards whatever is left (the handler is done with the body). */
  discard(): void;
}

/** Where the body comes from: the stream, what a middleware kept, or nowhere (read and dropped). */
type BodySource = StreamedBody | { kind: "kept"; bytes: Uint8Array; contentType: string | undefined } | { kind: "lost" };

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The Content-Type with its charset replaced by UTF-8 (for text the adapter encodes itself). */
function asUtf8(contentType: string | undefined, fallback: string): string {
  const mediaType = (contentType ?? "").split(";")[0]!.trim();
  return `${mediaType || fallback}; charset=utf-8`;
}

function streamed(req: NodeRequestLike): StreamedBody {
  let received = 0;
  let ended = false;
  let done = false; // nothing more goes into the stream
  const on = req.on!.bind(req) as (event: string, listener: (...args: never[]) => void) => unknown;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        on("data", (chunk: Uint8Array | string) => {
          const bytes = typeof chunk === "string" ? encoder.encode(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          received += bytes.byteLength;
          if (done) return;
          controller.enqueue(bytes);
          if ((controller.desiredSize ?? 1) <= 0) req.pause?.();
        });
        on("end", () => {
          ended = true;
          if (!done) controller.close();
          done = true;
        });
        on("error", (error: Error) => {
          if (!done) controller.error(error);
          done = true;
        });
      },
      pull() {
        req.resume?.();
      },
      cancel() {
        // The handler is done with the body; what happens to the rest is decided when it answers.
        done = true;
      },
    },
    { highWaterMark: 4 },
  );
  return {
    kind: "stream",
    stream,
    received: () => received,
    ended: () => ended,
    discard: () => {
      done = true;
      req.resume?.();
    },
  };
}

/** Where to take the body from. */
function bodySource(req: NodeRequestLike, method: string): BodySource {
  const contentType = headerText(req.headers["content-type"]);
  const kept = (value: unknown): BodySource | undefined => {
    if (value instanceof Uint8Array) return { kind: "kept", bytes: value, contentType };
    if (typeof value === "string") return { kind: "kept", bytes: encoder.encode(value), contentType: asUtf8(contentType, "text/plain") };
    return undefined;
  };
  const raw = kept(req.rawBody);
  if (raw) return raw;
  const hasStream = typeof req.on === "function";
  // A middleware that did not read the stream may still have set a placeholder `body` ({}): the
  // stream is the body until it has been read.
  if (hasStream && req.readableEnded !== true) {
    return method === "GET" || method === "HEAD" ? { kind: "kept", bytes: new Uint8Array(0), contentType } : streamed(req);
  }
  const body = kept(req.body);
  if (body) return body;
  if (req.body !== undefined && req.body !== null) {
    // A parsed body (express.json(), Fastify's JSON parser): JSON again.
    return { kind: "kept", bytes: encoder.encode(JSON.stringify(req.body)), contentType: asUtf8("application/json", "application/json") };
  }
  return method === "POST" ? { kind: "lost" } : { kind: "kept", bytes: new Uint8Array(0), contentType };
}

function toWebRequest(req: NodeRequestLike, method: string, source: StreamedBody | Extract<BodySource, { kind: "kept" }>): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    try {
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else headers.set(name, value);
    } catch {
      // A header value fetch's Headers refuses: leave it out.
    }
  }
  let url: string;
  try {
    url = new URL(req.url ?? "/", "http://localhost").href;
  } catch {
    url = "http://localhost/";
  }
  if (method === "GET" || method === "HEAD") return new Request(url, { method, headers });
  if (source.kind === "kept") {
    // The body as kept, whatever the headers said of the stream it came from.
    headers.delete("transfer-encoding");
    headers.set("content-length", String(source.bytes.byteLength));
    if (source.contentType === undefined) headers.delete("content-type");
    else headers.set("content-type", source.contentType);
    return new Request(url, { method, headers, body: source.bytes as Uint8Array<ArrayBuffer> });
  }
  return new Request(url, { method, headers, body: source.stream, duplex: "half" } as RequestInit);
}

/**
 * After the handler answered without reading the whole body: a small rest is read and
 * discarded, so the connection serves the next request; a large or unknown one is not worth
 * reading, nor is the rest of a body that came too slowly (408), so the answer closes the
 * connection. Either way nothing is left paused.
 */
function settle(source: StreamedBody, req: NodeRequestLike, res: NodeResponseLike, status: number): void {
  if (source.ended()) return;
  const declared = Number(headerText(req.headers["content-length"]) ?? Number.NaN);
  const rest = Number.isFinite(declared) ? declared - source.received() : Number.POSITIVE_INFINITY;
  if (rest > DRAIN_LIMIT_BYTES || status === 408) res.setHeader("Connection", "close");
  // Read on while the answer goes out (and until Node closes the connection, when it does): a
  // client still sending then reads the answer instead of a reset.
  source.discard();
}

const lostBody =
  "The request body was already read by a middleware that kept none of it: mount the listener " +
  "before any body parser, or keep the body as req.rawBody or req.body.";

/**
 * Adapts a {@link WebhookHandler} to a `node:http` listener `(req, res) => void`, for
 * node:http, Express and Fastify. The body is read from the request's stream, or taken as a
 * middleware already read it: `req.rawBody`, else `req.body` as bytes or text, else a parsed
 * `req.body`, taken as JSON (so it works behind `express.json()`; Fastify: pass its request and
 * `reply.raw` after `reply.hijack()`). Mount it before any body parser: a parser decodes the body
 * first (bytes not valid in their charset become U+FFFD), and what it decoded cannot be checked.
 * After a refusal the connection stays usable: a small unread body is drained, a larger one is
 * answered with `Connection: close`.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createWebhookHandler, toNodeListener } from "ece-messaging/webhooks";
 *
 * const handle = createWebhookHandler({
 *   authorization: { type: "bearer", token: "callback-token" },
 *   onMessages: (messages) => console.log(`${messages.length} messages`),
 * });
 * createServer(toNodeListener(handle)).listen(8080);
 * ```
 */
export function toNodeListener(handle: WebhookHandler): (req: NodeRequestLike, res: NodeResponseLike) => void {
  return (req, res) => {
    void answer(handle, req, res);
  };
}

async function answer(handle: WebhookHandler, req: NodeRequestLike, res: NodeResponseLike): Promise<void> {
  let source: BodySource | undefined;
  let response: Response;
  try {
    const method = (req.method ?? "GET").toUpperCase();
    source = bodySource(req, method);
    response = source.kind === "lost" ? refuse("internalError", { message: lostBody }) : await handle(toWebRequest(req, method, source));
  } catch {
    response = refuse("internalError");
  }
  try {
    if (res.headersSent) return;
    if (source?.kind === "stream") settle(source, req, res, response.status);
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    res.end(new Uint8Array(await response.arrayBuffer()));
  } catch {
    try {
      if (source?.kind === "stream") source.discard();
      res.statusCode = 500;
      res.end();
    } catch {
      // the connection is gone
    }
  }
}
