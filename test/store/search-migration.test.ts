/**
 * Migration 13 (search: phone digits in the text index, modification time indexed, and on
 * PostgreSQL the text in a stored column) on a database that already holds records: the
 * records written before it are found by `query`, phone digits included, on the store the
 * tests run on (decisions D26, D80, D81).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { POSTGRES_MIGRATIONS, migratePostgres } from '../../src/store/postgres/postgres-migrations.js';
import { postgresSearch } from '../../src/store/postgres/postgres-search.js';
import type { SearchPlan, SqlSearch } from '../../src/store/search-sql.js';
import { SQLITE_MIGRATIONS, migrateSqlite } from '../../src/store/sqlite/sqlite-migrations.js';
import { sqliteSearch } from '../../src/store/sqlite/sqlite-search.js';
import { onPostgres, testDatabaseUrl } from '../helpers/store.js';

/** The migration that stores phone digits (1-based), the same number on both stores. */
const PHONES =
  SQLITE_MIGRATIONS.findIndex(
    (sql) => sql.includes('objects_search_updated ON objects') && sql.includes('mobilephone'),
  ) + 1;
const PHONES_PG = POSTGRES_MIGRATIONS.findIndex((sql) => sql.includes('search_text tsvector')) + 1;

const ROW = [1, 501, '0-1', JSON.stringify({ firstname: 'Olda', phone: '+1 (617) 555-0100' }), 5, 5] as const;
const INSERT = `INSERT INTO objects (portal_id, id, object_type, properties, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?)`;

const plan = (words: string[][], digits: string[] = []): SearchPlan => ({
  portalId: 1,
  objectTypeId: '0-1',
  groups: [],
  text: { words, digits, indexed: true, properties: [] },
  sort: { property: { name: 'createdate', column: 'created_at', kind: 'number' }, descending: false },
  offset: 0,
  limit: 10,
});

async function expectFound(search: SqlSearch): Promise<void> {
  for (const p of [
    plan([['olda']]),
    plan([['6175550100']], ['6175550100']),
    plan([['617', '555', '0100']]),
  ]) {
    const page = await search.search(p);
    assert.deepEqual(
      page.rows.map((r) => Number(r.id)),
      [501],
      JSON.stringify(p.text),
    );
  }
}

describe('the search migration on existing records', () => {
  it('indexes the records already there, phone digits included (SQLite)', async () => {
    assert.ok(PHONES > 1);
    const db = new BetterSqlite3(':memory:');
    try {
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
      for (let version = 1; version < PHONES; version++) {
        db.exec(SQLITE_MIGRATIONS[version - 1]!);
        db.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(version);
      }
      db.prepare(INSERT).run(...ROW);
      migrateSqlite(db);
      await expectFound(sqliteSearch(db, async (sql, params) => db.prepare(sql).all(...params) as never));
    } finally {
      db.close();
    }
  });

  if (onPostgres()) {
    it('computes the stored text of the records already there (PostgreSQL)', async () => {
      assert.ok(PHONES_PG > 1);
      const schema = `spoke_migration_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      const pool = new pg.Pool({ connectionString: testDatabaseUrl(), options: `-c search_path=${schema}` });
      try {
        await admin.query(`CREATE SCHEMA ${schema}`);
        await pool.query(
          'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
        );
        for (let version = 1; version < PHONES_PG; version++) {
          await pool.query(POSTGRES_MIGRATIONS[version - 1]!);
          await pool.query('INSERT INTO schema_migrations VALUES ($1, 0)', [version]);
        }
        let n = 0;
        await pool.query(
          INSERT.replace(/\?/g, () => `$${++n}`),
          [...ROW],
        );
        await migratePostgres(pool, schema);
        await expectFound(
          postgresSearch(async (sql, params) => {
            let k = 0;
            return (
              await pool.query(
                sql.replace(/\?/g, () => `$${++k}`),
                [...params],
              )
            ).rows;
          }),
        );
      } finally {
        await pool.end();
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      }
    });
  }
});
