/**
 * The tables that hold a portal's data, with the columns both adapters copy when they
 * reset a portal or take and restore a snapshot. Each has a `snapshot_<name>` twin with a
 * leading `snapshot_name` column. Tokens are configuration, not data: they are not here.
 */
import type { TokenRow } from './store.js';

export interface PortalTable {
  readonly name: string;
  /** Every column but `portal_id`. */
  readonly columns: readonly string[];
}

export const PORTAL_TABLES: readonly PortalTable[] = [
  { name: 'counters', columns: ['name', 'value'] },
  {
    name: 'objects',
    columns: ['id', 'object_type', 'properties', 'created_at', 'updated_at', 'archived_at'],
  },
  { name: 'associations', columns: ['from_id', 'to_type', 'to_id', 'category', 'type_id', 'from_type'] },
  {
    name: 'association_definitions',
    columns: [
      'category',
      'type_id',
      'from_type',
      'to_type',
      'name',
      'label',
      'inverse_type_id',
      'created_at',
      'pair_key',
      'side',
    ],
  },
  {
    name: 'association_limits',
    columns: ['category', 'type_id', 'from_type', 'to_type', 'max_to_object_ids'],
  },
  { name: 'property_history', columns: ['object_id', 'name', 'value', 'timestamp', 'source_type'] },
  { name: 'unique_values', columns: ['object_type', 'property', 'value', 'object_id'] },
  {
    name: 'object_schemas',
    columns: ['object_type_id', 'name', 'definition', 'created_at', 'updated_at', 'archived_at'],
  },
  { name: 'fixture_keys', columns: ['key', 'object_id'] },
  { name: 'catalog_entries', columns: ['kind', 'scope', 'key', 'value', 'updated_at'] },
];

/** `INSERT INTO target (portal_id, cols) SELECT portal_id, cols FROM source WHERE …` column lists. */
export function columnList(table: PortalTable): string {
  return ['portal_id', ...table.columns].join(', ');
}

/**
 * The whole-portal statements (reset, snapshots) both adapters run, with `?` placeholders
 * (PostgreSQL numbers them, as shared-sql.ts does). Table names come from PORTAL_TABLES,
 * never from input.
 */
export const PORTAL_SQL = {
  deleteRows: (table: PortalTable) => `DELETE FROM ${table.name} WHERE portal_id = ?`,
  /** Rows of other portals on either side of one, for SQLite's truncate path. */
  otherPortals: (table: PortalTable) =>
    `SELECT 1 FROM ${table.name} WHERE portal_id < ? UNION ALL SELECT 1 FROM ${table.name} WHERE portal_id > ?`,
  copyToSnapshot: (table: PortalTable) =>
    `INSERT INTO snapshot_${table.name} (snapshot_name, ${columnList(table)})
     SELECT ?, ${columnList(table)} FROM ${table.name} WHERE portal_id = ?`,
  restoreFromSnapshot: (table: PortalTable) =>
    `INSERT INTO ${table.name} (${columnList(table)}) SELECT ${columnList(table)} FROM snapshot_${table.name}
     WHERE portal_id = ? AND snapshot_name = ?`,
  deleteSnapshotRows: (table: PortalTable) =>
    `DELETE FROM snapshot_${table.name} WHERE portal_id = ? AND snapshot_name = ?`,
  getSnapshot: 'SELECT * FROM snapshots WHERE portal_id = ? AND name = ?',
  /** Parameters: portal, name, created at, portal, portal. */
  insertSnapshot: `INSERT INTO snapshots (portal_id, name, created_at, records, associations)
    SELECT ?, ?, ?, (SELECT COUNT(*) FROM objects WHERE portal_id = ?),
      (SELECT COUNT(*) FROM associations WHERE portal_id = ?)
    RETURNING *`,
} as const;

/** The parameters of the shared `insertToken` statement (shared-sql.ts), in its column order. */
export function tokenValues(row: TokenRow): unknown[] {
  return [
    row.token,
    row.portalId,
    row.user,
    row.userId,
    JSON.stringify(row.scopes),
    row.createdAt,
    row.appId ?? null,
  ];
}
