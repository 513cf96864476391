/**
 * Picks the store adapter from a database URL: a SQLite file path or `:memory:` (the
 * embedded default), or `postgres://…`.
 */
import { existsSync } from 'node:fs';
import type { Store } from './store.js';

export const DEFAULT_DATABASE_URL = './data/spoke.db';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export interface CreateStoreOptions {
  /** PostgreSQL: connections in the pool. */
  readonly poolSize?: number;
  /** Refuse to create a SQLite file that is not there (commands that only read). */
  readonly mustExist?: boolean;
}

/** A URL with a scheme Spoke has no store for (`mysql://…`), which must not become a file name. */
export function unsupportedScheme(url: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  if (scheme === undefined || /^postgres(ql)?$/i.test(scheme)) return undefined;
  return scheme;
}

/** The file a SQLite URL names, or undefined for `:memory:` and PostgreSQL. */
export function sqliteFile(url: string): string | undefined {
  if (isPostgresUrl(url)) return undefined;
  const location = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  return location === ':memory:' || location === '' ? undefined : location;
}

/**
 * PostgreSQL URLs take two extra query parameters: `schema` (where Spoke's tables live,
 * default `public`) and `pool` (connections per process, default 10).
 */
export async function createStore(
  url: string = DEFAULT_DATABASE_URL,
  options: CreateStoreOptions = {},
): Promise<Store> {
  const scheme = unsupportedScheme(url);
  if (scheme !== undefined) {
    throw new Error(
      `Unsupported database URL scheme "${scheme}://": use a SQLite file path, ":memory:" or postgres://…`,
    );
  }
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
  if (options.mustExist && sqliteFile(url) !== undefined && !existsSync(location)) {
    throw new Error(
      `No database at ${location}: nothing to read (a path mistyped, or Spoke never ran there)`,
    );
  }
  const { openSqliteStore } = await import('./sqlite/sqlite-store.js');
  try {
    return openSqliteStore(location);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot open the SQLite database at ${location}: ${reason}`, { cause: error });
  }
}
