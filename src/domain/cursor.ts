/**
 * Paging cursors. `after` is opaque to clients (compat-decisions 13): it is the base64url
 * of the last ID on the page, and paging is keyset (`id > after`), never OFFSET, so a page
 * costs the same at any depth.
 */
import { ValidationError } from './errors.js';

const DIGITS = /^\d{1,20}$/;

export function encodeCursor(lastId: number): string {
  return Buffer.from(String(lastId)).toString('base64url');
}

/** Decodes `after`. Plain numbers are accepted too, as HubSpot's examples send `after=0`. */
export function decodeCursor(after: string | undefined): number | undefined {
  if (after === undefined || after === '') return undefined;
  if (DIGITS.test(after)) return Number(after);
  const decoded = Buffer.from(after, 'base64url').toString('utf8');
  if (!DIGITS.test(decoded)) {
    throw new ValidationError(
      `Invalid paging cursor: ${JSON.stringify(after)}. Pass the \`after\` value of the previous page.`,
      {
        context: { after: [after] },
      },
    );
  }
  return Number(decoded);
}
