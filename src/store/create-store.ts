/**
 * Picks the store adapter from a database URL: a SQLite file path or `:memory:` (the
 * embedded default), or `postgres://…`.
 */
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export const DEFAULT_DATABASE_URL = './data/spoke.db';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export async function createStore(url: string = DEFAULT_DATABASE_URL): Promise<Store> {
  if (isPostgresUrl(url)) {
    throw new Error('PostgreSQL is not supported yet');
  }
  const location = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  return openSqliteStore(location);
}
