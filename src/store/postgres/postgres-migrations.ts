/**
 * PostgreSQL schema, as ordered migrations (standard SQL only, no extensions). Several
 * Spoke processes may start at once on one database: an advisory lock lets one of them
 * migrate while the others wait.
 */
import type { Pool } from 'pg';
import { POSTGRES_SEARCH_LIGHTER_WRITES, POSTGRES_SEARCH_MIGRATION } from './postgres-search.js';

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
  // 6: rate limits (src/store/rate-limit-store.ts): each portal's policy (portal 0: the
  // default), the requests in the rolling windows, and each portal's count for the day. One
  // function counts a request in one round trip; the policy row's lock orders requests.
  `
  CREATE TABLE rate_limit_policies (
    portal_id BIGINT PRIMARY KEY,
    tier TEXT NOT NULL,
    ten_secondly INTEGER,
    daily BIGINT,
    search_secondly INTEGER,
    time_zone TEXT NOT NULL,
    daily_headers BOOLEAN NOT NULL
  );
  CREATE TABLE rate_limit_hits (
    portal_id BIGINT NOT NULL,
    bucket TEXT NOT NULL,
    at BIGINT NOT NULL
  );
  CREATE INDEX rate_limit_hits_by_bucket ON rate_limit_hits (portal_id, bucket, at);
  CREATE TABLE rate_limit_days (
    portal_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (portal_id, day)
  );
  CREATE FUNCTION spoke_rate_take(
    p_portal BIGINT, p_caller TEXT, p_now BIGINT, p_ten BOOLEAN, p_search BOOLEAN,
    p_ten_window BIGINT, p_search_window BIGINT
  ) RETURNS TABLE (
    portal_id BIGINT, tier TEXT, ten_secondly INTEGER, daily BIGINT, search_secondly INTEGER,
    time_zone TEXT, daily_headers BOOLEAN, refused TEXT, ten_used BIGINT, daily_used BIGINT,
    search_used BIGINT
  ) LANGUAGE plpgsql AS $fn$
  #variable_conflict use_column
  DECLARE
    pol rate_limit_policies%ROWTYPE;
    v_day TEXT;
  BEGIN
    SELECT * INTO pol FROM rate_limit_policies p
      WHERE p.portal_id IN (p_portal, 0) ORDER BY p.portal_id DESC LIMIT 1 FOR UPDATE;
    IF NOT FOUND THEN RETURN; END IF;
    v_day := to_char(to_timestamp(p_now / 1000.0) AT TIME ZONE pol.time_zone, 'YYYY-MM-DD');
    -- Hits that left every window go, and so do hits more than a window ahead (a clock set
    -- back); hits slightly ahead (another process's clock) still count.
    DELETE FROM rate_limit_hits h WHERE h.portal_id = p_portal
      AND (h.at <= p_now - GREATEST(p_ten_window, p_search_window)
        OR h.at > p_now + GREATEST(p_ten_window, p_search_window));
    DELETE FROM rate_limit_days d WHERE d.portal_id = p_portal AND d.day < v_day;
    SELECT count(*) INTO ten_used FROM rate_limit_hits h
      WHERE h.portal_id = p_portal AND h.bucket = 't:' || p_caller AND h.at > p_now - p_ten_window;
    SELECT count(*) INTO search_used FROM rate_limit_hits h
      WHERE h.portal_id = p_portal AND h.bucket = 's:' || p_caller AND h.at > p_now - p_search_window;
    SELECT COALESCE(max(d.used), 0) INTO daily_used FROM rate_limit_days d
      WHERE d.portal_id = p_portal AND d.day = v_day;
    refused := CASE
      WHEN pol.daily IS NOT NULL AND daily_used >= pol.daily THEN 'DAILY'
      WHEN p_search AND pol.search_secondly IS NOT NULL AND search_used >= pol.search_secondly THEN 'SECONDLY'
      WHEN p_ten AND pol.ten_secondly IS NOT NULL AND ten_used >= pol.ten_secondly THEN 'TEN_SECONDLY_ROLLING'
    END;
    IF refused IS NULL THEN
      IF p_ten THEN
        INSERT INTO rate_limit_hits VALUES (p_portal, 't:' || p_caller, p_now);
        ten_used := ten_used + 1;
      END IF;
      IF p_search THEN
        INSERT INTO rate_limit_hits VALUES (p_portal, 's:' || p_caller, p_now);
        search_used := search_used + 1;
      END IF;
      INSERT INTO rate_limit_days AS d VALUES (p_portal, v_day, 1)
        ON CONFLICT (portal_id, day) DO UPDATE SET used = d.used + 1
        RETURNING d.used INTO daily_used;
    END IF;
    portal_id := pol.portal_id;
    tier := pol.tier;
    ten_secondly := pol.ten_secondly;
    daily := pol.daily;
    search_secondly := pol.search_secondly;
    time_zone := pol.time_zone;
    daily_headers := pol.daily_headers;
    RETURN NEXT;
  END
  $fn$;
  `,
  // 7: webhooks (src/store/webhooks.ts): apps, subscriptions, the outbox of events written in
  // the transaction of the change they report, and the log of delivery attempts.
  `
  CREATE TABLE webhook_apps (
    app_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    developer_api_key TEXT NOT NULL UNIQUE,
    target_url TEXT,
    max_concurrent INTEGER NOT NULL,
    signature_version TEXT NOT NULL,
    settings_created_at BIGINT,
    settings_updated_at BIGINT,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX webhook_apps_by_portal ON webhook_apps (portal_id);
  CREATE TABLE webhook_subscriptions (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    app_id BIGINT NOT NULL REFERENCES webhook_apps (app_id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    object_type_id TEXT,
    property_name TEXT,
    active SMALLINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE INDEX webhook_subscriptions_by_app ON webhook_subscriptions (app_id);
  CREATE TABLE webhook_events (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    app_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    subscription_id BIGINT NOT NULL,
    subscription_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    occurred_at BIGINT NOT NULL,
    fields TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT
  );
  CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at, id);
  CREATE INDEX webhook_events_by_app ON webhook_events (app_id, id);
  CREATE TABLE webhook_attempts (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    app_id BIGINT NOT NULL,
    event_ids TEXT NOT NULL,
    attempt_number INTEGER NOT NULL,
    url TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    status_code INTEGER,
    ok SMALLINT NOT NULL,
    error TEXT,
    response_body TEXT,
    request_body TEXT NOT NULL
  );
  CREATE INDEX webhook_attempts_by_app ON webhook_attempts (app_id, id);
  `,
  // 8: the catalog (property definitions and groups, pipelines, owners: what a portal added
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
  // 9: webhooks, continued: a subscription's eventTypeName; one subscription per eventType,
  // objectTypeId and propertyName of an app (duplicates made before are dropped, the oldest
  // kept); when an event and an attempt were finished, on Spoke's clock, for pruning.
  `
  DELETE FROM webhook_subscriptions WHERE id NOT IN (
    SELECT MIN(id) FROM webhook_subscriptions
    GROUP BY app_id, event_type, COALESCE(object_type_id, ''), COALESCE(property_name, ''));
  ALTER TABLE webhook_subscriptions ADD COLUMN event_type_name TEXT;
  CREATE UNIQUE INDEX webhook_subscriptions_unique ON webhook_subscriptions
    (app_id, event_type, COALESCE(object_type_id, ''), COALESCE(property_name, ''));
  ALTER TABLE webhook_events ADD COLUMN finished_at BIGINT;
  CREATE INDEX webhook_events_finished ON webhook_events (finished_at, id) WHERE finished_at IS NOT NULL;
  ALTER TABLE webhook_attempts ADD COLUMN logged_at BIGINT;
  CREATE INDEX webhook_attempts_logged ON webhook_attempts (logged_at, id);
  UPDATE webhook_events SET finished_at = occurred_at WHERE status IN ('delivered', 'failed');
  UPDATE webhook_attempts SET logged_at = started_at;
  `,
  // 10: search (postgres-search.ts): indexes for common filters and sorts, and the text index.
  POSTGRES_SEARCH_MIGRATION,
  // 11: search with fewer write costs (postgres-search.ts).
  POSTGRES_SEARCH_LIGHTER_WRITES,
  // 12: webhook delivery slots (webhook-slots.ts): at most maxConcurrentRequests requests in
  // flight per app across every instance on the database.
  `
  CREATE TABLE webhook_slots (
    app_id BIGINT NOT NULL,
    slot INTEGER NOT NULL,
    owner TEXT,
    lease_until BIGINT,
    PRIMARY KEY (app_id, slot)
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
