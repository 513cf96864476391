/**
 * PostgreSQL schema, as ordered migrations (standard SQL only, no extensions). Several
 * Spoke processes may start at once on one database: an advisory lock lets one of them
 * migrate while the others wait.
 */
import type { Pool } from 'pg';

export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: records, associations, the portal's labels and limits, and counters.
  `
  CREATE TABLE counters (
    portal_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (portal_id, name)
  );

  CREATE TABLE objects (
    portal_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    object_type TEXT NOT NULL,
    properties TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    archived_at BIGINT,
    PRIMARY KEY (portal_id, id)
  );
  CREATE INDEX objects_by_type ON objects (portal_id, object_type, id);

  -- Both directions are stored, so a record's associations are one key-range scan.
  CREATE TABLE associations (
    portal_id BIGINT NOT NULL,
    from_id BIGINT NOT NULL,
    to_type TEXT NOT NULL,
    to_id BIGINT NOT NULL,
    category SMALLINT NOT NULL,
    type_id INTEGER NOT NULL,
    from_type TEXT NOT NULL,
    PRIMARY KEY (portal_id, from_id, to_type, to_id, category, type_id)
  );

  CREATE TABLE association_definitions (
    portal_id BIGINT NOT NULL,
    category SMALLINT NOT NULL,
    type_id INTEGER NOT NULL,
    from_type TEXT NOT NULL,
    to_type TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT,
    inverse_type_id INTEGER,
    created_at BIGINT NOT NULL,
    pair_key TEXT NOT NULL,
    side SMALLINT NOT NULL,
    PRIMARY KEY (portal_id, category, type_id)
  );
  CREATE UNIQUE INDEX association_definitions_name ON association_definitions (portal_id, pair_key, name, side);

  CREATE TABLE association_limits (
    portal_id BIGINT NOT NULL,
    category SMALLINT NOT NULL,
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
    id BIGSERIAL PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    object_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    value TEXT,
    timestamp BIGINT NOT NULL,
    source_type TEXT NOT NULL
  );
  CREATE INDEX property_history_by_object ON property_history (portal_id, object_id, name);

  CREATE TABLE unique_values (
    portal_id BIGINT NOT NULL,
    object_type TEXT NOT NULL,
    property TEXT NOT NULL,
    value TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    PRIMARY KEY (portal_id, object_type, property, value)
  );
  CREATE INDEX unique_values_by_object ON unique_values (portal_id, object_id);

  CREATE TABLE object_schemas (
    portal_id BIGINT NOT NULL,
    object_type_id TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    archived_at BIGINT,
    PRIMARY KEY (portal_id, object_type_id)
  );
  CREATE UNIQUE INDEX object_schemas_name ON object_schemas (portal_id, name);
  `,
  // 3: tokens made through the admin API, fixture keys, and snapshots of a portal's data.
  // (The table list is spelled out, not taken from portal-tables.ts: a migration never changes.)
  `
  CREATE TABLE tokens (
    token TEXT PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    user_email TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE fixture_keys (
    portal_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    PRIMARY KEY (portal_id, key)
  );
  CREATE TABLE snapshots (
    portal_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
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
      (t) => `CREATE TABLE snapshot_${t} (snapshot_name TEXT NOT NULL, LIKE ${t});
  CREATE INDEX snapshot_${t}_by_name ON snapshot_${t} (portal_id, snapshot_name);`,
    )
    .join('\n  ')}
  ALTER TABLE snapshot_property_history DROP COLUMN id;
  `,
  // 4: a covering index for the type and archived state of records, read on every write
  // and every page of associations (archived records are skipped).
  `
  CREATE INDEX objects_heads ON objects (portal_id, id) INCLUDE (object_type, archived_at);
  `,
  // 5: text that clients choose, in unique indexes, is indexed by its md5: a btree entry
  // holds at most about 2.7 KB, and an email, a label name or a fixture key may be longer
  // (HubSpot allows property values of 65,536 characters). Lookups compare the hash, then
  // the text. Property history is found by record; its names need no index.
  `
  ALTER TABLE unique_values DROP CONSTRAINT unique_values_pkey;
  CREATE UNIQUE INDEX unique_values_key ON unique_values (portal_id, object_type, property, md5(value));
  DROP INDEX association_definitions_name;
  CREATE UNIQUE INDEX association_definitions_name ON association_definitions (portal_id, pair_key, md5(name), side);
  DROP INDEX object_schemas_name;
  CREATE UNIQUE INDEX object_schemas_name ON object_schemas (portal_id, md5(name));
  ALTER TABLE fixture_keys DROP CONSTRAINT fixture_keys_pkey;
  CREATE UNIQUE INDEX fixture_keys_key ON fixture_keys (portal_id, md5(key));
  DROP INDEX property_history_by_object;
  CREATE INDEX property_history_by_object ON property_history (portal_id, object_id);
  `,
  // 6: the catalog (property definitions and groups, pipelines, owners: what a portal added
  // to HubSpot's defaults), with its snapshot twin, and portal settings.
  `
  CREATE TABLE catalog_entries (
    portal_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (portal_id, kind, scope, key)
  );
  CREATE TABLE snapshot_catalog_entries (snapshot_name TEXT NOT NULL, LIKE catalog_entries);
  CREATE INDEX snapshot_catalog_entries_by_name ON snapshot_catalog_entries (portal_id, snapshot_name);
  CREATE TABLE portal_settings (
    portal_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (portal_id, name)
  );
  `,
];

/** Arbitrary, fixed: the advisory lock key Spoke's migrations take. */
const MIGRATION_LOCK = 4680_0001;

export async function migratePostgres(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    for (const [index, sql] of POSTGRES_MIGRATIONS.entries()) {
      const version = index + 1;
      if (applied.has(version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          version,
          Date.now(),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

/** Quotes an SQL identifier (a schema name from the database URL). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
