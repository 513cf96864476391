/**
 * The tables both databases hold, described once: each migration below is the text of a
 * released migration with the dialect's column types and table options filled in. A released
 * migration never changes what it executes (test/store/released-migrations.test.ts holds the
 * digests of the released text of both dialects), so add a new migration instead of editing one.
 */

/** How one database spells what the shared schema needs. */
export interface DdlDialect {
  /** A 64-bit integer (ids, timestamps in milliseconds). */
  readonly big: string;
  /** A small integer (association categories, sides, flags). */
  readonly small: string;
  readonly bool: string;
  /** Options of a table whose rows are all key (SQLite: no separate rowid b-tree). */
  readonly keyOnly: string;
  /** A primary key the database numbers itself. */
  readonly identity: string;
  /** Property history's own row id, where the database needs one (a first column). */
  readonly historyId: string;
  /** An empty copy of a table with a leading snapshot_name column. */
  snapshotTable(table: string): string;
  /** What the snapshot tables need after they are made (the history id is not copied). */
  readonly afterSnapshotTables: string;
}

/** 1: records, associations, the portal's labels and limits, and counters. */
export const recordsAndAssociations = (t: DdlDialect): string => `
  CREATE TABLE counters (
    portal_id ${t.big} NOT NULL,
    name TEXT NOT NULL,
    value ${t.big} NOT NULL,
    PRIMARY KEY (portal_id, name)
  )${t.keyOnly};

  CREATE TABLE objects (
    portal_id ${t.big} NOT NULL,
    id ${t.big} NOT NULL,
    object_type TEXT NOT NULL,
    properties TEXT NOT NULL,
    created_at ${t.big} NOT NULL,
    updated_at ${t.big} NOT NULL,
    archived_at ${t.big},
    PRIMARY KEY (portal_id, id)
  );
  CREATE INDEX objects_by_type ON objects (portal_id, object_type, id);

  -- Both directions are stored, so a record's associations are one key-range scan.
  CREATE TABLE associations (
    portal_id ${t.big} NOT NULL,
    from_id ${t.big} NOT NULL,
    to_type TEXT NOT NULL,
    to_id ${t.big} NOT NULL,
    category ${t.small} NOT NULL,
    type_id INTEGER NOT NULL,
    from_type TEXT NOT NULL,
    PRIMARY KEY (portal_id, from_id, to_type, to_id, category, type_id)
  )${t.keyOnly};

  CREATE TABLE association_definitions (
    portal_id ${t.big} NOT NULL,
    category ${t.small} NOT NULL,
    type_id INTEGER NOT NULL,
    from_type TEXT NOT NULL,
    to_type TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT,
    inverse_type_id INTEGER,
    created_at ${t.big} NOT NULL,
    pair_key TEXT NOT NULL,
    side ${t.small} NOT NULL,
    PRIMARY KEY (portal_id, category, type_id)
  );
  CREATE UNIQUE INDEX association_definitions_name ON association_definitions (portal_id, pair_key, name, side);

  CREATE TABLE association_limits (
    portal_id ${t.big} NOT NULL,
    category ${t.small} NOT NULL,
    type_id INTEGER NOT NULL,
    from_type TEXT NOT NULL,
    to_type TEXT NOT NULL,
    max_to_object_ids INTEGER NOT NULL,
    PRIMARY KEY (portal_id, category, type_id)
  );
  `;

