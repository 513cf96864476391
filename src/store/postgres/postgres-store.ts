/**
 * The PostgreSQL store, for teams that run several Spoke processes on one dataset. Writes
 * run in READ COMMITTED transactions; decisions that depend on other rows (limits, Primary)
 * take row locks on the records involved (`lockObjects`), so concurrent writers across
 * processes serialize exactly where they must. Serialization failures and deadlocks rerun
 * the transaction.
 */
import pg, { type Pool, type PoolClient, type PoolConfig, type QueryArrayConfig } from 'pg';
import type { AssociationCategory } from '../category-codes.js';
import { categoryCode } from '../category-codes.js';
import { definitionPairKey, definitionSide } from '../definition-keys.js';
import {
  toAssociationRow,
  toDefinitionRow,
  toHistoryRow,
  toLimitRow,
  toObjectRow,
  toSchemaRow,
  type AssociationDbRow,
  type DefinitionDbRow,
  type HistoryDbRow,
  type LimitDbRow,
  type ObjectDbRow,
  type SchemaDbRow,
  type SnapshotDbRow,
  type TokenDbRow,
  toSnapshotInfo,
  toTokenRow,
} from '../row-mappers.js';
import { StoreUnavailableError, TransactionRetry, UniqueViolationError } from '../store-errors.js';
import type {
  AssociationRow,
  DefinitionRow,
  LimitRow,
  HistoryRow,
  ListAssociationsQuery,
  LockMode,
  LockRequest,
  LockScope,
  ObjectHead,
  ListObjectsQuery,
  ObjectRow,
  PropertyMap,
  RecordRef,
  SchemaRow,
  SnapshotInfo,
  TokenRow,
  UniqueValueRow,
  Store,
  StoreCapabilities,
  StoreReader,
  StoreTransaction,
} from '../store.js';
import { numberedPlaceholders, SqlInspection, type InspectionReader } from '../inspection.js';
import { columnList, PORTAL_TABLES } from '../portal-tables.js';
import { PostgresCatalog } from './postgres-catalog.js';
import { readRecordPages, type PageRow } from '../record-pages.js';
import { WebhookStore } from '../webhooks.js';
import { migratePostgres } from './postgres-migrations.js';
import { PostgresRateLimits } from './postgres-rate-limits.js';
import type { RateLimitStore } from '../rate-limit-store.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** Schema for Spoke's tables (default `public`). */
  readonly schema?: string;
  /** How often a transaction is rerun after a serialization failure or deadlock. */
  readonly maxRetries?: number;
}

/** Anything that can run a query: the pool, or a transaction's client. */
type Queryable = Pick<Pool, 'query'> | PoolClient;

const RETRYABLE = new Set(['40001', '40P01']);
const ROW_LOCKS: Record<LockMode, string> = { exclusive: 'FOR UPDATE', shared: 'FOR SHARE' };
/**
 * Catalog locks are transaction-level advisory locks keyed (scope, hash of portal and key):
 * the first key is the scope's rank in the lock order, offset so that it names Spoke.
 */
const LOCK_SCOPES: Record<LockScope, number> = { portal: 46_801, 'object-type': 46_802, pair: 46_803 };
/** SQLSTATE classes and driver errors that mean the connection, not the statement, failed. */
const CONNECTION_STATES = /^(08|57P0[1-3]|53300)/;
const CONNECTION_MESSAGES =
  /Connection terminated|connection error|not queryable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|timeout exceeded when trying to connect/i;

export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'string' && (CONNECTION_STATES.test(e.code) || /^E[A-Z]+$/.test(e.code)))
    return true;
  return typeof e?.message === 'string' && CONNECTION_MESSAGES.test(e.message);
}

function unavailableOr(error: unknown): unknown {
  return isConnectionError(error) ? new StoreUnavailableError(error) : error;
}

/** FNV-1a: a stable 32-bit hash of a lock's name. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
const INT8_OID = 20;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** IDs are BIGINT; every ID this server hands out fits a JavaScript number exactly. */
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text'),
} as PoolConfig['types'];

/** The queries, against the pool (reads) or a transaction's client (reads and writes). */
class PostgresQueries implements StoreTransaction {
  readonly #entries: PostgresCatalog;
  readonly webhooks: WebhookStore;

  constructor(private readonly db: Queryable) {
    this.#entries = new PostgresCatalog(db as never);
    this.webhooks = new WebhookStore(
      async (sql, params) => (await db.query(numberedPlaceholders(sql), params as unknown[])).rows,
      { skipLocked: ' FOR UPDATE SKIP LOCKED' },
    );
  }

  listCatalog: StoreReader['listCatalog'] = (...args) => this.#entries.listCatalog(...args);
  getCatalog: StoreReader['getCatalog'] = (...args) => this.#entries.getCatalog(...args);
  getPortalSetting: StoreReader['getPortalSetting'] = (...args) => this.#entries.getPortalSetting(...args);
  putCatalog: StoreTransaction['putCatalog'] = (...args) => this.#entries.putCatalog(...args);
  deleteCatalog: StoreTransaction['deleteCatalog'] = (...args) => this.#entries.deleteCatalog(...args);
  setPortalSetting: StoreTransaction['setPortalSetting'] = (...args) =>
    this.#entries.setPortalSetting(...args);

