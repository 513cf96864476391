/**
 * The SQLite store's read queries, on one connection: the store runs them under its lock,
 * a transaction (SqliteTransaction extends this class) inside BEGIN IMMEDIATE.
 */
import { RoleReadsBase } from '../role-delegation.js';
import type { Database, Statement } from 'better-sqlite3';
import type { AssociationCategory } from '../category-codes.js';
import { categoryCode } from '../category-codes.js';
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
  RecordRef,
  SchemaRow,
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
} from '../row-mappers.js';
import { readRecordPages } from '../record-pages.js';
import { WebhookStore } from '../webhooks.js';
import { CatalogCache } from './catalog-cache.js';
import { SqliteCatalog } from './sqlite-catalog.js';
import { sqliteChunks } from './sqlite-pages.js';
import { SqlitePortalAdmin } from './sqlite-portal-admin.js';
import { SQL, type StatementName } from './sqlite-statements.js';

/**
 * The reads, run directly on the connection. Statements execute synchronously; the async
 * signatures only satisfy the Store interface. Callers must hold the store's lock.
 */
export class SqliteReads extends RoleReadsBase implements StoreReader {
  protected readonly db: Database;
  readonly #statements = new Map<StatementName, Statement>();
  readonly catalog: CatalogCache;
  readonly entries: SqliteCatalog;
  /** A portal's admin queries (sqlite-portal-admin.ts); reads here, writes in the transaction. */
  readonly portalAdmin: SqlitePortalAdmin;
  readonly webhooks: WebhookStore;

  constructor(db: Database) {
    super();
    this.db = db;
    this.catalog = new CatalogCache(db);
    this.entries = new SqliteCatalog(db);
    this.portalAdmin = new SqlitePortalAdmin(db, (name) => this.stmt(name));
    const statements = new Map<string, Statement>();
    this.webhooks = new WebhookStore(
      async (sql, params) => {
        let statement = statements.get(sql);
        if (!statement) statements.set(sql, (statement = db.prepare(sql)));
        if (statement.reader) return statement.all(...params) as Array<Record<string, unknown>>;
        statement.run(...params);
        return [];
      },
      { skipLocked: '', forUpdate: '' },
    );
  }

  protected stmt(name: StatementName, options: { raw?: boolean; pluck?: boolean } = {}): Statement {
    let statement = this.#statements.get(name);
    if (!statement) {
      statement = this.db.prepare(SQL[name]);
      if (options.raw) statement.raw(true);
      if (options.pluck) statement.pluck(true);
      this.#statements.set(name, statement);
    }
    return statement;
  }

  async getObject(portalId: number, id: number): Promise<ObjectRow | undefined> {
    const row = this.stmt('getObject').get(portalId, id) as ObjectDbRow | undefined;
    return row && toObjectRow(row);
  }

  async historyOf(portalId: number, objectIds: readonly number[]): Promise<HistoryRow[]> {
    if (objectIds.length === 0) return [];
    return (this.stmt('historyOf').all(portalId, JSON.stringify(objectIds)) as HistoryDbRow[]).map(
      toHistoryRow,
    );
  }

  async scanAssociations(
    portalId: number,
    after: AssociationRow | undefined,
    limit: number,
  ): Promise<AssociationRow[]> {
    const key = after
      ? [after.fromId, after.toObjectTypeId, after.toId, categoryCode(after.category), after.typeId]
      : [-1, '', -1, -1, -1];
    return (this.stmt('scanAssociations').all(portalId, ...key, limit) as AssociationDbRow[]).map(
      toAssociationRow,
    );
  }

  async scanObjects(portalId: number, afterId: number | undefined, limit: number): Promise<ObjectRow[]> {
    return (this.stmt('scanObjects').all(portalId, afterId ?? -1, limit) as ObjectDbRow[]).map(toObjectRow);
  }

  async listObjects(portalId: number, query: ListObjectsQuery): Promise<ObjectRow[]> {
    const statement = this.stmt(query.archived ? 'listArchivedObjects' : 'listLiveObjects');
    const rows = statement.all(portalId, query.objectTypeId, query.afterId ?? -1, query.limit);
    return (rows as ObjectDbRow[]).map(toObjectRow);
  }

