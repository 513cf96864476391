/**
 * Custom object schemas (`/crm-object-schemas/v3/schemas`). A schema defines a `2-N` object
 * type with its properties; its associations are unlabeled USER_DEFINED association types in
 * both directions, so PUT default, labels and limits work between the custom type and the
 * types it is associated with.
 *
 * This class is the one entry point routes and the harness use. A schema's lifecycle
 * (create, update, archive, purge) lives here; checking and normalizing a definition is in
 * schema-definition.ts, and the schema's association endpoints in schema-associations.ts.
 */
import { duplicateSchema, schemaHasRecords } from './object-errors.js';
import { deleteDefinitionsAndLimits } from '../associations/definition-catalog.js';
import type { Clock } from '../clock.js';
import type { ObjectType } from '../object-types.js';
import { UniqueViolationError } from '../../store/store-errors.js';
import type { DefinitionRow, SchemaRow, Store, StoreReader, StoreTransaction } from '../../store/store.js';
import {
  customObjectType,
  fullyQualifiedName,
  schemaDefinition,
  type SchemaDefinition,
} from './custom-object-type.js';
import type { ObjectTypeResolver } from './object-type-resolver.js';
import { associateTypes, SchemaAssociations } from './schema-associations.js';
import {
  newSchemaDefinition,
  patchedDefinition,
  schemaProperties,
  type SchemaInput,
  type SchemaPatch,
} from './schema-definition.js';
import { requireSchema } from './schema-lookup.js';
import { lockForWrite, pairLock, typeLock } from '../write-locks.js';

// The names callers imported from here before the split keep working from here.
export type { PropertyInput, SchemaInput, SchemaPatch } from './schema-definition.js';

export const OBJECT_TYPE_COUNTER = 'custom_object_type';
/** Custom object type IDs look like HubSpot's (`2-1000001`), above any small test number. */
export const CUSTOM_OBJECT_TYPE_BASE = 1_000_000;

/** A schema with its association definitions (from the custom type to another type). */
export interface SchemaView {
  readonly row: SchemaRow;
  readonly type: ObjectType;
  readonly definition: SchemaDefinition;
  readonly associations: readonly DefinitionRow[];
  readonly portalId: number;
}

