/**
 * Store-level failures that the domain translates into HubSpot errors. Adapters map their
 * driver's codes onto these, so the domain never sees SQLite or PostgreSQL error codes.
 */

/** A unique constraint refused a write (for example a duplicate label name). */
export class UniqueViolationError extends Error {
  constructor(readonly constraint: string) {
    super(`Unique constraint violated: ${constraint}`);
    this.name = 'UniqueViolationError';
  }
}
