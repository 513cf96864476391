/**
 * The webhooks migration on a database that already holds webhook data (SQLite, the file a
 * user upgrades in place, and PostgreSQL on its pass): duplicate subscriptions made before subscriptions were unique
 * are dropped, the oldest kept, and events and attempts finished before pruning existed get
 * the times pruning reads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { POSTGRES_MIGRATIONS, migratePostgres } from '../../src/store/postgres/postgres-migrations.js';
import { SQLITE_MIGRATIONS, migrateSqlite } from '../../src/store/sqlite/sqlite-migrations.js';
import { onPostgres, testDatabaseUrl } from '../helpers/store.js';

/** The first migration that knows about unique subscriptions (1-based). */
const UNIQUE_SUBSCRIPTIONS =
  SQLITE_MIGRATIONS.findIndex((sql) => sql.includes('webhook_subscriptions_unique')) + 1;

describe('the webhooks migration on existing data', () => {
  it('keeps the oldest of duplicate subscriptions and dates finished events and attempts', () => {
    assert.ok(UNIQUE_SUBSCRIPTIONS > 1);
    const db = new BetterSqlite3(':memory:');
    try {
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
      for (let version = 1; version < UNIQUE_SUBSCRIPTIONS; version++) {
        db.exec(SQLITE_MIGRATIONS[version - 1]!);
        db.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(version);
      }
      db.exec(`INSERT INTO webhook_apps (app_id, portal_id, name, client_secret, developer_api_key, max_concurrent,
                 signature_version, created_at) VALUES (1, 1, 'a', 's', 'k', 10, 'v1', 0)`);
      const sub = db.prepare(
        `INSERT INTO webhook_subscriptions (id, app_id, event_type, object_type_id, property_name, active, created_at,
           updated_at) VALUES (?, 1, ?, NULL, ?, 1, 0, 0)`,
      );
      sub.run(1, 'contact.creation', null);
      sub.run(2, 'contact.creation', null);
      sub.run(3, 'contact.propertyChange', 'email');
      sub.run(4, 'contact.propertyChange', 'email');
      sub.run(5, 'contact.propertyChange', 'firstname');
      const event = db.prepare(
        `INSERT INTO webhook_events (app_id, portal_id, subscription_id, subscription_type, object_id, occurred_at,
           fields, attempts, next_attempt_at, status) VALUES (1, 1, 1, 'contact.creation', 7, ?, '{}', 0, ?, ?)`,
      );
      event.run(1000, 1000, 'delivered');
      event.run(2000, 2000, 'pending');
      db.exec(`INSERT INTO webhook_attempts (app_id, event_ids, attempt_number, url, started_at, duration_ms, ok,
                 request_body) VALUES (1, '[1]', 0, 'http://x', 1500, 3, 1, '[]')`);

      migrateSqlite(db);

      assert.deepEqual(db.prepare('SELECT id FROM webhook_subscriptions ORDER BY id').all(), [
        { id: 1 },
        { id: 3 },
        { id: 5 },
      ]);
      assert.deepEqual(db.prepare('SELECT status, finished_at FROM webhook_events ORDER BY id').all(), [
        { status: 'delivered', finished_at: 1000 },
        { status: 'pending', finished_at: null },
      ]);
      assert.deepEqual(db.prepare('SELECT logged_at FROM webhook_attempts').all(), [{ logged_at: 1500 }]);
      assert.throws(() => sub.run(6, 'contact.creation', null), /UNIQUE/);
    } finally {
      db.close();
    }
  });

  if (onPostgres()) {
    it('does the same on PostgreSQL', async () => {
      const schema = `spoke_migration_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      const pool = new pg.Pool({ connectionString: testDatabaseUrl(), options: `-c search_path=${schema}` });
      try {
        await admin.query(`CREATE SCHEMA ${schema}`);
        const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
        await q('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
        const unique =
          POSTGRES_MIGRATIONS.findIndex((sql) => sql.includes('webhook_subscriptions_unique')) + 1;
        for (let version = 1; version < unique; version++) {
          await q(POSTGRES_MIGRATIONS[version - 1]!);
          await q('INSERT INTO schema_migrations VALUES ($1, 0)', [version]);
        }
        await q(`INSERT INTO webhook_apps (app_id, portal_id, name, client_secret, developer_api_key, max_concurrent,
                   signature_version, created_at) VALUES (1, 1, 'a', 's', 'k', 10, 'v1', 0)`);
        for (const [id, type, property] of [
          [1, 'contact.creation', null],
          [2, 'contact.creation', null],
          [3, 'contact.propertyChange', 'email'],
          [4, 'contact.propertyChange', 'email'],
        ] as const) {
          await q(
            `INSERT INTO webhook_subscriptions (id, app_id, event_type, object_type_id, property_name, active, created_at,
               updated_at) VALUES ($1, 1, $2, NULL, $3, 1, 0, 0)`,
            [id, type, property],
          );
        }
        await q(`INSERT INTO webhook_events (app_id, portal_id, subscription_id, subscription_type, object_id,
                   occurred_at, fields, attempts, next_attempt_at, status)
                 VALUES (1, 1, 1, 'contact.creation', 7, 1000, '{}', 0, 1000, 'failed')`);
        await migratePostgres(pool, schema);
        const ids = (await q('SELECT id FROM webhook_subscriptions ORDER BY id')).rows.map((r) =>
          Number(r.id),
        );
        assert.deepEqual(ids, [1, 3]);
        const events = (await q('SELECT finished_at FROM webhook_events')).rows.map((r) =>
          Number(r.finished_at),
        );
        assert.deepEqual(events, [1000]);
        await assert.rejects(
          q(`INSERT INTO webhook_subscriptions (app_id, event_type, active, created_at, updated_at)
             VALUES (1, 'contact.creation', 1, 0, 0)`),
          /unique|duplicate/i,
        );
      } finally {
        await pool.end();
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      }
    });
  }
});
