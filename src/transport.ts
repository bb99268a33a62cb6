/**
 * Transport concerns shared by every call: the per-call deadline (timeout and the caller's
 * abort), capped response bodies, turning a thrown fetch error into an outcome, and keeping
 * secrets out of outcomes.
 *
 * @module
 */
import type { ErrorOutcome, TimeoutOutcome } from "./outcomes.js";

/** The most of an error body the SDK reads: enough for ECE's error JSON, and memory stays flat. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** The most of a success body the SDK reads; a longer one is an `error` outcome. */
export const MAX_SUCCESS_BODY_BYTES = 4 * 1024 * 1024;

/** Why a deadline's signal fired. */
type AbortCause = "timeout" | "caller";

/**
 * One call's deadline: a signal that fires at `timeoutMs` or when the caller aborts, and which
 * of the two it was.
 */
export class Deadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  #controller = new AbortController();
  #cause: AbortCause | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #callerSignal: AbortSignal | undefined;
  #onCallerAbort = (): void => this.#abort("caller");

  constructor(timeoutMs: number, callerSignal?: AbortSignal) {
    this.timeoutMs = timeoutMs;
    this.signal = this.#controller.signal;
    if (callerSignal?.aborted) {
      this.#abort("caller");
      return;
    }
    if (callerSignal) {
      this.#callerSignal = callerSignal;
      callerSignal.addEventListener("abort", this.#onCallerAbort, { once: true });
    }
    this.#timer = setTimeout(() => this.#abort("timeout"), timeoutMs);
  }

  /** Why the signal fired, or `undefined` while it has not. */
  get cause(): AbortCause | undefined {
    return this.#cause;
  }

  #abort(cause: AbortCause): void {
    if (this.#cause) return;
    this.#cause = cause;
    this.#controller.abort(new DeadlineAbort(cause));
  }

  /** Stops the timer and forgets the caller's signal; call once the call has ended. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
  }

  /**
   * Settles with `promise`, or rejects as soon as the deadline fires, even if whatever is
   * behind `promise` ignores the signal. The losing promise's rejection is swallowed.
   */
  race<T>(promise: Promise<T>): Promise<T> {
    promise.catch(() => undefined);
    if (this.signal.aborted) return Promise.reject(this.signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(this.signal.reason as Error);
      this.signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (value) => {
          this.signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener("abort", onAbort);
          reject(error as Error);
        },
      );
    });
  }
}

/** The reason a deadline aborts with. */
export class DeadlineAbort extends Error {
  constructor(override readonly cause: AbortCause) {
    super(cause === "timeout" ? "The call timed out." : "The call was aborted.");
    this.name = "AbortError";
  }
}

/**
 * The outcome of an exception thrown while calling: `timeout` or an aborted `error` when the
 * deadline fired, else `error` (network failure, unreadable body). Only the error's message (and
 * its cause's code and message) are kept, redacted: that text came from the network stack.
 */
export function outcomeOfThrown(
  thrown: unknown,
  deadline: Deadline,
  status: number | undefined,
  redact: (text: string) => string,
): TimeoutOutcome | ErrorOutcome {
  const withStatus = status === undefined ? {} : { status };
  if (deadline.cause === "timeout") {
    return {
      kind: "timeout",
      message: `No complete answer within ${deadline.timeoutMs} ms.`,
      timeoutMs: deadline.timeoutMs,
      ...withStatus,
    };
  }
  if (deadline.cause === "caller") {
    return { kind: "error", message: "The call was aborted by its AbortSignal.", aborted: true, ...withStatus };
  }
  return { kind: "error", message: describeError(thrown, status, redact), ...withStatus };
}

function describeError(thrown: unknown, status: number | undefined, redact: (text: string) => string): string {
  if (thrown instanceof SyntaxError) {
    return `ECE answered${status === undefined ? "" : ` ${status}`} with a body that is not valid JSON.`;
  }
  if (thrown instanceof BodyTooLargeError) return thrown.message;
  if (thrown instanceof Error) {
    const cause = thrown.cause as { code?: unknown; message?: unknown } | undefined;
    const causeText =
      cause && typeof cause === "object"
        ? [typeof cause.code === "string" ? cause.code : undefined, typeof cause.message === "string" ? cause.message : undefined]
            .filter(Boolean)
            .join(": ")
        : "";
    // The error's text came from the network stack (and may echo what the server sent).
    return `Network error: ${redact(`${thrown.message}${causeText ? ` (${causeText})` : ""}`)}`;
  }
  return "Network error.";
}

/** A response body longer than the SDK reads. */
export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`ECE's response body is longer than ${limit} bytes.`);
    this.name = "BodyTooLargeError";
  }
}

