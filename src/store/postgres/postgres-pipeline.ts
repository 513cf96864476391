/**
 * A transaction's connection in pg's pipeline mode: statements whose results the caller does
 * not need (BEGIN, locks, writes that return nothing, NOTIFY) are written to the socket and not
 * waited for, so they travel with the next statement that is waited for (a read, or COMMIT) and
 * cost no round trip of their own (decision D65).
 *
 * PostgreSQL answers in order. A statement sent this way that fails makes every later statement
 * of the transaction fail with "current transaction is aborted" (and COMMIT answer ROLLBACK),
 * so the next statement waited for throws the first failure instead: its SQLSTATE (a deadlock,
 * a unique violation) is what the caller and the store's retry loop look at.
 */
import type { PoolClient, QueryConfig, QueryResult } from 'pg';

export class Pipeline {
  #pending: Array<Promise<void>> = [];
  #failure: { error: unknown } | undefined;
  /** Statements sent without a wait, and statements waited for (what a test counts). */
  sent = 0;
  waited = 0;

  /** `writes`: a write transaction (reads may be answered ahead, postgres-reads.ts). */
  constructor(
    readonly client: PoolClient,
    readonly writes: boolean,
  ) {}

  /** Statements issued so far: a read answered ahead is valid only if none came between. */
  get statements(): number {
    return this.sent + this.waited;
  }

  /** Sends a statement and returns at once; a failure surfaces at the next `query`. */
  send(text: string, params?: unknown[]): void {
    this.sent++;
    const settled = this.client.query(text, params).then(
      () => undefined,
      (error: unknown) => {
        this.#failure ??= { error };
      },
    );
    this.#pending.push(settled);
  }

  /** Sends a statement and waits for its result, and for every statement sent before it. */
  readonly query = ((config: string | QueryConfig, params?: unknown[]) =>
    this.#query(config, params)) as unknown as PoolClient['query'];

  async #query(config: string | QueryConfig, params?: unknown[]): Promise<QueryResult> {
    this.waited++;
    let result: QueryResult;
    try {
      result = await this.client.query(config, params);
    } catch (error) {
      await this.#settle();
      throw this.#failure ? this.#failure.error : error;
    }
    await this.#settle();
    if (this.#failure) throw this.#failure.error;
    return result;
  }

  /** After ROLLBACK TO SAVEPOINT: the failures before it no longer abort the transaction. */
  async forgetFailures(): Promise<void> {
    await this.#settle();
    this.#failure = undefined;
  }

  async #settle(): Promise<void> {
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    await Promise.all(pending);
  }
}
