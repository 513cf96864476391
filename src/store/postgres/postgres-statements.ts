/**
 * The PostgreSQL store's SQL text that is fixed, and the tables that name its locks: kept apart
 * from the code that runs them so the transaction's file holds what it does, not what it says.
 */
import type { Pool, PoolClient } from 'pg';
import type { Pipeline } from './postgres-pipeline.js';
import { numberedPlaceholders } from '../inspection.js';
import { SHARED_SQL_NUMBERED } from '../shared-sql.js';
import { LISTENERS_SQL } from '../webhooks.js';
import type { LockMode, LockScope } from '../store.js';

/** Anything that can run a query: the pool, or a transaction's client. */
export type Queryable = Pick<Pool, 'query'> | PoolClient | Pipeline;

export const ROW_LOCKS: Record<LockMode, string> = { exclusive: 'FOR UPDATE', shared: 'FOR SHARE' };
/**
 * Catalog locks are transaction-level advisory locks keyed (scope, hash of portal and key):
 * the first key is the scope's rank in the lock order, offset so that it names Spoke.
 */
export const LOCK_SCOPES: Record<LockScope, number> = { portal: 46_801, 'object-type': 46_802, pair: 46_803 };

/** FNV-1a: a stable 32-bit hash of a lock's name. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

const INSERT_ASSOCIATIONS = `INSERT INTO associations (portal_id, from_id, to_type, to_id, category, type_id, from_type)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::smallint[], $6::int[], $7::text[])
         AS r(from_id, to_type, to_id, category, type_id, from_type)
       ORDER BY from_id, to_type, to_id, category, type_id
       ON CONFLICT DO NOTHING`;

/**
 * The transaction's write statements whose text does not depend on their arguments: the ones
 * SQLite runs too (../shared-sql.ts, in numbered placeholders), and PostgreSQL's own.
 */
export const SQL = {
  ...SHARED_SQL_NUMBERED,
  lockCatalog: `SELECT CASE WHEN l.x THEN pg_advisory_xact_lock(l.s, l.h) ELSE pg_advisory_xact_lock_shared(l.s, l.h) END
       FROM (SELECT * FROM unnest($1::int[], $2::int[], $3::bool[]) WITH ORDINALITY AS u(s, h, x, o) ORDER BY o) l`,
  insertObjects: `INSERT INTO objects (portal_id, id, object_type, properties, created_at, updated_at, archived_at)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[])
       ON CONFLICT DO NOTHING`,
  /** A pair's definitions and limits (both directions, unordered), as JSON. */
  pairCatalog: `SELECT
       (SELECT COALESCE(json_agg(d), '[]') FROM association_definitions d WHERE d.portal_id = $1
          AND ((d.from_type = $2 AND d.to_type = $3) OR (d.from_type = $3 AND d.to_type = $2))) AS definitions,
       (SELECT COALESCE(json_agg(m), '[]') FROM association_limits m WHERE m.portal_id = $1
          AND ((m.from_type = $2 AND m.to_type = $3) OR (m.from_type = $3 AND m.to_type = $2))) AS limits`,
  /** Catalog locks, then what is read under them (migration 14). */
  lockThenRead: 'SELECT * FROM spoke_lock_then_read($1::int[], $2::int[], $3::bool[], $4, $5, $6, $7, $8)',
  // In key order: writers that hold only shared record locks may insert the same rows at
  // once, and taking their index entries in one order keeps them from deadlocking.
  insertAssociations: INSERT_ASSOCIATIONS,
  /** The rows that landed, and the portal's webhook listeners (LISTENERS_SQL), as JSON. */
  insertAssociationsReturning: `WITH landed AS (${INSERT_ASSOCIATIONS} RETURNING *)
     SELECT (SELECT COALESCE(json_agg(landed), '[]') FROM landed) AS inserted,
       (SELECT COALESCE(json_agg(l ORDER BY l.id), '[]') FROM (${numberedPlaceholders(LISTENERS_SQL)}) l) AS listeners`,
  deleteAssociationsTo: `DELETE FROM associations WHERE portal_id = $1 AND to_type = $2 AND to_id = $3
           AND from_id IN (SELECT to_id FROM associations WHERE portal_id = $1 AND from_id = $3)`,
  appendHistory: `INSERT INTO property_history (portal_id, object_id, name, value, timestamp, source_type)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[])`,
  updateSchema: `UPDATE object_schemas SET name = $3, definition = $4, updated_at = $5, archived_at = $6
       WHERE portal_id = $1 AND object_type_id = $2`,
  deleteAssociations: `DELETE FROM associations a USING unnest($2::bigint[], $3::text[], $4::bigint[], $5::smallint[], $6::int[])
         AS d(from_id, to_type, to_id, category, type_id)
       WHERE a.portal_id = $1 AND a.from_id = d.from_id AND a.to_type = d.to_type AND a.to_id = d.to_id
         AND a.category = d.category AND a.type_id = d.type_id`,
  deleteAssociationsBetween: `DELETE FROM associations WHERE portal_id = $1
         AND ((from_id = $2 AND to_type = $3 AND to_id = $4) OR (from_id = $4 AND to_type = $5 AND to_id = $2))`,
  deleteAssociationsOfPairs: `DELETE FROM associations a USING (
         SELECT k.from_id, $4::text AS to_type, k.to_id FROM unnest($2::bigint[], $3::bigint[]) AS k(from_id, to_id)
         UNION SELECT k.to_id, $5::text, k.from_id FROM unnest($2::bigint[], $3::bigint[]) AS k(from_id, to_id)
       ) d
       WHERE a.portal_id = $1 AND a.from_id = d.from_id AND a.to_type = d.to_type AND a.to_id = d.to_id`,
} as const;
