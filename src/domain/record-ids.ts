/**
 * Record IDs. HubSpot's IDs are 64-bit integers sent as strings (compat-decisions 2); this
 * server allocates them from a per-portal counter, so all of them stay below 2^53 and fit
 * a JavaScript number exactly.
 */
import { ValidationError } from './errors.js';

/** 2^63 - 1: the largest ID HubSpot's Java services can parse. */
const MAX_INT64 = 9223372036854775807n;
const DIGITS = /^\d{1,20}$/;

/**
 * Parses an ID from a path or body. Accepts decimal strings and integers. A value that
 * is a valid 64-bit ID but larger than any ID this server hands out parses to a number
 * no record has, so it reads as "not found" rather than "malformed".
 */
export function parseRecordId(raw: unknown, what = 'object ID'): number {
  const text = typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? String(raw) : raw;
  if (typeof text !== 'string' || !DIGITS.test(text) || BigInt(text) > MAX_INT64) {
    throw new ValidationError(
      `Invalid ${what}: ${JSON.stringify(raw)}. IDs are non-negative 64-bit integers.`,
      {
        context: { [what === 'object ID' ? 'objectId' : what]: [String(raw)] },
      },
    );
  }
  return Number(text);
}

/** The counter behind record IDs, and where the documented sequence starts. */
export const RECORD_ID_COUNTER = 'record_id';
/** IDs start above 2^31 so that clients storing them in 32 bits break at once, as they would on HubSpot. */
export const RECORD_ID_BASE = 10_000_000_000;

/** Maps the n-th value of a portal's record counter (1, 2, 3, ...) to a record ID. */
export interface RecordIdPolicy {
  recordId(sequence: number): number;
}

export const sequentialRecordIds: RecordIdPolicy = {
  recordId: (sequence) => RECORD_ID_BASE + sequence,
};