  async #rows<T>(sql: string, params: unknown[]): Promise<T[]> {
    return (await this.db.query(sql, params)).rows as T[];
  }

  async getObject(portalId: number, id: number): Promise<ObjectRow | undefined> {
    const [row] = await this.#rows<ObjectDbRow>('SELECT * FROM objects WHERE portal_id = $1 AND id = $2', [
      portalId,
      id,
    ]);
    return row && toObjectRow(row);
  }

  async listPortalIds(): Promise<number[]> {
    const rows = await this.#rows<{ portal_id: number }>(
      `SELECT portal_id FROM objects UNION SELECT portal_id FROM associations
       UNION SELECT portal_id FROM association_definitions UNION SELECT portal_id FROM object_schemas
       UNION SELECT portal_id FROM tokens UNION SELECT portal_id FROM counters ORDER BY 1`,
      [],
    );
    return rows.map((r) => r.portal_id);
  }

  async findToken(token: string): Promise<TokenRow | undefined> {
    const [row] = await this.#rows<TokenDbRow>('SELECT * FROM tokens WHERE token = $1', [token]);
    return row && toTokenRow(row);
  }

  async listTokens(portalId?: number): Promise<TokenRow[]> {
    const rows =
      portalId === undefined
        ? await this.#rows<TokenDbRow>('SELECT * FROM tokens ORDER BY portal_id, created_at, token', [])
        : await this.#rows<TokenDbRow>(
            'SELECT * FROM tokens WHERE portal_id = $1 ORDER BY created_at, token',
            [portalId],
          );
    return rows.map(toTokenRow);
  }

  async getCounters(portalId: number): Promise<Record<string, number>> {
    const rows = await this.#rows<{ name: string; value: number }>(
      'SELECT name, value FROM counters WHERE portal_id = $1 ORDER BY name',
      [portalId],
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  async historyOf(portalId: number, objectIds: readonly number[]): Promise<HistoryRow[]> {
    if (objectIds.length === 0) return [];
    const rows = await this.#rows<HistoryDbRow>(
      `SELECT object_id, name, value, timestamp, source_type FROM property_history
       WHERE portal_id = $1 AND object_id = ANY($2::bigint[]) ORDER BY object_id, name, timestamp, id`,
      [portalId, objectIds],
    );
    return rows.map(toHistoryRow);
  }

  async findFixtureKey(portalId: number, key: string): Promise<number | undefined> {
    const [row] = await this.#rows<{ object_id: number }>(
      'SELECT object_id FROM fixture_keys WHERE portal_id = $1 AND md5(key) = md5($2) AND key = $2',
      [portalId, key],
    );
    return row?.object_id;
  }

  async listFixtureKeys(portalId: number): Promise<Array<[string, number]>> {
    const rows = await this.#rows<{ key: string; object_id: number }>(
      'SELECT key, object_id FROM fixture_keys WHERE portal_id = $1 ORDER BY key',
      [portalId],
    );
    return rows.map((r) => [r.key, r.object_id]);
  }

  async listSnapshots(portalId: number): Promise<SnapshotInfo[]> {
    const rows = await this.#rows<SnapshotDbRow>(
      'SELECT * FROM snapshots WHERE portal_id = $1 ORDER BY created_at, name',
      [portalId],
    );
    return rows.map(toSnapshotInfo);
  }

  async insertToken(row: TokenRow): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO tokens (token, portal_id, user_email, user_id, scopes, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [row.token, row.portalId, row.user, row.userId, JSON.stringify(row.scopes), row.createdAt],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new UniqueViolationError('tokens');
      throw error;
    }
  }

  async setCounter(portalId: number, counter: string, value: number): Promise<void> {
    await this.db.query(
      `INSERT INTO counters (portal_id, name, value) VALUES ($1, $2, $3)
       ON CONFLICT (portal_id, name) DO UPDATE SET value = EXCLUDED.value`,
      [portalId, counter, value],
    );
  }

  async setFixtureKey(portalId: number, key: string, objectId: number): Promise<void> {
    await this.db.query(
      `INSERT INTO fixture_keys (portal_id, key, object_id) VALUES ($1, $2, $3)
       ON CONFLICT (portal_id, md5(key)) DO UPDATE SET object_id = EXCLUDED.object_id`,
      [portalId, key, objectId],
    );
  }

  async resetPortal(portalId: number): Promise<void> {
    for (const table of PORTAL_TABLES)
      await this.db.query(`DELETE FROM ${table.name} WHERE portal_id = $1`, [portalId]);
  }

  async createSnapshot(portalId: number, name: string, createdAt: number): Promise<SnapshotInfo> {
    await this.deleteSnapshot(portalId, name);
    for (const table of PORTAL_TABLES) {
      const columns = columnList(table);
      await this.db.query(
        `INSERT INTO snapshot_${table.name} (snapshot_name, ${columns}) SELECT $1, ${columns} FROM ${table.name} WHERE portal_id = $2`,
        [name, portalId],
      );
    }
    const [row] = await this.#rows<SnapshotDbRow>(
      `INSERT INTO snapshots (portal_id, name, created_at, records, associations)
       SELECT $1, $2, $3, (SELECT COUNT(*) FROM objects WHERE portal_id = $1),
         (SELECT COUNT(*) FROM associations WHERE portal_id = $1)
       RETURNING *`,
      [portalId, name, createdAt],
    );
    return toSnapshotInfo(row!);
  }

  async restoreSnapshot(portalId: number, name: string): Promise<boolean> {
    const found = await this.#rows('SELECT 1 FROM snapshots WHERE portal_id = $1 AND name = $2', [
      portalId,
      name,
    ]);
    if (found.length === 0) return false;
    await this.resetPortal(portalId);
    for (const table of PORTAL_TABLES) {
      const columns = columnList(table);
      await this.db.query(
        `INSERT INTO ${table.name} (${columns}) SELECT ${columns} FROM snapshot_${table.name}
         WHERE portal_id = $1 AND snapshot_name = $2`,
        [portalId, name],
      );
    }
    return true;
  }

  async deleteSnapshot(portalId: number, name: string): Promise<boolean> {
    for (const table of PORTAL_TABLES) {
      await this.db.query(`DELETE FROM snapshot_${table.name} WHERE portal_id = $1 AND snapshot_name = $2`, [
        portalId,
        name,
      ]);
    }
    const result = await this.db.query('DELETE FROM snapshots WHERE portal_id = $1 AND name = $2', [
      portalId,
      name,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async scanAssociations(
    portalId: number,
    after: AssociationRow | undefined,
    limit: number,
  ): Promise<AssociationRow[]> {
    const key = after
      ? [after.fromId, after.toObjectTypeId, after.toId, categoryCode(after.category), after.typeId]
      : [-1, '', -1, -1, -1];
    const rows = await this.#rows<AssociationDbRow>(
      `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
       WHERE portal_id = $1 AND (from_id, to_type, to_id, category, type_id) > ($2, $3, $4, $5, $6)
       ORDER BY from_id, to_type, to_id, category, type_id LIMIT $7`,
      [portalId, ...key, limit],
    );
    return rows.map(toAssociationRow);
  }

  async scanObjects(portalId: number, afterId: number | undefined, limit: number): Promise<ObjectRow[]> {
    const rows = await this.#rows<ObjectDbRow>(
      'SELECT * FROM objects WHERE portal_id = $1 AND id > $2 ORDER BY id LIMIT $3',
      [portalId, afterId ?? -1, limit],
    );
    return rows.map(toObjectRow);
  }

  async listObjects(portalId: number, query: ListObjectsQuery): Promise<ObjectRow[]> {
    const rows = await this.#rows<ObjectDbRow>(
      `SELECT * FROM objects WHERE portal_id = $1 AND object_type = $2 AND id > $3
         AND (archived_at IS NOT NULL) = $4 ORDER BY id LIMIT $5`,
      [portalId, query.objectTypeId, query.afterId ?? -1, query.archived, query.limit],
    );
    return rows.map(toObjectRow);
  }

  async findByUniqueValue(
    portalId: number,
    objectTypeId: string,
    property: string,
    value: string,
  ): Promise<number | undefined> {
    const [row] = await this.#rows<{ object_id: number }>(
      `SELECT object_id FROM unique_values
       WHERE portal_id = $1 AND object_type = $2 AND property = $3 AND md5(value) = md5($4) AND value = $4`,
      [portalId, objectTypeId, property, value],
    );
    return row?.object_id;
  }

  async getPropertyHistory(
    portalId: number,
    objectId: number,
    names: readonly string[],
  ): Promise<HistoryRow[]> {
    if (names.length === 0) return [];
    const rows = await this.#rows<HistoryDbRow>(
      `SELECT object_id, name, value, timestamp, source_type FROM property_history
       WHERE portal_id = $1 AND object_id = $2 AND name = ANY($3::text[]) ORDER BY timestamp DESC, id DESC`,
      [portalId, objectId, names],
    );
    return rows.map(toHistoryRow);
  }

  async listSchemas(portalId: number): Promise<SchemaRow[]> {
    const rows = await this.#rows<SchemaDbRow>(
      'SELECT * FROM object_schemas WHERE portal_id = $1 ORDER BY created_at, object_type_id',
      [portalId],
    );
    return rows.map(toSchemaRow);
  }

  async getSchema(portalId: number, objectTypeId: string): Promise<SchemaRow | undefined> {
    const [row] = await this.#rows<SchemaDbRow>(
      'SELECT * FROM object_schemas WHERE portal_id = $1 AND object_type_id = $2',
      [portalId, objectTypeId],
    );
    return row && toSchemaRow(row);
  }

  async allAssociationsOf(portalId: number, fromId: number): Promise<AssociationRow[]> {
    const rows = await this.#rows<AssociationDbRow>(
      `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
       WHERE portal_id = $1 AND from_id = $2 ORDER BY to_type, to_id, category, type_id`,
      [portalId, fromId],
    );
    return rows.map(toAssociationRow);
  }

  async getObjectHeads(portalId: number, ids: readonly number[]): Promise<ObjectHead[]> {
    if (ids.length === 0) return [];
    const rows = await this.#rows<{ id: number; object_type: string; archived_at: number | null }>(
      'SELECT id, object_type, archived_at FROM objects WHERE portal_id = $1 AND id = ANY($2::bigint[])',
      [portalId, ids],
    );
    return rows.map((r) => ({ id: r.id, objectTypeId: r.object_type, archivedAt: r.archived_at }));
  }

  async associationsBetweenMany(
    portalId: number,
    toObjectTypeId: string,
    pairs: ReadonlyArray<readonly [number, number]>,
  ): Promise<AssociationRow[]> {
    if (pairs.length === 0) return [];
    const rows = await this.#rows<AssociationDbRow>(
      `SELECT a.from_type, a.from_id, a.to_type, a.to_id, a.category, a.type_id
       FROM unnest($2::bigint[], $3::bigint[]) AS k(from_id, to_id)
       JOIN associations a ON a.portal_id = $1 AND a.from_id = k.from_id AND a.to_type = $4 AND a.to_id = k.to_id`,
      [portalId, pairs.map((p) => p[0]), pairs.map((p) => p[1]), toObjectTypeId],
    );
    return rows.map(toAssociationRow);
  }

  async associationsBetween(portalId: number, from: RecordRef, to: RecordRef): Promise<AssociationRow[]> {
    const rows = await this.#rows<AssociationDbRow>(
      `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
       WHERE portal_id = $1 AND from_id = $2 AND to_type = $3 AND to_id = $4 ORDER BY category, type_id`,
      [portalId, from.id, to.objectTypeId, to.id],
    );
    return rows.map(toAssociationRow);
  }

  /** The first chunk of every query in one statement: a batch read is one round trip. */
  async listAssociations(
    portalId: number,
    queries: readonly ListAssociationsQuery[],
  ): Promise<AssociationRow[][]> {
    return readRecordPages(queries, async (requests) => {
      const config: QueryArrayConfig = {
        text: `SELECT q.ord::int, x.from_type, x.to_id, x.category, x.type_id
          FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::int[]) WITH ORDINALITY
            AS q(from_id, to_type, after_id, row_limit, ord)
          CROSS JOIN LATERAL (
            SELECT x.from_type, x.to_id, x.category, x.type_id FROM associations x
            JOIN objects o ON o.portal_id = x.portal_id AND o.id = x.to_id
            WHERE x.portal_id = $1 AND x.from_id = q.from_id AND x.to_type = q.to_type
              AND x.to_id > q.after_id AND o.archived_at IS NULL
            ORDER BY x.to_id, x.category, x.type_id LIMIT q.row_limit) x
          ORDER BY q.ord, x.to_id, x.category, x.type_id`,
        values: [
          portalId,
          requests.map((r) => r.fromId),
          requests.map((r) => r.toObjectTypeId),
          requests.map((r) => r.afterToId),
          requests.map((r) => r.rowLimit),
        ],
        rowMode: 'array',
      };
      const { rows } = await this.db.query<[number, string, number, number, number]>(config);
      const chunks: PageRow[][] = requests.map(() => []);
      for (const [ord, ...row] of rows) chunks[ord - 1]!.push(row);
      return chunks;
    });
  }

  async findAssociationsOfType(
    portalId: number,
    fromId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<AssociationRow[]> {
    const rows = await this.#rows<AssociationDbRow>(
      `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
       WHERE portal_id = $1 AND from_id = $2 AND category = $3 AND type_id = $4 ORDER BY to_type, to_id`,
      [portalId, fromId, categoryCode(category), typeId],
    );
    return rows.map(toAssociationRow);
  }

  async countAssociations(
    portalId: number,
    fromId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<number> {
    const [row] = await this.#rows<{ n: number }>(
      'SELECT COUNT(*)::int AS n FROM associations WHERE portal_id = $1 AND from_id = $2 AND category = $3 AND type_id = $4',
      [portalId, fromId, categoryCode(category), typeId],
    );
    return row!.n;
  }

  async associationUsage(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
    minCount: number,
  ): Promise<Array<{ fromId: number; count: number }>> {
    const rows = await this.#rows<{ from_id: number; n: number }>(
      `SELECT from_id, COUNT(*)::int AS n FROM associations WHERE portal_id = $1 AND category = $2 AND type_id = $3
       GROUP BY from_id HAVING COUNT(*) >= $4 ORDER BY from_id`,
      [portalId, categoryCode(category), typeId, minCount],
    );
    return rows.map((r) => ({ fromId: r.from_id, count: r.n }));
  }

  async listDefinitions(
    portalId: number,
    fromObjectTypeId?: string,
    toObjectTypeId?: string,
  ): Promise<DefinitionRow[]> {
    const rows =
      fromObjectTypeId !== undefined && toObjectTypeId !== undefined
        ? await this.#rows<DefinitionDbRow>(
            `SELECT * FROM association_definitions WHERE portal_id = $1 AND from_type = $2 AND to_type = $3
             ORDER BY created_at, type_id`,
            [portalId, fromObjectTypeId, toObjectTypeId],
          )
        : await this.#rows<DefinitionDbRow>(
            'SELECT * FROM association_definitions WHERE portal_id = $1 ORDER BY created_at, type_id',
            [portalId],
          );
    return rows.map(toDefinitionRow);
  }

  async getDefinition(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<DefinitionRow | undefined> {
    const [row] = await this.#rows<DefinitionDbRow>(
      'SELECT * FROM association_definitions WHERE portal_id = $1 AND category = $2 AND type_id = $3',
      [portalId, categoryCode(category), typeId],
    );
    return row && toDefinitionRow(row);
  }

  async listLimits(
    portalId: number,
    fromObjectTypeId?: string,
    toObjectTypeId?: string,
  ): Promise<LimitRow[]> {
    const rows =
      fromObjectTypeId !== undefined && toObjectTypeId !== undefined
        ? await this.#rows<LimitDbRow>(
            `SELECT * FROM association_limits WHERE portal_id = $1 AND from_type = $2 AND to_type = $3
             ORDER BY category, type_id`,
            [portalId, fromObjectTypeId, toObjectTypeId],
          )
        : await this.#rows<LimitDbRow>(
            'SELECT * FROM association_limits WHERE portal_id = $1 ORDER BY from_type, to_type, category, type_id',
            [portalId],
          );
    return rows.map(toLimitRow);
  }

  // Both directions in one statement: every association write reads these, and each round
  // trip to the server costs more than the query.
  async definitionsBetween(portalId: number, a: string, b: string): Promise<DefinitionRow[]> {
    const rows = await this.#rows<DefinitionDbRow>(
      `SELECT * FROM association_definitions
       WHERE portal_id = $1 AND ((from_type = $2 AND to_type = $3) OR (from_type = $3 AND to_type = $2))
       ORDER BY from_type = $2 AND to_type = $3 DESC, created_at, type_id`,
      [portalId, a, b],
    );
    return rows.map(toDefinitionRow);
  }

  async limitsBetween(portalId: number, a: string, b: string): Promise<LimitRow[]> {
    const rows = await this.#rows<LimitDbRow>(
      `SELECT * FROM association_limits
       WHERE portal_id = $1 AND ((from_type = $2 AND to_type = $3) OR (from_type = $3 AND to_type = $2))
       ORDER BY from_type = $2 AND to_type = $3 DESC, category, type_id`,
      [portalId, a, b],
    );
    return rows.map(toLimitRow);
  }

  #savepoints = 0;

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const name = `sp${++this.#savepoints}`;
    await this.db.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      await this.db.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.db.query(`ROLLBACK TO SAVEPOINT ${name}`);
      await this.db.query(`RELEASE SAVEPOINT ${name}`);
      throw error;
    }
  }

  async nextCounterValues(portalId: number, counter: string, count: number): Promise<number[]> {
    // Inside the transaction: a rejected request leaves no gap in the sequence (IDs repeat
    // from run to run). Transactions that take from one counter wait for each other.
    const { rows } = await this.db.query<{ value: number }>(
      `INSERT INTO counters (portal_id, name, value) VALUES ($1, $2, $3)
       ON CONFLICT (portal_id, name) DO UPDATE SET value = counters.value + EXCLUDED.value RETURNING value`,
      [portalId, counter, count],
    );
    const last = rows[0]!.value;
    return Array.from({ length: count }, (_, i) => last - count + 1 + i);
  }

  async lockObjects(portalId: number, ids: readonly number[], mode: LockMode = 'exclusive'): Promise<void> {
    if (ids.length === 0) return;
    // One statement, in ID order, so two transactions never wait on each other in a cycle.
    // FOR SHARE still conflicts with FOR UPDATE and with the UPDATE or DELETE of a record.
    await this.db.query(
      `SELECT id FROM objects WHERE portal_id = $1 AND id = ANY($2::bigint[]) ORDER BY id ${ROW_LOCKS[mode]}`,
      [portalId, [...new Set(ids)]],
    );
  }

  /** Catalog locks this transaction holds (`scope:hash` → exclusive), so asking again costs nothing. */
  readonly #held = new Map<string, boolean>();

  async lock(portalId: number, locks: readonly LockRequest[]): Promise<void> {
    locks = locks.filter((l) => {
      const held = this.#held.get(`${LOCK_SCOPES[l.scope]}:${hash32(`${portalId}:${l.key}`)}`);
      return held === undefined || (l.mode === 'exclusive' && !held);
    });
    if (locks.length === 0) return;
    // One statement, in (scope, hash) order: every transaction takes its catalog locks in
    // one order, so none waits on another in a cycle. A lock asked for twice is taken once,
    // exclusive if either asked for that.
    const wanted = new Map<string, { scope: number; hash: number; exclusive: boolean }>();
    for (const l of locks) {
      const scope = LOCK_SCOPES[l.scope];
      const hash = hash32(`${portalId}:${l.key}`);
      const id = `${scope}:${hash}`;
      const exclusive = l.mode === 'exclusive' || (wanted.get(id)?.exclusive ?? false);
      wanted.set(id, { scope, hash, exclusive });
    }
    const ordered = [...wanted.values()].sort((a, b) => a.scope - b.scope || a.hash - b.hash);
    for (const l of ordered) this.#held.set(`${l.scope}:${l.hash}`, l.exclusive);
    await this.db.query(
      `SELECT CASE WHEN l.x THEN pg_advisory_xact_lock(l.s, l.h) ELSE pg_advisory_xact_lock_shared(l.s, l.h) END
       FROM (SELECT * FROM unnest($1::int[], $2::int[], $3::bool[]) WITH ORDINALITY AS u(s, h, x, o) ORDER BY o) l`,
      [ordered.map((l) => l.scope), ordered.map((l) => l.hash), ordered.map((l) => l.exclusive)],
    );
  }

  async insertObjects(portalId: number, rows: readonly ObjectRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await this.db.query(
      `INSERT INTO objects (portal_id, id, object_type, properties, created_at, updated_at, archived_at)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[])
       ON CONFLICT DO NOTHING`,
      [
        portalId,
        rows.map((r) => r.id),
        rows.map((r) => r.objectTypeId),
        rows.map((r) => JSON.stringify(r.properties)),
        rows.map((r) => r.createdAt),
        rows.map((r) => r.updatedAt),
        rows.map((r) => r.archivedAt),
      ],
    );
    return result.rowCount ?? 0;
  }

  async updateObject(
    portalId: number,
    id: number,
    properties: PropertyMap,
    updatedAt: number,
  ): Promise<void> {
    await this.db.query(
      'UPDATE objects SET properties = $3, updated_at = $4 WHERE portal_id = $1 AND id = $2',
      [portalId, id, JSON.stringify(properties), updatedAt],
    );
  }

  async setArchived(portalId: number, ids: readonly number[], archivedAt: number | null): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      'UPDATE objects SET archived_at = $3 WHERE portal_id = $1 AND id = ANY($2::bigint[])',
      [portalId, ids, archivedAt],
    );
  }

  async deleteObjects(portalId: number, records: readonly RecordRef[]): Promise<void> {
    for (const record of records) {
      await this.db.query(
        `DELETE FROM associations WHERE portal_id = $1 AND to_type = $2 AND to_id = $3
           AND from_id IN (SELECT to_id FROM associations WHERE portal_id = $1 AND from_id = $3)`,
        [portalId, record.objectTypeId, record.id],
      );
      await this.db.query('DELETE FROM associations WHERE portal_id = $1 AND from_id = $2', [
        portalId,
        record.id,
      ]);
      await this.db.query('DELETE FROM property_history WHERE portal_id = $1 AND object_id = $2', [
        portalId,
        record.id,
      ]);
      await this.db.query('DELETE FROM unique_values WHERE portal_id = $1 AND object_id = $2', [
        portalId,
        record.id,
      ]);
      await this.db.query('DELETE FROM objects WHERE portal_id = $1 AND id = $2', [portalId, record.id]);
    }
  }

  async claimUniqueValues(portalId: number, rows: readonly UniqueValueRow[]): Promise<void> {
    try {
      for (const row of rows) {
        await this.db.query(
          'INSERT INTO unique_values (portal_id, object_type, property, value, object_id) VALUES ($1, $2, $3, $4, $5)',
          [portalId, row.objectTypeId, row.property, row.value, row.objectId],
        );
      }
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new UniqueViolationError('unique_values');
      throw error;
    }
  }

  async releaseUniqueValues(
    portalId: number,
    objectId: number,
    properties?: readonly string[],
  ): Promise<void> {
    if (properties === undefined) {
      await this.db.query('DELETE FROM unique_values WHERE portal_id = $1 AND object_id = $2', [
        portalId,
        objectId,
      ]);
    } else {
      await this.db.query(
        'DELETE FROM unique_values WHERE portal_id = $1 AND object_id = $2 AND property = ANY($3::text[])',
        [portalId, objectId, properties],
      );
    }
  }

  async appendHistory(portalId: number, rows: readonly HistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `INSERT INTO property_history (portal_id, object_id, name, value, timestamp, source_type)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[])`,
      [
        portalId,
        rows.map((r) => r.objectId),
        rows.map((r) => r.name),
        rows.map((r) => r.value),
        rows.map((r) => r.timestamp),
        rows.map((r) => r.sourceType),
      ],
    );
  }

  async insertSchema(portalId: number, row: SchemaRow): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO object_schemas (portal_id, object_type_id, name, definition, created_at, updated_at, archived_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          portalId,
          row.objectTypeId,
          row.name,
          JSON.stringify(row.definition),
          row.createdAt,
          row.updatedAt,
          row.archivedAt,
        ],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new UniqueViolationError('object_schemas_name');
      throw error;
    }
  }

  async updateSchema(portalId: number, row: SchemaRow): Promise<void> {
    await this.db.query(
      `UPDATE object_schemas SET name = $3, definition = $4, updated_at = $5, archived_at = $6
       WHERE portal_id = $1 AND object_type_id = $2`,
      [portalId, row.objectTypeId, row.name, JSON.stringify(row.definition), row.updatedAt, row.archivedAt],
    );
  }

  async deleteSchema(portalId: number, objectTypeId: string): Promise<void> {
    await this.db.query('DELETE FROM object_schemas WHERE portal_id = $1 AND object_type_id = $2', [
      portalId,
      objectTypeId,
    ]);
  }

  async insertAssociations(
    portalId: number,
    rows: readonly AssociationRow[],
    inserted?: AssociationRow[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    // In key order: writers that hold only shared record locks may insert the same rows at
    // once, and taking their index entries in one order keeps them from deadlocking.
    const result = await this.db.query(
      `INSERT INTO associations (portal_id, from_id, to_type, to_id, category, type_id, from_type)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::smallint[], $6::int[], $7::text[])
         AS r(from_id, to_type, to_id, category, type_id, from_type)
       ORDER BY from_id, to_type, to_id, category, type_id
       ON CONFLICT DO NOTHING${inserted ? ' RETURNING *' : ''}`,
      [
        portalId,
        rows.map((r) => r.fromId),
        rows.map((r) => r.toObjectTypeId),
        rows.map((r) => r.toId),
        rows.map((r) => categoryCode(r.category)),
        rows.map((r) => r.typeId),
        rows.map((r) => r.fromObjectTypeId),
      ],
    );
    if (inserted) inserted.push(...(result.rows as AssociationDbRow[]).map(toAssociationRow));
    return result.rowCount ?? 0;
  }

  async deleteAssociations(portalId: number, rows: readonly AssociationRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await this.db.query(
      `DELETE FROM associations a USING unnest($2::bigint[], $3::text[], $4::bigint[], $5::smallint[], $6::int[])
         AS d(from_id, to_type, to_id, category, type_id)
       WHERE a.portal_id = $1 AND a.from_id = d.from_id AND a.to_type = d.to_type AND a.to_id = d.to_id
         AND a.category = d.category AND a.type_id = d.type_id`,
      [
        portalId,
        rows.map((r) => r.fromId),
        rows.map((r) => r.toObjectTypeId),
        rows.map((r) => r.toId),
        rows.map((r) => categoryCode(r.category)),
        rows.map((r) => r.typeId),
      ],
    );
    return result.rowCount ?? 0;
  }

  async deleteAssociationsBetween(portalId: number, a: RecordRef, b: RecordRef): Promise<number> {
    const result = await this.db.query(
      `DELETE FROM associations WHERE portal_id = $1
         AND ((from_id = $2 AND to_type = $3 AND to_id = $4) OR (from_id = $4 AND to_type = $5 AND to_id = $2))`,
      [portalId, a.id, b.objectTypeId, b.id, a.objectTypeId],
    );
    return result.rowCount ?? 0;
  }

  async deleteAssociationsOfPairs(
    portalId: number,
    fromObjectTypeId: string,
    toObjectTypeId: string,
    pairs: ReadonlyArray<readonly [number, number]>,
  ): Promise<number> {
    if (pairs.length === 0) return 0;
    // Both directions of every pair in one statement, rows in key order (as inserts take them).
    const result = await this.db.query(
      `DELETE FROM associations a USING (
         SELECT k.from_id, $4::text AS to_type, k.to_id FROM unnest($2::bigint[], $3::bigint[]) AS k(from_id, to_id)
         UNION SELECT k.to_id, $5::text, k.from_id FROM unnest($2::bigint[], $3::bigint[]) AS k(from_id, to_id)
       ) d
       WHERE a.portal_id = $1 AND a.from_id = d.from_id AND a.to_type = d.to_type AND a.to_id = d.to_id`,
      [portalId, pairs.map((p) => p[0]), pairs.map((p) => p[1]), toObjectTypeId, fromObjectTypeId],
    );
    return result.rowCount ?? 0;
  }

  async insertDefinitions(portalId: number, rows: readonly DefinitionRow[]): Promise<void> {
    try {
      for (const row of rows) {
        await this.db.query(
          `INSERT INTO association_definitions
           (portal_id, category, type_id, from_type, to_type, name, label, inverse_type_id, created_at, pair_key, side)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            portalId,
            categoryCode(row.category),
            row.typeId,
            row.fromObjectTypeId,
            row.toObjectTypeId,
            row.name,
            row.label,
            row.inverseTypeId,
            row.createdAt,
            definitionPairKey(row),
            definitionSide(row),
          ],
        );
      }
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new UniqueViolationError('association_definitions_name');
      throw error;
    }
  }

  async updateDefinitionLabel(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
    label: string,
  ): Promise<void> {
    await this.db.query(
      'UPDATE association_definitions SET label = $4 WHERE portal_id = $1 AND category = $2 AND type_id = $3',
      [portalId, categoryCode(category), typeId, label],
    );
  }

  async deleteDefinitions(
    portalId: number,
    category: AssociationCategory,
    typeIds: readonly number[],
  ): Promise<void> {
    await this.db.query(
      'DELETE FROM association_definitions WHERE portal_id = $1 AND category = $2 AND type_id = ANY($3::int[])',
      [portalId, categoryCode(category), typeIds],
    );
  }

  async isDefinitionInUse(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean> {
    const rows = await this.#rows(
      'SELECT 1 FROM associations WHERE portal_id = $1 AND category = $2 AND type_id = $3 LIMIT 1',
      [portalId, categoryCode(category), typeId],
    );
    return rows.length > 0;
  }

  async upsertLimit(portalId: number, row: LimitRow): Promise<void> {
    await this.db.query(
      `INSERT INTO association_limits (portal_id, category, type_id, from_type, to_type, max_to_object_ids)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (portal_id, category, type_id) DO UPDATE SET max_to_object_ids = EXCLUDED.max_to_object_ids`,
      [
        portalId,
        categoryCode(row.category),
        row.typeId,
        row.fromObjectTypeId,
        row.toObjectTypeId,
        row.maxToObjectIds,
      ],
    );
  }

  async deleteLimit(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean> {
    const result = await this.db.query(
      'DELETE FROM association_limits WHERE portal_id = $1 AND category = $2 AND type_id = $3',
      [portalId, categoryCode(category), typeId],
    );
    return (result.rowCount ?? 0) > 0;
  }
}

/** Reads run on the pool, outside any transaction; writes only inside `transaction`. */
export class PostgresStore extends PostgresQueries implements Store {
  readonly capabilities: StoreCapabilities = { kind: 'postgres', serializedWrites: false };
  readonly description: string;
  readonly inspection: InspectionReader;
  readonly rateLimits: RateLimitStore;
  readonly #pool: Pool;
  readonly #maxRetries: number;

  private constructor(pool: Pool, description: string, maxRetries: number) {
    // Reads on the pool: a broken connection is a StoreUnavailableError (503), not a 500.
    const reads = {
      query: (...args: Parameters<Pool['query']>) =>
        (pool.query as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
          throw unavailableOr(error);
        }),
    } as unknown as Pick<Pool, 'query'>;
    super(reads);
    this.#pool = pool;
    this.description = description;
    this.#maxRetries = maxRetries;
    this.inspection = new SqlInspection(
      async (sql, params) => (await pool.query(numberedPlaceholders(sql), [...params])).rows,
    );
    this.rateLimits = new PostgresRateLimits(reads);
  }

  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(schema))
      throw new Error(`Invalid PostgreSQL schema name "${schema}": use a-z, 0-9 and _`);
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      types,
      options: `-c search_path=${schema}`,
      // Its own name in pg_stat_activity (a URL's application_name parameter wins).
      application_name: new URL(connectionString).searchParams.get('application_name') ?? 'spoke',
      // A database that is down must not hold a request forever: it gets a 503.
      connectionTimeoutMillis: 10_000,
    });
    // A client whose connection breaks emits 'error': while idle the pool listens, and while
    // checked out this listener does, so a terminated backend or a restarted server never
    // crashes the process. The query in flight fails, and the client is discarded on release.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      await migratePostgres(pool, schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const where = new URL(connectionString);
    where.password = '';
    const description = `postgres ${where.host}${where.pathname}${schema === 'public' ? '' : ` schema ${schema}`}`;
    return new PostgresStore(pool, description, options.maxRetries ?? 10);
  }

  async #connect(): Promise<PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.#connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(new PostgresQueries(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (isConnectionError(error)) {
          // The connection is gone: the client is destroyed, and the request gets a 503.
          broken = error as Error;
          throw new StoreUnavailableError(error);
        }
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: string }).code;
        const again = (code !== undefined && RETRYABLE.has(code)) || error instanceof TransactionRetry;
        if (again && attempt < this.#maxRetries) {
          await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
          continue;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  /** Always on a pooled connection of its own; `long` makes no difference here. */
  async readSnapshot<T>(fn: (reader: StoreReader) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      return await fn(new PostgresQueries(client));
    } catch (error) {
      if (isConnectionError(error)) {
        broken = error as Error;
        throw new StoreUnavailableError(error);
      }
      throw error;
    } finally {
      if (!broken) await client.query('COMMIT').catch(() => undefined);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
