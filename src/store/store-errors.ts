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

/**
 * A transaction found, after taking its locks, that what it read before them changed (a new
 * association type on a record it merges, say). The store reruns it from the start, as it
 * does after a deadlock.
 */
export class TransactionRetry extends Error {
  constructor(reason: string) {
    super(`Transaction rerun: ${reason}`);
    this.name = 'TransactionRetry';
  }
}

/**
 * The database cannot be reached or dropped the connection mid-request (a restart, an
 * administrator ending the session). Nothing was committed by the failed request, and the
 * next one may succeed: HTTP answers 503.
 */
export class StoreUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`The database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoreUnavailableError';
  }
}
