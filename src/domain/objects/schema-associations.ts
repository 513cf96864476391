/**
 * A custom schema's associations (`/crm-object-schemas/v3/schemas/{objectType}/associations`):
 * unlabeled USER_DEFINED association types in both directions, so PUT default, labels and
 * limits work between the custom type and the types it is associated with.
 */
import { schemaAssociationExists, schemaAssociationNotFound } from './object-errors.js';
import { deleteDefinitionsAndLimits } from '../associations/definition-catalog.js';
import { USER_DEFINED_TYPE_COUNTER } from '../associations/label-service.js';
import type { Clock } from '../clock.js';
import type { ObjectType } from '../object-types.js';
import { TransactionRetry, UniqueViolationError } from '../../store/store-errors.js';
import type { DefinitionRow, Store, StoreTransaction } from '../../store/store.js';
import { customObjectType } from './custom-object-type.js';
import type { ObjectTypeResolver } from './object-type-resolver.js';
import { invalidSchemaField as invalid } from './object-errors.js';
import { requireSchema } from './schema-lookup.js';
import { lockForWrite, pairLock, typeLock } from '../write-locks.js';

/**
 * An unlabeled association type in each direction between the custom type and another (one
 * type, its own inverse, when they are the same); the existing one if there is one already.
 */
export async function associateTypes(
  tx: StoreTransaction,
  clock: Clock,
  portalId: number,
  type: ObjectType,
  other: ObjectType,
  name?: string,
): Promise<DefinitionRow> {
  const existing = await tx.listDefinitions(portalId, type.id, other.id);
  const current = existing.find((d) => d.label === null);
  if (current) return current;
  const createdAt = clock.now();
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

export class SchemaAssociations {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly objectTypes: ObjectTypeResolver,
  ) {}

  /** POST …/schemas/{objectType}/associations. */
  async create(
    portalId: number,
    objectType: string,
    input: { fromObjectTypeId: string; toObjectTypeId: string; name?: string | undefined },
  ): Promise<DefinitionRow> {
    const row = await requireSchema(this.objectTypes, this.store, portalId, objectType);
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
        await requireSchema(this.objectTypes, tx, portalId, type.id);
        return associateTypes(tx, this.clock, portalId, from, to, input.name);
      });
    } catch (error) {
      if (error instanceof UniqueViolationError) {
        throw schemaAssociationExists(input.name);
      }
      throw error;
    }
  }

  /** DELETE …/schemas/{objectType}/associations/{id}: both directions, refused while in use. */
  async remove(portalId: number, objectType: string, associationId: string): Promise<void> {
    const row = await requireSchema(this.objectTypes, this.store, portalId, objectType);
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
        throw schemaAssociationNotFound(associationId, row.name);
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
}
