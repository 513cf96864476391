/**
 * Errors of a request's shape that every API shares: IDs, paging cursors, object type names
 * and batch sizes. Listed in docs/errors.md.
 */
import { errorFactory } from './error-catalog.js';
import type { ValidationError } from './errors.js';

const count = (n: number) => n.toLocaleString('en-US');

export const invalidRecordId = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'Invalid {what}: {raw}. IDs are non-negative 64-bit integers.' },
  (make, what: string, raw: unknown) =>
    make(
      { what, raw: JSON.stringify(raw) },
      { context: { [what === 'object ID' ? 'objectId' : what]: [String(raw)] } },
    ),
);

export const invalidCursor = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'Invalid paging cursor: {after}. Pass the `after` value of the previous page.',
  },
  (make, after: string) => make({ after: JSON.stringify(after) }, { context: { after: [after] } }),
);

export const unknownObjectType = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'Unable to infer object type from: {value}' },
  (make, value: string) => make({ value }) as ValidationError,
);

export const tooManyTargets = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Too many records in inputs[{index}].to: batch/archive accepts at most {max} per input, got {count}',
  },
  (make, index: number, max: number, got: number) =>
    make(
      { index, max, count: count(got) },
      { context: { maxTargetsPerInput: [String(max)], input: [String(index)] } },
    ),
);

export const tooManyPairs = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'Too many pairs: batch/archive accepts at most {max} pairs of records per request, got {count}',
  },
  (make, max: number, got: number) =>
    make(
      { max: count(max), count: count(got) },
      { context: { maxPairs: [String(max)], pairs: [String(got)] } },
    ),
);

export const tooManyInputs = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'Too many inputs: {operation} accepts at most {max} inputs per request, got {count}',
  },
  (make, operation: string, max: number, got: number) =>
    make(
      { operation, max: count(max), count: count(got) },
      { context: { maxInputs: [String(max)], inputs: [String(got)] } },
    ),
);
