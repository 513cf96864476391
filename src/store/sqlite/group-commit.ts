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

interface Member<C> {
  run: (context: C) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Large enough to absorb a burst of concurrent requests, small enough to bound a group's latency. */
const MAX_GROUP = 64;

export class GroupCommit<C> {
  readonly #db: Database;
  readonly #lock: AsyncLock;
  readonly #context: C;
  readonly #onRollback: () => void;
  #queue: Array<Member<C>> = [];
  #scheduled = false;

  /** `onRollback` runs after any rollback, whole or to a savepoint (caches drop what it undid). */
  constructor(db: Database, lock: AsyncLock, context: C, onRollback: () => void) {
    this.#db = db;
    this.#lock = lock;
    this.#context = context;
    this.#onRollback = onRollback;
  }

  #rollback(sql: 'ROLLBACK' | 'ROLLBACK TO spoke_member'): void {
    this.#db.exec(sql);
    this.#onRollback();
  }

  run<T>(fn: (context: C) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run: fn, resolve: resolve as (value: unknown) => void, reject });
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
    } catch (error) {
      for (const member of group) member.reject(error);
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
