/**
 * Association limits (the v4 schema API's "definition configurations"): how many records a
 * record may be associated with by one type (decision D20; HubSpot's associations schema guide).
 * Enforcement lives in pair-writer.ts, on every write path.
 */
import {
  isAssociationCategory,
  type AssociationCategory,
  type AssociationType,
} from '../association-types.js';
import type { BatchOutcome } from '../batch.js';
import { SpokeError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import type { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import type { LimitRow, Store, StoreReader, StoreTransaction } from '../../store/store.js';
import {
  limitBelowUsage,
  limitExists,
  limitOutOfRange,
  noLimit,
  undefinedLimitType,
} from './association-errors.js';
import { PairTypes } from './pair-types.js';
import { lockForWrite, pairLock } from '../write-locks.js';

/** HubSpot's UI accepts custom limits up to 10,000 (knowledge base, "Set limits for record associations"). */
export const MAX_LIMIT = 10_000;

export interface LimitInput {
  readonly category: string;
  readonly typeId: number;
  readonly maxToObjectIds: number;
}

export interface TypeRef {
  readonly category: string;
  readonly typeId: number;
}

export interface LimitView {
  readonly category: AssociationCategory;
  readonly typeId: number;
  readonly label: string | null;
  readonly maxToObjectIds: number;
}

export class LimitService {
  constructor(
    private readonly store: Store,
    private readonly objectTypes: ObjectTypeResolver,
  ) {}

  /** GET …/configurations/all: the configured limits only. */
  async listAll(portalId: number): Promise<LimitView[]> {
    return this.#views(this.store, portalId, await this.store.listLimits(portalId));
  }

  /** GET …/configurations/{from}/{to}. */
  async listPair(portalId: number, fromType: ObjectType, toType: ObjectType): Promise<LimitView[]> {
    return this.#views(this.store, portalId, await this.store.listLimits(portalId, fromType.id, toType.id));
  }

  async #views(reader: StoreReader, portalId: number, limits: readonly LimitRow[]): Promise<LimitView[]> {
    const pairs = new Map<string, PairTypes>();
    const views: LimitView[] = [];
    for (const limit of limits) {
      const key = `${limit.fromObjectTypeId}|${limit.toObjectTypeId}`;
      let types = pairs.get(key);
      if (!types) {
        const [from, to] = await Promise.all([
          this.objectTypes.resolveById(portalId, limit.fromObjectTypeId),
          this.objectTypes.resolveById(portalId, limit.toObjectTypeId),
        ]);
        types = await PairTypes.load(reader, portalId, from, to);
        pairs.set(key, types);
      }
      views.push({
        category: limit.category,
        typeId: limit.typeId,
        label: types.labelOf(limit.fromObjectTypeId, limit.category, limit.typeId),
        maxToObjectIds: limit.maxToObjectIds,
      });
    }
    return views;
  }

  /** batch/create (`mode: create`) and batch/update (`mode: update`). */
  async write(
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    inputs: readonly LimitInput[],
    mode: 'create' | 'update',
  ): Promise<BatchOutcome<LimitView>> {
    return this.store.transaction(async (tx) => {
      // Exclusive: writers of the pair have committed, so the usage counted below is all of
      // it, and none starts until this limit is in place.
      await lockForWrite(tx, portalId, [pairLock(fromType.id, toType.id, 'exclusive')]);
      const types = await PairTypes.load(tx, portalId, fromType, toType);
      const results: LimitView[] = [];
      const errors: SpokeError[] = [];
      for (const input of inputs) {
        try {
          const type = this.#resolve(types, input, fromType, toType);
          const existing = (await tx.listLimits(portalId, fromType.id, toType.id)).find(
            (l) => l.category === type.category && l.typeId === type.typeId,
          );
          if (mode === 'create' && existing) {
            throw limitExists(type, existing.maxToObjectIds);
          }
          if (mode === 'update' && !existing) {
            throw noLimit(type);
          }
          await this.#checkRange(tx, portalId, types, type, input.maxToObjectIds);
          await tx.upsertLimit(portalId, {
            category: type.category,
            typeId: type.typeId,
            fromObjectTypeId: fromType.id,
            toObjectTypeId: toType.id,
            maxToObjectIds: input.maxToObjectIds,
          });
          results.push({
            category: type.category,
            typeId: type.typeId,
            label: type.label,
            maxToObjectIds: input.maxToObjectIds,
          });
        } catch (error) {
          if (error instanceof SpokeError) errors.push(error);
          else throw error;
        }
      }
      return { results, errors };
    });
  }

  /** batch/purge: the limits revert to none. Unknown or unconfigured types change nothing. */
  async purge(
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    inputs: readonly TypeRef[],
  ): Promise<void> {
    await this.store.transaction(async (tx) => {
      await lockForWrite(tx, portalId, [pairLock(fromType.id, toType.id, 'exclusive')]);
      const types = await PairTypes.load(tx, portalId, fromType, toType);
      for (const input of inputs) {
        const type = isAssociationCategory(input.category)
          ? types.find(fromType.id, input.category, input.typeId)
          : undefined;
        if (type) await tx.deleteLimit(portalId, type.category, type.typeId);
      }
    });
  }

  #resolve(types: PairTypes, ref: TypeRef, fromType: ObjectType, toType: ObjectType): AssociationType {
    const type = isAssociationCategory(ref.category)
      ? types.find(fromType.id, ref.category, ref.typeId)
      : undefined;
    if (!type) throw undefinedLimitType(ref, fromType, toType);
    return type;
  }

  /**
   * 1 to 10,000; a label's limit at most the unlabeled type's limit, and the unlabeled
   * limit at least every label's; never below what a record already has, so a configured
   * limit always holds.
   */
  async #checkRange(
    tx: StoreTransaction,
    portalId: number,
    types: PairTypes,
    type: AssociationType,
    max: number,
  ) {
    const limits = await tx.listLimits(portalId, type.fromObjectTypeId, type.toObjectTypeId);
    const unlabeled = types.unlabeled(type.fromObjectTypeId);
    let low = 1;
    let high = MAX_LIMIT;
    let why = '';
    if (type.unlabeled) {
      for (const l of limits) {
        if (l.typeId === type.typeId && l.category === type.category) continue;
        if (l.maxToObjectIds > low) {
          low = l.maxToObjectIds;
          why = ` (a label of this pair is limited to ${low})`;
        }
      }
    } else if (unlabeled) {
      const unlabeledLimit = limits.find(
        (l) => l.category === unlabeled.category && l.typeId === unlabeled.typeId,
      );
      if (unlabeledLimit) {
        high = unlabeledLimit.maxToObjectIds;
        why = ` (the limit of the unlabeled type ${unlabeled.category}=${unlabeled.typeId})`;
      }
    }
    if (!Number.isInteger(max) || max < low || max > high) {
      throw limitOutOfRange(type, max, low, high, why);
    }
    const over = await tx.associationUsage(portalId, type.category, type.typeId, max + 1);
    if (over.length > 0) {
      throw limitBelowUsage(type, max, over);
    }
  }
}