/** Statuses whose responses cannot carry a body (and cannot be rebuilt with one). */
function isBodyless(status: number): boolean {
  return status < 200 || status === 204 || status === 205 || status === 304;
}

/**
 * What openapi-fetch builds for each call, in place of a `Request` (its `Request` option): just
 * the URL and the init. openapi-fetch would build a Request and fetch would then build another
 * from it; with this stand-in fetch builds the only one. (Measured in bench/: the first Request
 * was most of openapi-fetch's cost over a hand-written fetch.)
 */
export class FetchCall {
  readonly method: string;

  constructor(
    readonly url: string,
    readonly init: RequestInit,
  ) {
    this.method = init.method ?? "GET";
  }
}

/** The fetch openapi-fetch calls: it receives a {@link FetchCall}. */
export type CallFetch = (call: FetchCall) => Promise<Response>;

/** How openapi-fetch types its `fetch` option (it is handed {@link FetchCall}s all the same). */
export type ClientFetch = (request: Request) => Promise<Response>;

/**
 * The client's fetch: sends a {@link FetchCall} with the caller's `fetchImpl`, capping the
 * response body: an error body is cut at {@link MAX_ERROR_BODY_BYTES} (the rest is never
 * downloaded), a success body over {@link MAX_SUCCESS_BODY_BYTES} fails to read. A success with a
 * small declared `Content-Length` passes through untouched, so the common path costs nothing.
 */
export function createCallFetch(fetchImpl: typeof fetch): CallFetch {
  return async (call) => {
    const response = await fetchImpl(call.url, call.init);
    if (!response.body || isBodyless(response.status)) return response;
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    const limit = response.ok ? MAX_SUCCESS_BODY_BYTES : MAX_ERROR_BODY_BYTES;
    if (Number.isFinite(declared) && declared <= limit) return response;
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    return new Response(capStream(response.body, limit, !response.ok), {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

function capStream(source: ReadableStream<Uint8Array>, limit: number, truncate: boolean): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let seen = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      seen += value.byteLength;
      if (seen <= limit) {
        controller.enqueue(value);
        return;
      }
      void reader.cancel().catch(() => undefined);
      if (truncate) {
        controller.enqueue(value.subarray(0, value.byteLength - (seen - limit)));
        controller.close();
      } else {
        controller.error(new BodyTooLargeError(limit));
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * Builds a function that replaces each secret it knows of with `[redacted]`, in one pass (a
 * secret found inside `[redacted]` itself, or inside a longer secret, cannot garble the result).
 */
export function createRedactor(secrets: () => Iterable<string>): (text: string) => string {
  let lastKey: string | undefined;
  let pattern: RegExp | undefined;
  return (text) => {
    const list = [...new Set(secrets())].filter((secret) => secret !== "").sort((a, b) => b.length - a.length);
    const key = list.join("\u0000");
    if (key !== lastKey) {
      lastKey = key;
      pattern = list.length === 0 ? undefined : new RegExp(list.map(escapeRegExp).join("|"), "g");
    }
    return pattern === undefined ? text : text.replace(pattern, "[redacted]");
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A copy of JSON that came over the network (a body as openapi-fetch parsed it: object, array,
 * text or nothing) with every secret replaced in its values, and in its keys unless `keys` is
 * false (for a payload the SDK still has to read by key). Iterative, so a deeply
 * nested payload cannot overflow the stack. Used where network text enters an outcome - never
 * on the SDK's own words.
 */
export function redactBody<T>(body: T, redact: (text: string) => string, keys = true): T {
  if (typeof body === "string") return redact(body) as T;
  if (body === null || typeof body !== "object") return body;
  const copy = (source: object): Record<string, unknown> | unknown[] => (Array.isArray(source) ? [] : {});
  const root = copy(body);
  const pending: [source: Record<string, unknown>, target: Record<string, unknown>][] = [
    [body as Record<string, unknown>, root as Record<string, unknown>],
  ];
  while (pending.length > 0) {
    const [source, target] = pending.pop()!;
    for (const key of Object.keys(source)) {
      const item = source[key];
      let value: unknown = item;
      if (typeof item === "string") value = redact(item);
      else if (item !== null && typeof item === "object") {
        value = copy(item);
        pending.push([item as Record<string, unknown>, value as Record<string, unknown>]);
      }
      Object.defineProperty(target, keys && !Array.isArray(target) ? redact(key) : key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return root as T;
}

/**
 * A fetch for one openapi-fetch call that reports the status it saw, so that an outcome for an
 * unreadable body can still name the status.
 */
export function observeStatus(fetchImpl: CallFetch, report: (status: number) => void): CallFetch {
  return async (call) => {
    const response = await fetchImpl(call);
    report(response.status);
    return response;
  };
}
