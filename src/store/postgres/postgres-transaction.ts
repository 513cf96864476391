/**
 * A PostgreSQL transaction: the writes, savepoints, counters and locks, on one pooled
 * client inside BEGIN … COMMIT (PostgresStore.transaction). Reads come from PostgresReads.
 */
import { withRoleWrites } from '../role-delegation.js';
import type { AssociationCategory } from '../category-codes.js';
import { categoryCode } from '../category-codes.js';
import { definitionParams } from '../definition-keys.js';
import { toAssociationRow, type AssociationDbRow } from '../row-mappers.js';
import { UniqueViolationError } from '../store-errors.js';
import type {
  AssociationRow,
  DefinitionRow,
  LimitRow,
  HistoryRow,
  LockMode,
  LockRequest,
  ObjectHead,
  ObjectRow,
  PropertyMap,
  RecordRef,
  SchemaRow,
  UniqueValueRow,
  StoreTransaction,
} from '../store.js';
import { Pipeline } from './postgres-pipeline.js';
import { lockedAnswers, lockReadArguments, type LockedReads } from './postgres-lock-reads.js';
import { PostgresReads } from './postgres-reads.js';
import { hash32, LOCK_SCOPES, ROW_LOCKS, SQL } from './postgres-statements.js';

/**
 * The writes. PostgresStore extends this class too (as it extended the single class before),
 * but only `transaction` calls a write, on its own client: the Store interface has none.
 */
export class PostgresTransaction extends withRoleWrites(PostgresReads) implements StoreTransaction {
  #savepoints = 0;

  /**
   * A statement whose result nobody reads: on a pipelined transaction it is sent and not
   * waited for (postgres-pipeline.ts); anywhere else it is run as usual.
   */
  protected async send(text: string, params?: unknown[]): Promise<void> {
    if (this.db instanceof Pipeline) this.db.send(text, params);
    else await this.db.query(text, params);
  }

