/**
 * The PostgreSQL store's read queries, against the pool (the store's reads) or a
 * transaction's client: PostgresTransaction extends this class, and the store extends that.
 */
import { RoleReadsBase } from '../role-delegation.js';
import type { QueryArrayConfig } from 'pg';
import type { AssociationCategory } from '../category-codes.js';
import { categoryCode } from '../category-codes.js';
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
} from '../row-mappers.js';
import type {
  AssociationRow,
  DefinitionRow,
  LimitRow,
  HistoryRow,
  ListAssociationsQuery,
  ObjectHead,
  ListObjectsQuery,
  ObjectRow,
  RecordRef,
  SchemaRow,
  StoreReader,
} from '../store.js';
import { numberedPlaceholders } from '../inspection.js';
import { PostgresCatalog } from './postgres-catalog.js';
import { PostgresPortalAdmin } from './postgres-portal-admin.js';
import { catalogKey, pairKey, type PairCatalogRows } from './postgres-lock-reads.js';
import { Pipeline } from './postgres-pipeline.js';
import { SQL, type Queryable } from './postgres-statements.js';
import { readRecordPages, type PageRow } from '../record-pages.js';
import { LISTENERS_SQL, WebhookStore } from '../webhooks.js';

/** The order definitionsBetween and limitsBetween read in: a→b rows first. */
function orderPairCatalog(rows: PairCatalogRows, a: string, b: string): PairCatalogRows {
  const forward = (r: { from_type: string; to_type: string }) =>
    r.from_type === a && r.to_type === b ? 0 : 1;
  return {
    definitions: [...rows.definitions].sort(
      (x, y) => forward(x) - forward(y) || x.created_at - y.created_at || x.type_id - y.type_id,
    ),
    limits: [...rows.limits].sort(
      (x, y) => forward(x) - forward(y) || x.category - y.category || x.type_id - y.type_id,
    ),
  };
}

/** The reads, on whichever `db` it is given: the store's pool, or a transaction's client. */
export class PostgresReads extends RoleReadsBase implements StoreReader {
  readonly entries: PostgresCatalog;
  /** A portal's admin queries (postgres-portal-admin.ts); reads here, writes in the transaction. */
  readonly portalAdmin: PostgresPortalAdmin;
  readonly webhooks: WebhookStore;

  constructor(protected readonly db: Queryable) {
    super();
    this.entries = new PostgresCatalog({
      query: async (sql: string, params: unknown[]) => {
        // A type's properties and the validation setting may have come with its lock (D65).
        const rows = this.takeAhead<unknown[]>(catalogKey(sql, params));
        return rows ? { rows } : (db as Pipeline).query(sql, params);
      },
    });
    this.portalAdmin = new PostgresPortalAdmin(db);
    this.webhooks = new WebhookStore(
      async (sql, params) =>
        // Who hears of a change is read right after the write that made it (D65).
        (sql === LISTENERS_SQL ? this.takeAhead<unknown[]>(`listeners:${String(params[0])}`) : undefined) ??
        (await db.query(numberedPlaceholders(sql), params as unknown[])).rows,
      {
        skipLocked: ' FOR UPDATE SKIP LOCKED',
        forUpdate: ' FOR UPDATE',
        // Never backwards: nextval, or the largest ID, whichever is greater.
        syncSequence: (table, column) =>
          `SELECT setval(pg_get_serial_sequence('${table}', '${column}'), GREATEST(
             nextval(pg_get_serial_sequence('${table}', '${column}')), (SELECT MAX(${column}) FROM ${table})))`,
      },
    );
  }

  /**
   * A read a write transaction's previous statement answered ahead (decision D65): served
   * only if it is asked for as the transaction's very next statement, so it is what that
   * statement would have read, only from a moment a few microseconds earlier.
   */
  #ahead: { at: number; values: Map<string, unknown> } | undefined;

  protected keepAhead(key: string, value: unknown): void {
    if (!(this.db instanceof Pipeline) || !this.db.writes) return;
    const at = this.db.statements;
    if (this.#ahead?.at !== at) this.#ahead = { at, values: new Map() };
    this.#ahead.values.set(key, value);
  }

  /** Answered reads stay valid while the transaction issues no statement: asking twice is fine. */
  protected takeAhead<T>(key: string): T | undefined {
    const ahead = this.#ahead;
    if (!ahead || !(this.db instanceof Pipeline) || this.db.statements !== ahead.at) return undefined;
    return ahead.values.get(key) as T | undefined;
  }

  async #rows<T>(sql: string, params: unknown[]): Promise<T[]> {
    return (await this.db.query(sql, params)).rows as T[];
  }

