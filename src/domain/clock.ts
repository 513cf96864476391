/**
 * Time, injected. Every timestamp the server writes or returns (`createdAt`, `startedAt`,
 * `createdate`, ...) comes from a Clock, so tests and demos can pin or advance it.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** ISO 8601 UTC with milliseconds and `Z` (compat-decisions 3). */
export function isoTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
