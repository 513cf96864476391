/**
 * Custom object schemas (`/crm-object-schemas/v3/schemas`). A schema defines a `2-N` object
 * type with its properties; its associations are unlabeled USER_DEFINED association types in
 * both directions, so PUT default, labels and limits work between the custom type and the
 * types it is associated with.
 */
import { deleteDefinitionsAndLimits } from '../associations/definition-catalog.js';
import { USER_DEFINED_TYPE_COUNTER } from '../associations/label-service.js';
import type { Clock } from '../clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import { TransactionRetry, UniqueViolationError } from '../../store/store-errors.js';
import type { DefinitionRow, SchemaRow, Store, StoreReader, StoreTransaction } from '../../store/store.js';
import {
  customObjectType,
  fullyQualifiedName,
  schemaDefinition,
  type SchemaDefinition,
  type SchemaProperty,
} from './custom-object-type.js';
import type { ObjectTypeResolver } from './object-type-resolver.js';
import { lockForWrite, pairLock, typeLock } from '../write-locks.js';

export const OBJECT_TYPE_COUNTER = 'custom_object_type';
/** Custom object type IDs look like HubSpot's (`2-1000001`), above any small test number. */
export const CUSTOM_OBJECT_TYPE_BASE = 1_000_000;

const NAME = /^[a-z][a-z0-9_]*$/i;

export interface PropertyInput {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName?: string;
  description?: string;
  hasUniqueValue?: boolean;
  options?: Array<{
    label: string;
    value: string;
    hidden?: boolean;
    displayOrder?: number;
    description?: string;
  }>;
  [key: string]: unknown;
}

export interface SchemaInput {
  name: string;
  labels: { singular?: string; plural?: string };
  description?: string;
  properties: PropertyInput[];
  requiredProperties: string[];
  searchableProperties?: string[];
  secondaryDisplayProperties?: string[];
  primaryDisplayProperty?: string;
  associatedObjects: string[];
  allowsSensitiveProperties?: boolean;
}

export type SchemaPatch = Partial<
  Pick<
    SchemaInput,
    | 'labels'
    | 'description'
    | 'requiredProperties'
    | 'searchableProperties'
    | 'secondaryDisplayProperties'
    | 'primaryDisplayProperty'
    | 'allowsSensitiveProperties'
  >
> & { clearDescription?: boolean };

/** A schema with its association definitions (from the custom type to another type). */
export interface SchemaView {
  readonly row: SchemaRow;
  readonly type: ObjectType;
  readonly definition: SchemaDefinition;
  readonly associations: readonly DefinitionRow[];
  readonly portalId: number;
}

function invalid(message: string, field: string, value: string): ValidationError {
  return new ValidationError(message, { context: { [field]: [value] } });
}

function checkPropertyNames(names: readonly string[], known: ReadonlySet<string>, field: string) {
  for (const name of names) {
    if (!known.has(name))
      throw invalid(`${field} names "${name}", which is not a property of the schema`, field, name);
  }
}