  async getObject(portalId: number, id: number): Promise<ObjectRow | undefined> {
    const [row] = await this.#rows<ObjectDbRow>(SQL.getObject, [portalId, id]);
    return row && toObjectRow(row);
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

  async scanAssociations(
    portalId: number,
    after: AssociationRow | undefined,
    limit: number,
  ): Promise<AssociationRow[]> {
    const key = after
      ? [after.fromId, after.toObjectTypeId, after.toId, categoryCode(after.category), after.typeId]
      : [-1, '', -1, -1, -1];
    const rows = await this.#rows<AssociationDbRow>(SQL.scanAssociations, [portalId, ...key, limit]);
    return rows.map(toAssociationRow);
  }

  async scanObjects(portalId: number, afterId: number | undefined, limit: number): Promise<ObjectRow[]> {
    const rows = await this.#rows<ObjectDbRow>(SQL.scanObjects, [portalId, afterId ?? -1, limit]);
    return rows.map(toObjectRow);
  }

  async listObjects(portalId: number, query: ListObjectsQuery): Promise<ObjectRow[]> {
    const rows = await this.#rows<ObjectDbRow>(
      `SELECT id, object_type, properties, created_at, updated_at, archived_at FROM objects
       WHERE portal_id = $1 AND object_type = $2 AND id > $3
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
    const rows = await this.#rows<SchemaDbRow>(SQL.listSchemas, [portalId]);
    return rows.map(toSchemaRow);
  }

  async getSchema(portalId: number, objectTypeId: string): Promise<SchemaRow | undefined> {
    const [row] = await this.#rows<SchemaDbRow>(SQL.getSchema, [portalId, objectTypeId]);
    return row && toSchemaRow(row);
  }

  async allAssociationsOf(portalId: number, fromId: number): Promise<AssociationRow[]> {
    const rows = await this.#rows<AssociationDbRow>(SQL.allAssociationsOf, [portalId, fromId]);
    return rows.map(toAssociationRow);
  }

  async getObjectHeads(portalId: number, ids: readonly number[]): Promise<ObjectHead[]> {
    if (ids.length === 0) return [];
    // Right after lockObjects, which read the heads of the records it locked.
    const locked = this.takeAhead<{ ids: Set<number>; heads: Map<number, ObjectHead> }>(`heads:${portalId}`);
    if (locked && ids.every((id) => locked.ids.has(id))) {
      return [...new Set(ids)].flatMap((id) => locked.heads.get(id) ?? []);
    }
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
    const rows = await this.#rows<AssociationDbRow>(SQL.associationsBetween, [
      portalId,
      from.id,
      to.objectTypeId,
      to.id,
    ]);
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
    const rows = await this.#rows<AssociationDbRow>(SQL.associationsOfType, [
      portalId,
      fromId,
      categoryCode(category),
      typeId,
    ]);
    return rows.map(toAssociationRow);
  }

  async countAssociations(
    portalId: number,
    fromId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<number> {
    const [row] = await this.#rows<{ n: number }>(SQL.countAssociations, [
      portalId,
      fromId,
      categoryCode(category),
      typeId,
    ]);
    return row!.n;
  }

  async associationUsage(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
    minCount: number,
  ): Promise<Array<{ fromId: number; count: number }>> {
    const rows = await this.#rows<{ from_id: number; n: number }>(SQL.associationUsage, [
      portalId,
      categoryCode(category),
      typeId,
      minCount,
    ]);
    return rows.map((r) => ({ fromId: r.from_id, count: r.n }));
  }

  listDefinitions: StoreReader['listDefinitions'] = async (portalId, from, to) =>
    (
      await this.#catalogRows<DefinitionDbRow>(SQL.definitionsPair, SQL.definitionsAll, portalId, from, to)
    ).map(toDefinitionRow);

  async getDefinition(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<DefinitionRow | undefined> {
    const [row] = await this.#rows<DefinitionDbRow>(SQL.getDefinition, [
      portalId,
      categoryCode(category),
      typeId,
    ]);
    return row && toDefinitionRow(row);
  }

  listLimits: StoreReader['listLimits'] = async (portalId, from, to) =>
    (await this.#catalogRows<LimitDbRow>(SQL.limitsPair, SQL.limitsAll, portalId, from, to)).map(toLimitRow);

  /** A catalog table's rows of one direction (`from` and `to` given), or all of the portal's. */
  #catalogRows<T>(
    pairSql: string,
    allSql: string,
    portalId: number,
    from?: string,
    to?: string,
  ): Promise<T[]> {
    return from !== undefined && to !== undefined
      ? this.#rows<T>(pairSql, [portalId, from, to])
      : this.#rows<T>(allSql, [portalId]);
  }

  // Both directions in one statement: every association write reads these, and each round
  // trip to the server costs more than the query. In a write transaction the pair's limits
  // come with its definitions (every association write reads limits next), and both may
  // already have come with the pair's catalog lock (answered ahead, see #ahead).
  async definitionsBetween(portalId: number, a: string, b: string): Promise<DefinitionRow[]> {
    if (this.db instanceof Pipeline && this.db.writes) {
      const catalog =
        this.takeAhead<PairCatalogRows>(pairKey(portalId, a, b)) ??
        (await this.#rows<PairCatalogRows>(SQL.pairCatalog, [portalId, a, b]))[0]!;
      const { definitions, limits } = orderPairCatalog(catalog, a, b);
      this.keepAhead(`limits:${portalId}:${a}:${b}`, limits.map(toLimitRow));
      return definitions.map(toDefinitionRow);
    }
    const rows = await this.#rows<DefinitionDbRow>(
      `SELECT * FROM association_definitions
       WHERE portal_id = $1 AND ((from_type = $2 AND to_type = $3) OR (from_type = $3 AND to_type = $2))
       ORDER BY from_type = $2 AND to_type = $3 DESC, created_at, type_id`,
      [portalId, a, b],
    );
    return rows.map(toDefinitionRow);
  }

  async limitsBetween(portalId: number, a: string, b: string): Promise<LimitRow[]> {
    const ahead = this.takeAhead<LimitRow[]>(`limits:${portalId}:${a}:${b}`);
    if (ahead) return ahead;
    const rows = await this.#rows<LimitDbRow>(
      `SELECT * FROM association_limits
       WHERE portal_id = $1 AND ((from_type = $2 AND to_type = $3) OR (from_type = $3 AND to_type = $2))
       ORDER BY from_type = $2 AND to_type = $3 DESC, category, type_id`,
      [portalId, a, b],
    );
    return rows.map(toLimitRow);
  }

  async isDefinitionInUse(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean> {
    const rows = await this.#rows(SQL.definitionInUse, [portalId, categoryCode(category), typeId]);
    return rows.length > 0;
  }
}
