/**
 * The one internal result shape: a value, or why there is none. Outcomes are the public face;
 * inside, every step that can fail returns one of these.
 *
 * @module
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
