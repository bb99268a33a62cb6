/**
 * Wire helpers: the per-call deadline (timeout and the caller's abort) and the fetch that caps
 * response bodies.
 *
 * @module
 */
import { readCapped } from "../internal/read-capped.js";

/** The most of an error body the SDK reads: enough for ECE's error JSON, and memory stays flat. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** The most of a success body the SDK reads; a longer one is an `error` outcome. */
const MAX_SUCCESS_BODY_BYTES = 4 * 1024 * 1024;

/** Why a deadline's signal fired. */
type AbortCause = "timeout" | "caller";

/**
 * One call's deadline: a signal that fires at `timeoutMs` or when the caller aborts, and which
 * of the two it was.
 */
export class Deadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** When the deadline fires (epoch milliseconds), unless the caller aborts first. */
  readonly endsAt: number;
  #controller = new AbortController();
  #cause: AbortCause | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #callerSignal: AbortSignal | undefined;
  #onCallerAbort = (): void => this.#abort("caller");

  constructor(timeoutMs: number, callerSignal?: AbortSignal) {
    this.timeoutMs = timeoutMs;
    this.endsAt = Date.now() + timeoutMs;
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
    this.#controller.abort();
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

/** Statuses whose responses cannot carry a body (and cannot be rebuilt with one). */
function isBodyless(status: number): boolean {
  return status < 200 || status === 204 || status === 205 || status === 304;
}

/**
 * What openapi-fetch builds for each call, in place of a `Request` (its documented `Request`
 * option): the URL and the init, which the client's one fetch hands on as `fetch(url, init)` -
 * the form the SDK's `fetch` option is called with (a proxy's fetch may not read another realm's
 * Request). Why not a real Request: openapi-fetch would build one and the fetch would take it
 * apart again (its body read back into bytes) for a second one to be built. Measured by
 * `npm run bench` in one session (issue 20): with a real Request, `throughputRatio` 0.83 (budget
 * >= 0.95; `wrapperRatio` 0.91); with this, 1.10 (`wrapperRatio` 0.90).
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

/**
 * The client's one fetch, the one openapi-fetch calls with the {@link FetchCall} it built:
 * sends it with the caller's `fetchImpl`, capping the response body: an error body is cut at
 * {@link MAX_ERROR_BODY_BYTES} (the rest is never downloaded), a success body over
 * {@link MAX_SUCCESS_BODY_BYTES} fails to read. A response with a small declared
 * `Content-Length` passes through untouched, so the common path costs nothing.
 */
export function createCappedFetch(fetchImpl: typeof fetch): { fetch: (request: Request) => Promise<Response>; Request: typeof Request } {
  const capped = async (request: Request): Promise<Response> => {
    const { url, init } = request as unknown as FetchCall;
    const response = await fetchImpl(url, init);
    if (!response.body || isBodyless(response.status)) return response;
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    const limit = response.ok ? MAX_SUCCESS_BODY_BYTES : MAX_ERROR_BODY_BYTES;
    if (Number.isFinite(declared) && declared <= limit) return response;
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    const body = await readCapped(response.body, limit, response.ok ? "error" : "truncate");
    return new Response(body as Uint8Array<ArrayBuffer>, { status: response.status, statusText: response.statusText, headers });
  };
  return { fetch: capped, Request: FetchCall as unknown as typeof Request };
}
