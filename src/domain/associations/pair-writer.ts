/**
 * The write rules for the associations between two records, applied inside one
 * transaction:
 *  - associations are two-way: each type is written with its inverse on the other record,
 *    and the unlabeled type is present in both directions whenever any type is
 *    (compat-decisions 9);
 *  - a labeled write replaces the pair's USER_DEFINED and INTEGRATOR_DEFINED labels and
 *    keeps HUBSPOT_DEFINED ones (compat-decisions 10);
 *  - a record has at most one Primary association of a kind: setting it elsewhere moves it
 *    (compat-decisions 11);
 *  - a configured limit is never exceeded (compat-decisions 20).
 */
import type { AssociationType } from '../association-types.js';
import type { AssociationRow, LimitRow, RecordRef, StoreTransaction } from '../../store/store.js';
import type { PairTypes } from './pair-types.js';
import { limitExceeded } from './association-errors.js';

export type LabelMode = 'keep' | 'replace';

const REPLACEABLE = new Set(['USER_DEFINED', 'INTEGRATOR_DEFINED']);

function rowOf(from: RecordRef, to: RecordRef, type: AssociationType): AssociationRow {
  return {
    fromObjectTypeId: from.objectTypeId,
    fromId: from.id,
    toObjectTypeId: to.objectTypeId,
    toId: to.id,
    category: type.category,
    typeId: type.typeId,
  };
}

function rowKey(row: AssociationRow): string {
  return `${row.fromId}>${row.toId}:${row.category}:${row.typeId}`;
}

function limitKey(category: string, typeId: number): string {
  return `${category}:${typeId}`;
}

export class PairWriter {
  readonly #limits: Map<string, LimitRow>;

  constructor(
    private readonly tx: StoreTransaction,
    private readonly portalId: number,
    private readonly types: PairTypes,
    limits: readonly LimitRow[],
  ) {
    this.#limits = new Map(limits.map((l) => [limitKey(l.category, l.typeId), l]));
  }

  static async create(tx: StoreTransaction, portalId: number, types: PairTypes): Promise<PairWriter> {
    const { fromObjectTypeId: a, toObjectTypeId: b } = types;
    const limits = await tx.listLimits(portalId, a, b);
    if (a !== b) limits.push(...(await tx.listLimits(portalId, b, a)));
    return new PairWriter(tx, portalId, types, limits);
  }

  /** The rows a type stands for: itself and, where HubSpot defines one, its inverse. */
  rowsFor(from: RecordRef, to: RecordRef, type: AssociationType): AssociationRow[] {
    const rows = [rowOf(from, to, type)];
    const inverse = this.types.inverseOf(type);
    if (inverse) rows.push(rowOf(to, from, inverse));
    return rows;
  }

  /**
   * Adds `add` (types of the from→to direction) and the unlabeled types; in `replace` mode
   * also removes the pair's replaceable labels that `add` does not name. Returns the forward
   * rows now between the pair.
   */
  async write(
    from: RecordRef,
    to: RecordRef,
    add: readonly AssociationType[],
    mode: LabelMode,
  ): Promise<AssociationRow[]> {
    const forwardUnlabeled = this.types.unlabeled(from.objectTypeId);
    if (!forwardUnlabeled)
      throw new Error(`No unlabeled type from ${from.objectTypeId} to ${to.objectTypeId}`);
    const wanted = [forwardUnlabeled, ...add];

    const existingForward = await this.tx.associationsBetween(this.portalId, from, to);
    const existingReverse =
      from.id === to.id ? existingForward : await this.tx.associationsBetween(this.portalId, to, from);
    const existing = new Set([...existingForward, ...existingReverse].map(rowKey));

    const additions = new Map<string, AssociationRow>();
    for (const type of wanted) {
      for (const row of this.rowsFor(from, to, type)) {
        if (!existing.has(rowKey(row))) additions.set(rowKey(row), row);
      }
    }

    const removals = new Map<string, AssociationRow>();
    if (mode === 'replace') {
      const keep = new Set(wanted.map((t) => limitKey(t.category, t.typeId)));
      for (const row of existingForward) {
        if (!REPLACEABLE.has(row.category) || keep.has(limitKey(row.category, row.typeId))) continue;
        const type = this.types.find(from.objectTypeId, row.category, row.typeId);
        const rows = type ? this.rowsFor(from, to, type) : [row];
        for (const r of rows) removals.set(rowKey(r), r);
      }
    }

    for (const type of add) {
      if (type.primary && additions.has(rowKey(rowOf(from, to, type)))) {
        await this.#movePrimary(from, to, type, removals);
      }
    }

    await this.#checkLimits([...additions.values()]);
    if (removals.size > 0) await this.tx.deleteAssociations(this.portalId, [...removals.values()]);
    if (additions.size > 0) await this.tx.insertAssociations(this.portalId, [...additions.values()]);

    const result = existingForward.filter((r) => !removals.has(rowKey(r)));
    for (const row of additions.values()) if (row.fromId === from.id && row.toId === to.id) result.push(row);
    return result;
  }

  /** Removes the Primary association the owning record has with any other record. */
  async #movePrimary(
    from: RecordRef,
    to: RecordRef,
    type: AssociationType,
    removals: Map<string, AssociationRow>,
  ): Promise<void> {
    const inverse = this.types.inverseOf(type);
    const [owner, ownerType, primaryRecord] = type.primaryOwner ? [from, type, to] : [to, inverse, from];
    if (!ownerType) return;
    const current = await this.tx.findAssociationsOfType(
      this.portalId,
      owner.id,
      ownerType.category,
      ownerType.typeId,
    );
    for (const row of current) {
      if (row.toId === primaryRecord.id) continue;
      const other = { objectTypeId: row.toObjectTypeId, id: row.toId };
      for (const r of this.rowsFor(owner, other, ownerType)) removals.set(rowKey(r), r);
    }
  }

  async #checkLimits(additions: readonly AssociationRow[]): Promise<void> {
    if (this.#limits.size === 0) return;
    const added = new Map<string, { row: AssociationRow; count: number }>();
    for (const row of additions) {
      if (!this.#limits.has(limitKey(row.category, row.typeId))) continue;
      const key = `${row.fromId}>${limitKey(row.category, row.typeId)}`;
      const entry = added.get(key) ?? { row, count: 0 };
      entry.count += 1;
      added.set(key, entry);
    }
    for (const { row, count } of added.values()) {
      const limit = this.#limits.get(limitKey(row.category, row.typeId))!;
      const current = await this.tx.countAssociations(this.portalId, row.fromId, row.category, row.typeId);
      if (current + count > limit.maxToObjectIds) {
        const type = this.types.find(row.fromObjectTypeId, row.category, row.typeId) ?? {
          ...row,
          label: null,
        };
        const from = { type: this.types.objectType(row.fromObjectTypeId), id: row.fromId };
        throw limitExceeded(from, this.types.objectType(row.toObjectTypeId), type, limit.maxToObjectIds);
      }
    }
  }

  /** Removes the given types (from→to) with their inverses; removing the unlabeled type removes everything. */
  async remove(from: RecordRef, to: RecordRef, remove: readonly AssociationType[]): Promise<void> {
    if (remove.some((t) => t.unlabeled)) {
      await this.tx.deleteAssociationsBetween(this.portalId, from, to);
      return;
    }
    const rows = remove.flatMap((t) => this.rowsFor(from, to, t));
    if (rows.length > 0) await this.tx.deleteAssociations(this.portalId, rows);
  }
}