/** 2: property history, unique values (contact email), custom object schemas. */
export const historyUniqueValuesAndSchemas = (t: DdlDialect): string => `
  CREATE TABLE property_history (${t.historyId}
    portal_id ${t.big} NOT NULL,
    object_id ${t.big} NOT NULL,
    name TEXT NOT NULL,
    value TEXT,
    timestamp ${t.big} NOT NULL,
    source_type TEXT NOT NULL
  );
  CREATE INDEX property_history_by_object ON property_history (portal_id, object_id, name);

  CREATE TABLE unique_values (
    portal_id ${t.big} NOT NULL,
    object_type TEXT NOT NULL,
    property TEXT NOT NULL,
    value TEXT NOT NULL,
    object_id ${t.big} NOT NULL,
    PRIMARY KEY (portal_id, object_type, property, value)
  )${t.keyOnly};
  CREATE INDEX unique_values_by_object ON unique_values (portal_id, object_id);

  CREATE TABLE object_schemas (
    portal_id ${t.big} NOT NULL,
    object_type_id TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at ${t.big} NOT NULL,
    updated_at ${t.big} NOT NULL,
    archived_at ${t.big},
    PRIMARY KEY (portal_id, object_type_id)
  );
  CREATE UNIQUE INDEX object_schemas_name ON object_schemas (portal_id, name);
  `;

/**
 * 3: tokens made through the admin API, fixture keys, and snapshots of a portal's data.
 * (The table list is spelled out, not taken from portal-tables.ts: a migration never changes.)
 */
export const tokensFixturesAndSnapshots = (t: DdlDialect): string => `
  CREATE TABLE tokens (
    token TEXT PRIMARY KEY,
    portal_id ${t.big} NOT NULL,
    user_email TEXT NOT NULL,
    user_id ${t.big} NOT NULL,
    scopes TEXT NOT NULL,
    created_at ${t.big} NOT NULL
  );
  CREATE TABLE fixture_keys (
    portal_id ${t.big} NOT NULL,
    key TEXT NOT NULL,
    object_id ${t.big} NOT NULL,
    PRIMARY KEY (portal_id, key)
  )${t.keyOnly};
  CREATE TABLE snapshots (
    portal_id ${t.big} NOT NULL,
    name TEXT NOT NULL,
    created_at ${t.big} NOT NULL,
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
      (name) => `${t.snapshotTable(name)}
  CREATE INDEX snapshot_${name}_by_name ON snapshot_${name} (portal_id, snapshot_name);`,
    )
    .join('\n  ')}${t.afterSnapshotTables}
  `;

/**
 * Rate limits (src/store/rate-limit-store.ts): each portal's policy (portal 0: the default),
 * the requests in the rolling windows, and each portal's count for the day. A dialect may
 * append what it needs (`extra`, ending in the same indentation).
 */
export const rateLimitTables = (t: DdlDialect, extra = ''): string => `
  CREATE TABLE rate_limit_policies (
    portal_id ${t.big} PRIMARY KEY,
    tier TEXT NOT NULL,
    ten_secondly INTEGER,
    daily ${t.big},
    search_secondly INTEGER,
    time_zone TEXT NOT NULL,
    daily_headers ${t.bool} NOT NULL
  );
  CREATE TABLE rate_limit_hits (
    portal_id ${t.big} NOT NULL,
    bucket TEXT NOT NULL,
    at ${t.big} NOT NULL
  );
  CREATE INDEX rate_limit_hits_by_bucket ON rate_limit_hits (portal_id, bucket, at);
  CREATE TABLE rate_limit_days (
    portal_id ${t.big} NOT NULL,
    day TEXT NOT NULL,
    used ${t.big} NOT NULL,
    PRIMARY KEY (portal_id, day)
  );
  ${extra}`;

/**
 * Webhooks (src/store/webhooks.ts): apps, subscriptions, the outbox of events written in the
 * transaction of the change they report, and the log of delivery attempts.
 */
