/**
 * The rate-limit role on SQLite: the shared SQL (rate-limit-sql.ts) on this connection. A
 * count runs its steps in the store's write transaction (group commit's `BEGIN IMMEDIATE`),
 * so processes sharing the file count one request at a time; reads of the policy alone take
 * the connection lock only.
 */
import type { Database, Statement } from 'better-sqlite3';
import { SqlRateLimits, type RateSqlRunner } from '../rate-limit-sql.js';

type Run = <T>(fn: () => Promise<T>) => Promise<T>;

/** `read` runs under the connection lock; `write` inside a write transaction. */
export function sqliteRateLimits(db: Database, read: Run, write: Run): SqlRateLimits {
  const statements = new Map<string, Statement>();
  const run: RateSqlRunner = async (sql, params) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    if (statement.reader) return statement.all(...params) as Array<Record<string, unknown>>;
    statement.run(...params);
    return [];
  };
  return new SqlRateLimits({
    capabilities: { countInFunction: false, nativeBooleans: false },
    read: (sql, params) => read(() => run(sql, params)),
    write: (fn) => write(() => fn(run)),
  });
}
