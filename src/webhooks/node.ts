/**
 * The `node:http` adapter of the webhook handler, for node:http, Express, Fastify and any server
 * that hands over Node's request and response: it takes the body from the stream, or as a
 * middleware kept it, and leaves every connection usable after the answer.
 *
 * @module
 */
import { refusalResponse, type WebhookHandler } from "./handler.js";

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

const lostBody =
  "The request body was already read by a middleware that kept none of it: mount the listener " +
  "before any body parser, or keep the body as req.rawBody or req.body.";

/** A request's body read from its stream as the handler pulls it; `discard` reads on and drops the rest. */
interface StreamedBody {
  stream: ReadableStream<Uint8Array>;
  ended(): boolean;
  discard(): void;
}

function streamOf(req: NodeRequestLike): StreamedBody {
  let ended = false;
  let done = false; // nothing more goes into the stream
  const on = req.on!.bind(req) as (event: string, listener: (...args: never[]) => void) => unknown;
  const discard = (): void => {
    done = true;
    req.resume?.();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        on("data", (chunk: Uint8Array | string) => {
          if (done) return;
          controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
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
      pull: () => void req.resume?.(),
      cancel: discard, // the handler is done with the body
    },
    { highWaterMark: 4 },
  );
  return { stream, ended: () => ended, discard };
}

/**
 * The body: bytes a middleware kept, else the unread stream, else what a middleware parsed (as
 * JSON again); `undefined` when a middleware read it and kept nothing. Text a middleware decoded
 * is sent on as UTF-8, and `headers` say so.
 */
function bodyOf(req: NodeRequestLike, headers: Headers): Uint8Array | StreamedBody | undefined {
  const kept = (value: unknown): Uint8Array | undefined => {
    if (typeof value !== "string") return value instanceof Uint8Array ? value : undefined;
    const mediaType = (headers.get("content-type") ?? "").split(";")[0]!.trim();
    headers.set("content-type", `${mediaType || "text/plain"}; charset=utf-8`);
    return encoder.encode(value);
  };
  const raw = kept(req.rawBody);
  if (raw) return raw;
  // A middleware that did not read the stream may still have set a placeholder `body` ({}): the
  // stream is the body until it has been read.
  if (typeof req.on === "function" && req.readableEnded !== true) return streamOf(req);
  const body = kept(req.body);
  if (body || req.body === undefined || req.body === null) return body;
  headers.set("content-type", "application/json; charset=utf-8");
  return encoder.encode(JSON.stringify(req.body)); // a parsed body (express.json(), Fastify's JSON parser)
}

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
    answer(handle, req, res).catch(() => undefined); // the connection is gone
  };
}

async function answer(handle: WebhookHandler, req: NodeRequestLike, res: NodeResponseLike): Promise<void> {
  let streamed: StreamedBody | undefined;
  let response: Response;
  try {
    const method = (req.method ?? "GET").toUpperCase();
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else if (value !== undefined) headers.set(name, value);
    }
    const body = method === "GET" || method === "HEAD" ? null : bodyOf(req, headers);
    streamed = body && "stream" in body ? body : undefined;
    const target = req.url ?? "/";
    const url = URL.canParse(target, "http://localhost") ? new URL(target, "http://localhost") : "http://localhost/";
    const init = { method, headers, body: streamed?.stream ?? body ?? null, duplex: "half" };
    const lost = body === undefined && method === "POST";
    response = lost ? refusalResponse({ reason: "internalError", message: lostBody }) : await handle(new Request(url, init as RequestInit));
  } catch {
    response = refusalResponse({ reason: "internalError" });
  }
  try {
    if (res.headersSent) return;
    if (streamed && !streamed.ended()) {
      // The handler answered without reading the whole body: a small rest is read and discarded
      // while the answer goes out, so the connection serves the next request; a large or unknown
      // one is not worth reading, nor is the rest of a body that came too slowly (408).
      const declared = Number(req.headers["content-length"] ?? Number.POSITIVE_INFINITY);
      if (declared > DRAIN_LIMIT_BYTES || response.status === 408) res.setHeader("Connection", "close");
      streamed.discard();
    }
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    res.end(new Uint8Array(await response.arrayBuffer()));
  } catch {
    streamed?.discard();
    if (res.headersSent) return;
    res.statusCode = 500;
    res.end();
  }
}
