/**
 * SQLite schema, as ordered migrations. Applied at start in one transaction each; the
 * applied versions are recorded in `schema_migrations`. Never edit a released migration:
 * add the next one.
 */
import type { Database } from 'better-sqlite3';
import {
  SQLITE_SEARCH_FTS_MERGES,
  SQLITE_SEARCH_LIGHTER_WRITES,
  SQLITE_SEARCH_MIGRATION,
} from './sqlite-search.js';

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
  // 5: rate limits (src/store/rate-limit-store.ts): each portal's policy (portal 0: the
  // default), the requests in the rolling windows, and each portal's count for the day.
  `
  CREATE TABLE rate_limit_policies (
    portal_id INTEGER PRIMARY KEY,
    tier TEXT NOT NULL,
    ten_secondly INTEGER,
    daily INTEGER,
    search_secondly INTEGER,
    time_zone TEXT NOT NULL,
    daily_headers INTEGER NOT NULL
  );
  CREATE TABLE rate_limit_hits (
    portal_id INTEGER NOT NULL,
    bucket TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX rate_limit_hits_by_bucket ON rate_limit_hits (portal_id, bucket, at);
  CREATE TABLE rate_limit_days (
    portal_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (portal_id, day)
  );
  `,
  // 6: webhooks (src/store/webhooks.ts): apps, subscriptions, the outbox of events written in
  // the transaction of the change they report, and the log of delivery attempts.
  `
  CREATE TABLE webhook_apps (
    app_id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    developer_api_key TEXT NOT NULL UNIQUE,
    target_url TEXT,
    max_concurrent INTEGER NOT NULL,
    signature_version TEXT NOT NULL,
    settings_created_at INTEGER,
    settings_updated_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX webhook_apps_by_portal ON webhook_apps (portal_id);
  CREATE TABLE webhook_subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id INTEGER NOT NULL REFERENCES webhook_apps (app_id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    object_type_id TEXT,
    property_name TEXT,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX webhook_subscriptions_by_app ON webhook_subscriptions (app_id);
  CREATE TABLE webhook_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id INTEGER NOT NULL,
    portal_id INTEGER NOT NULL,
    subscription_id INTEGER NOT NULL,
    subscription_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    occurred_at INTEGER NOT NULL,
    fields TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER
  );
  CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at, id);
  CREATE INDEX webhook_events_by_app ON webhook_events (app_id, id);
  CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id INTEGER NOT NULL,
    event_ids TEXT NOT NULL,
    attempt_number INTEGER NOT NULL,
    url TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    status_code INTEGER,
    ok INTEGER NOT NULL,
    error TEXT,
    response_body TEXT,
    request_body TEXT NOT NULL
  );
  CREATE INDEX webhook_attempts_by_app ON webhook_attempts (app_id, id);
  `,
  // 7: the catalog (property definitions and groups, pipelines, owners: what a portal added
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
  // 8: webhooks, continued: a subscription's eventTypeName; one subscription per eventType,
  // objectTypeId and propertyName of an app (duplicates made before are dropped, the oldest
  // kept); when an event and an attempt were finished, on Spoke's clock, for pruning.
  `
  DELETE FROM webhook_subscriptions WHERE id NOT IN (
    SELECT MIN(id) FROM webhook_subscriptions
    GROUP BY app_id, event_type, COALESCE(object_type_id, ''), COALESCE(property_name, ''));
  ALTER TABLE webhook_subscriptions ADD COLUMN event_type_name TEXT;
  CREATE UNIQUE INDEX webhook_subscriptions_unique ON webhook_subscriptions
    (app_id, event_type, COALESCE(object_type_id, ''), COALESCE(property_name, ''));
  ALTER TABLE webhook_events ADD COLUMN finished_at INTEGER;
  CREATE INDEX webhook_events_finished ON webhook_events (finished_at, id) WHERE finished_at IS NOT NULL;
  ALTER TABLE webhook_attempts ADD COLUMN logged_at INTEGER;
  CREATE INDEX webhook_attempts_logged ON webhook_attempts (logged_at, id);
  UPDATE webhook_events SET finished_at = occurred_at WHERE status IN ('delivered', 'failed');
  UPDATE webhook_attempts SET logged_at = started_at;
  `,
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
