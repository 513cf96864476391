/**
 * Picks the store adapter from a database URL: a SQLite file path or `:memory:` (the
 * embedded default), or `postgres://…`.
 */
import type { Store } from './store.js';

export const DEFAULT_DATABASE_URL = './data/spoke.db';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export interface CreateStoreOptions {
  /** PostgreSQL: connections in the pool. */
  readonly poolSize?: number;
}

/**
 * PostgreSQL URLs take two extra query parameters: `schema` (where Spoke's tables live,
 * default `public`) and `pool` (connections per process, default 10).
 */
export async function createStore(
  url: string = DEFAULT_DATABASE_URL,
  options: CreateStoreOptions = {},
): Promise<Store> {
  if (isPostgresUrl(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    const pool = parsed.searchParams.get('pool');
    parsed.searchParams.delete('schema');
    parsed.searchParams.delete('pool');
    const poolSize = options.poolSize ?? (pool ? Number(pool) : undefined);
    // Each adapter loads only when used: start-up time matters to a test harness, and
    // `pg` alone is a tenth of it.
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    return PostgresStore.open(parsed.toString(), {
      ...(schema !== undefined && { schema }),
      ...(poolSize !== undefined && { poolSize }),
    });
  }
  const location = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  const { openSqliteStore } = await import('./sqlite/sqlite-store.js');
  return openSqliteStore(location);
}