export class SchemaService {
  readonly #associations: SchemaAssociations;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly objectTypes: ObjectTypeResolver,
  ) {
    this.#associations = new SchemaAssociations(store, clock, objectTypes);
  }

  async #view(
    portalId: number,
    row: SchemaRow,
    reader: Pick<Store, 'listDefinitions'> = this.store,
  ): Promise<SchemaView> {
    const associations = (await reader.listDefinitions(portalId)).filter(
      (d) => d.fromObjectTypeId === row.objectTypeId && d.label === null,
    );
    return {
      row,
      type: customObjectType(portalId, row),
      definition: schemaDefinition(row),
      associations,
      portalId,
    };
  }

  async #require(
    portalId: number,
    objectType: string,
    archived = false,
    reader: StoreReader = this.store,
  ): Promise<SchemaRow> {
    return requireSchema(this.objectTypes, reader, portalId, objectType, archived);
  }

  async list(portalId: number, archived = false): Promise<SchemaView[]> {
    const rows = (await this.store.listSchemas(portalId)).filter((r) => (r.archivedAt !== null) === archived);
    return Promise.all(rows.map((row) => this.#view(portalId, row)));
  }

  async get(portalId: number, objectType: string): Promise<SchemaView> {
    return this.#view(portalId, await this.#require(portalId, objectType));
  }

  /** POST /crm-object-schemas/v3/schemas. */
  async create(portalId: number, input: SchemaInput): Promise<SchemaView> {
    const now = this.clock.now();
    const properties = schemaProperties(input, now);
    const associated = await Promise.all(
      input.associatedObjects.map((o) => this.objectTypes.resolve(portalId, o)),
    );

    const name = input.name.toLowerCase();
    try {
      const row = await this.store.transaction(async (tx) => {
        await lockForWrite(tx, portalId);
        const existing = (await tx.listSchemas(portalId)).find((s) => s.name === name);
        if (existing) throw duplicateSchema(name, existing);
        const [sequence] = await tx.nextCounterValues(portalId, OBJECT_TYPE_COUNTER, 1);
        const definition = newSchemaDefinition(input, properties);
        const row: SchemaRow = {
          objectTypeId: `2-${CUSTOM_OBJECT_TYPE_BASE + sequence!}`,
          name,
          definition: definition as unknown as Record<string, unknown>,
          createdAt: now,
          updatedAt: now,
          archivedAt: null,
        };
        await tx.insertSchema(portalId, row);
        const type = customObjectType(portalId, row);
        for (const other of associated) await associateTypes(tx, this.clock, portalId, type, other);
        return row;
      });
      return this.#view(portalId, row);
    } catch (error) {
      if (error instanceof UniqueViolationError) throw duplicateSchema(name);
      throw error;
    }
  }

  /** PATCH …/schemas/{objectType}: labels, display and required properties. */
  async update(portalId: number, objectType: string, patch: SchemaPatch): Promise<SchemaView> {
    const found = await this.#require(portalId, objectType);
    const updated = await this.store.transaction(async (tx) => {
      // Exclusive, then read again: two updates do not lose each other's changes, and an
      // archive in between is seen.
      await lockForWrite(tx, portalId, typeLock(found.objectTypeId, 'exclusive'));
      const row = await this.#require(portalId, found.objectTypeId, false, tx);
      return this.#patched(row, patch, tx, portalId);
    });
    return this.#view(portalId, updated);
  }

  async #patched(row: SchemaRow, patch: SchemaPatch, tx: StoreTransaction, portalId: number) {
    const definition = patchedDefinition(row, patch);
    const updated: SchemaRow = {
      ...row,
      definition: definition as unknown as Record<string, unknown>,
      updatedAt: this.clock.now(),
    };
    await tx.updateSchema(portalId, updated);
    return updated;
  }

  /**
   * DELETE …/schemas/{objectType}: archives a schema that has no live records left;
   * `archived=true` then removes the archived schema for good, with its archived records,
   * and frees its name.
   */
  async remove(portalId: number, objectType: string, purgeArchived: boolean): Promise<void> {
    const found = await this.#require(portalId, objectType, purgeArchived);
    await this.store.transaction(async (tx) => {
      // Exclusive: record creates and restores of the type (which take it shared) have
      // committed, so "no live records" below stays true, and later ones see the archive.
      await lockForWrite(tx, portalId, typeLock(found.objectTypeId, 'exclusive'));
      const row = await this.#require(portalId, found.objectTypeId, purgeArchived, tx);
      if (purgeArchived) {
        const owned = (await tx.listDefinitions(portalId)).filter(
          (d) => d.fromObjectTypeId === row.objectTypeId || d.toObjectTypeId === row.objectTypeId,
        );
        await lockForWrite(
          tx,
          portalId,
          owned.map((d) => pairLock(d.fromObjectTypeId, d.toObjectTypeId, 'exclusive')),
        );
        // Records archived with the type go with it.
        for (;;) {
          const rows = await tx.listObjects(portalId, {
            objectTypeId: row.objectTypeId,
            limit: 500,
            archived: true,
          });
          if (rows.length === 0) break;
          await tx.deleteObjects(portalId, rows);
        }
        const definitions = (await tx.listDefinitions(portalId)).filter(
          (d) => d.fromObjectTypeId === row.objectTypeId || d.toObjectTypeId === row.objectTypeId,
        );
        await deleteDefinitionsAndLimits(
          tx,
          portalId,
          'USER_DEFINED',
          definitions.map((d) => d.typeId),
        );
        // The type's pipelines, properties and groups go with it: left behind, they named a
        // type the portal's own export could not be imported with.
        for (const kind of ['pipeline', 'property', 'group'] as const)
          for (const entry of await tx.listCatalog(portalId, kind, row.objectTypeId))
            await tx.deleteCatalog(portalId, kind, row.objectTypeId, entry.key);
        await tx.deleteSchema(portalId, row.objectTypeId);
        return;
      }
      const live = await tx.listObjects(portalId, {
        objectTypeId: row.objectTypeId,
        limit: 1,
        archived: false,
      });
      if (live.length > 0) {
        throw schemaHasRecords(row.name, row.objectTypeId);
      }
      await tx.updateSchema(portalId, { ...row, archivedAt: this.clock.now(), updatedAt: this.clock.now() });
    });
  }

  /** POST …/schemas/{objectType}/associations (schema-associations.ts). */
  async createAssociation(
    portalId: number,
    objectType: string,
    input: { fromObjectTypeId: string; toObjectTypeId: string; name?: string | undefined },
  ): Promise<DefinitionRow> {
    return this.#associations.create(portalId, objectType, input);
  }

  /** DELETE …/schemas/{objectType}/associations/{id} (schema-associations.ts). */
  async removeAssociation(portalId: number, objectType: string, associationId: string): Promise<void> {
    return this.#associations.remove(portalId, objectType, associationId);
  }

  fullyQualifiedName(portalId: number, row: SchemaRow): string {
    return fullyQualifiedName(portalId, row.name);
  }
}
