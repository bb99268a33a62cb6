/**
 * Retries: which failures may be sent again, and how long to wait first. What is never retried
 * is what may have reached ECE: a message is never sent twice.
 *
 * @module
 */
import type { FailureOutcome } from "../outcomes/outcomes.js";
import type { Emit } from "../observe/events.js";
import { definedFields } from "../internal/wire.js";
import { resetProgress, type Progress } from "./request.js";
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

/** One attempt's outcome; only a failure may be retried. */
export type Attempt<T> = { outcome: T; retry: false } | { outcome: FailureOutcome; retry: boolean };

/** How an exchange with ECE is retried. */
export interface Retries {
  /** The operation named in `retry` events. */
  operation: string;
  /** Retries after the first attempt; 0: none. */
  maxRetries: number;
  deadline: Deadline;
  emit: Emit;
  /** Aborts when the client closes: a retry still waiting is not started. */
  closed?: AbortSignal;
  /** The requests made so far (a `retry` event's `attempt`). */
  requests(): number;
  /** The exchange's progress, reset before a retry. */
  progress: Progress;
}

/**
 * Runs `attempt` until its outcome may not be retried (`retry`: see {@link mayRetry}), the
 * retries are spent, the deadline fired or the client closed. The wait before retry n + 1 is
 * ECE's `Retry-After` when it gave one, else min(8 s, 0.5 s x 2^n) less up to a quarter of it
 * (jitter, as openai-node does); a wait over a minute, or past the deadline, is not started: the
 * outcome is the failure, with `retryAfterMs`.
 */
export async function withRetries<T>(retries: Retries, attempt: () => Promise<Attempt<T>>): Promise<T | FailureOutcome> {
  const { operation, maxRetries, deadline, emit, closed, requests, progress } = retries;
  for (let n = 0; ; n++) {
    const tried = await attempt();
    if (!tried.retry || n >= maxRetries || deadline.cause !== undefined || closed?.aborted) return tried.outcome;
    const failure = tried.outcome;
    const delayMs = failure.retryAfterMs ?? Math.round(Math.min(8_000, 500 * 2 ** n) * (1 - Math.random() * 0.25));
    if (delayMs > LONGEST_WAIT_MS || Date.now() + delayMs >= deadline.endsAt) return { ...failure, retryAfterMs: delayMs };
    const status = "status" in failure ? failure.status : undefined;
    emit?.({ type: "retry", operation, attempt: requests(), delayMs, outcome: failure.kind, ...definedFields({ status }) });
    resetProgress(progress); // the failed attempt delivered nothing
    await pause(delayMs, deadline, closed);
    // Closed while waiting: the retry is not started.
    if (closed?.aborted) return failure;
  }
}

/**
 * Waits `delayMs`, or less once `wake` aborts (the client closed); rejects when the deadline
 * fires (the caller aborted).
 */
async function pause(delayMs: number, deadline: Deadline, wake?: AbortSignal): Promise<void> {
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
