/**
 * Paging cursors. `after` is opaque to clients (decision D13): it is the base64url
 * of the last ID on the page, and paging is keyset (`id > after`), never OFFSET, so a page
 * costs the same at any depth.
 */
import { invalidCursor } from './request-errors.js';
import { BEYOND_ANY_RECORD_ID, MAX_INT64 } from './record-ids.js';

const DIGITS = /^\d{1,20}$/;

export function encodeCursor(lastId: number): string {
  return Buffer.from(String(lastId)).toString('base64url');
}

/** Decodes `after`. Plain numbers are accepted too, as HubSpot's examples send `after=0`. */
export function decodeCursor(after: string | undefined): number | undefined {
  if (after === undefined || after === '') return undefined;
  const decoded = DIGITS.test(after) ? after : Buffer.from(after, 'base64url').toString('utf8');
  // A cursor is an ID: beyond 2^63 - 1 it is malformed; beyond any record, past the last page.
  if (!DIGITS.test(decoded) || BigInt(decoded) > MAX_INT64) {
    throw invalidCursor(after);
  }
  return Math.min(Number(decoded), BEYOND_ANY_RECORD_ID);
}
