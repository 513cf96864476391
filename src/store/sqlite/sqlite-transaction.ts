/**
 * A SQLite transaction: the writes, savepoints and counters, on the store's connection inside
 * BEGIN IMMEDIATE (group-commit.ts). Reads come from SqliteReads.
 */
import { withRoleWrites } from '../role-delegation.js';
import type { AssociationCategory } from '../category-codes.js';
import { categoryCode } from '../category-codes.js';
import { definitionParams } from '../definition-keys.js';
import { UniqueViolationError } from '../store-errors.js';
import type {
  AssociationRow,
  DefinitionRow,
  LimitRow,
  HistoryRow,
  ObjectRow,
  PropertyMap,
  RecordRef,
  SchemaRow,
  UniqueValueRow,
  StoreTransaction,
} from '../store.js';
import { toAssociationRow, type AssociationDbRow } from '../row-mappers.js';
import { SqliteReads } from './sqlite-reads.js';
import { INSERT_CHUNK, isUniqueViolation } from './sqlite-statements.js';

function writeAssociationValues(values: unknown[], at: number, portalId: number, row: AssociationRow): void {
  values[at] = portalId;
  values[at + 1] = row.fromId;
  values[at + 2] = row.toObjectTypeId;
  values[at + 3] = row.toId;
  values[at + 4] = categoryCode(row.category);
  values[at + 5] = row.typeId;
  values[at + 6] = row.fromObjectTypeId;
}

/** The writes, on the connection of the reads it extends. Callers must hold the store's lock. */
export class SqliteTransaction extends withRoleWrites(SqliteReads) implements StoreTransaction {
  #savepoints = 0;

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const name = `sp${++this.#savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      this.catalog.invalidate();
      throw error;
    }
  }

  async nextCounterValues(portalId: number, counter: string, count: number): Promise<number[]> {
    const { value } = this.stmt('nextCounter').get(portalId, counter, count) as { value: number };
    return Array.from({ length: count }, (_, i) => value - count + 1 + i);
  }

  async lockObjects(): Promise<void> {
    // BEGIN IMMEDIATE already holds the database's single write lock.
  }

  async lock(): Promise<void> {
    // Likewise: one writer at a time is every catalog lock at once.
  }

  async insertObjects(portalId: number, rows: readonly ObjectRow[]): Promise<number> {
    const insert = this.stmt('insertObject');
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
    this.stmt('updateObject').run(JSON.stringify(properties), updatedAt, portalId, id);
  }

  async setArchived(portalId: number, ids: readonly number[], archivedAt: number | null): Promise<void> {
    const update = this.stmt('setArchived');
    for (const id of ids) update.run(archivedAt, portalId, id);
  }

  async deleteObjects(portalId: number, records: readonly RecordRef[]): Promise<void> {
    for (const record of records) {
      this.stmt('deleteAssociationsTo').run({ portal: portalId, type: record.objectTypeId, id: record.id });
      this.stmt('deleteAssociationsFrom').run(portalId, record.id);
      this.stmt('deleteHistory').run(portalId, record.id);
      this.stmt('releaseUniqueAll').run(portalId, record.id);
      this.stmt('deleteObject').run(portalId, record.id);
    }
  }

  async claimUniqueValues(portalId: number, rows: readonly UniqueValueRow[]): Promise<void> {
    const claim = this.stmt('claimUnique');
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
    if (properties === undefined) this.stmt('releaseUniqueAll').run(portalId, objectId);
    else for (const property of properties) this.stmt('releaseUniqueOne').run(portalId, objectId, property);
  }

  async appendHistory(portalId: number, rows: readonly HistoryRow[]): Promise<void> {
    const insert = this.stmt('appendHistory');
    for (const row of rows)
      insert.run(portalId, row.objectId, row.name, row.value, row.timestamp, row.sourceType);
  }

  async insertSchema(portalId: number, row: SchemaRow): Promise<void> {
    try {
      this.stmt('insertSchema').run(
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
    this.stmt('updateSchema').run(
      row.name,
      JSON.stringify(row.definition),
      row.updatedAt,
      row.archivedAt,
      portalId,
      row.objectTypeId,
    );
  }

  async deleteSchema(portalId: number, objectTypeId: string): Promise<void> {
    this.stmt('deleteSchema').run(portalId, objectTypeId);
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
      const insertChunk = this.stmt(inserted ? 'insertAssociationChunkReturning' : 'insertAssociationChunk');
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
    const insert = this.stmt('insertAssociation');
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
    const remove = this.stmt('deleteAssociation');
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
    const remove = this.stmt('deleteBetween');
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
    const remove = this.stmt('deleteBetween');
    let deleted = 0;
    for (const [fromId, toId] of pairs) {
      deleted += remove.run(portalId, fromId, toObjectTypeId, toId).changes;
      deleted += remove.run(portalId, toId, fromObjectTypeId, fromId).changes;
    }
    return deleted;
  }

  async insertDefinitions(portalId: number, rows: readonly DefinitionRow[]): Promise<void> {
    const insert = this.stmt('insertDefinition');
    try {
      for (const row of rows) {
        insert.run(...definitionParams(portalId, row));
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
    this.stmt('updateDefinitionLabel').run(label, portalId, categoryCode(category), typeId);
  }

  async deleteDefinitions(
    portalId: number,
    category: AssociationCategory,
    typeIds: readonly number[],
  ): Promise<void> {
    const remove = this.stmt('deleteDefinition');
    for (const typeId of typeIds) remove.run(portalId, categoryCode(category), typeId);
  }

  async upsertLimit(portalId: number, row: LimitRow): Promise<void> {
    this.stmt('upsertLimit').run(
      portalId,
      categoryCode(row.category),
      row.typeId,
      row.fromObjectTypeId,
      row.toObjectTypeId,
      row.maxToObjectIds,
    );
  }

  async deleteLimit(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean> {
    return this.stmt('deleteLimit').run(portalId, categoryCode(category), typeId).changes > 0;
  }
}
