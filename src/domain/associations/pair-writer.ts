/**
 * The write rules for associations between pairs of records, applied inside one
 * transaction, for one write or a batch of thousands:
 *  - associations are two-way: each type is written with its inverse on the other record,
 *    and the unlabeled type is present in both directions whenever any type is
 *    (compat-decisions 9);
 *  - a labeled write replaces the pair's USER_DEFINED and INTEGRATOR_DEFINED labels and
 *    keeps HUBSPOT_DEFINED ones (compat-decisions 10);
 *  - a record has at most one Primary association of a kind: setting it elsewhere moves it
 *    (compat-decisions 11);
 *  - a configured limit is never exceeded (compat-decisions 20).
 *
 * A batch is applied in order, in memory, over the rows the pairs already have (read in one
 * query), then written with one delete and one insert: input 7 sees what input 3 wrote, a
 * failed input changes nothing, and 2,000 inputs cost a handful of statements.
 */
import type { AssociationType } from '../association-types.js';
import type { SpokeError } from '../errors.js';
import type { AssociationRow, LimitRow, PairKey, RecordRef, StoreTransaction } from '../../store/store.js';
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

const pairKeyOf = (r: PairKey) => `${r.fromId}|${r.toObjectTypeId}|${r.toId}`;
const typeKeyOf = (r: { category: string; typeId: number }) => `${r.category}:${r.typeId}`;

/** The rows of the pairs a batch touches: as they were, and as they are becoming. */
class PairState {
  readonly #original = new Map<string, Map<string, AssociationRow>>();
  readonly #current = new Map<string, Map<string, AssociationRow>>();

