/**
 * Association labels (the v4 schema API's "definitions"): list, create, update, delete
 * (decisions D18 and D19; HubSpot's associations schema guide).
 */
import type { AssociationCategory, AssociationType } from '../association-types.js';
import type { Clock } from '../clock.js';
import type { ObjectType } from '../object-types.js';
import { UniqueViolationError } from '../../store/store-errors.js';
import type { DefinitionRow, Store, StoreTransaction } from '../../store/store.js';
import {
  duplicateLabelName,
  emptyLabel,
  invalidLabelName,
  labelInUse,
  noDefaultAssociation,
  noSuchLabel,
  notACustomLabel,
  tooManyLabels,
} from './association-errors.js';
import { deleteDefinitionsAndLimits } from './definition-catalog.js';
import { PairTypes } from './pair-types.js';
import { lockForWrite, pairLock } from '../write-locks.js';

/** HubSpot's developer docs allow 10 labels per pair of object types. */
export const MAX_LABELS_PER_PAIR = 10;
export const USER_DEFINED_TYPE_COUNTER = 'type_id:USER_DEFINED';

export interface LabelView {
  readonly category: AssociationCategory;
  readonly typeId: number;
  readonly label: string | null;
}

export interface CreateLabelInput {
  readonly name: string;
  readonly label: string;
  readonly inverseLabel?: string | undefined;
}

export interface UpdateLabelInput {
  readonly associationTypeId: number;
  readonly label: string;
  readonly inverseLabel?: string | undefined;
}

function view(type: Pick<AssociationType, 'category' | 'typeId' | 'label'>): LabelView {
  return { category: type.category, typeId: type.typeId, label: type.label };
}

function checkName(name: string): void {
  const problem =
    name.trim() === ''
      ? 'must not be empty'
      : /^\d/.test(name)
        ? 'must not start with a digit'
        : name.includes('-')
          ? 'must not contain a hyphen'
          : undefined;
  if (problem) {
    throw invalidLabelName(name, problem);
  }
}

function checkLabel(label: string, field: string): void {
  if (label.trim() === '') throw emptyLabel(field, label);
}