  async findByUniqueValue(
    portalId: number,
    objectTypeId: string,
    property: string,
    value: string,
  ): Promise<number | undefined> {
    const row = this.stmt('findUnique').get(portalId, objectTypeId, property, value) as
      { object_id: number } | undefined;
    return row?.object_id;
  }

  async getPropertyHistory(
    portalId: number,
    objectId: number,
    names: readonly string[],
  ): Promise<HistoryRow[]> {
    if (names.length === 0) return [];
    const rows = this.stmt('getHistory').all(portalId, objectId, JSON.stringify(names));
    return (rows as HistoryDbRow[]).map(toHistoryRow);
  }

  async listSchemas(portalId: number): Promise<SchemaRow[]> {
    return (this.stmt('listSchemas').all(portalId) as SchemaDbRow[]).map(toSchemaRow);
  }

  async getSchema(portalId: number, objectTypeId: string): Promise<SchemaRow | undefined> {
    const row = this.stmt('getSchema').get(portalId, objectTypeId) as SchemaDbRow | undefined;
    return row && toSchemaRow(row);
  }

  async allAssociationsOf(portalId: number, fromId: number): Promise<AssociationRow[]> {
    return (this.stmt('allAssociationsOf').all(portalId, fromId) as AssociationDbRow[]).map(toAssociationRow);
  }

  async getObjectHeads(portalId: number, ids: readonly number[]): Promise<ObjectHead[]> {
    if (ids.length === 0) return [];
    const rows = this.stmt('objectHeads', { raw: true }).all(JSON.stringify(ids), portalId) as Array<
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
    const rows = this.stmt('associationsBetweenMany').all(JSON.stringify(pairs), portalId, toObjectTypeId);
    return (rows as AssociationDbRow[]).map(toAssociationRow);
  }

  async associationsBetween(portalId: number, from: RecordRef, to: RecordRef): Promise<AssociationRow[]> {
    const rows = this.stmt('associationsBetween').all(portalId, from.id, to.objectTypeId, to.id);
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
    return readRecordPages(
      queries,
      sqliteChunks((name, options) => this.stmt(name, options), portalId),
    );
  }

  async countAssociations(
    portalId: number,
    fromId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<number> {
    const row = this.stmt('countAssociations').get(portalId, fromId, categoryCode(category), typeId);
    return (row as { n: number }).n;
  }

  async findAssociationsOfType(
    portalId: number,
    fromId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<AssociationRow[]> {
    const rows = this.stmt('associationsOfType').all(portalId, fromId, categoryCode(category), typeId);
    return (rows as AssociationDbRow[]).map(toAssociationRow);
  }

  async associationUsage(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
    minCount: number,
  ): Promise<Array<{ fromId: number; count: number }>> {
    const rows = this.stmt('associationUsage').all(portalId, categoryCode(category), typeId, minCount);
    return (rows as Array<{ from_id: number; n: number }>).map((r) => ({ fromId: r.from_id, count: r.n }));
  }

  listDefinitions: StoreReader['listDefinitions'] = async (portalId, from, to) =>
    this.#catalogRows(['definitionsPair', 'definitionsAll'], toDefinitionRow, portalId, from, to);

  async getDefinition(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<DefinitionRow | undefined> {
    return this.catalog.get(`definition:${portalId}:${category}:${typeId}`, () => {
      const row = this.stmt('getDefinition').get(portalId, categoryCode(category), typeId);
      return row === undefined ? undefined : toDefinitionRow(row as DefinitionDbRow);
    });
  }

  listLimits: StoreReader['listLimits'] = async (portalId, from, to) =>
    this.#catalogRows(['limitsPair', 'limitsAll'], toLimitRow, portalId, from, to);

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
          ? this.stmt(pairStatement).all(portalId, fromObjectTypeId, toObjectTypeId)
          : this.stmt(allStatement).all(portalId)) as Db[]
      ).map(map),
    );
    // A copy: callers own what they get, the cache keeps its rows.
    return rows.slice();
  }

  async isDefinitionInUse(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean> {
    return this.stmt('definitionInUse').get(portalId, categoryCode(category), typeId) !== undefined;
  }
}