  load(pairs: readonly PairKey[], rows: readonly AssociationRow[]): void {
    for (const pair of pairs) {
      const key = pairKeyOf(pair);
      if (!this.#original.has(key)) this.#original.set(key, new Map());
    }
    for (const row of rows) this.#original.get(pairKeyOf(row))?.set(typeKeyOf(row), row);
    for (const [key, rowsOfPair] of this.#original) if (!this.#current.has(key)) this.#current.set(key, new Map(rowsOfPair));
  }

  has(pair: PairKey): boolean {
    return this.#current.has(pairKeyOf(pair));
  }

  /** Current rows of every loaded pair starting at a record. */
  *rowsFrom(fromId: number): Iterable<AssociationRow> {
    const prefix = `${fromId}|`;
    for (const [key, rows] of this.#current) if (key.startsWith(prefix)) yield* rows.values();
  }

  rows(pair: PairKey): Map<string, AssociationRow> {
    return this.#current.get(pairKeyOf(pair))!;
  }

  /** What to delete and insert to turn the original rows into the current ones. */
  diff(): { inserts: AssociationRow[]; deletes: AssociationRow[] } {
    const inserts: AssociationRow[] = [];
    const deletes: AssociationRow[] = [];
    for (const [key, current] of this.#current) {
      const original = this.#original.get(key)!;
      for (const [typeKey, row] of current) if (!original.has(typeKey)) inserts.push(row);
      for (const [typeKey, row] of original) if (!current.has(typeKey)) deletes.push(row);
    }
    return { inserts, deletes };
  }
}

export class PairWriter {
  readonly #limits: Map<string, LimitRow>;

  constructor(
    private readonly tx: StoreTransaction,
    private readonly portalId: number,
    private readonly types: PairTypes,
    limits: readonly LimitRow[],
  ) {
    this.#limits = new Map(limits.map((l) => [typeKeyOf(l), l]));
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

  #wanted(write: PairWrite): AssociationType[] {
    const unlabeled = this.types.unlabeled(write.from.objectTypeId);
    if (!unlabeled) throw new Error(`No unlabeled type from ${write.from.objectTypeId} to ${write.to.objectTypeId}`);
    return [unlabeled, ...write.add];
  }

  /** Applies writes in order; each either lands whole or is refused whole. */
  async writeMany(writes: readonly PairWrite[], mode: LabelMode): Promise<PairOutcome[]> {
    const simple = mode === 'keep' && this.#limits.size === 0 && writes.every((w) => w.add.every((t) => !t.primary));
    if (simple) return this.#insertOnly(writes);

    const state = new PairState();
    const probe: PairKey[] = [];
    for (const { from, to } of writes) {
      probe.push({ fromId: from.id, toObjectTypeId: to.objectTypeId, toId: to.id });
      probe.push({ fromId: to.id, toObjectTypeId: from.objectTypeId, toId: from.id });
    }
    state.load(probe, await this.tx.associationsBetweenMany(this.portalId, probe));

    const counts = new Map<string, number>();
    const outcomes: PairOutcome[] = [];
    for (const write of writes) {
      try {
        outcomes.push({ rows: await this.#apply(state, counts, write, mode) });
      } catch (error) {
        if (error instanceof Error && 'category' in error) outcomes.push({ error: error as SpokeError });
        else throw error;
      }
    }
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
      const written = new Map<string, AssociationRow>();
      for (const type of this.#wanted(write)) {
        for (const row of this.rowsFor(write.from, write.to, type)) written.set(`${pairKeyOf(row)}:${typeKeyOf(row)}`, row);
      }
      const reverseUnlabeled = this.types.unlabeled(write.to.objectTypeId);
      if (reverseUnlabeled) {
        const row = rowOf(write.to, write.from, reverseUnlabeled);
        written.set(`${pairKeyOf(row)}:${typeKeyOf(row)}`, row);
      }
      rows.push(...written.values());
      outcomes.push({ rows: [...written.values()].filter((r) => r.fromId === write.from.id && r.toId === write.to.id) });
    }
    await this.tx.insertAssociations(this.portalId, rows);
    return outcomes;
  }

  /** One write against the in-memory state; throws (changing nothing) when refused. */
  async #apply(state: PairState, counts: Map<string, number>, write: PairWrite, mode: LabelMode): Promise<AssociationRow[]> {
    const { from, to } = write;
    const forwardKey = { fromId: from.id, toObjectTypeId: to.objectTypeId, toId: to.id };
    const wanted = this.#wanted(write);
    const changes: Array<{ row: AssociationRow; add: boolean }> = [];
    const pending = (row: AssociationRow) => changes.find((c) => pairKeyOf(c.row) === pairKeyOf(row) && typeKeyOf(c.row) === typeKeyOf(row));
    const present = (row: AssociationRow) => {
      const change = pending(row);
      if (change) return change.add;
      return state.has(row) && state.rows(row).has(typeKeyOf(row));
    };
    const add = (row: AssociationRow) => {
      if (!present(row)) changes.push({ row, add: true });
    };
    const remove = (row: AssociationRow) => {
      if (present(row)) changes.push({ row, add: false });
    };

    for (const type of wanted) for (const row of this.rowsFor(from, to, type)) add(row);
    const reverseUnlabeled = this.types.unlabeled(to.objectTypeId);
    if (reverseUnlabeled) add(rowOf(to, from, reverseUnlabeled));

    if (mode === 'replace') {
      const keep = new Set(wanted.map(typeKeyOf));
      for (const row of [...state.rows(forwardKey).values()]) {
        if (!REPLACEABLE.has(row.category) || keep.has(typeKeyOf(row))) continue;
        const type = this.types.find(from.objectTypeId, row.category, row.typeId);
        for (const r of type ? this.rowsFor(from, to, type) : [row]) remove(r);
      }
    }

    for (const type of write.add) {
      if (type.primary && changes.some((c) => c.add && pairKeyOf(c.row) === pairKeyOf(forwardKey) && typeKeyOf(c.row) === typeKeyOf(type))) {
        await this.#movePrimary(state, from, to, type, remove);
      }
    }

    await this.#checkLimits(counts, changes);

    // Accepted: make it the state the next write sees.
    for (const { row, add: adding } of changes) {
      if (!state.has(row)) state.load([row], []);
      if (adding) state.rows(row).set(typeKeyOf(row), row);
      else state.rows(row).delete(typeKeyOf(row));
      for (const limitKey of this.#limitKeys(row)) counts.set(limitKey, (counts.get(limitKey) ?? 0) + (adding ? 1 : -1));
    }
    return [...state.rows(forwardKey).values()].sort((a, b) =>
      a.category === b.category ? a.typeId - b.typeId : a.category < b.category ? -1 : 1,
    );
  }

  /**
   * Removes the Primary association the owning record has with any other record: those in
   * the database, and those earlier writes of this batch made.
   */
  async #movePrimary(
    state: PairState,
    from: RecordRef,
    to: RecordRef,
    type: AssociationType,
    remove: (row: AssociationRow) => void,
  ): Promise<void> {
    const [owner, ownerType, primaryRecord] = type.primaryOwner ? [from, type, to] : [to, this.types.inverseOf(type), from];
    if (!ownerType) return;
    const others = new Map<number, RecordRef>();
    for (const row of await this.tx.findAssociationsOfType(this.portalId, owner.id, ownerType.category, ownerType.typeId)) {
      others.set(row.toId, { objectTypeId: row.toObjectTypeId, id: row.toId });
    }
    for (const row of state.rowsFrom(owner.id)) {
      if (typeKeyOf(row) === typeKeyOf(ownerType)) others.set(row.toId, { objectTypeId: row.toObjectTypeId, id: row.toId });
    }
    others.delete(primaryRecord.id);
    for (const other of others.values()) {
      const keys = [
        { fromId: owner.id, toObjectTypeId: other.objectTypeId, toId: other.id },
        { fromId: other.id, toObjectTypeId: owner.objectTypeId, toId: owner.id },
      ].filter((k) => !state.has(k));
      if (keys.length > 0) state.load(keys, await this.tx.associationsBetweenMany(this.portalId, keys));
      for (const row of this.rowsFor(owner, other, ownerType)) remove(row);
    }
  }

  #limitKeys(row: AssociationRow): string[] {
    return this.#limits.has(typeKeyOf(row)) ? [`${row.fromId}>${typeKeyOf(row)}`] : [];
  }

  async #checkLimits(counts: Map<string, number>, changes: ReadonlyArray<{ row: AssociationRow; add: boolean }>) {
    if (this.#limits.size === 0) return;
    const delta = new Map<string, { row: AssociationRow; change: number }>();
    for (const { row, add } of changes) {
      for (const key of this.#limitKeys(row)) {
        const entry = delta.get(key) ?? { row, change: 0 };
        entry.change += add ? 1 : -1;
        delta.set(key, entry);
      }
    }
    for (const [key, { row, change }] of delta) {
      if (change <= 0) continue;
      if (!counts.has(key)) counts.set(key, await this.tx.countAssociations(this.portalId, row.fromId, row.category, row.typeId));
      const limit = this.#limits.get(typeKeyOf(row))!;
      if (counts.get(key)! + change > limit.maxToObjectIds) {
        const type = this.types.find(row.fromObjectTypeId, row.category, row.typeId) ?? { ...row, label: null };
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
