/**
 * The store a test runs on: SQLite in memory by default, PostgreSQL when TEST_DATABASE_URL
 * says so. On PostgreSQL every test store gets a schema of its own, dropped when the store
 * closes, so test files run in parallel without seeing each other. A configured backend
 * that cannot be reached fails the test; it never skips.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createStore, isPostgresUrl } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || ':memory:';
}

export function onPostgres(): boolean {
  return isPostgresUrl(testDatabaseUrl());
}

/** A database URL for a fresh, empty store (a new schema on PostgreSQL, a memory database on SQLite). */
export function freshDatabaseUrl(): { url: string; drop(): Promise<void> } {
  const base = testDatabaseUrl();
  if (!isPostgresUrl(base)) return { url: base, drop: async () => {} };
  const schema = `spoke_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export async function createTestStore(): Promise<Store> {
  const { url, drop } = freshDatabaseUrl();
  const store = await createStore(url);
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await drop();
  };
  return store;
}

/** Two stores on one new database (a temporary file on SQLite), as two processes would open it. */
export async function createSharedTestStores(): Promise<{ stores: [Store, Store]; close(): Promise<void> }> {
  const fresh = freshDatabaseUrl();
  let url = fresh.url;
  let directory: string | undefined;
  if (!isPostgresUrl(url)) {
    directory = mkdtempSync(join(tmpdir(), 'spoke-shared-'));
    url = join(directory, 'shared.db');
  }
  const first = await createStore(url);
  const second = await createStore(url);
  return {
    stores: [first, second],
    async close() {
      await first.close();
      await second.close();
      await fresh.drop();
      if (directory) rmSync(directory, { recursive: true, force: true });
    },
  };
}
