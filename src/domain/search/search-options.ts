/**
 * The server's search settings (`--search-indexing-lag`, `--search-filter-limits` and their
 * environment variables): the indexing lag of portals that set none, and the filter limits.
 */
import { invalidFilterLimits } from './search-errors.js';
import { checkLag } from './search-lag.js';
import type { SearchLimits } from './search-request.js';

export interface SearchOptions {
  /** Indexing lag in ms for portals that have not set one (0: search reads its own writes). */
  readonly indexingLagMs?: number;
  readonly limits?: SearchLimits;
}

/** `groups,perGroup,total`, e.g. `5,6,18` (HubSpot's guide) or `5,10,25` (its 2024 changelog). */
export function parseSearchLimits(text: string): SearchLimits {
  const parts = text.split(',').map((p) => p.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 3 || numbers.some((n) => !Number.isInteger(n) || n < 1 || n > 1000))
    throw invalidFilterLimits({ text });
  const [groups, filtersPerGroup, filters] = numbers as [number, number, number];
  return { groups, filtersPerGroup, filters };
}

export function parseSearchLag(text: string): number {
  const value = Number(text);
  return checkLag(Number.isFinite(value) && text.trim() !== '' ? value : NaN, 'the search indexing lag');
}
