/**
 * The write rules for associations between pairs of records, applied inside one
 * transaction, for one write or a batch of thousands:
 *  - associations are two-way: each type is written with its inverse on the other record,
 *    and the unlabeled type is present in both directions whenever any type is
 *    (decision D9);
 *  - a labeled write replaces the pair's USER_DEFINED and INTEGRATOR_DEFINED labels and
 *    keeps HUBSPOT_DEFINED ones (decision D10);
 *  - a record has at most one Primary association of a kind: setting it elsewhere moves it
 *    (decision D11);
 *  - a configured limit is never exceeded (decision D20).
 *
 * A batch reads what its pairs already have (one query per direction), then applies the
 * writes in order, in memory, and finally writes the difference with one delete and one
 * insert: input 7 sees what input 3 wrote, a refused input changes nothing, and 2,000 inputs
 * cost a handful of statements.
 */
import { ASSOCIATION_CATEGORIES, type AssociationType } from '../association-types.js';
import { SpokeError } from '../errors.js';
import type { AssociationRow, LimitRow, RecordRef, StoreTransaction } from '../../store/store.js';
import { limitExceeded } from './association-errors.js';
import type { PairTypes } from './pair-types.js';

export type LabelMode = 'keep' | 'replace';

/** One write: add these from→to types (with their inverses and the unlabeled types). */
export interface PairWrite {
  readonly from: RecordRef;
  readonly to: RecordRef;
  readonly add: readonly AssociationType[];
}

/** The from→to rows now between the pair, or why the write was refused. */
export type PairOutcome = { readonly rows: AssociationRow[] } | { readonly error: SpokeError };

const REPLACEABLE = new Set(['USER_DEFINED', 'INTEGRATOR_DEFINED']);

/** A type's identity as one number: category and ID (ID < 2^31). */
function typeNumber(category: string, typeId: number): number {
  return (
    ASSOCIATION_CATEGORIES.indexOf(category as (typeof ASSOCIATION_CATEGORIES)[number]) * 4294967296 + typeId
  );
}
const typeNumberOf = (row: { category: string; typeId: number }) => typeNumber(row.category, row.typeId);

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

type RowsOfPair = Map<number, AssociationRow>;

/**
 * The rows of the pairs a batch touches: as the database has them, and as the batch is
 * making them. Keyed by record IDs (unique within a portal) and type number.
 */
class PairState {
  readonly #original = new Map<number, Map<number, RowsOfPair>>();
  readonly #current = new Map<number, Map<number, RowsOfPair>>();

  has(fromId: number, toId: number): boolean {
    return this.#current.get(fromId)?.has(toId) ?? false;
  }