export const webhookTables = (t: DdlDialect): string => `
  CREATE TABLE webhook_apps (
    app_id ${t.identity},
    portal_id ${t.big} NOT NULL,
    name TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    developer_api_key TEXT NOT NULL UNIQUE,
    target_url TEXT,
    max_concurrent INTEGER NOT NULL,
    signature_version TEXT NOT NULL,
    settings_created_at ${t.big},
    settings_updated_at ${t.big},
    created_at ${t.big} NOT NULL
  );
  CREATE INDEX webhook_apps_by_portal ON webhook_apps (portal_id);
  CREATE TABLE webhook_subscriptions (
    id ${t.identity},
    app_id ${t.big} NOT NULL REFERENCES webhook_apps (app_id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    object_type_id TEXT,
    property_name TEXT,
    active ${t.small} NOT NULL,
    created_at ${t.big} NOT NULL,
    updated_at ${t.big} NOT NULL
  );
  CREATE INDEX webhook_subscriptions_by_app ON webhook_subscriptions (app_id);
  CREATE TABLE webhook_events (
    id ${t.identity},
    app_id ${t.big} NOT NULL,
    portal_id ${t.big} NOT NULL,
    subscription_id ${t.big} NOT NULL,
    subscription_type TEXT NOT NULL,
    object_id ${t.big} NOT NULL,
    occurred_at ${t.big} NOT NULL,
    fields TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at ${t.big} NOT NULL,
    status TEXT NOT NULL,
    lease_owner TEXT,
    lease_until ${t.big}
  );
  CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at, id);
  CREATE INDEX webhook_events_by_app ON webhook_events (app_id, id);
  CREATE TABLE webhook_attempts (
    id ${t.identity},
    app_id ${t.big} NOT NULL,
    event_ids TEXT NOT NULL,
    attempt_number INTEGER NOT NULL,
    url TEXT NOT NULL,
    started_at ${t.big} NOT NULL,
    duration_ms ${t.big} NOT NULL,
    status_code INTEGER,
    ok ${t.small} NOT NULL,
    error TEXT,
    response_body TEXT,
    request_body TEXT NOT NULL
  );
  CREATE INDEX webhook_attempts_by_app ON webhook_attempts (app_id, id);
  `;

/**
 * The catalog (property definitions and groups, pipelines, owners: what a portal added to
 * HubSpot's defaults), with its snapshot twin, and portal settings.
 */
export const catalogTables = (t: DdlDialect): string => `
  CREATE TABLE catalog_entries (
    portal_id ${t.big} NOT NULL,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at ${t.big} NOT NULL,
    PRIMARY KEY (portal_id, kind, scope, key)
  )${t.keyOnly};
  ${t.snapshotTable('catalog_entries')}
  CREATE INDEX snapshot_catalog_entries_by_name ON snapshot_catalog_entries (portal_id, snapshot_name);
  CREATE TABLE portal_settings (
    portal_id ${t.big} NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (portal_id, name)
  )${t.keyOnly};
  `;

/**
 * Webhooks, continued: a subscription's eventTypeName; one subscription per eventType,
 * objectTypeId and propertyName of an app (duplicates made before are dropped, the oldest
 * kept); when an event and an attempt were finished, on Spoke's clock, for pruning.
 */
export const webhookUniqueAndPruning = (t: DdlDialect): string => `
  DELETE FROM webhook_subscriptions WHERE id NOT IN (
    SELECT MIN(id) FROM webhook_subscriptions
    GROUP BY app_id, event_type, COALESCE(object_type_id, ''), COALESCE(property_name, ''));
  ALTER TABLE webhook_subscriptions ADD COLUMN event_type_name TEXT;
  CREATE UNIQUE INDEX webhook_subscriptions_unique ON webhook_subscriptions
    (app_id, event_type, COALESCE(object_type_id, ''), COALESCE(property_name, ''));
  ALTER TABLE webhook_events ADD COLUMN finished_at ${t.big};
  CREATE INDEX webhook_events_finished ON webhook_events (finished_at, id) WHERE finished_at IS NOT NULL;
  ALTER TABLE webhook_attempts ADD COLUMN logged_at ${t.big};
  CREATE INDEX webhook_attempts_logged ON webhook_attempts (logged_at, id);
  UPDATE webhook_events SET finished_at = occurred_at WHERE status IN ('delivered', 'failed');
  UPDATE webhook_attempts SET logged_at = started_at;
  `;

/**
 * 13: archived records by type and ID, and only them: a page of associations skips archived
 * records with one range read of this index instead of a lookup of every row's record.
 */
export const ARCHIVED_RECORDS_INDEX = `
  CREATE INDEX objects_archived ON objects (portal_id, object_type, id) WHERE archived_at IS NOT NULL;
  `;