export class SchemaService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly objectTypes: ObjectTypeResolver,
  ) {}

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
    const row = await this.objectTypes.findSchema(portalId, objectType, reader);
    if (!row || (row.archivedAt !== null) !== archived) {
      throw new NotFoundError(`No ${archived ? 'archived ' : ''}custom object schema named ${objectType}`, {
        context: { objectType: [objectType] },
      });
    }
    return row;
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
    if (!NAME.test(input.name)) {
      throw invalid(
        `Invalid schema name "${input.name}": use letters, digits and underscores, starting with a letter`,
        'name',
        input.name,
      );
    }
    if (!input.labels?.singular || !input.labels?.plural) {
      throw invalid(
        'A schema needs labels.singular and labels.plural',
        'labels',
        JSON.stringify(input.labels ?? {}),
      );
    }
    const now = this.clock.now();
    const properties = input.properties.map((p, index) => this.#property(p, index, now));
    const names = new Set(properties.map((p) => p.name));
    if (names.size !== properties.length)
      throw invalid('Property names must be unique within a schema', 'properties', input.name);
    checkPropertyNames(input.requiredProperties, names, 'requiredProperties');
    checkPropertyNames(input.searchableProperties ?? [], names, 'searchableProperties');
    checkPropertyNames(input.secondaryDisplayProperties ?? [], names, 'secondaryDisplayProperties');
    if (input.primaryDisplayProperty)
      checkPropertyNames([input.primaryDisplayProperty], names, 'primaryDisplayProperty');
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
        const definition: SchemaDefinition = {
          labels: input.labels,
          ...(input.description !== undefined && { description: input.description }),
          properties,
          requiredProperties: input.requiredProperties,
          searchableProperties: input.searchableProperties ?? [],
          secondaryDisplayProperties: input.secondaryDisplayProperties ?? [],
          ...(input.primaryDisplayProperty !== undefined && {
            primaryDisplayProperty: input.primaryDisplayProperty,
          }),
          allowsSensitiveProperties: input.allowsSensitiveProperties ?? false,
        };
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
        for (const other of associated) await this.#associate(tx, portalId, type, other);
        return row;
      });
      return this.#view(portalId, row);
    } catch (error) {
      if (error instanceof UniqueViolationError) throw duplicateSchema(name);
      throw error;
    }
  }

  #property(input: PropertyInput, index: number, now: number): SchemaProperty {
    if (!input.name || !NAME.test(input.name))
      throw invalid(`Invalid property name "${input.name}"`, 'properties', String(input.name));
    return {
      ...input,
      name: input.name,
      label: input.label,
      type: input.type,
      fieldType: input.fieldType,
      groupName: input.groupName ?? 'custom_object_information',
      description: input.description ?? '',
      hasUniqueValue: input.hasUniqueValue ?? false,
      options: (input.options ?? []).map((o) => ({ ...o, hidden: o.hidden ?? false })),
      displayOrder: typeof input.displayOrder === 'number' ? input.displayOrder : index,
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
      archived: false,
      hubspotDefined: false,
    };
  }

  /** An unlabeled association type in each direction between the custom type and another. */
  async #associate(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    other: ObjectType,
    name?: string,
  ) {
    const existing = await tx.listDefinitions(portalId, type.id, other.id);
    const current = existing.find((d) => d.label === null);
    if (current) return current;
    const createdAt = this.clock.now();
    const forwardName = name ?? `${type.singular}_to_${other.singular}`;
    const reverseName = `${other.singular}_to_${type.singular}`;
    if (type.id === other.id) {
      const [id] = await tx.nextCounterValues(portalId, USER_DEFINED_TYPE_COUNTER, 1);
      const row: DefinitionRow = {
        category: 'USER_DEFINED',
        typeId: id!,
        fromObjectTypeId: type.id,
        toObjectTypeId: other.id,
        name: forwardName,
        label: null,
        inverseTypeId: id!,
        createdAt,
      };
      await tx.insertDefinitions(portalId, [row]);
      return row;
    }
    const [forwardId, reverseId] = await tx.nextCounterValues(portalId, USER_DEFINED_TYPE_COUNTER, 2);
    const forward: DefinitionRow = {
      category: 'USER_DEFINED',
      typeId: forwardId!,
      fromObjectTypeId: type.id,
      toObjectTypeId: other.id,
      name: forwardName,
      label: null,
      inverseTypeId: reverseId!,
      createdAt,
    };
    const reverse: DefinitionRow = {
      ...forward,
      typeId: reverseId!,
      fromObjectTypeId: other.id,
      toObjectTypeId: type.id,
      name: reverseName,
      inverseTypeId: forwardId!,
    };
    await tx.insertDefinitions(portalId, [forward, reverse]);
    return forward;
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
    const definition = { ...schemaDefinition(row) };
    const names = new Set(definition.properties.map((p) => p.name));
    if (patch.labels) definition.labels = { ...definition.labels, ...patch.labels };
    if (patch.clearDescription) delete definition.description;
    else if (patch.description !== undefined) definition.description = patch.description;
    for (const field of [
      'requiredProperties',
      'searchableProperties',
      'secondaryDisplayProperties',
    ] as const) {
      const value = patch[field];
      if (value !== undefined) {
        checkPropertyNames(value, names, field);
        definition[field] = value;
      }
    }
    if (patch.primaryDisplayProperty !== undefined) {
      checkPropertyNames([patch.primaryDisplayProperty], names, 'primaryDisplayProperty');
      definition.primaryDisplayProperty = patch.primaryDisplayProperty;
    }
    if (patch.allowsSensitiveProperties !== undefined)
      definition.allowsSensitiveProperties = patch.allowsSensitiveProperties;
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
        await tx.deleteSchema(portalId, row.objectTypeId);
        return;
      }
      const live = await tx.listObjects(portalId, {
        objectTypeId: row.objectTypeId,
        limit: 1,
        archived: false,
      });
      if (live.length > 0) {
        throw new ValidationError(
          `Custom object ${row.name} still has records: archive every record of ${row.objectTypeId} before deleting its schema`,
          { context: { objectType: [row.objectTypeId] } },
        );
      }
      await tx.updateSchema(portalId, { ...row, archivedAt: this.clock.now(), updatedAt: this.clock.now() });
    });
  }

  /** POST …/schemas/{objectType}/associations. */
  async createAssociation(
    portalId: number,
    objectType: string,
    input: { fromObjectTypeId: string; toObjectTypeId: string; name?: string | undefined },
  ): Promise<DefinitionRow> {
    const row = await this.#require(portalId, objectType);
    const type = customObjectType(portalId, row);
    const from = await this.objectTypes.resolve(portalId, input.fromObjectTypeId);
    const to = await this.objectTypes.resolve(portalId, input.toObjectTypeId);
    if (from.id !== type.id && to.id !== type.id) {
      throw invalid(
        `An association of schema ${row.name} must start or end at ${type.id}`,
        'fromObjectTypeId',
        input.fromObjectTypeId,
      );
    }
    try {
      return await this.store.transaction(async (tx) => {
        await lockForWrite(tx, portalId, [
          ...typeLock(type.id, 'shared'),
          pairLock(from.id, to.id, 'exclusive'),
        ]);
        await this.#require(portalId, type.id, false, tx);
        return this.#associate(tx, portalId, from, to, input.name);
      });
    } catch (error) {
      if (error instanceof UniqueViolationError) {
        throw new ConflictError(`An association named "${input.name}" already exists`, {
          context: { name: [input.name ?? ''] },
        });
      }
      throw error;
    }
  }

  /** DELETE …/schemas/{objectType}/associations/{id}: both directions, refused while in use. */
  async removeAssociation(portalId: number, objectType: string, associationId: string): Promise<void> {
    const row = await this.#require(portalId, objectType);
    await this.store.transaction(async (tx) => {
      // Every pair of the type: which one the association is on is known only once it is read.
      const pairs = (await tx.listDefinitions(portalId))
        .filter((d) => d.fromObjectTypeId === row.objectTypeId || d.toObjectTypeId === row.objectTypeId)
        .map((d) => pairLock(d.fromObjectTypeId, d.toObjectTypeId, 'exclusive'));
      await lockForWrite(tx, portalId, [...typeLock(row.objectTypeId, 'shared'), ...pairs]);
      const definition = (await tx.listDefinitions(portalId)).find(
        (d) =>
          String(d.typeId) === associationId &&
          d.label === null &&
          (d.fromObjectTypeId === row.objectTypeId || d.toObjectTypeId === row.objectTypeId),
      );
      if (!definition) {
        throw new NotFoundError(`No association ${associationId} on schema ${row.name}`, {
          context: { associationId: [associationId] },
        });
      }
      const lock = pairLock(definition.fromObjectTypeId, definition.toObjectTypeId, 'exclusive');
      if (!pairs.some((p) => p.key === lock.key))
        throw new TransactionRetry('the association was created before its pair was locked');
      const ids = [...new Set([definition.typeId, definition.inverseTypeId ?? definition.typeId])];
      for (const id of ids) {
        if (await tx.isDefinitionInUse(portalId, 'USER_DEFINED', id)) {
          throw invalid(
            `Association ${associationId} is still in use: remove those associations first`,
            'associationId',
            associationId,
          );
        }
      }
      await deleteDefinitionsAndLimits(tx, portalId, 'USER_DEFINED', ids);
    });
  }

  fullyQualifiedName(portalId: number, row: SchemaRow): string {
    return fullyQualifiedName(portalId, row.name);
  }
}

function duplicateSchema(name: string, existing?: SchemaRow): ConflictError {
  const archived =
    existing?.archivedAt != null ? ' (archived; delete it with archived=true to reuse the name)' : '';
  return new ConflictError(`A custom object schema named "${name}" already exists${archived}`, {
    context: { name: [name] },
  });
}
