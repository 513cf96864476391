/**
 * The embedded default store, on better-sqlite3. One connection per process, WAL mode so
 * readers never wait for the writer, and `BEGIN IMMEDIATE` write transactions so several
 * processes (`--workers`) sharing one file take turns instead of failing.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import type { AssociationCategory } from '../category-codes.js';
import { categoryCode } from '../category-codes.js';
import { definitionPairKey, definitionSide } from '../definition-keys.js';
import { AsyncLock } from '../lock.js';
import { TransactionRetry, UniqueViolationError } from '../store-errors.js';
import type {
  AssociationRow,
  StoreReader,
  DefinitionRow,
  LimitRow,
  HistoryRow,
  ListAssociationsQuery,
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
  StoreTransaction,
} from '../store.js';
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
  type ObjectDbRow,
  type SchemaDbRow,
  type SnapshotDbRow,
  type TokenDbRow,
  toSnapshotInfo,
  toTokenRow,
} from '../row-mappers.js';
import { SqlInspection, type InspectionReader } from '../inspection.js';
import { columnList, PORTAL_TABLES } from '../portal-tables.js';
import { readRecordPages, type PageRow } from '../record-pages.js';
import { WebhookStore } from '../webhooks.js';
import type { RateLimitStore } from '../rate-limit-store.js';
import { CatalogCache } from './catalog-cache.js';
import { SqliteCatalog } from './sqlite-catalog.js';
import { GroupCommit } from './group-commit.js';
import { migrateSqlite } from './sqlite-migrations.js';
import { SqliteRateLimits } from './sqlite-rate-limits.js';

export interface SqliteStoreOptions {
  /**
   * How long one attempt to start a write waits, blocking, for another process's
   * transaction, in ms. After that the write waits without blocking (group-commit.ts).
   */
  busyTimeoutMs?: number;
  /** How long a write waits in all for another process's transaction (a long import), in ms. */
  writeWaitMs?: number;
}

/** Rows per multi-row INSERT of associations (7 parameters each, far below SQLite's limit). */
const INSERT_CHUNK = 64;

function writeAssociationValues(values: unknown[], at: number, portalId: number, row: AssociationRow): void {
  values[at] = portalId;
  values[at + 1] = row.fromId;
  values[at + 2] = row.toObjectTypeId;
  values[at + 3] = row.toId;
  values[at + 4] = categoryCode(row.category);
  values[at + 5] = row.typeId;
  values[at + 6] = row.fromObjectTypeId;
}

