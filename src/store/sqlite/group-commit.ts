/**
 * Group commit for the single SQLite connection. A commit costs about as much as the rest
 * of a small write (the WAL frames for every page it touched), and under concurrent load
 * most requests touch the same pages. So write transactions that arrive in the same turn of
 * the event loop share one `BEGIN IMMEDIATE … COMMIT`: each member runs in its own
 * savepoint, a member that fails rolls back only its own savepoint, and every member's
 * promise settles only after the shared COMMIT, so nothing is acknowledged before it is
 * durable. Members run one after another, exactly as they would with one transaction each.
 */
import type { Database } from 'better-sqlite3';
import type { AsyncLock } from '../lock.js';
import { StoreUnavailableError } from '../store-errors.js';

/** Another connection (a `--workers` process, `spoke import`) holds the write lock. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

interface Member<C> {
  run: (context: C) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** When it was queued: it waits for another process's write lock until `since + writeWaitMs`. */
  since: number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Large enough to absorb a burst of concurrent requests, small enough to bound a group's latency. */
const MAX_GROUP = 64;

export class GroupCommit<C> {
  readonly #db: Database;
  readonly #lock: AsyncLock;
  readonly #context: C;
  readonly #onRollback: () => void;
  readonly #writeWaitMs: number;
  #queue: Array<Member<C>> = [];
  #scheduled = false;
  #busyDelay = 0;

  /** `onRollback` runs after any rollback, whole or to a savepoint (caches drop what it undid). */
  constructor(db: Database, lock: AsyncLock, context: C, onRollback: () => void, writeWaitMs: number) {
    this.#db = db;
    this.#lock = lock;
    this.#context = context;
    this.#onRollback = onRollback;
    this.#writeWaitMs = writeWaitMs;
  }

  #rollback(sql: 'ROLLBACK' | 'ROLLBACK TO spoke_member'): void {
    this.#db.exec(sql);
    this.#onRollback();
  }

  run<T>(fn: (context: C) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run: fn, resolve: resolve as (value: unknown) => void, reject, since: Date.now() });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate runs after the poll phase, so every request parsed in this turn joins.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#lock.run(() => this.#flush());
    });
  }

  async #flush(): Promise<void> {
    const group = this.#queue.splice(0, MAX_GROUP);
    if (this.#queue.length > 0) this.#schedule();
    if (group.length === 0) return;
    let outcomes: Outcome[];
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      this.#busyDelay = 0;
    } catch (error) {
      const now = Date.now();
      const waiting = isBusy(error) ? group.filter((m) => now - m.since < this.#writeWaitMs) : [];
      for (const member of group) {
        if (!waiting.includes(member))
          member.reject(isBusy(error) ? new StoreUnavailableError(error) : error);
      }
      if (waiting.length > 0) {
        // Another process writes (a long import): wait without holding this process's
        // connection lock, so its reads go on, and try again with the group first in line.
        this.#queue.unshift(...waiting);
        this.#busyDelay = Math.min(Math.max(this.#busyDelay * 2, 5), 200);
        this.#scheduled = true;
        setTimeout(() => {
          this.#scheduled = false;
          void this.#lock.run(() => this.#flush());
        }, this.#busyDelay);
      }
      return;
    }
    try {
      outcomes = group.length === 1 ? [await this.#runAlone(group[0]!)] : await this.#runEach(group);
      if (this.#db.inTransaction) this.#db.exec('COMMIT');
    } catch (error) {
      // A failed COMMIT (or a failure outside any member) undoes the whole group.
      if (this.#db.inTransaction) this.#rollback('ROLLBACK');
      else this.#onRollback();
      for (const member of group) member.reject(error);
      return;
    }
    group.forEach((member, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) member.resolve(outcome.value);
      else member.reject(outcome.error);
    });
  }

  /** A lone member needs no savepoint: its failure rolls back the transaction itself. */
  async #runAlone(member: Member<C>): Promise<Outcome> {
    try {
      return { ok: true, value: await member.run(this.#context) };
    } catch (error) {
      if (this.#db.inTransaction) this.#rollback('ROLLBACK');
      else this.#onRollback();
      return { ok: false, error };
    }
  }

  async #runEach(group: Array<Member<C>>): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const member of group) {
      this.#db.exec('SAVEPOINT spoke_member');
      try {
        const value = await member.run(this.#context);
        this.#db.exec('RELEASE spoke_member');
        outcomes.push({ ok: true, value });
      } catch (error) {
        // Some SQLite errors (a full disk, say) end the whole transaction, earlier members included.
        if (!this.#db.inTransaction) throw error;
        this.#rollback('ROLLBACK TO spoke_member');
        this.#db.exec('RELEASE spoke_member');
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  }
}
