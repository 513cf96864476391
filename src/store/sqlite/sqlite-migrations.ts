/**
 * SQLite schema, as ordered migrations. Applied at start in one transaction each; the
 * applied versions are recorded in `schema_migrations`. Never edit a released migration:
 * add the next one.
 */
import type { Database } from 'better-sqlite3';

export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: records, associations, the portal's labels and limits, and counters.
  `
  CREATE TABLE counters (
    portal_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (portal_id, name)
  ) WITHOUT ROWID;

  CREATE TABLE objects (
    portal_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    object_type TEXT NOT NULL,
    properties TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    archived_at INTEGER,
    PRIMARY KEY (portal_id, id)
  );
  CREATE INDEX objects_by_type ON objects (portal_id, object_type, id);

  -- Both directions are stored, so a record's associations are one key-range scan.
  CREATE TABLE associations (
    portal_id INTEGER NOT NULL,
    from_id INTEGER NOT NULL,
    to_type TEXT NOT NULL,
    to_id INTEGER NOT NULL,
    category INTEGER NOT NULL,
    type_id INTEGER NOT NULL,
    from_type TEXT NOT NULL,
    PRIMARY KEY (portal_id, from_id, to_type, to_id, category, type_id)
  ) WITHOUT ROWID;

  CREATE TABLE association_definitions (
    portal_id INTEGER NOT NULL,
    category INTEGER NOT NULL,
    type_id INTEGER NOT NULL,
    from_type TEXT NOT NULL,
    to_type TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT,
    inverse_type_id INTEGER,
    created_at INTEGER NOT NULL,
    pair_key TEXT NOT NULL,
    side INTEGER NOT NULL,
    PRIMARY KEY (portal_id, category, type_id)
  );
  CREATE UNIQUE INDEX association_definitions_name ON association_definitions (portal_id, pair_key, name, side);

  CREATE TABLE association_limits (
    portal_id INTEGER NOT NULL,
    category INTEGER NOT NULL,
    type_id INTEGER NOT NULL,
    from_type TEXT NOT NULL,
    to_type TEXT NOT NULL,
    max_to_object_ids INTEGER NOT NULL,
    PRIMARY KEY (portal_id, category, type_id)
  );
  `,
  // 2: property history, unique values (contact email), custom object schemas.
  `
  CREATE TABLE property_history (
    portal_id INTEGER NOT NULL,
    object_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    value TEXT,
    timestamp INTEGER NOT NULL,
    source_type TEXT NOT NULL
  );
  CREATE INDEX property_history_by_object ON property_history (portal_id, object_id, name);

  CREATE TABLE unique_values (
    portal_id INTEGER NOT NULL,
    object_type TEXT NOT NULL,
    property TEXT NOT NULL,
    value TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY (portal_id, object_type, property, value)
  ) WITHOUT ROWID;
  CREATE INDEX unique_values_by_object ON unique_values (portal_id, object_id);

  CREATE TABLE object_schemas (
    portal_id INTEGER NOT NULL,
    object_type_id TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    archived_at INTEGER,
    PRIMARY KEY (portal_id, object_type_id)
  );
  CREATE UNIQUE INDEX object_schemas_name ON object_schemas (portal_id, name);
  `,
  // 3: tokens made through the admin API, fixture keys, and snapshots of a portal's data.
  // (The table list is spelled out, not taken from portal-tables.ts: a migration never changes.)
  `
  CREATE TABLE tokens (
    token TEXT PRIMARY KEY,
    portal_id INTEGER NOT NULL,
    user_email TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE fixture_keys (
    portal_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY (portal_id, key)
  ) WITHOUT ROWID;
  CREATE TABLE snapshots (
    portal_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    records INTEGER NOT NULL,
    associations INTEGER NOT NULL,
    PRIMARY KEY (portal_id, name)
  );
  ${[
    'counters',
    'objects',
    'associations',
    'association_definitions',
    'association_limits',
    'property_history',
    'unique_values',
    'object_schemas',
    'fixture_keys',
  ]
    .map(
      (t) => `CREATE TABLE snapshot_${t} AS SELECT CAST(NULL AS TEXT) AS snapshot_name, * FROM ${t} WHERE 0;
  CREATE INDEX snapshot_${t}_by_name ON snapshot_${t} (portal_id, snapshot_name);`,
    )
    .join('\n  ')}
  `,
  // 4: a covering index for the type and archived state of records, read on every write
  // and every page of associations (archived records are skipped).
  `
  CREATE INDEX objects_heads ON objects (portal_id, id, object_type, archived_at);
  `,
  // 5: the catalog (property definitions and groups, pipelines, owners: what a portal added
  // to HubSpot's defaults), with its snapshot twin, and portal settings.
  `
  CREATE TABLE catalog_entries (
    portal_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (portal_id, kind, scope, key)
  ) WITHOUT ROWID;
  CREATE TABLE snapshot_catalog_entries AS SELECT CAST(NULL AS TEXT) AS snapshot_name, * FROM catalog_entries WHERE 0;
  CREATE INDEX snapshot_catalog_entries_by_name ON snapshot_catalog_entries (portal_id, snapshot_name);
  CREATE TABLE portal_settings (
    portal_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (portal_id, name)
  ) WITHOUT ROWID;
  `,
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
