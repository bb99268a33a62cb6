/**
 * Things counted as they happen, and promises for the n-th one: what lets a test await "the
 * second message arrived in conversation X" instead of waiting a fixed time.
 *
 * @module
 */

/** Items counted per key; `wait(key, n)` resolves with the n-th item under `key`. */
interface Arrivals<T> {
  /** Records `item` under each of `keys` and resolves whoever waits for it. */
  record(item: T, keys: readonly string[]): void;
  /** The `count`-th item (1-based) recorded under `key`: at once if it already was, else when it is. */
  wait(key: string, count: number): Promise<T>;
}

/** Creates an empty {@link Arrivals}. */
export function createArrivals<T>(): Arrivals<T> {
  const seen = new Map<string, T[]>();
  const waiters: { key: string; count: number; resolve: (item: T) => void }[] = [];
  return {
    record(item, keys) {
      for (const key of keys) {
        const list = seen.get(key) ?? [];
        list.push(item);
        seen.set(key, list);
        for (let i = waiters.length - 1; i >= 0; i--) {
          const waiter = waiters[i]!;
          if (waiter.key === key && waiter.count === list.length) {
            waiters.splice(i, 1);
            waiter.resolve(item);
          }
        }
      }
    },
    wait(key, count) {
      if (!Number.isSafeInteger(count) || count < 1) {
        return Promise.reject(new RangeError(`count must be a positive whole number, not ${String(count)}`));
      }
      const already = seen.get(key)?.[count - 1];
      if (already !== undefined) return Promise.resolve(already);
      return new Promise<T>((resolve) => waiters.push({ key, count, resolve }));
    },
  };
}
