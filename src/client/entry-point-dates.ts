/**
 * The conversation lifecycle's state: each entry point's configuration (its last-modified date),
 * fetched once per entry point and shared by every start (single flight), fetched again only
 * when a start answers 409.
 *
 * @module
 */
import type { EntryPointConfigurationFoundOutcome, GetEntryPointConfigurationOutcome } from "../outcomes/outcomes.js";

/** The entry points' configurations a client has seen. */
export interface EntryPointDates {
  /** The configuration of `entryPointId`: the cached one, or one request shared by all who ask. */
  get(entryPointId: number): Promise<GetEntryPointConfigurationOutcome>;
  /** Forgets `stale` (a start answered 409) - unless another caller has replaced it already. */
  forget(entryPointId: number, stale: Promise<GetEntryPointConfigurationOutcome>): void;
  /** Keeps a configuration found by an explicit call. */
  remember(found: EntryPointConfigurationFoundOutcome): void;
}

/** A cache over `fetchConfiguration`; a failed fetch is not kept (the next start asks again). */
export function createEntryPointDates(
  fetchConfiguration: (entryPointId: number) => Promise<GetEntryPointConfigurationOutcome>,
): EntryPointDates {
  const cache = new Map<number, Promise<GetEntryPointConfigurationOutcome>>();
  const forget: EntryPointDates["forget"] = (entryPointId, stale) => {
    if (cache.get(entryPointId) === stale) cache.delete(entryPointId);
  };
  return {
    get(entryPointId) {
      const cached = cache.get(entryPointId);
      if (cached !== undefined) return cached;
      const fetched = fetchConfiguration(entryPointId);
      cache.set(entryPointId, fetched);
      void fetched.then((outcome) => {
        if (outcome.kind !== "entryPointConfigurationFound") forget(entryPointId, fetched);
      });
      return fetched;
    },
    forget,
    remember(found) {
      cache.set(found.entryPointId, Promise.resolve(found));
    },
  };
}
