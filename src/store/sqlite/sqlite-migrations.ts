/**
 * SQLite schema, as ordered migrations. Applied at start in one transaction each; the
 * applied versions are recorded in `schema_migrations`. Never edit a released migration:
 * add the next one. The tables both databases hold are described once, in ../schema-ddl.ts.
 */
import type { Database } from 'better-sqlite3';
import {
  ARCHIVED_RECORDS_INDEX,
  catalogTables,
  historyUniqueValuesAndSchemas,
  rateLimitTables,
  recordsAndAssociations,
  tokensFixturesAndSnapshots,
  webhookTables,
  webhookUniqueAndPruning,
  type DdlDialect,
} from '../schema-ddl.js';
import {
  SQLITE_SEARCH_FTS_MERGES,
  SQLITE_SEARCH_LIGHTER_WRITES,
  SQLITE_SEARCH_MIGRATION,
  SQLITE_SEARCH_PHONES_AND_UPDATED,
} from './sqlite-search.js';

/** SQLite's spelling of the shared schema: one integer type; key-only tables without a rowid. */
const SQLITE_DDL: DdlDialect = {
  big: 'INTEGER',
  small: 'INTEGER',
  bool: 'INTEGER',
  keyOnly: ' WITHOUT ROWID',
  identity: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  historyId: '',
  snapshotTable: (table) =>
    `CREATE TABLE snapshot_${table} AS SELECT CAST(NULL AS TEXT) AS snapshot_name, * FROM ${table} WHERE 0;`,
  afterSnapshotTables: '',
};

export const SQLITE_MIGRATIONS: readonly string[] = [
  recordsAndAssociations(SQLITE_DDL),
  historyUniqueValuesAndSchemas(SQLITE_DDL),
  tokensFixturesAndSnapshots(SQLITE_DDL),
  // 4: a covering index for the type and archived state of records, read on every write
  // and every page of associations (archived records are skipped).
  `
  CREATE INDEX objects_heads ON objects (portal_id, id, object_type, archived_at);
  `,
  rateLimitTables(SQLITE_DDL),
  webhookTables(SQLITE_DDL),
  catalogTables(SQLITE_DDL),
  webhookUniqueAndPruning(SQLITE_DDL),
  // 9: search (sqlite-search.ts): indexes for common filters and sorts, and the text index.
  SQLITE_SEARCH_MIGRATION,
  // 10: search with fewer write costs (sqlite-search.ts).
  SQLITE_SEARCH_LIGHTER_WRITES,
  // 11: the text index merges its segments less often (sqlite-search.ts).
  SQLITE_SEARCH_FTS_MERGES,
  // 12: webhook delivery slots (webhook-slots.ts): at most maxConcurrentRequests requests in
  // flight per app across every process on the file.
  `
  CREATE TABLE webhook_slots (
    app_id INTEGER NOT NULL,
    slot INTEGER NOT NULL,
    owner TEXT,
    lease_until INTEGER,
    PRIMARY KEY (app_id, slot)
  ) WITHOUT ROWID;
  `,
  // 13: a token may stand for one app's installation: writes made with it are credited to
  // that app in webhook events (decision D91).
  'ALTER TABLE tokens ADD COLUMN app_id INTEGER',
  // 14: phone numbers' digits in the text index, and the modification-time index (sqlite-search.ts).
  SQLITE_SEARCH_PHONES_AND_UPDATED,
  // 15: archived records only (schema-ddl.ts), read by every page of associations.
  ARCHIVED_RECORDS_INDEX,
];

export function migrateSqlite(db: Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
      (r) => r.version,
    ),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  SQLITE_MIGRATIONS.forEach((sql, index) => {
    const version = index + 1;
    if (applied.has(version)) return;
    // IMMEDIATE: two processes starting on one file must not both apply a migration.
    db.transaction(() => {
      const again = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(version);
      if (again) return;
      db.exec(sql);
      record.run(version, Date.now());
    }).immediate();
  });
}