  /** Adds pairs that were not loaded yet, with the rows the database has for them. */
  load(pairs: ReadonlyArray<readonly [number, number]>, rows: readonly AssociationRow[]): void {
    const added: Array<readonly [number, number]> = [];
    for (const [fromId, toId] of pairs) {
      if (this.has(fromId, toId)) continue;
      let original = this.#original.get(fromId);
      if (!original) this.#original.set(fromId, (original = new Map()));
      original.set(toId, new Map());
      added.push([fromId, toId]);
    }
    for (const row of rows) {
      const rowsOfPair = this.#original.get(row.fromId)?.get(row.toId);
      if (rowsOfPair && !this.has(row.fromId, row.toId)) rowsOfPair.set(typeNumberOf(row), row);
    }
    for (const [fromId, toId] of added) {
      let current = this.#current.get(fromId);
      if (!current) this.#current.set(fromId, (current = new Map()));
      current.set(toId, new Map(this.#original.get(fromId)!.get(toId)!));
    }
  }

  rows(fromId: number, toId: number): RowsOfPair {
    return this.#current.get(fromId)!.get(toId)!;
  }

  /** Current rows of every loaded pair starting at a record. */
  *rowsFrom(fromId: number): Iterable<AssociationRow> {
    for (const rows of this.#current.get(fromId)?.values() ?? []) yield* rows.values();
  }

  /** What to delete and insert to turn the database's rows into the current ones. */
  diff(): { inserts: AssociationRow[]; deletes: AssociationRow[] } {
    const inserts: AssociationRow[] = [];
    const deletes: AssociationRow[] = [];
    for (const [fromId, pairs] of this.#current) {
      for (const [toId, current] of pairs) {
        const original = this.#original.get(fromId)!.get(toId)!;
        for (const [key, row] of current) if (!original.has(key)) inserts.push(row);
        for (const [key, row] of original) if (!current.has(key)) deletes.push(row);
      }
    }
    return { inserts, deletes };
  }
}

interface Change {
  readonly row: AssociationRow;
  readonly type: number;
  readonly add: boolean;
}

export class PairWriter {
  /** Limits by type number. */
  readonly #limits: Map<number, LimitRow>;

  constructor(
    private readonly tx: StoreTransaction,
    private readonly portalId: number,
    private readonly types: PairTypes,
    limits: readonly LimitRow[],
  ) {
    this.#limits = new Map(limits.map((l) => [typeNumberOf(l), l]));
  }

  static async create(tx: StoreTransaction, portalId: number, types: PairTypes): Promise<PairWriter> {
    const limits = await tx.limitsBetween(portalId, types.fromObjectTypeId, types.toObjectTypeId);
    return new PairWriter(tx, portalId, types, limits);
  }

  /** The rows a type stands for: itself and, where HubSpot defines one, its inverse. */
  rowsFor(from: RecordRef, to: RecordRef, type: AssociationType): AssociationRow[] {
    const rows = [rowOf(from, to, type)];
    const inverse = this.types.inverseOf(type);
    if (inverse) rows.push(rowOf(to, from, inverse));
    return rows;
  }

  /** Every row a write asks for: its types with their inverses, and both unlabeled types. */
  #wantedRows(write: PairWrite): AssociationRow[] {
    const unlabeled = this.types.unlabeled(write.from.objectTypeId);
    const reverseUnlabeled = this.types.unlabeled(write.to.objectTypeId);
    if (!unlabeled || !reverseUnlabeled) {
      throw new Error(`No unlabeled type between ${write.from.objectTypeId} and ${write.to.objectTypeId}`);
    }
    const rows = [...this.rowsFor(write.from, write.to, unlabeled)];
    if (this.types.inverseOf(unlabeled)?.typeId !== reverseUnlabeled.typeId) {
      rows.push(rowOf(write.to, write.from, reverseUnlabeled));
    }
    for (const type of write.add) rows.push(...this.rowsFor(write.from, write.to, type));
    return rows;
  }

  /**
   * Whether writes that add these types decide nothing: no limit to count against, no
   * Primary to move, nothing replaced. Such writes commute with each other, so a shared
   * lock on their records is enough, and they only insert what is missing.
   */
  commutes(mode: LabelMode, added: readonly AssociationType[]): boolean {
    return mode === 'keep' && this.#limits.size === 0 && added.every((t) => !t.primary);
  }

  /** Applies writes in order; each lands whole or is refused whole. */
  async writeMany(writes: readonly PairWrite[], mode: LabelMode): Promise<PairOutcome[]> {
    const added = writes.flatMap((w) => w.add);
    if (this.commutes(mode, added)) return this.#insertOnly(writes);
    const state = new PairState();
    await this.#loadPairs(
      state,
      writes.map((w) => [w.from, w.to] as const),
    );
    const primaries = await this.#loadPrimaries(state, writes);
    const counts = await this.#loadCounts(writes);

    const outcomes: PairOutcome[] = writes.map((write) => {
      try {
        return { rows: this.#apply(state, counts, primaries, write, mode) };
      } catch (error) {
        if (error instanceof SpokeError) return { error };
        throw error;
      }
    });
    const { inserts, deletes } = state.diff();
    if (deletes.length > 0) await this.tx.deleteAssociations(this.portalId, deletes);
    if (inserts.length > 0) await this.tx.insertAssociations(this.portalId, inserts);
    return outcomes;
  }

  /** Nothing to compare against (no limits, no Primary, nothing replaced): insert what is missing. */
  async #insertOnly(writes: readonly PairWrite[]): Promise<PairOutcome[]> {
    const rows: AssociationRow[] = [];
    const outcomes: PairOutcome[] = [];
    for (const write of writes) {
      const wanted = this.#wantedRows(write);
      rows.push(...wanted);
      outcomes.push({ rows: wanted.filter((r) => r.fromId === write.from.id && r.toId === write.to.id) });
    }
    await this.tx.insertAssociations(this.portalId, rows);
    return outcomes;
  }

  /** Loads both directions of pairs into the state, one query per direction's type. */
  async #loadPairs(state: PairState, pairs: ReadonlyArray<readonly [RecordRef, RecordRef]>): Promise<void> {
    const byToType = new Map<string, Array<[number, number]>>();
    const need = (from: RecordRef, to: RecordRef) => {
      if (state.has(from.id, to.id)) return;
      const list = byToType.get(to.objectTypeId) ?? [];
      list.push([from.id, to.id]);
      byToType.set(to.objectTypeId, list);
    };
    for (const [a, b] of pairs) {
      need(a, b);
      need(b, a);
    }
    for (const [toType, keys] of byToType) {
      state.load(keys, await this.tx.associationsBetweenMany(this.portalId, toType, keys));
    }
  }

