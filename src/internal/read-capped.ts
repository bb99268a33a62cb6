/**
 * The one capped body reader, shared by the client (ECE's responses) and the webhook receiver
 * (ECE's requests): memory stays flat whatever the other side sends.
 *
 * @module
 */

/** A body longer than the SDK reads. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The body is longer than ${limit} bytes.`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Reads `stream` to its end, at most `limit` bytes. Past that it stops reading (cancelling the
 * rest) and either throws {@link BodyTooLargeError} or, with `truncate`, returns the first
 * `limit` bytes. When `signal` aborts first, it cancels the stream and throws the signal's reason.
 */
export async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
  overflow: "error" | "truncate" = "error",
  signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!stream) return new Uint8Array(0);
  signal?.throwIfAborted();
  const reader = stream.getReader();
  const onAbort = (): void => void reader.cancel(signal!.reason).catch(() => undefined);
  signal?.addEventListener("abort", onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      // A cancelled reader reports done: the body was not read to its end.
      signal?.throwIfAborted();
      if (done) break;
      if (total + value.byteLength > limit) {
        void reader.cancel().catch(() => undefined);
        if (overflow === "error") throw new BodyTooLargeError(limit);
        chunks.push(value.subarray(0, limit - total));
        total = limit;
        break;
      }
      chunks.push(value);
      total += value.byteLength;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (chunks.length === 1 && chunks[0]!.byteLength === total && chunks[0]!.buffer instanceof ArrayBuffer) {
    return chunks[0] as Uint8Array<ArrayBuffer>; // one chunk (the usual case for a small body): no copy
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
