/**
 * The rate-limit role on PostgreSQL: the shared SQL (rate-limit-sql.ts) on the pool.
 * Counting a request is one round trip: the SQL function `spoke_rate_take`
 * (postgres-migrations.ts) locks the policy row, drops hits that left their window, counts,
 * decides and records, all in the one statement's transaction.
 */
import type { Pool } from 'pg';
import { numberedPlaceholders } from '../shared-sql.js';
import { SqlRateLimits, type RateSqlRunner } from '../rate-limit-sql.js';

export function postgresRateLimits(db: Pick<Pool, 'query'>): SqlRateLimits {
  const numbered = new Map<string, string>();
  const run: RateSqlRunner = async (sql, params) => {
    let text = numbered.get(sql);
    if (text === undefined) numbered.set(sql, (text = numberedPlaceholders(sql)));
    return (await db.query(text, [...params])).rows as Array<Record<string, unknown>>;
  };
  return new SqlRateLimits({
    capabilities: { countInFunction: true, nativeBooleans: true },
    read: run,
    // Each statement commits on its own; a count is one statement (the function).
    write: (fn) => fn(run),
  });
}