  /**
   * For writes that add a Primary type: the owning record's current Primary associations
   * (owner ID → the other records), with those pairs loaded into the state.
   */
  async #loadPrimaries(state: PairState, writes: readonly PairWrite[]): Promise<Map<string, RecordRef[]>> {
    const primaries = new Map<string, RecordRef[]>();
    for (const write of writes) {
      for (const type of write.add) {
        if (!type.primary) continue;
        const [owner, ownerType] = type.primaryOwner
          ? [write.from, type]
          : [write.to, this.types.inverseOf(type)];
        if (!ownerType) continue;
        const key = `${owner.id}|${typeNumberOf(ownerType)}`;
        if (primaries.has(key)) continue;
        const rows = await this.tx.findAssociationsOfType(
          this.portalId,
          owner.id,
          ownerType.category,
          ownerType.typeId,
        );
        const others = rows.map((r) => ({ objectTypeId: r.toObjectTypeId, id: r.toId }));
        primaries.set(key, others);
        await this.#loadPairs(
          state,
          others.map((other) => [owner, other] as const),
        );
      }
    }
    return primaries;
  }

  /** Current counts of every limited (record, type) a batch may add to. */
  async #loadCounts(writes: readonly PairWrite[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (this.#limits.size === 0) return counts;
    for (const write of writes) {
      for (const row of this.#wantedRows(write)) {
        const key = this.#limitKey(row);
        if (key === undefined || counts.has(key)) continue;
        counts.set(key, await this.tx.countAssociations(this.portalId, row.fromId, row.category, row.typeId));
      }
    }
    return counts;
  }

  #limitKey(row: AssociationRow): string | undefined {
    const type = typeNumberOf(row);
    return this.#limits.has(type) ? `${row.fromId}|${type}` : undefined;
  }

  /** One write against the in-memory state; throws (changing nothing) when refused. */
  #apply(
    state: PairState,
    counts: Map<string, number>,
    primaries: Map<string, RecordRef[]>,
    write: PairWrite,
    mode: LabelMode,
  ): AssociationRow[] {
    const { from, to } = write;
    // This write's changes against the state; a change that undoes an earlier one cancels it.
    const changes: Change[] = [];
    const indexOf = (fromId: number, toId: number, type: number) =>
      changes.findIndex((c) => c.row.fromId === fromId && c.row.toId === toId && c.type === type);
    const change = (row: AssociationRow, add: boolean) => {
      const type = typeNumberOf(row);
      const index = indexOf(row.fromId, row.toId, type);
      const present =
        index >= 0
          ? changes[index]!.add
          : state.has(row.fromId, row.toId) && state.rows(row.fromId, row.toId).has(type);
      if (present === add) return;
      if (index >= 0) changes.splice(index, 1);
      else changes.push({ row, type, add });
    };

    const wanted = this.#wantedRows(write);
    for (const row of wanted) change(row, true);

    if (mode === 'replace') {
      const keep = new Set(wanted.filter((r) => r.fromId === from.id).map(typeNumberOf));
      for (const row of [...state.rows(from.id, to.id).values()]) {
        if (!REPLACEABLE.has(row.category) || keep.has(typeNumberOf(row))) continue;
        const type = this.types.find(from.objectTypeId, row.category, row.typeId);
        for (const r of type ? this.rowsFor(from, to, type) : [row]) change(r, false);
      }
    }

    for (const type of write.add) {
      const index = type.primary ? indexOf(from.id, to.id, typeNumberOf(type)) : -1;
      if (index < 0 || !changes[index]!.add) continue;
      const [owner, ownerType, primaryRecord] = type.primaryOwner
        ? [from, type, to]
        : [to, this.types.inverseOf(type), from];
      if (!ownerType) continue;
      // The owner's Primary elsewhere: in the database, or written by an earlier input.
      const others = new Map<number, RecordRef>();
      for (const other of primaries.get(`${owner.id}|${typeNumberOf(ownerType)}`) ?? [])
        others.set(other.id, other);
      for (const row of state.rowsFrom(owner.id)) {
        if (typeNumberOf(row) === typeNumberOf(ownerType))
          others.set(row.toId, { objectTypeId: row.toObjectTypeId, id: row.toId });
      }
      others.delete(primaryRecord.id);
      for (const other of others.values())
        for (const row of this.rowsFor(owner, other, ownerType)) change(row, false);
    }

    this.#checkLimits(counts, changes);

    // Accepted: this is the state the next write sees.
    for (const { row, type, add } of changes) {
      if (!state.has(row.fromId, row.toId)) state.load([[row.fromId, row.toId]], []);
      if (add) state.rows(row.fromId, row.toId).set(type, row);
      else state.rows(row.fromId, row.toId).delete(type);
      const key = this.#limitKey(row);
      if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + (add ? 1 : -1));
    }
    return [...state.rows(from.id, to.id).values()].sort((a, b) => typeNumberOf(a) - typeNumberOf(b));
  }

  #checkLimits(counts: Map<string, number>, changes: readonly Change[]): void {
    if (this.#limits.size === 0) return;
    const delta = new Map<string, { row: AssociationRow; change: number }>();
    for (const { row, add } of changes) {
      const key = this.#limitKey(row);
      if (key === undefined) continue;
      const entry = delta.get(key) ?? { row, change: 0 };
      entry.change += add ? 1 : -1;
      delta.set(key, entry);
    }
    for (const [key, { row, change }] of delta) {
      if (change <= 0) continue;
      const limit = this.#limits.get(typeNumberOf(row))!;
      if ((counts.get(key) ?? 0) + change > limit.maxToObjectIds) {
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
