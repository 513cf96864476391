/**
 * A database's way to tell every Spoke process on it what each transaction committed: a
 * capability, present where the database has one (PostgreSQL's NOTIFY, which is delivered at
 * COMMIT, in commit order, and never for a rollback) and absent where it has none (SQLite).
 * What the messages say is the domain's (domain/change-sharing.ts); the store only carries text.
 */
import type { StoreTransaction } from './store.js';

export interface ChangeRelay {
  /** Inside `tx`: `message` reaches every listener on the database if, and when, `tx` commits. */
  send(tx: StoreTransaction, message: string): Promise<void>;
  /**
   * Calls `handler` with each message a committed transaction sent (this process's too), in
   * commit order, from a connection of its own. Resolves once listening; returns the stop.
   */
  listen(handler: (message: string) => void): Promise<() => Promise<void>>;
}