function isUniqueViolation(error: unknown): error is { code: string; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE' ||
      (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

const SQL = {
  getObject: 'SELECT * FROM objects WHERE portal_id = ? AND id = ?',
  insertObject: `INSERT INTO objects (portal_id, id, object_type, properties, created_at, updated_at, archived_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  associationsBetween: `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
    WHERE portal_id = ? AND from_id = ? AND to_type = ? AND to_id = ? ORDER BY category, type_id`,
  // CROSS JOIN keeps json_each the outer loop: one primary-key probe per element.
  objectHeads: `SELECT o.id, o.object_type, o.archived_at FROM json_each(?) j
    CROSS JOIN objects o INDEXED BY objects_heads ON o.portal_id = ? AND o.id = j.atom`,
  associationsBetweenMany: `SELECT a.from_type, a.from_id, a.to_type, a.to_id, a.category, a.type_id FROM json_each(?) j
    CROSS JOIN associations a ON a.portal_id = ? AND a.from_id = j.value ->> 0 AND a.to_type = ?
      AND a.to_id = j.value ->> 1`,
  // Read raw (arrays, not objects) and only the columns a page needs: the cost of a page is
  // mostly building its rows in JS.
  pageOfAssociations: `SELECT x.from_type, x.to_id, x.category, x.type_id FROM associations x
    CROSS JOIN objects o INDEXED BY objects_heads ON o.portal_id = x.portal_id AND o.id = x.to_id
    WHERE x.portal_id = ? AND x.from_id = ? AND x.to_type = ? AND x.to_id > ? AND o.archived_at IS NULL
    ORDER BY x.to_id, x.category, x.type_id LIMIT ?`,
  associationsOfType: `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
    WHERE portal_id = ? AND from_id = ? AND category = ? AND type_id = ? ORDER BY to_type, to_id`,
  associationUsage: `SELECT from_id, COUNT(*) AS n FROM associations
    WHERE portal_id = ? AND category = ? AND type_id = ? GROUP BY from_id HAVING COUNT(*) >= ? ORDER BY from_id`,
  countAssociations: `SELECT COUNT(*) AS n FROM associations
    WHERE portal_id = ? AND from_id = ? AND category = ? AND type_id = ?`,
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
  definitionsAll: 'SELECT * FROM association_definitions WHERE portal_id = ? ORDER BY created_at, type_id',
  definitionsPair: `SELECT * FROM association_definitions WHERE portal_id = ? AND from_type = ? AND to_type = ?
    ORDER BY created_at, type_id`,
  getDefinition: 'SELECT * FROM association_definitions WHERE portal_id = ? AND category = ? AND type_id = ?',
  insertDefinition: `INSERT INTO association_definitions
    (portal_id, category, type_id, from_type, to_type, name, label, inverse_type_id, created_at, pair_key, side)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  updateDefinitionLabel:
    'UPDATE association_definitions SET label = ? WHERE portal_id = ? AND category = ? AND type_id = ?',
  deleteDefinition:
    'DELETE FROM association_definitions WHERE portal_id = ? AND category = ? AND type_id = ?',
  definitionInUse: 'SELECT 1 FROM associations WHERE portal_id = ? AND category = ? AND type_id = ? LIMIT 1',
  limitsAll:
    'SELECT * FROM association_limits WHERE portal_id = ? ORDER BY from_type, to_type, category, type_id',
  limitsPair: `SELECT * FROM association_limits WHERE portal_id = ? AND from_type = ? AND to_type = ?
    ORDER BY category, type_id`,
  upsertLimit: `INSERT INTO association_limits (portal_id, category, type_id, from_type, to_type, max_to_object_ids)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (portal_id, category, type_id) DO UPDATE SET max_to_object_ids = excluded.max_to_object_ids`,
  deleteLimit: 'DELETE FROM association_limits WHERE portal_id = ? AND category = ? AND type_id = ?',
  portalIds: `SELECT portal_id FROM objects UNION SELECT portal_id FROM associations
    UNION SELECT portal_id FROM association_definitions UNION SELECT portal_id FROM object_schemas
    UNION SELECT portal_id FROM tokens UNION SELECT portal_id FROM counters ORDER BY 1`,
  findToken: 'SELECT * FROM tokens WHERE token = ?',
  allTokens: 'SELECT * FROM tokens ORDER BY portal_id, created_at, token',
  portalTokens: 'SELECT * FROM tokens WHERE portal_id = ? ORDER BY created_at, token',
  insertToken: `INSERT INTO tokens (token, portal_id, user_email, user_id, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  counters: 'SELECT name, value FROM counters WHERE portal_id = ? ORDER BY name',
  setCounter: `INSERT INTO counters (portal_id, name, value) VALUES (?, ?, ?)
    ON CONFLICT (portal_id, name) DO UPDATE SET value = excluded.value`,
  historyOf: `SELECT object_id, name, value, timestamp, source_type FROM property_history
    WHERE portal_id = ? AND object_id IN (SELECT value FROM json_each(?)) ORDER BY object_id, name, timestamp, rowid`,
  findFixtureKey: 'SELECT object_id FROM fixture_keys WHERE portal_id = ? AND key = ?',
  listFixtureKeys: 'SELECT key, object_id FROM fixture_keys WHERE portal_id = ? ORDER BY key',
  setFixtureKey: `INSERT INTO fixture_keys (portal_id, key, object_id) VALUES (?, ?, ?)
    ON CONFLICT (portal_id, key) DO UPDATE SET object_id = excluded.object_id`,
  listSnapshots: 'SELECT * FROM snapshots WHERE portal_id = ? ORDER BY created_at, name',
  getSnapshot: 'SELECT * FROM snapshots WHERE portal_id = ? AND name = ?',
  deleteSnapshotRow: 'DELETE FROM snapshots WHERE portal_id = ? AND name = ?',
  insertSnapshotRow: `INSERT INTO snapshots (portal_id, name, created_at, records, associations)
    SELECT @portal, @name, @at, (SELECT COUNT(*) FROM objects WHERE portal_id = @portal),
      (SELECT COUNT(*) FROM associations WHERE portal_id = @portal)`,
  scanAssociations: `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
    WHERE portal_id = ? AND (from_id, to_type, to_id, category, type_id) > (?, ?, ?, ?, ?)
    ORDER BY from_id, to_type, to_id, category, type_id LIMIT ?`,
  scanObjects: 'SELECT * FROM objects WHERE portal_id = ? AND id > ? ORDER BY id LIMIT ?',
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
  allAssociationsOf: `SELECT from_type, from_id, to_type, to_id, category, type_id FROM associations
    WHERE portal_id = ? AND from_id = ? ORDER BY to_type, to_id, category, type_id`,
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
  listSchemas: 'SELECT * FROM object_schemas WHERE portal_id = ? ORDER BY created_at, object_type_id',
  getSchema: 'SELECT * FROM object_schemas WHERE portal_id = ? AND object_type_id = ?',
  insertSchema: `INSERT INTO object_schemas (portal_id, object_type_id, name, definition, created_at, updated_at, archived_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,
  updateSchema: `UPDATE object_schemas SET name = ?, definition = ?, updated_at = ?, archived_at = ?
    WHERE portal_id = ? AND object_type_id = ?`,
  deleteSchema: 'DELETE FROM object_schemas WHERE portal_id = ? AND object_type_id = ?',
  nextCounter: `INSERT INTO counters (portal_id, name, value) VALUES (?, ?, ?)
    ON CONFLICT (portal_id, name) DO UPDATE SET value = value + excluded.value RETURNING value`,
} as const;

type StatementName = keyof typeof SQL;

/**
 * The queries, run directly on the connection. Statements execute synchronously; the async
 * signatures only satisfy the Store interface. Callers must hold the store's lock.
 */
class SqliteQueries implements StoreTransaction {
  readonly #db: Database;
  readonly #statements = new Map<StatementName, Statement>();
  readonly catalog: CatalogCache;
  readonly #entries: SqliteCatalog;
  readonly webhooks: WebhookStore;

  constructor(db: Database) {
    this.#db = db;
    this.catalog = new CatalogCache(db);
    this.#entries = new SqliteCatalog(db);
    const statements = new Map<string, Statement>();
    this.webhooks = new WebhookStore(
      async (sql, params) => {
        let statement = statements.get(sql);
        if (!statement) statements.set(sql, (statement = db.prepare(sql)));
        if (statement.reader) return statement.all(...params) as Array<Record<string, unknown>>;
        statement.run(...params);
        return [];
      },
      { skipLocked: '' },
    );
  }

  listCatalog: StoreReader['listCatalog'] = (...args) => this.#entries.listCatalog(...args);
  getCatalog: StoreReader['getCatalog'] = (...args) => this.#entries.getCatalog(...args);
  getPortalSetting: StoreReader['getPortalSetting'] = (...args) => this.#entries.getPortalSetting(...args);
  putCatalog: StoreTransaction['putCatalog'] = (...args) => this.#entries.putCatalog(...args);
  deleteCatalog: StoreTransaction['deleteCatalog'] = (...args) => this.#entries.deleteCatalog(...args);
  setPortalSetting: StoreTransaction['setPortalSetting'] = (...args) =>
    this.#entries.setPortalSetting(...args);

  #stmt(name: StatementName, options: { raw?: boolean } = {}): Statement {
    let statement = this.#statements.get(name);
    if (!statement) {
      statement = this.#db.prepare(SQL[name]);
      if (options.raw) statement.raw(true);
      this.#statements.set(name, statement);
    }
    return statement;
  }

  async getObject(portalId: number, id: number): Promise<ObjectRow | undefined> {
    const row = this.#stmt('getObject').get(portalId, id) as ObjectDbRow | undefined;
    return row && toObjectRow(row);
  }

  async listPortalIds(): Promise<number[]> {
    return (this.#stmt('portalIds').all() as Array<{ portal_id: number }>).map((r) => r.portal_id);
  }

  async findToken(token: string): Promise<TokenRow | undefined> {
    const row = this.#stmt('findToken').get(token) as TokenDbRow | undefined;
    return row && toTokenRow(row);
  }

  async listTokens(portalId?: number): Promise<TokenRow[]> {
    const rows =
      portalId === undefined ? this.#stmt('allTokens').all() : this.#stmt('portalTokens').all(portalId);
    return (rows as TokenDbRow[]).map(toTokenRow);
  }

  async getCounters(portalId: number): Promise<Record<string, number>> {
    const rows = this.#stmt('counters').all(portalId) as Array<{ name: string; value: number }>;
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  async historyOf(portalId: number, objectIds: readonly number[]): Promise<HistoryRow[]> {
    if (objectIds.length === 0) return [];
    return (this.#stmt('historyOf').all(portalId, JSON.stringify(objectIds)) as HistoryDbRow[]).map(
      toHistoryRow,
    );
  }

  async findFixtureKey(portalId: number, key: string): Promise<number | undefined> {
    return (this.#stmt('findFixtureKey').get(portalId, key) as { object_id: number } | undefined)?.object_id;
  }

  async listFixtureKeys(portalId: number): Promise<Array<[string, number]>> {
    const rows = this.#stmt('listFixtureKeys').all(portalId) as Array<{ key: string; object_id: number }>;
    return rows.map((r) => [r.key, r.object_id]);
  }

  async listSnapshots(portalId: number): Promise<SnapshotInfo[]> {
    return (this.#stmt('listSnapshots').all(portalId) as SnapshotDbRow[]).map(toSnapshotInfo);
  }

  async insertToken(row: TokenRow): Promise<void> {
    try {
      this.#stmt('insertToken').run(
        row.token,
        row.portalId,
        row.user,
        row.userId,
        JSON.stringify(row.scopes),
        row.createdAt,
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new UniqueViolationError('tokens');
      throw error;
    }
  }

  async setCounter(portalId: number, counter: string, value: number): Promise<void> {
    this.#stmt('setCounter').run(portalId, counter, value);
  }

  async setFixtureKey(portalId: number, key: string, objectId: number): Promise<void> {
    this.#stmt('setFixtureKey').run(portalId, key, objectId);
  }

  async resetPortal(portalId: number): Promise<void> {
    for (const table of PORTAL_TABLES) {
      // When no other portal has rows here, an unconditional DELETE takes SQLite's truncate
      // path: a reset of 100,000 rows costs milliseconds instead of a row-by-row delete.
      const others = this.#db
        .prepare(
          `SELECT 1 FROM ${table.name} WHERE portal_id < ? UNION ALL SELECT 1 FROM ${table.name} WHERE portal_id > ?`,
        )
        .get(portalId, portalId);
      if (others) this.#db.prepare(`DELETE FROM ${table.name} WHERE portal_id = ?`).run(portalId);
      else this.#db.prepare(`DELETE FROM ${table.name}`).run();
    }
  }

  async createSnapshot(portalId: number, name: string, createdAt: number): Promise<SnapshotInfo> {
    await this.deleteSnapshot(portalId, name);
    for (const table of PORTAL_TABLES) {
      const columns = columnList(table);
      this.#db
        .prepare(
          `INSERT INTO snapshot_${table.name} (snapshot_name, ${columns}) SELECT ?, ${columns} FROM ${table.name} WHERE portal_id = ?`,
        )
        .run(name, portalId);
    }
    this.#stmt('insertSnapshotRow').run({ portal: portalId, name, at: createdAt });
    return toSnapshotInfo(this.#stmt('getSnapshot').get(portalId, name) as SnapshotDbRow);
  }

  async restoreSnapshot(portalId: number, name: string): Promise<boolean> {
    if (!this.#stmt('getSnapshot').get(portalId, name)) return false;
    await this.resetPortal(portalId);
    for (const table of PORTAL_TABLES) {
      const columns = columnList(table);
      this.#db
        .prepare(
          `INSERT INTO ${table.name} (${columns}) SELECT ${columns} FROM snapshot_${table.name} WHERE portal_id = ? AND snapshot_name = ?`,
        )
        .run(portalId, name);
    }
    return true;
  }

  async deleteSnapshot(portalId: number, name: string): Promise<boolean> {
    for (const table of PORTAL_TABLES) {
      this.#db
        .prepare(`DELETE FROM snapshot_${table.name} WHERE portal_id = ? AND snapshot_name = ?`)
        .run(portalId, name);
    }
    return this.#stmt('deleteSnapshotRow').run(portalId, name).changes > 0;
  }

  async scanAssociations(
    portalId: number,
    after: AssociationRow | undefined,
    limit: number,
  ): Promise<AssociationRow[]> {
    const key = after
      ? [after.fromId, after.toObjectTypeId, after.toId, categoryCode(after.category), after.typeId]
      : [-1, '', -1, -1, -1];
    return (this.#stmt('scanAssociations').all(portalId, ...key, limit) as AssociationDbRow[]).map(
      toAssociationRow,
    );
  }

  async scanObjects(portalId: number, afterId: number | undefined, limit: number): Promise<ObjectRow[]> {
    return (this.#stmt('scanObjects').all(portalId, afterId ?? -1, limit) as ObjectDbRow[]).map(toObjectRow);
  }

  async listObjects(portalId: number, query: ListObjectsQuery): Promise<ObjectRow[]> {
    const statement = this.#stmt(query.archived ? 'listArchivedObjects' : 'listLiveObjects');
    const rows = statement.all(portalId, query.objectTypeId, query.afterId ?? -1, query.limit);
    return (rows as ObjectDbRow[]).map(toObjectRow);
  }

  async findByUniqueValue(
    portalId: number,
    objectTypeId: string,
    property: string,
    value: string,
  ): Promise<number | undefined> {
    const row = this.#stmt('findUnique').get(portalId, objectTypeId, property, value) as
      { object_id: number } | undefined;
    return row?.object_id;
  }

  async getPropertyHistory(
    portalId: number,
    objectId: number,
    names: readonly string[],
  ): Promise<HistoryRow[]> {
    if (names.length === 0) return [];
    const rows = this.#stmt('getHistory').all(portalId, objectId, JSON.stringify(names));
    return (rows as HistoryDbRow[]).map(toHistoryRow);
  }

  async listSchemas(portalId: number): Promise<SchemaRow[]> {
    return (this.#stmt('listSchemas').all(portalId) as SchemaDbRow[]).map(toSchemaRow);
  }

  async getSchema(portalId: number, objectTypeId: string): Promise<SchemaRow | undefined> {
    const row = this.#stmt('getSchema').get(portalId, objectTypeId) as SchemaDbRow | undefined;
    return row && toSchemaRow(row);
  }

  async allAssociationsOf(portalId: number, fromId: number): Promise<AssociationRow[]> {
    return (this.#stmt('allAssociationsOf').all(portalId, fromId) as AssociationDbRow[]).map(
      toAssociationRow,
    );
  }

  async getObjectHeads(portalId: number, ids: readonly number[]): Promise<ObjectHead[]> {
    if (ids.length === 0) return [];
    const rows = this.#stmt('objectHeads', { raw: true }).all(JSON.stringify(ids), portalId) as Array<
      [number, string, number | null]
    >;
    return rows.map(([id, objectTypeId, archivedAt]) => ({ id, objectTypeId, archivedAt }));
  }

  async associationsBetweenMany(
    portalId: number,
    toObjectTypeId: string,
    pairs: ReadonlyArray<readonly [number, number]>,
  ): Promise<AssociationRow[]> {
    if (pairs.length === 0) return [];
    const rows = this.#stmt('associationsBetweenMany').all(JSON.stringify(pairs), portalId, toObjectTypeId);
    return (rows as AssociationDbRow[]).map(toAssociationRow);
  }

  async associationsBetween(portalId: number, from: RecordRef, to: RecordRef): Promise<AssociationRow[]> {
    const rows = this.#stmt('associationsBetween').all(portalId, from.id, to.objectTypeId, to.id);
    return (rows as AssociationDbRow[]).map(toAssociationRow);
  }

  /**
   * Walks the record's rows in key order, skipping archived records, and stops after
   * `limit` distinct records: a page costs the same however many the record has.
   */
  async listAssociations(
    portalId: number,
    queries: readonly ListAssociationsQuery[],
  ): Promise<AssociationRow[][]> {
    const statement = this.#stmt('pageOfAssociations', { raw: true });
    return readRecordPages(queries, (requests) =>
      requests.map(
        (r) => statement.all(portalId, r.fromId, r.toObjectTypeId, r.afterToId, r.rowLimit) as PageRow[],
      ),
    );
  }

  async countAssociations(
    portalId: number,
    fromId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<number> {
    const row = this.#stmt('countAssociations').get(portalId, fromId, categoryCode(category), typeId);
    return (row as { n: number }).n;
  }

  async findAssociationsOfType(
    portalId: number,
    fromId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<AssociationRow[]> {
    const rows = this.#stmt('associationsOfType').all(portalId, fromId, categoryCode(category), typeId);
    return (rows as AssociationDbRow[]).map(toAssociationRow);
  }

  async associationUsage(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
    minCount: number,
  ): Promise<Array<{ fromId: number; count: number }>> {
    const rows = this.#stmt('associationUsage').all(portalId, categoryCode(category), typeId, minCount);
    return (rows as Array<{ from_id: number; n: number }>).map((r) => ({ fromId: r.from_id, count: r.n }));
  }

  async listDefinitions(
    portalId: number,
    fromObjectTypeId?: string,
    toObjectTypeId?: string,
  ): Promise<DefinitionRow[]> {
    return this.#catalogRows(
      ['definitionsPair', 'definitionsAll'],
      toDefinitionRow,
      portalId,
      fromObjectTypeId,
      toObjectTypeId,
    );
  }

  async getDefinition(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<DefinitionRow | undefined> {
    return this.catalog.get(`definition:${portalId}:${category}:${typeId}`, () => {
      const row = this.#stmt('getDefinition').get(portalId, categoryCode(category), typeId);
      return row === undefined ? undefined : toDefinitionRow(row as DefinitionDbRow);
    });
  }

  async listLimits(
    portalId: number,
    fromObjectTypeId?: string,
    toObjectTypeId?: string,
  ): Promise<LimitRow[]> {
    return this.#catalogRows(
      ['limitsPair', 'limitsAll'],
      toLimitRow,
      portalId,
      fromObjectTypeId,
      toObjectTypeId,
    );
  }

  async definitionsBetween(portalId: number, a: string, b: string): Promise<DefinitionRow[]> {
    const forward = await this.listDefinitions(portalId, a, b);
    return a === b ? forward : [...forward, ...(await this.listDefinitions(portalId, b, a))];
  }

  async limitsBetween(portalId: number, a: string, b: string): Promise<LimitRow[]> {
    const forward = await this.listLimits(portalId, a, b);
    return a === b ? forward : [...forward, ...(await this.listLimits(portalId, b, a))];
  }

  /** Catalog rows of one pair of object types, or of the whole portal, through the cache. */
  #catalogRows<Db, Row>(
    [pairStatement, allStatement]: [StatementName, StatementName],
    map: (row: Db) => Row,
    portalId: number,
    fromObjectTypeId?: string,
    toObjectTypeId?: string,
  ): Row[] {
    const pair = fromObjectTypeId !== undefined && toObjectTypeId !== undefined;
    const rows = this.catalog.get(`${pairStatement}:${portalId}:${fromObjectTypeId}:${toObjectTypeId}`, () =>
      (
        (pair
          ? this.#stmt(pairStatement).all(portalId, fromObjectTypeId, toObjectTypeId)
          : this.#stmt(allStatement).all(portalId)) as Db[]
      ).map(map),
    );
    // A copy: callers own what they get, the cache keeps its rows.
    return rows.slice();
  }

  #savepoints = 0;

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const name = `sp${++this.#savepoints}`;
    this.#db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      this.#db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.#db.exec(`ROLLBACK TO ${name}`);
      this.#db.exec(`RELEASE ${name}`);
      this.catalog.invalidate();
      throw error;
    }
  }

  async nextCounterValues(portalId: number, counter: string, count: number): Promise<number[]> {
    const { value } = this.#stmt('nextCounter').get(portalId, counter, count) as { value: number };
    return Array.from({ length: count }, (_, i) => value - count + 1 + i);
  }

  async lockObjects(): Promise<void> {
    // BEGIN IMMEDIATE already holds the database's single write lock.
  }

  async lock(): Promise<void> {
    // Likewise: one writer at a time is every catalog lock at once.
  }

  async insertObjects(portalId: number, rows: readonly ObjectRow[]): Promise<number> {
    const insert = this.#stmt('insertObject');
    let inserted = 0;
    for (const row of rows) {
      inserted += insert.run(
        portalId,
        row.id,
        row.objectTypeId,
        JSON.stringify(row.properties),
        row.createdAt,
        row.updatedAt,
        row.archivedAt,
      ).changes;
    }
    return inserted;
  }

  async updateObject(
    portalId: number,
    id: number,
    properties: PropertyMap,
    updatedAt: number,
  ): Promise<void> {
    this.#stmt('updateObject').run(JSON.stringify(properties), updatedAt, portalId, id);
  }

  async setArchived(portalId: number, ids: readonly number[], archivedAt: number | null): Promise<void> {
    const update = this.#stmt('setArchived');
    for (const id of ids) update.run(archivedAt, portalId, id);
  }

  async deleteObjects(portalId: number, records: readonly RecordRef[]): Promise<void> {
    for (const record of records) {
      this.#stmt('deleteAssociationsTo').run({ portal: portalId, type: record.objectTypeId, id: record.id });
      this.#stmt('deleteAssociationsFrom').run(portalId, record.id);
      this.#stmt('deleteHistory').run(portalId, record.id);
      this.#stmt('releaseUniqueAll').run(portalId, record.id);
      this.#stmt('deleteObject').run(portalId, record.id);
    }
  }

  async claimUniqueValues(portalId: number, rows: readonly UniqueValueRow[]): Promise<void> {
    const claim = this.#stmt('claimUnique');
    try {
      for (const row of rows) claim.run(portalId, row.objectTypeId, row.property, row.value, row.objectId);
    } catch (error) {
      if (isUniqueViolation(error)) throw new UniqueViolationError('unique_values');
      throw error;
    }
  }

  async releaseUniqueValues(
    portalId: number,
    objectId: number,
    properties?: readonly string[],
  ): Promise<void> {
    if (properties === undefined) this.#stmt('releaseUniqueAll').run(portalId, objectId);
    else for (const property of properties) this.#stmt('releaseUniqueOne').run(portalId, objectId, property);
  }

  async appendHistory(portalId: number, rows: readonly HistoryRow[]): Promise<void> {
    const insert = this.#stmt('appendHistory');
    for (const row of rows)
      insert.run(portalId, row.objectId, row.name, row.value, row.timestamp, row.sourceType);
  }

  async insertSchema(portalId: number, row: SchemaRow): Promise<void> {
    try {
      this.#stmt('insertSchema').run(
        portalId,
        row.objectTypeId,
        row.name,
        JSON.stringify(row.definition),
        row.createdAt,
        row.updatedAt,
        row.archivedAt,
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new UniqueViolationError('object_schemas_name');
      throw error;
    }
  }

  async updateSchema(portalId: number, row: SchemaRow): Promise<void> {
    this.#stmt('updateSchema').run(
      row.name,
      JSON.stringify(row.definition),
      row.updatedAt,
      row.archivedAt,
      portalId,
      row.objectTypeId,
    );
  }

  async deleteSchema(portalId: number, objectTypeId: string): Promise<void> {
    this.#stmt('deleteSchema').run(portalId, objectTypeId);
  }

  async insertAssociations(
    portalId: number,
    rows: readonly AssociationRow[],
    inserted?: AssociationRow[],
  ): Promise<number> {
    // One statement per chunk of rows saves most of the per-statement cost of a large batch.
    let count = 0;
    let at = 0;
    if (rows.length >= INSERT_CHUNK) {
      const insertChunk = this.#stmt(inserted ? 'insertAssociationChunkReturning' : 'insertAssociationChunk');
      const values: unknown[] = new Array(INSERT_CHUNK * 7);
      for (; at + INSERT_CHUNK <= rows.length; at += INSERT_CHUNK) {
        for (let i = 0; i < INSERT_CHUNK; i++) writeAssociationValues(values, i * 7, portalId, rows[at + i]!);
        if (inserted) {
          const added = (insertChunk.all(values) as AssociationDbRow[]).map(toAssociationRow);
          inserted.push(...added);
          count += added.length;
        } else count += insertChunk.run(values).changes;
      }
    }
    const insert = this.#stmt('insertAssociation');
    const values: unknown[] = new Array(7);
    for (; at < rows.length; at++) {
      writeAssociationValues(values, 0, portalId, rows[at]!);
      const changes = insert.run(values).changes;
      if (changes > 0) inserted?.push(rows[at]!);
      count += changes;
    }
    return count;
  }

  async deleteAssociations(portalId: number, rows: readonly AssociationRow[]): Promise<number> {
    const remove = this.#stmt('deleteAssociation');
    let deleted = 0;
    for (const row of rows) {
      deleted += remove.run(
        portalId,
        row.fromId,
        row.toObjectTypeId,
        row.toId,
        categoryCode(row.category),
        row.typeId,
      ).changes;
    }
    return deleted;
  }

  async deleteAssociationsBetween(portalId: number, a: RecordRef, b: RecordRef): Promise<number> {
    const remove = this.#stmt('deleteBetween');
    return (
      remove.run(portalId, a.id, b.objectTypeId, b.id).changes +
      remove.run(portalId, b.id, a.objectTypeId, a.id).changes
    );
  }

  async deleteAssociationsOfPairs(
    portalId: number,
    fromObjectTypeId: string,
    toObjectTypeId: string,
    pairs: ReadonlyArray<readonly [number, number]>,
  ): Promise<number> {
    const remove = this.#stmt('deleteBetween');
    let deleted = 0;
    for (const [fromId, toId] of pairs) {
      deleted += remove.run(portalId, fromId, toObjectTypeId, toId).changes;
      deleted += remove.run(portalId, toId, fromObjectTypeId, fromId).changes;
    }
    return deleted;
  }

  async insertDefinitions(portalId: number, rows: readonly DefinitionRow[]): Promise<void> {
    const insert = this.#stmt('insertDefinition');
    try {
      for (const row of rows) {
        insert.run(
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
        );
      }
    } catch (error) {
      if (isUniqueViolation(error)) throw new UniqueViolationError('association_definitions_name');
      throw error;
    }
  }

  async updateDefinitionLabel(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
    label: string,
  ): Promise<void> {
    this.#stmt('updateDefinitionLabel').run(label, portalId, categoryCode(category), typeId);
  }

  async deleteDefinitions(
    portalId: number,
    category: AssociationCategory,
    typeIds: readonly number[],
  ): Promise<void> {
    const remove = this.#stmt('deleteDefinition');
    for (const typeId of typeIds) remove.run(portalId, categoryCode(category), typeId);
  }

  async isDefinitionInUse(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean> {
    return this.#stmt('definitionInUse').get(portalId, categoryCode(category), typeId) !== undefined;
  }

  async upsertLimit(portalId: number, row: LimitRow): Promise<void> {
    this.#stmt('upsertLimit').run(
      portalId,
      categoryCode(row.category),
      row.typeId,
      row.fromObjectTypeId,
      row.toObjectTypeId,
      row.maxToObjectIds,
    );
  }

  async deleteLimit(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean> {
    return this.#stmt('deleteLimit').run(portalId, categoryCode(category), typeId).changes > 0;
  }
}

export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities = { kind: 'sqlite', serializedWrites: true };
  readonly description: string;
  readonly inspection: InspectionReader;
  readonly rateLimits: RateLimitStore;
  readonly #db: Database;
  readonly #queries: SqliteQueries;
  readonly #lock: AsyncLock;
  readonly #groups: GroupCommit<StoreTransaction>;

  /** The database file, for connections of their own (long snapshots); undefined in memory. */
  readonly #file: string | undefined;

  constructor(db: Database, description: string, writeWaitMs = DEFAULT_WRITE_WAIT_MS, file?: string) {
    this.#db = db;
    this.#file = file;
    this.description = description;
    migrateSqlite(db);
    this.#queries = new SqliteQueries(db);
    this.#lock = new AsyncLock(() => this.#queries.catalog.expire());
    this.#groups = new GroupCommit<StoreTransaction>(
      db,
      this.#lock,
      this.#queries,
      () => this.#queries.catalog.invalidate(),
      writeWaitMs,
    );
    this.rateLimits = new SqliteRateLimits(
      db,
      (fn) => this.#lock.run(fn),
      (fn) => this.#groups.run(async () => fn()),
    );
    const statements = new Map<string, Statement>();
    const changes = db.prepare('SELECT total_changes()').pluck();
    this.inspection = new SqlInspection(
      (sql, params) =>
        this.#lock.run(() => {
          let statement = statements.get(sql);
          if (!statement) statements.set(sql, (statement = db.prepare(sql)));
          return statement.all(...params) as Array<Record<string, unknown>>;
        }),
      // This connection's writes (rolled back ones too), and other processes' commits.
      () => this.#lock.run(() => `${changes.get()}:${db.pragma('data_version', { simple: true })}`),
    );
  }

  async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#groups.run(fn);
      } catch (error) {
        // Writes are serialized, so what a transaction read cannot change under it; a rerun
        // is asked for only defensively, and granted a few times.
        if (error instanceof TransactionRetry && attempt < 3) continue;
        throw error;
      }
    }
  }

  /**
   * A deferred read transaction; on the shared connection, it holds the lock until it ends.
   * A long one (a file database) opens a connection of its own: WAL gives it a snapshot
   * while this connection goes on writing and reading.
   */
  async readSnapshot<T>(fn: (reader: StoreReader) => Promise<T>, options?: { long?: boolean }): Promise<T> {
    if (options?.long && this.#file !== undefined) {
      const db = new BetterSqlite3(this.#file, { fileMustExist: true });
      try {
        db.pragma('busy_timeout = 5000');
        db.exec('BEGIN');
        return await fn(new SqliteQueries(db));
      } finally {
        if (db.inTransaction) db.exec('COMMIT');
        db.close();
      }
    }
    return this.#lock.run(async () => {
      this.#db.exec('BEGIN');
      try {
        return await fn(this.#queries);
      } finally {
        this.#db.exec('COMMIT');
      }
    });
  }

  async close(): Promise<void> {
    await this.#lock.run(() => this.#db.close());
  }

  // Reads outside a transaction wait for a running one, so they never see its uncommitted rows.
  getObject: StoreReader['getObject'] = (...args) => this.#lock.run(() => this.#queries.getObject(...args));
  listPortalIds: StoreReader['listPortalIds'] = (...args) =>
    this.#lock.run(() => this.#queries.listPortalIds(...args));
  findToken: StoreReader['findToken'] = (...args) => this.#lock.run(() => this.#queries.findToken(...args));
  listTokens: StoreReader['listTokens'] = (...args) =>
    this.#lock.run(() => this.#queries.listTokens(...args));
  getCounters: StoreReader['getCounters'] = (...args) =>
    this.#lock.run(() => this.#queries.getCounters(...args));
  historyOf: StoreReader['historyOf'] = (...args) => this.#lock.run(() => this.#queries.historyOf(...args));
  findFixtureKey: StoreReader['findFixtureKey'] = (...args) =>
    this.#lock.run(() => this.#queries.findFixtureKey(...args));
  listFixtureKeys: StoreReader['listFixtureKeys'] = (...args) =>
    this.#lock.run(() => this.#queries.listFixtureKeys(...args));
  listSnapshots: StoreReader['listSnapshots'] = (...args) =>
    this.#lock.run(() => this.#queries.listSnapshots(...args));
  scanAssociations: StoreReader['scanAssociations'] = (...args) =>
    this.#lock.run(() => this.#queries.scanAssociations(...args));
  scanObjects: StoreReader['scanObjects'] = (...args) =>
    this.#lock.run(() => this.#queries.scanObjects(...args));
  listObjects: StoreReader['listObjects'] = (...args) =>
    this.#lock.run(() => this.#queries.listObjects(...args));
  findByUniqueValue: StoreReader['findByUniqueValue'] = (...args) =>
    this.#lock.run(() => this.#queries.findByUniqueValue(...args));
  getPropertyHistory: StoreReader['getPropertyHistory'] = (...args) =>
    this.#lock.run(() => this.#queries.getPropertyHistory(...args));
  listSchemas: StoreReader['listSchemas'] = (...args) =>
    this.#lock.run(() => this.#queries.listSchemas(...args));
  getSchema: StoreReader['getSchema'] = (...args) => this.#lock.run(() => this.#queries.getSchema(...args));
  listCatalog: StoreReader['listCatalog'] = (...args) =>
    this.#lock.run(() => this.#queries.listCatalog(...args));
  getCatalog: StoreReader['getCatalog'] = (...args) =>
    this.#lock.run(() => this.#queries.getCatalog(...args));
  getPortalSetting: StoreReader['getPortalSetting'] = (...args) =>
    this.#lock.run(() => this.#queries.getPortalSetting(...args));
  allAssociationsOf: StoreReader['allAssociationsOf'] = (...args) =>
    this.#lock.run(() => this.#queries.allAssociationsOf(...args));
  getObjectHeads: StoreReader['getObjectHeads'] = (...args) =>
    this.#lock.run(() => this.#queries.getObjectHeads(...args));
  associationsBetweenMany: StoreReader['associationsBetweenMany'] = (...args) =>
    this.#lock.run(() => this.#queries.associationsBetweenMany(...args));
  associationsBetween: StoreReader['associationsBetween'] = (...args) =>
    this.#lock.run(() => this.#queries.associationsBetween(...args));
  listAssociations: StoreReader['listAssociations'] = (...args) =>
    this.#lock.run(() => this.#queries.listAssociations(...args));
  countAssociations: StoreReader['countAssociations'] = (...args) =>
    this.#lock.run(() => this.#queries.countAssociations(...args));
  findAssociationsOfType: StoreReader['findAssociationsOfType'] = (...args) =>
    this.#lock.run(() => this.#queries.findAssociationsOfType(...args));
  associationUsage: StoreReader['associationUsage'] = (...args) =>
    this.#lock.run(() => this.#queries.associationUsage(...args));
  listDefinitions: StoreReader['listDefinitions'] = (...args) =>
    this.#lock.run(() => this.#queries.listDefinitions(...args));
  getDefinition: StoreReader['getDefinition'] = (...args) =>
    this.#lock.run(() => this.#queries.getDefinition(...args));
  listLimits: StoreReader['listLimits'] = (...args) =>
    this.#lock.run(() => this.#queries.listLimits(...args));
  definitionsBetween: StoreReader['definitionsBetween'] = (...args) =>
    this.#lock.run(() => this.#queries.definitionsBetween(...args));
  limitsBetween: StoreReader['limitsBetween'] = (...args) =>
    this.#lock.run(() => this.#queries.limitsBetween(...args));
}

/** A write waits this long for another process's transaction before it answers 503. */
export const DEFAULT_WRITE_WAIT_MS = 300_000;

/** Opens (or creates) a SQLite store at a file path, or in memory for `:memory:`. */
export function openSqliteStore(location: string, options: SqliteStoreOptions = {}): SqliteStore {
  const inMemory = location === ':memory:';
  if (!inMemory) {
    mkdirSync(dirname(location), { recursive: true });
    // The database holds every portal's data: only its owner may read it. SQLite creates
    // the -wal and -shm files with the database file's mode.
    closeSync(openSync(location, 'a', 0o600));
  }
  const db = new BetterSqlite3(location);
  if (!inMemory) db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a killed process loses nothing that was committed.
  db.pragma('synchronous = NORMAL');
  // Short: a blocking wait stalls every request of this process. Longer waits happen
  // between attempts, off the event loop (group-commit.ts).
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 50}`);
  db.pragma('cache_size = -65536');
  // Checkpoint the WAL in bigger steps (16 MB): a bulk restore or import then commits
  // without copying its pages back into the database file on the spot.
  db.pragma('wal_autocheckpoint = 4000');
  return new SqliteStore(db, `sqlite ${location}`, options.writeWaitMs, inMemory ? undefined : location);
}
