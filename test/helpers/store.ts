/**
 * The store a test runs on: SQLite in memory by default, PostgreSQL when TEST_DATABASE_URL
 * says so. A configured backend that cannot be reached fails the test; it never skips.
 */
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || ':memory:';
}

export async function createTestStore(): Promise<Store> {
  return createStore(testDatabaseUrl());
}
