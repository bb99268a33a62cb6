/**
 * The `node:http` / Express adapter of the webhook handler.
 *
 * @module
 */
import { refusal, type WebhookHandler } from "./handler.js";

const encoder = new TextEncoder();

/** The parts of a `node:http` request the adapter uses (Express's request is one too). */
export interface NodeRequestLike extends AsyncIterable<unknown> {
  method?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Subscribes to the body's chunks. */
  on(event: "data", listener: (chunk: Uint8Array | string) => void): unknown;
  /** Subscribes to the body's end. */
  on(event: "end" | "close", listener: () => void): unknown;
  /** Subscribes to a failure while reading the body. */
  on(event: "error", listener: (error: Error) => void): unknown;
  /** Stops the flow of chunks (backpressure). */
  pause(): unknown;
  /** Resumes the flow of chunks. */
  resume(): unknown;
}

/** The parts of a `node:http` response the adapter uses. */
export interface NodeResponseLike {
  statusCode: number;
  /** Sets one response header. */
  setHeader(name: string, value: string | string[]): unknown;
  /** Sends the body and ends the response. */
  end(chunk?: Uint8Array | string): unknown;
}

function toWebRequest(req: NodeRequestLike): Request {
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
  const method = (req.method ?? "GET").toUpperCase();
  if (method === "GET" || method === "HEAD") return new Request(url, { method, headers });
  let finished = false;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on("data", (chunk) => {
          if (finished) return;
          controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : new Uint8Array(chunk));
          if ((controller.desiredSize ?? 1) <= 0) req.pause();
        });
        req.on("end", () => {
          if (!finished) controller.close();
          finished = true;
        });
        req.on("error", (error) => {
          if (!finished) controller.error(error);
          finished = true;
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        finished = true;
        req.resume(); // drain and discard the rest
      },
    },
    { highWaterMark: 4 },
  );
  return new Request(url, { method, headers, body, duplex: "half" } as RequestInit);
}

/**
 * Adapts a {@link WebhookHandler} to a `node:http` (or Express) listener `(req, res) => void`.
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
    void (async () => {
      let response: Response;
      try {
        response = await handle(toWebRequest(req));
      } catch {
        response = refusal(400, "invalidData", "The request could not be read.");
      }
      res.statusCode = response.status;
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.end(new Uint8Array(await response.arrayBuffer()));
    })().catch(() => {
      try {
        res.statusCode = 500;
        res.end();
      } catch {
        // the connection is gone
      }
    });
  };
}
