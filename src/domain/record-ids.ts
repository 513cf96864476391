/**
 * Record IDs. HubSpot's IDs are 64-bit integers sent as strings (decision D2); this
 * server allocates them from a per-portal counter, so all of them stay below 2^53 and fit
 * a JavaScript number exactly.
 */
import { invalidRecordId } from './request-errors.js';

/** 2^63 - 1: the largest ID HubSpot's Java services can parse. */
export const MAX_INT64 = 9223372036854775807n;
/**
 * What an ID above 2^53 parses to. No record has it (IDs are handed out below 2^53, and
 * imports take no larger ones), and every store can look it up, where the ID itself would
 * round to 2^63 and overflow a PostgreSQL BIGINT: both stores answer "not found" alike.
 */
export const BEYOND_ANY_RECORD_ID = Number.MAX_SAFE_INTEGER + 1;
const DIGITS = /^\d{1,20}$/;

/**
 * Parses an ID from a path or body. Accepts decimal strings and integers. A value that
 * is a valid 64-bit ID but larger than any ID this server hands out parses to a number
 * no record has, so it reads as "not found" rather than "malformed".
 */
export function parseRecordId(raw: unknown, what = 'object ID'): number {
  const text = typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? String(raw) : raw;
  if (typeof text !== 'string' || !DIGITS.test(text) || BigInt(text) > MAX_INT64) {
    throw invalidRecordId(what, raw);
  }
  const id = Number(text);
  return id > Number.MAX_SAFE_INTEGER ? BEYOND_ANY_RECORD_ID : id;
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

/** IDs from a seed stay unique because the map below is a bijection modulo 2^33. */
const SEEDED_SPAN = 2 ** 33;

function hash32(text: string, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * `--id-seed`: the n-th record of a portal gets `10000000000 + ((n * step + offset) mod 2^33)`,
 * with an odd `step` and an `offset` derived from the seed. The same seed gives the same IDs
 * run after run; different seeds give different, non-sequential IDs, all above 2^31 and
 * below 2^53.
 */
export function seededRecordIds(seed: string): RecordIdPolicy {
  const step = (hash32(seed, 1) * 2 + 1) % SEEDED_SPAN; // odd, so coprime with 2^33
  const offset = (hash32(seed, 2) * 4 + hash32(seed, 3)) % SEEDED_SPAN;
  return {
    recordId: (sequence) => {
      // BigInt keeps sequence * step exact.
      const mixed = (BigInt(sequence) * BigInt(step) + BigInt(offset)) % BigInt(SEEDED_SPAN);
      return RECORD_ID_BASE + Number(mixed);
    },
  };
}
