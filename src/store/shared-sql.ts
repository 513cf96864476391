/**
 * The SQL both databases run as it is, written once with `?` placeholders under the SQLite
 * store's statement names. The SQLite store prepares these texts as they are; the PostgreSQL
 * store runs them with its numbered placeholders, translated once when this module loads (never
 * per call). What differs between the databases stays in each adapter: array parameters
 * (`json_each` against `ANY($n::bigint[])`), bulk writes (`unnest`), locks, hashed unique keys.
 * Standard spellings are preferred here where both accept them: `CAST(COUNT(*) AS INTEGER)`
 * (PostgreSQL's COUNT is a bigint, which its driver returns as text), and an upsert that names
 * its table's column (`counters.value`), which PostgreSQL requires and SQLite allows.
 */

export const SHARED_SQL = {
  getObject:
    'SELECT id, object_type, properties, created_at, updated_at, archived_at FROM objects WHERE portal_id = ? AND id = ?',
  scanObjects:
    'SELECT id, object_type, properties, created_at, updated_at, archived_at FROM objects WHERE portal_id = ? AND id > ? ORDER BY id LIMIT ?',
  scanAssociations: `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
    WHERE portal_id = ? AND (from_id, to_type, to_id, category, type_id) > (?, ?, ?, ?, ?)
    ORDER BY from_id, to_type, to_id, category, type_id LIMIT ?`,
  allAssociationsOf: `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
    WHERE portal_id = ? AND from_id = ? ORDER BY to_type, to_id, category, type_id`,
  associationsBetween: `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
    WHERE portal_id = ? AND from_id = ? AND to_type = ? AND to_id = ? ORDER BY category, type_id`,
  associationsOfType: `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
    WHERE portal_id = ? AND from_id = ? AND category = ? AND type_id = ? ORDER BY to_type, to_id`,
  countAssociations: `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM associations
    WHERE portal_id = ? AND from_id = ? AND category = ? AND type_id = ?`,
  associationUsage: `SELECT from_id, CAST(COUNT(*) AS INTEGER) AS n FROM associations
    WHERE portal_id = ? AND category = ? AND type_id = ? GROUP BY from_id HAVING COUNT(*) >= ? ORDER BY from_id`,
  definitionInUse: 'SELECT 1 FROM associations WHERE portal_id = ? AND category = ? AND type_id = ? LIMIT 1',
  getDefinition: 'SELECT * FROM association_definitions WHERE portal_id = ? AND category = ? AND type_id = ?',
  definitionsAll: 'SELECT * FROM association_definitions WHERE portal_id = ? ORDER BY created_at, type_id',
  definitionsPair: `SELECT * FROM association_definitions WHERE portal_id = ? AND from_type = ? AND to_type = ?
    ORDER BY created_at, type_id`,
  limitsAll:
    'SELECT * FROM association_limits WHERE portal_id = ? ORDER BY from_type, to_type, category, type_id',
  limitsPair: `SELECT * FROM association_limits WHERE portal_id = ? AND from_type = ? AND to_type = ?
    ORDER BY category, type_id`,
  insertDefinition: `INSERT INTO association_definitions
    (portal_id, category, type_id, from_type, to_type, name, label, inverse_type_id, created_at, pair_key, side)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  upsertLimit: `INSERT INTO association_limits (portal_id, category, type_id, from_type, to_type, max_to_object_ids)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (portal_id, category, type_id) DO UPDATE SET max_to_object_ids = excluded.max_to_object_ids`,
  listSchemas: 'SELECT * FROM object_schemas WHERE portal_id = ? ORDER BY created_at, object_type_id',
  getSchema: 'SELECT * FROM object_schemas WHERE portal_id = ? AND object_type_id = ?',
  insertSchema: `INSERT INTO object_schemas (portal_id, object_type_id, name, definition, created_at, updated_at, archived_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,
  nextCounter: `INSERT INTO counters (portal_id, name, value) VALUES (?, ?, ?)
    ON CONFLICT (portal_id, name) DO UPDATE SET value = counters.value + excluded.value RETURNING value`,
  portalIds: `SELECT portal_id FROM objects UNION SELECT portal_id FROM associations
    UNION SELECT portal_id FROM association_definitions UNION SELECT portal_id FROM association_limits
    UNION SELECT portal_id FROM object_schemas
    UNION SELECT portal_id FROM tokens UNION SELECT portal_id FROM counters ORDER BY 1`,
  findToken: 'SELECT * FROM tokens WHERE token = ?',
  allTokens: 'SELECT * FROM tokens ORDER BY portal_id, created_at, token',
  portalTokens: 'SELECT * FROM tokens WHERE portal_id = ? ORDER BY created_at, token',
  insertToken: `INSERT INTO tokens (token, portal_id, user_email, user_id, scopes, created_at, app_id)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,
  counters: 'SELECT name, value FROM counters WHERE portal_id = ? ORDER BY name',
  setCounter: `INSERT INTO counters (portal_id, name, value) VALUES (?, ?, ?)
    ON CONFLICT (portal_id, name) DO UPDATE SET value = excluded.value`,
  listFixtureKeys: 'SELECT key, object_id FROM fixture_keys WHERE portal_id = ? ORDER BY key',
  listSnapshots: 'SELECT * FROM snapshots WHERE portal_id = ? ORDER BY created_at, name',
  deleteSnapshotRow: 'DELETE FROM snapshots WHERE portal_id = ? AND name = ?',
} as const;

export type SharedStatementName = keyof typeof SHARED_SQL;

/** `?` placeholders as PostgreSQL's `$1`, `$2`, … in order (the shared texts hold no `?` in literals). */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Every statement of a table in numbered placeholders, translated once. */
function numbered<T extends Record<string, string>>(table: T): Record<keyof T, string> {
  return Object.fromEntries(
    Object.entries(table).map(([name, sql]) => [name, numberedPlaceholders(sql)]),
  ) as Record<keyof T, string>;
}

/** The shared statements in PostgreSQL's placeholders. */
export const SHARED_SQL_NUMBERED = numbered(SHARED_SQL);

/** The catalog role's statements (catalog-store.ts), the same on both databases. */
export const CATALOG_SQL = {
  list: 'SELECT * FROM catalog_entries WHERE portal_id = ? AND kind = ? ORDER BY scope, key',
  listScope: 'SELECT * FROM catalog_entries WHERE portal_id = ? AND kind = ? AND scope = ? ORDER BY key',
  get: 'SELECT * FROM catalog_entries WHERE portal_id = ? AND kind = ? AND scope = ? AND key = ?',
  put: `INSERT INTO catalog_entries (portal_id, kind, scope, key, value, updated_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (portal_id, kind, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  delete: 'DELETE FROM catalog_entries WHERE portal_id = ? AND kind = ? AND scope = ? AND key = ?',
  getSetting: 'SELECT value FROM portal_settings WHERE portal_id = ? AND name = ?',
  setSetting: `INSERT INTO portal_settings (portal_id, name, value) VALUES (?, ?, ?)
    ON CONFLICT (portal_id, name) DO UPDATE SET value = excluded.value`,
  deleteSetting: 'DELETE FROM portal_settings WHERE portal_id = ? AND name = ?',
} as const;

export const CATALOG_SQL_NUMBERED = numbered(CATALOG_SQL);
