/**
 * OpenTelemetry without a dependency: the caller passes a `Tracer` (`trace.getTracer("...")`)
 * and the SDK uses the few methods it needs. Each operation is a client span `ece.<operation>`;
 * the token request is a child span. A tracer that throws, rejects, calls back twice or never
 * settles changes no outcome: each operation runs once, and ends on its own deadline.
 *
 * @module
 */
import { observe } from "./events.js";

/** The parts of an OpenTelemetry `Span` the SDK uses. */
export interface Span {
  /** Sets one attribute. */
  setAttribute(key: string, value: string | number | boolean): unknown;
  /** Sets the status (`code` 2: error). */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Ends the span. */
  end(): void;
}

/** The parts of an OpenTelemetry `Tracer` the SDK uses: pass `trace.getTracer("your-app")`. */
export interface Tracer {
  /**
   * Starts a span, active while `fn` runs (spans started inside are its children).
   *
   * @typeParam F - the function run in the span
   */
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: { kind?: number; attributes?: Record<string, string | number | boolean> },
    fn: F,
  ): ReturnType<F>;
}

/** OpenTelemetry's `SpanKind.CLIENT` and `SpanStatusCode.ERROR`. */
const CLIENT = 2;
export const SPAN_ERROR = 2;

/**
 * Runs `work` inside a client span `name` (active, so that spans started within are its
 * children), ending it after; without a tracer, or when the tracer does not run `work` while
 * starting the span, runs `work` alone. `work` runs once, however often the tracer calls back,
 * and what the tracer returns is never awaited: the call ends when `work` does.
 */
export function inSpan<T>(
  tracer: Tracer | undefined,
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!tracer) return work(undefined);
  let running: Promise<T> | undefined;
  observe(() =>
    tracer.startActiveSpan(name, { kind: CLIENT, attributes }, (span: Span) => {
      running ??= (async () => {
        try {
          return await work(span);
        } finally {
          observe(() => span.end());
        }
      })();
      return running;
    }),
  );
  running ??= work(undefined);
  return running;
}

/** Sets span attributes, ignoring a span that throws or rejects. */
export function annotate(span: Span | undefined, attributes: Record<string, string | number | boolean | undefined>): void {
  if (!span) return;
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) observe(() => span.setAttribute(key, value));
  }
}
