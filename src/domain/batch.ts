/**
 * Batch operations: their outcome (results and per-input errors), and the input limits of
 * batch endpoints (compat-decisions 14; associations-api.md §10). A request over its limit
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
  limitsConfigurations: 2000,
} as const;

export function checkBatchSize(count: number, max: number, operation: string): void {
  if (count > max) {
    throw new ValidationError(
      `Too many inputs: ${operation} accepts at most ${max.toLocaleString('en-US')} inputs per request, got ${count.toLocaleString('en-US')}`,
      { context: { maxInputs: [String(max)], inputs: [String(count)] } },
    );
  }
}
