/**
 * Batch operations: their outcome (results and per-input errors), and the input limits of
 * batch endpoints (decision D14; HubSpot's "Associate records" guide). A request over its limit
 * is refused whole: nothing is written.
 */
import { tooManyInputs, tooManyPairs, tooManyTargets } from './request-errors.js';
import type { SpokeError } from './errors.js';

/** The result of a batch: what succeeded, and one error per failed input. */
export interface BatchOutcome<T> {
  readonly results: T[];
  readonly errors: SpokeError[];
}

export const BATCH_LIMITS = {
  associationsRead: 1000,
  associationsCreate: 2000,
  associationsOther: 2000,
  objects: 100,
  /** Properties batch create, read and archive (docs/decisions.md, "Properties, pipelines and owners"). */
  properties: 1000,
  limitsConfigurations: 2000,
  /** batch/archive: records in one input's `to` list (docs/decisions.md, "Batch limits"). */
  archiveTargetsPerInput: 100,
  /** batch/archive: pairs of records in one request, all inputs together. */
  archivePairs: 10_000,
} as const;

/** A batch/archive's `to` lists: each, and all of them together, within their limits. */
export function checkArchiveTargets(targetCounts: readonly number[]): void {
  let total = 0;
  for (const [index, count] of targetCounts.entries()) {
    total += count;
    if (count > BATCH_LIMITS.archiveTargetsPerInput) {
      throw tooManyTargets(index, BATCH_LIMITS.archiveTargetsPerInput, count);
    }
  }
  if (total > BATCH_LIMITS.archivePairs) {
    throw tooManyPairs(BATCH_LIMITS.archivePairs, total);
  }
}

export function checkBatchSize(count: number, max: number, operation: string): void {
  if (count > max) {
    throw tooManyInputs(operation, max, count);
  }
}
