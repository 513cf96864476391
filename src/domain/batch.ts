/**
 * Batch operations: their outcome (results and per-input errors), and the input limits of
 * batch endpoints (decision D14; HubSpot's "Associate records" guide). A request over its limit
 * is refused whole: nothing is written.
 */
import { ValidationError, type SpokeError } from './errors.js';

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
      throw new ValidationError(
        `Too many records in inputs[${index}].to: batch/archive accepts at most ${BATCH_LIMITS.archiveTargetsPerInput} per input, got ${count.toLocaleString('en-US')}`,
        {
          context: {
            maxTargetsPerInput: [String(BATCH_LIMITS.archiveTargetsPerInput)],
            input: [String(index)],
          },
        },
      );
    }
  }
  if (total > BATCH_LIMITS.archivePairs) {
    throw new ValidationError(
      `Too many pairs: batch/archive accepts at most ${BATCH_LIMITS.archivePairs.toLocaleString('en-US')} pairs of records per request, got ${total.toLocaleString('en-US')}`,
      { context: { maxPairs: [String(BATCH_LIMITS.archivePairs)], pairs: [String(total)] } },
    );
  }
}

export function checkBatchSize(count: number, max: number, operation: string): void {
  if (count > max) {
    throw new ValidationError(
      `Too many inputs: ${operation} accepts at most ${max.toLocaleString('en-US')} inputs per request, got ${count.toLocaleString('en-US')}`,
      { context: { maxInputs: [String(max)], inputs: [String(count)] } },
    );
  }
}
