/**
 * The SQLite store's SQL text, one table of named statements: the reads, the transaction and a
 * portal's admin queries name what they run, and SqliteReads.stmt prepares each on first use.
 * The statements PostgreSQL runs too are in ../shared-sql.ts; these are SQLite's own.
 */

import { SHARED_SQL } from '../shared-sql.js';

/** Rows per multi-row INSERT of associations (7 parameters each, far below SQLite's limit). */
export const INSERT_CHUNK = 64;

export function isUniqueViolation(error: unknown): error is { code: string; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE' ||
      (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

export const SQL = {
  ...SHARED_SQL,
  insertObject: `INSERT INTO objects (portal_id, id, object_type, properties, created_at, updated_at, archived_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  // CROSS JOIN keeps json_each the outer loop: one primary-key probe per element.
  objectHeads: `SELECT o.id, o.object_type, o.archived_at FROM json_each(?) j
    CROSS JOIN objects o INDEXED BY objects_heads ON o.portal_id = ? AND o.id = j.atom`,
  associationsBetweenMany: `SELECT a.from_type, a.from_id, a.to_type, a.to_id, a.category, a.type_id FROM json_each(?) j
    CROSS JOIN associations a ON a.portal_id = ? AND a.from_id = j.value ->> 0 AND a.to_type = ?
      AND a.to_id = j.value ->> 1`,
  // Read raw (arrays, not objects) and only the columns a page needs: the cost of a page is
  // mostly building its rows in JS. Archived records are dropped afterwards (sqlite-pages.ts).
  pageOfAssociations: `SELECT x.from_type, x.to_id, x.category, x.type_id FROM associations x
    WHERE x.portal_id = ? AND x.from_id = ? AND x.to_type = ? AND x.to_id > ?
    ORDER BY x.to_id, x.category, x.type_id LIMIT ?`,
  // The same after a row (not after a record): reads on past rows of archived records.
  pageOfAssociationsAfterRow: `SELECT x.from_type, x.to_id, x.category, x.type_id FROM associations x
    WHERE x.portal_id = ? AND x.from_id = ? AND x.to_type = ? AND (x.to_id, x.category, x.type_id) > (?, ?, ?)
    ORDER BY x.to_id, x.category, x.type_id LIMIT ?`,
  // The same page for many records in one statement (a batch read): one correlated subquery
  // per request, each with its own LIMIT, so a record with many rows costs no more than
  // pageOfAssociations. Requests are [fromId, toType, afterToId]; each page comes back as
  // one JSON array of rows, since SQLite has no LATERAL join to return them as rows.
  pagesOfAssociations: `SELECT (SELECT json_group_array(json_array(from_type, to_id, category, type_id)) FROM (
      SELECT x.from_type, x.to_id, x.category, x.type_id FROM associations x
      WHERE x.portal_id = @portal AND x.from_id = j.value ->> 0 AND x.to_type = j.value ->> 1
        AND x.to_id > j.value ->> 2
      ORDER BY x.to_id, x.category, x.type_id LIMIT @rowLimit))
    FROM json_each(@requests) j ORDER BY j.key`,
  // Archived records of a type in an ID range, from the partial index that holds only them.
  archivedBetween: `SELECT id FROM objects INDEXED BY objects_archived
    WHERE portal_id = ? AND object_type = ? AND id BETWEEN ? AND ? AND archived_at IS NOT NULL ORDER BY id LIMIT ?`,
  archivedAmong: `SELECT o.id FROM json_each(?) j CROSS JOIN objects o INDEXED BY objects_archived
    ON o.portal_id = ? AND o.object_type = ? AND o.id = j.value WHERE o.archived_at IS NOT NULL`,
  insertAssociation: `INSERT INTO associations (portal_id, from_id, to_type, to_id, category, type_id, from_type)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  insertAssociationChunk: `INSERT INTO associations (portal_id, from_id, to_type, to_id, category, type_id, from_type)
    VALUES ${Array.from({ length: INSERT_CHUNK }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT DO NOTHING`,
  insertAssociationChunkReturning: `INSERT INTO associations (portal_id, from_id, to_type, to_id, category, type_id, from_type)
    VALUES ${Array.from({ length: INSERT_CHUNK }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT DO NOTHING
    RETURNING *`,
  deleteAssociation: `DELETE FROM associations
    WHERE portal_id = ? AND from_id = ? AND to_type = ? AND to_id = ? AND category = ? AND type_id = ?`,
  deleteBetween: 'DELETE FROM associations WHERE portal_id = ? AND from_id = ? AND to_type = ? AND to_id = ?',
  updateDefinitionLabel:
    'UPDATE association_definitions SET label = ? WHERE portal_id = ? AND category = ? AND type_id = ?',
  deleteDefinition:
    'DELETE FROM association_definitions WHERE portal_id = ? AND category = ? AND type_id = ?',
  deleteLimit: 'DELETE FROM association_limits WHERE portal_id = ? AND category = ? AND type_id = ?',
  historyOf: `SELECT object_id, name, value, timestamp, source_type FROM property_history
    WHERE portal_id = ? AND object_id IN (SELECT value FROM json_each(?)) ORDER BY object_id, name, timestamp, rowid`,
  findFixtureKey: 'SELECT object_id FROM fixture_keys WHERE portal_id = ? AND key = ?',
  setFixtureKey: `INSERT INTO fixture_keys (portal_id, key, object_id) VALUES (?, ?, ?)
    ON CONFLICT (portal_id, key) DO UPDATE SET object_id = excluded.object_id`,
  listLiveObjects: `SELECT * FROM objects WHERE portal_id = ? AND object_type = ? AND id > ? AND archived_at IS NULL
    ORDER BY id LIMIT ?`,
  listArchivedObjects: `SELECT * FROM objects WHERE portal_id = ? AND object_type = ? AND id > ? AND archived_at IS NOT NULL
    ORDER BY id LIMIT ?`,
  updateObject: 'UPDATE objects SET properties = ?, updated_at = ? WHERE portal_id = ? AND id = ?',
  setArchived: 'UPDATE objects SET archived_at = ? WHERE portal_id = ? AND id = ?',
  deleteObject: 'DELETE FROM objects WHERE portal_id = ? AND id = ?',
  deleteAssociationsTo: `DELETE FROM associations WHERE portal_id = @portal AND to_type = @type AND to_id = @id
    AND from_id IN (SELECT to_id FROM associations WHERE portal_id = @portal AND from_id = @id)`,
  deleteAssociationsFrom: 'DELETE FROM associations WHERE portal_id = ? AND from_id = ?',
  deleteHistory: 'DELETE FROM property_history WHERE portal_id = ? AND object_id = ?',
  findUnique:
    'SELECT object_id FROM unique_values WHERE portal_id = ? AND object_type = ? AND property = ? AND value = ?',
  claimUnique:
    'INSERT INTO unique_values (portal_id, object_type, property, value, object_id) VALUES (?, ?, ?, ?, ?)',
  releaseUniqueAll: 'DELETE FROM unique_values WHERE portal_id = ? AND object_id = ?',
  releaseUniqueOne: 'DELETE FROM unique_values WHERE portal_id = ? AND object_id = ? AND property = ?',
  appendHistory: `INSERT INTO property_history (portal_id, object_id, name, value, timestamp, source_type)
    VALUES (?, ?, ?, ?, ?, ?)`,
  getHistory: `SELECT object_id, name, value, timestamp, source_type FROM property_history
    WHERE portal_id = ? AND object_id = ? AND name IN (SELECT value FROM json_each(?))
    ORDER BY timestamp DESC, rowid DESC`,
  updateSchema: `UPDATE object_schemas SET name = ?, definition = ?, updated_at = ?, archived_at = ?
    WHERE portal_id = ? AND object_type_id = ?`,
  deleteSchema: 'DELETE FROM object_schemas WHERE portal_id = ? AND object_type_id = ?',
} as const;

export type StatementName = keyof typeof SQL;