export class LabelService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * GET …/labels: HubSpot's labeled types for the direction, the portal's labels, then the
   * unlabeled type (the order of HubSpot's documented example).
   */
  async list(portalId: number, fromType: ObjectType, toType: ObjectType): Promise<LabelView[]> {
    const types = await PairTypes.load(this.store, portalId, fromType, toType);
    const forward = types.forward;
    return [
      ...forward.filter((t) => t.category === 'HUBSPOT_DEFINED' && !t.unlabeled),
      ...forward.filter((t) => t.category !== 'HUBSPOT_DEFINED' && !t.unlabeled),
      ...forward.filter((t) => t.unlabeled),
    ].map(view);
  }

  /** Every type of the direction, with the names the v3 API and the objects API use. */
  async typesFrom(
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
  ): Promise<readonly AssociationType[]> {
    return (await PairTypes.load(this.store, portalId, fromType, toType)).forward;
  }

  /** POST …/labels: USER_DEFINED types with IDs allocated per portal (decision D18). */
  async create(
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    input: CreateLabelInput,
  ): Promise<LabelView[]> {
    checkName(input.name);
    checkLabel(input.label, 'label');
    if (input.inverseLabel !== undefined) checkLabel(input.inverseLabel, 'inverseLabel');
    try {
      return await this.store.transaction(async (tx) => {
        // Exclusive: the count of labels below stays true until this commits.
        await lockForWrite(tx, portalId, [pairLock(fromType.id, toType.id, 'exclusive')]);
        const types = await PairTypes.load(tx, portalId, fromType, toType);
        if (!types.unlabeled(fromType.id) || !types.unlabeled(toType.id))
          throw noDefaultAssociation(fromType, toType);
        const own = await tx.definitionsBetween(portalId, fromType.id, toType.id);
        if (own.some((d) => d.name === input.name)) throw duplicateLabelName(input.name, fromType, toType);
        const labelCount = new Set(own.filter((d) => d.label !== null).map((d) => d.name)).size;
        if (labelCount >= MAX_LABELS_PER_PAIR) {
          throw tooManyLabels(MAX_LABELS_PER_PAIR, fromType, toType, labelCount);
        }
        const rows = await this.#newDefinitions(tx, portalId, fromType, toType, input);
        await tx.insertDefinitions(portalId, rows);
        return rows.map((row) => ({ category: row.category, typeId: row.typeId, label: row.label }));
      });
    } catch (error) {
      // Two concurrent creates of one name: the unique index decides.
      if (error instanceof UniqueViolationError) throw duplicateLabelName(input.name, fromType, toType);
      throw error;
    }
  }

  async #newDefinitions(
    tx: StoreTransaction,
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    input: CreateLabelInput,
  ): Promise<DefinitionRow[]> {
    const createdAt = this.clock.now();
    const base = { category: 'USER_DEFINED' as const, name: input.name, createdAt };
    // A label between an object type and itself with no inverse is symmetric: one ID.
    if (fromType.id === toType.id && input.inverseLabel === undefined) {
      const [typeId] = await tx.nextCounterValues(portalId, USER_DEFINED_TYPE_COUNTER, 1);
      return [
        {
          ...base,
          typeId: typeId!,
          fromObjectTypeId: fromType.id,
          toObjectTypeId: toType.id,
          label: input.label,
          inverseTypeId: typeId!,
        },
      ];
    }
    const [forwardId, reverseId] = await tx.nextCounterValues(portalId, USER_DEFINED_TYPE_COUNTER, 2);
    return [
      {
        ...base,
        typeId: forwardId!,
        fromObjectTypeId: fromType.id,
        toObjectTypeId: toType.id,
        label: input.label,
        inverseTypeId: reverseId!,
      },
      {
        ...base,
        typeId: reverseId!,
        fromObjectTypeId: toType.id,
        toObjectTypeId: fromType.id,
        label: input.inverseLabel ?? input.label,
        inverseTypeId: forwardId!,
      },
    ];
  }

  /** The portal's definition with this ID on the pair, or the right error. */
  async #findOwn(
    tx: StoreTransaction,
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    typeId: number,
  ) {
    const own = (await tx.definitionsBetween(portalId, fromType.id, toType.id)).find(
      (d) => d.typeId === typeId && d.label !== null,
    );
    if (own) return own;
    const types = await PairTypes.load(tx, portalId, fromType, toType);
    const builtIn = [...types.forward, ...types.reverse].find(
      (t) => t.typeId === typeId && t.category !== 'USER_DEFINED',
    );
    if (builtIn) {
      throw notACustomLabel(builtIn.category, typeId);
    }
    throw noSuchLabel(typeId, fromType, toType);
  }

  /** PUT …/labels: only the display texts change (decision D19). */
  async update(
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    input: UpdateLabelInput,
  ): Promise<void> {
    checkLabel(input.label, 'label');
    if (input.inverseLabel !== undefined) checkLabel(input.inverseLabel, 'inverseLabel');
    await this.store.transaction(async (tx) => {
      await lockForWrite(tx, portalId, [pairLock(fromType.id, toType.id, 'exclusive')]);
      const own = await this.#findOwn(tx, portalId, fromType, toType, input.associationTypeId);
      await tx.updateDefinitionLabel(portalId, own.category, own.typeId, input.label);
      if (
        input.inverseLabel !== undefined &&
        own.inverseTypeId !== null &&
        own.inverseTypeId !== own.typeId
      ) {
        await tx.updateDefinitionLabel(portalId, own.category, own.inverseTypeId, input.inverseLabel);
      }
    });
  }

  /** DELETE …/labels/{typeId}: both IDs of a pair; refused while in use (decision D19). */
  async remove(portalId: number, fromType: ObjectType, toType: ObjectType, typeId: number): Promise<void> {
    await this.store.transaction(async (tx) => {
      // Exclusive: no writer of the pair is between reading the label and writing a row of
      // it, so "not in use" below stays true until the definition is gone.
      await lockForWrite(tx, portalId, [pairLock(fromType.id, toType.id, 'exclusive')]);
      const own = await this.#findOwn(tx, portalId, fromType, toType, typeId);
      const ids = [...new Set([own.typeId, ...(own.inverseTypeId === null ? [] : [own.inverseTypeId])])];
      for (const id of ids) {
        if (await tx.isDefinitionInUse(portalId, own.category, id)) {
          throw labelInUse(own.label ?? '', own.category, typeId);
        }
      }
      await deleteDefinitionsAndLimits(tx, portalId, own.category, ids);
    });
  }
}
