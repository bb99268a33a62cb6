/**
 * Retries: which failures may be sent again, and how long to wait first. What is never retried
 * is what may have reached ECE: a message is never sent twice.
 *
 * @module
 */
import type { FailureOutcome } from "../outcomes/outcomes.js";
import type { RetryEvent } from "../observe/events.js";
import type { Deadline } from "./transport.js";

/** The longest wait before a retry: asked to wait longer, the call ends with its failure. */
const LONGEST_WAIT_MS = 60_000;

/**
 * Whether a failed request may be sent again: any request that provably made no connection
 * (no status, `delivered: false`) or got a 429; a `read` (which changes nothing at ECE) also
 * after a 408, a 5xx or a network failure at any point.
 */
export function mayRetry(failure: FailureOutcome, read: boolean): boolean {
  const { kind, delivered } = failure;
  const status = "status" in failure ? failure.status : undefined;
  if (status === undefined) return kind === "error" && (read || delivered === false);
  return status === 429 || (read && (status === 408 || status >= 500));
}

/**
 * The wait before retry `retries + 1`: ECE's `Retry-After` when it gave one, else
 * min(8 s, 0.5 s x 2^retries) less up to a quarter of it (jitter, as openai-node does). `starts`:
 * whether it may - a minute at most, and over before the deadline.
 */
export function nextRetry(failure: FailureOutcome, retries: number, deadline: Deadline): { delayMs: number; starts: boolean } {
  const delayMs = failure.retryAfterMs ?? Math.round(Math.min(8_000, 500 * 2 ** retries) * (1 - Math.random() * 0.25));
  return { delayMs, starts: delayMs <= LONGEST_WAIT_MS && Date.now() + delayMs < deadline.endsAt };
}

/**
 * Waits `delayMs`, or less once `wake` aborts (the client closed); rejects when the deadline
 * fires (the caller aborted).
 */
export async function pause(delayMs: number, deadline: Deadline, wake?: AbortSignal): Promise<void> {
  let stop!: () => void;
  const slept = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, delayMs);
    stop = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  wake?.addEventListener("abort", stop);
  try {
    await deadline.race(slept);
  } finally {
    stop();
    wake?.removeEventListener("abort", stop);
  }
}

/** The `retry` event of a failure about to be sent again. */
export function retryEvent(operation: string, attempt: number, delayMs: number, failure: FailureOutcome): RetryEvent {
  const event: RetryEvent = { type: "retry", operation, attempt, delayMs, outcome: failure.kind };
  if ("status" in failure && failure.status !== undefined) event.status = failure.status;
  return event;
}