  /** NOTIFYs sent when, and only if, this transaction commits (postgres-change-relay.ts). */
  async notifyOnCommit(channel: string, payloads: readonly string[]): Promise<void> {
    await this.send('SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n', [
      channel,
      payloads,
    ]);
  }

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const name = `sp${++this.#savepoints}`;
    await this.send(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      // Waited for: a statement sent inside the savepoint that failed fails it here.
      await this.db.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      if (this.db instanceof Pipeline) await this.db.forgetFailures();
      await this.send(`ROLLBACK TO SAVEPOINT ${name}`);
      await this.send(`RELEASE SAVEPOINT ${name}`);
      throw error;
    }
  }

  async nextCounterValues(portalId: number, counter: string, count: number): Promise<number[]> {
    // Inside the transaction: a rejected request leaves no gap in the sequence (IDs repeat
    // from run to run). Transactions that take from one counter wait for each other.
    const { rows } = await this.db.query<{ value: number }>(SQL.nextCounter, [portalId, counter, count]);
    const last = rows[0]!.value;
    return Array.from({ length: count }, (_, i) => last - count + 1 + i);
  }

  async lockObjects(portalId: number, ids: readonly number[], mode: LockMode = 'exclusive'): Promise<void> {
    if (ids.length === 0) return;
    // One statement, in ID order, so two transactions never wait on each other in a cycle.
    // FOR SHARE still conflicts with FOR UPDATE and with the UPDATE or DELETE of a record.
    // The locked records' heads come back too: liveCheck reads them next (answered ahead).
    const { rows } = await this.db.query<{ id: number; object_type: string; archived_at: number | null }>(
      `SELECT id, object_type, archived_at FROM objects WHERE portal_id = $1 AND id = ANY($2::bigint[])
       ORDER BY id ${ROW_LOCKS[mode]}`,
      [portalId, [...new Set(ids)]],
    );
    const heads = new Map<number, ObjectHead>();
    for (const r of rows)
      heads.set(r.id, { id: r.id, objectTypeId: r.object_type, archivedAt: r.archived_at });
    this.keepAhead(`heads:${portalId}`, { heads, ids: new Set(ids) });
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
    const params = [ordered.map((l) => l.scope), ordered.map((l) => l.hash), ordered.map((l) => l.exclusive)];
    // What a write reads next comes back with its locks (postgres-lock-reads.ts, D65).
    const reads = lockReadArguments(locks);
    if (reads && this.db instanceof Pipeline && this.db.writes) {
      const { rows } = await this.db.query<LockedReads>(SQL.lockThenRead, [...params, portalId, ...reads]);
      for (const [key, value] of lockedAnswers(portalId, reads, rows[0]!)) this.keepAhead(key, value);
      return;
    }
    await this.db.query(SQL.lockCatalog, params);
  }

  async insertObjects(portalId: number, rows: readonly ObjectRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await this.db.query(SQL.insertObjects, [
      portalId,
      rows.map((r) => r.id),
      rows.map((r) => r.objectTypeId),
      rows.map((r) => JSON.stringify(r.properties)),
      rows.map((r) => r.createdAt),
      rows.map((r) => r.updatedAt),
      rows.map((r) => r.archivedAt),
    ]);
    return result.rowCount ?? 0;
  }

  async updateObject(
    portalId: number,
    id: number,
    properties: PropertyMap,
    updatedAt: number,
  ): Promise<void> {
    await this.send('UPDATE objects SET properties = $3, updated_at = $4 WHERE portal_id = $1 AND id = $2', [
      portalId,
      id,
      JSON.stringify(properties),
      updatedAt,
    ]);
  }

  async setArchived(portalId: number, ids: readonly number[], archivedAt: number | null): Promise<void> {
    if (ids.length === 0) return;
    await this.send('UPDATE objects SET archived_at = $3 WHERE portal_id = $1 AND id = ANY($2::bigint[])', [
      portalId,
      ids,
      archivedAt,
    ]);
  }

  async deleteObjects(portalId: number, records: readonly RecordRef[]): Promise<void> {
    for (const record of records) {
      await this.send(SQL.deleteAssociationsTo, [portalId, record.objectTypeId, record.id]);
      await this.send('DELETE FROM associations WHERE portal_id = $1 AND from_id = $2', [
        portalId,
        record.id,
      ]);
      await this.send('DELETE FROM property_history WHERE portal_id = $1 AND object_id = $2', [
        portalId,
        record.id,
      ]);
      await this.send('DELETE FROM unique_values WHERE portal_id = $1 AND object_id = $2', [
        portalId,
        record.id,
      ]);
      await this.send('DELETE FROM objects WHERE portal_id = $1 AND id = $2', [portalId, record.id]);
    }
  }

  async claimUniqueValues(portalId: number, rows: readonly UniqueValueRow[]): Promise<void> {
    // ON CONFLICT DO NOTHING rather than a failing INSERT: a unique violation would abort the
    // whole transaction, and the caller still has to read who holds the value. The INSERT
    // still waits for a concurrent claim of the value to commit or roll back.
    for (const row of rows) {
      const { rowCount } = await this.db.query(
        'INSERT INTO unique_values (portal_id, object_type, property, value, object_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [portalId, row.objectTypeId, row.property, row.value, row.objectId],
      );
      if (rowCount === 0) throw new UniqueViolationError('unique_values');
    }
  }

  async releaseUniqueValues(
    portalId: number,
    objectId: number,
    properties?: readonly string[],
  ): Promise<void> {
    if (properties === undefined) {
      await this.send('DELETE FROM unique_values WHERE portal_id = $1 AND object_id = $2', [
        portalId,
        objectId,
      ]);
    } else {
      await this.send(
        'DELETE FROM unique_values WHERE portal_id = $1 AND object_id = $2 AND property = ANY($3::text[])',
        [portalId, objectId, properties],
      );
    }
  }

  async appendHistory(portalId: number, rows: readonly HistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.send(SQL.appendHistory, [
      portalId,
      rows.map((r) => r.objectId),
      rows.map((r) => r.name),
      rows.map((r) => r.value),
      rows.map((r) => r.timestamp),
      rows.map((r) => r.sourceType),
    ]);
  }

  async insertSchema(portalId: number, row: SchemaRow): Promise<void> {
    try {
      await this.db.query(SQL.insertSchema, [
        portalId,
        row.objectTypeId,
        row.name,
        JSON.stringify(row.definition),
        row.createdAt,
        row.updatedAt,
        row.archivedAt,
      ]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new UniqueViolationError('object_schemas_name');
      throw error;
    }
  }

  async updateSchema(portalId: number, row: SchemaRow): Promise<void> {
    // Waited for: a renamed schema can hit the unique name index, and that failure belongs here.
    await this.db.query(SQL.updateSchema, [
      portalId,
      row.objectTypeId,
      row.name,
      JSON.stringify(row.definition),
      row.updatedAt,
      row.archivedAt,
    ]);
  }

  async deleteSchema(portalId: number, objectTypeId: string): Promise<void> {
    await this.send('DELETE FROM object_schemas WHERE portal_id = $1 AND object_type_id = $2', [
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
    const params = [
      portalId,
      rows.map((r) => r.fromId),
      rows.map((r) => r.toObjectTypeId),
      rows.map((r) => r.toId),
      rows.map((r) => categoryCode(r.category)),
      rows.map((r) => r.typeId),
      rows.map((r) => r.fromObjectTypeId),
    ];
    if (!inserted) return (await this.db.query(SQL.insertAssociations, params)).rowCount ?? 0;
    // The rows that landed, and who hears of them (what the webhooks hook reads next, D65).
    const { rows: result } = await this.db.query<{ inserted: AssociationDbRow[]; listeners: unknown[] }>(
      SQL.insertAssociationsReturning,
      params,
    );
    const landed = result[0]!.inserted;
    inserted.push(...landed.map(toAssociationRow));
    this.keepAhead(`listeners:${portalId}`, result[0]!.listeners);
    return landed.length;
  }

  async deleteAssociations(portalId: number, rows: readonly AssociationRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await this.db.query(SQL.deleteAssociations, [
      portalId,
      rows.map((r) => r.fromId),
      rows.map((r) => r.toObjectTypeId),
      rows.map((r) => r.toId),
      rows.map((r) => categoryCode(r.category)),
      rows.map((r) => r.typeId),
    ]);
    return result.rowCount ?? 0;
  }

  async deleteAssociationsBetween(portalId: number, a: RecordRef, b: RecordRef): Promise<number> {
    const result = await this.db.query(SQL.deleteAssociationsBetween, [
      portalId,
      a.id,
      b.objectTypeId,
      b.id,
      a.objectTypeId,
    ]);
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
    const result = await this.db.query(SQL.deleteAssociationsOfPairs, [
      portalId,
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
      toObjectTypeId,
      fromObjectTypeId,
    ]);
    return result.rowCount ?? 0;
  }

  async insertDefinitions(portalId: number, rows: readonly DefinitionRow[]): Promise<void> {
    try {
      for (const row of rows) {
        await this.db.query(SQL.insertDefinition, definitionParams(portalId, row));
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
    await this.send(
      'UPDATE association_definitions SET label = $4 WHERE portal_id = $1 AND category = $2 AND type_id = $3',
      [portalId, categoryCode(category), typeId, label],
    );
  }

  async deleteDefinitions(
    portalId: number,
    category: AssociationCategory,
    typeIds: readonly number[],
  ): Promise<void> {
    await this.send(
      'DELETE FROM association_definitions WHERE portal_id = $1 AND category = $2 AND type_id = ANY($3::int[])',
      [portalId, categoryCode(category), typeIds],
    );
  }

  async upsertLimit(portalId: number, row: LimitRow): Promise<void> {
    await this.send(SQL.upsertLimit, [
      portalId,
      categoryCode(row.category),
      row.typeId,
      row.fromObjectTypeId,
      row.toObjectTypeId,
      row.maxToObjectIds,
    ]);
  }

  async deleteLimit(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean> {
    const result = await this.db.query(
      'DELETE FROM association_limits WHERE portal_id = $1 AND category = $2 AND type_id = $3',
      [portalId, categoryCode(category), typeId],
    );
    return (result.rowCount ?? 0) > 0;
  }
}
