/**
 * Builds each transaction's ChangeSet as its writes happen: a Store whose transactions hand
 * the domain a StoreTransaction that records every write into a ChangeCollector, and runs
 * the feed's in-transaction hooks before COMMIT and its listeners after it (changes.ts).
 *
 * What a write removes implicitly (a deleted record's associations, every type between two
 * records) is read under the locks the domain already holds, just before the delete, so the
 * set names each removed row. Inserted associations come back from the store itself
 * (`insertAssociations`' `inserted` list): two transactions that insert the same row at once
 * report it once, from the one whose insert landed.
 */
import type { Clock } from './clock.js';
import {
  attachCollector,
  ChangeCollector,
  currentActingApp,
  currentChangeSource,
  isEmptyChangeSet,
  type ChangeFeed,
  type ChangeSet,
} from './changes.js';
import type {
  AssociationRow,
  HistoryRow,
  ObjectRow,
  PropertyMap,
  RecordRef,
  Store,
  StoreTransaction,
} from '../store/store.js';

type Writes = Pick<
  StoreTransaction,
  | 'savepoint'
  | 'insertObjects'
  | 'updateObject'
  | 'setArchived'
  | 'deleteObjects'
  | 'appendHistory'
  | 'insertAssociations'
  | 'deleteAssociations'
  | 'deleteAssociationsBetween'
  | 'deleteAssociationsOfPairs'
  | 'resetPortal'
  | 'restoreSnapshot'
>;

/** The rows between each pair `[a, b]` (a of type aType, b of type bType), both directions. */
async function rowsOfPairs(
  tx: StoreTransaction,
  portalId: number,
  aType: string,
  bType: string,
  pairs: ReadonlyArray<readonly [number, number]>,
): Promise<AssociationRow[]> {
  if (pairs.length === 0) return [];
  const forward = await tx.associationsBetweenMany(portalId, bType, pairs);
  const backward = await tx.associationsBetweenMany(
    portalId,
    aType,
    pairs.map(([a, b]) => [b, a] as const),
  );
  return [...forward, ...backward];
}

/** Every row from or to the given records (both directions of each association). */
async function rowsOfRecords(
  tx: StoreTransaction,
  portalId: number,
  records: readonly RecordRef[],
): Promise<AssociationRow[]> {
  const rows: AssociationRow[] = [];
  for (const record of records) {
    const from = await tx.allAssociationsOf(portalId, record.id);
    rows.push(...from);
    const byType = new Map<string, Array<readonly [number, number]>>();
    for (const row of from) {
      if (row.toId === record.id) continue;
      const list = byType.get(row.toObjectTypeId) ?? [];
      if (!list.some(([id]) => id === row.toId)) list.push([row.toId, record.id]);
      byType.set(row.toObjectTypeId, list);
    }
    for (const pairs of byType.values())
      rows.push(...(await tx.associationsBetweenMany(portalId, record.objectTypeId, pairs)));
  }
  // A record deleted with another one it was associated with: each row once.
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.fromId}:${r.toObjectTypeId}:${r.toId}:${r.category}:${r.typeId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A transaction that has collected this many changes hands them to the in-transaction hooks
 * as a part, and keeps going: an import of 400,000 records does not hold them all in memory.
 */
export const CHANGE_SET_PART = 5_000;

function trackWrites(tx: StoreTransaction, c: ChangeCollector, full: () => Promise<void>): Writes {
  return {
    async savepoint(fn) {
      const mark = c.mark();
      try {
        return await tx.savepoint(fn);
      } catch (error) {
        c.rewind(mark);
        throw error;
      }
    },
    async insertObjects(portalId: number, rows: readonly ObjectRow[]) {
      const inserted = await tx.insertObjects(portalId, rows);
      // A taken ID is skipped; callers insert one record at a time when that can happen.
      if (inserted === rows.length) c.created(portalId, rows);
      await full();
      return inserted;
    },
    async updateObject(portalId: number, id: number, properties: PropertyMap, updatedAt: number) {
      await tx.updateObject(portalId, id, properties, updatedAt);
      const [head] = await tx.getObjectHeads(portalId, [id]);
      if (head)
        c.record({ portalId, action: 'updated', objectTypeId: head.objectTypeId, id, properties: {} });
    },
    async setArchived(portalId: number, ids: readonly number[], archivedAt: number | null) {
      await tx.setArchived(portalId, ids, archivedAt);
      const action = archivedAt === null ? 'restored' : 'archived';
      for (const head of await tx.getObjectHeads(portalId, ids))
        c.record({ portalId, action, objectTypeId: head.objectTypeId, id: head.id, properties: {} });
    },
    async deleteObjects(portalId: number, records: readonly RecordRef[]) {
      const rows = await rowsOfRecords(tx, portalId, records);
      await tx.deleteObjects(portalId, records);
      c.associations(portalId, 'removed', rows);
      for (const r of records)
        c.record({ portalId, action: 'deleted', objectTypeId: r.objectTypeId, id: r.id, properties: {} });
    },
    async appendHistory(portalId: number, rows: readonly HistoryRow[]) {
      await tx.appendHistory(portalId, rows);
      const byRecord = new Map<number, PropertyMap>();
      for (const row of rows) {
        const values = byRecord.get(row.objectId) ?? {};
        values[row.name] = row.value;
        byRecord.set(row.objectId, values);
      }
      for (const [id, values] of byRecord) c.changedProperties(portalId, id, values);
    },
    async insertAssociations(portalId: number, rows: readonly AssociationRow[]) {
      const inserted: AssociationRow[] = [];
      const count = await tx.insertAssociations(portalId, rows, inserted);
      c.associations(portalId, 'added', inserted);
      await full();
      return count;
    },
    async deleteAssociations(portalId: number, rows: readonly AssociationRow[]) {
      const byType = new Map<string, AssociationRow[]>();
      for (const row of rows)
        byType.set(row.toObjectTypeId, [...(byType.get(row.toObjectTypeId) ?? []), row]);
      const present: AssociationRow[] = [];
      for (const [toType, group] of byType) {
        const found = await tx.associationsBetweenMany(
          portalId,
          toType,
          group.map((r) => [r.fromId, r.toId] as const),
        );
        const wanted = new Set(group.map((r) => `${r.fromId}:${r.toId}:${r.category}:${r.typeId}`));
        present.push(...found.filter((r) => wanted.has(`${r.fromId}:${r.toId}:${r.category}:${r.typeId}`)));
      }
      const count = await tx.deleteAssociations(portalId, rows);
      c.associations(portalId, 'removed', present);
      return count;
    },
    async deleteAssociationsBetween(portalId: number, a: RecordRef, b: RecordRef) {
      const rows = await rowsOfPairs(tx, portalId, a.objectTypeId, b.objectTypeId, [[a.id, b.id]]);
      const count = await tx.deleteAssociationsBetween(portalId, a, b);
      c.associations(portalId, 'removed', rows);
      return count;
    },
    async deleteAssociationsOfPairs(portalId, fromObjectTypeId, toObjectTypeId, pairs) {
      const rows = await rowsOfPairs(tx, portalId, fromObjectTypeId, toObjectTypeId, pairs);
      const count = await tx.deleteAssociationsOfPairs(portalId, fromObjectTypeId, toObjectTypeId, pairs);
      c.associations(portalId, 'removed', rows);
      return count;
    },
    async resetPortal(portalId: number) {
      await tx.resetPortal(portalId);
      c.portal(portalId, 'reset');
    },
    async restoreSnapshot(portalId: number, name: string) {
      const restored = await tx.restoreSnapshot(portalId, name);
      if (restored) c.portal(portalId, 'snapshotRestored');
      return restored;
    },
  };
}

/**
 * A transaction that records its writes into `collector`; reads and other writes pass
 * through. `full` runs after bulk writes (it drains a collector past CHANGE_SET_PART).
 */
export function trackTransaction(
  tx: StoreTransaction,
  collector: ChangeCollector,
  full: () => Promise<void> = async () => {},
): StoreTransaction {
  const writes = trackWrites(tx, collector, full) as unknown as Record<PropertyKey, unknown>;
  const tracked = new Proxy(tx, {
    get(target, property) {
      if (Object.hasOwn(writes, property)) return writes[property];
      const value = (target as unknown as Record<PropertyKey, unknown>)[property];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  attachCollector(tracked, collector);
  return tracked;
}

/**
 * A part of a large set as listeners keep it after the hooks saw it whole: without property
 * values, so the parts of a large import stay small until the commit publishes them.
 */
function lighten(set: ChangeSet): ChangeSet {
  return { ...set, records: set.records.map((r) => ({ ...r, properties: {} })) };
}

/** `store`, with every transaction feeding `feed`. Reads and snapshots are the store's own. */
export function trackChanges(store: Store, feed: ChangeFeed, clock: Clock): Store {
  const transaction = async <T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> => {
    let committed: ChangeSet[] = [];
    const result = await store.transaction(async (tx) => {
      // Each attempt collects afresh: a rerun must not report the first attempt's writes.
      const parts: ChangeSet[] = [];
      const collector = new ChangeCollector(currentChangeSource(), clock.now(), currentActingApp());
      const hand = async (set: ChangeSet, keep: (set: ChangeSet) => ChangeSet) => {
        if (isEmptyChangeSet(set)) return;
        await feed.beforeCommit(tx, set);
        parts.push(keep(set));
      };
      const full = async () => {
        if (collector.size >= CHANGE_SET_PART) await hand(collector.drain(), lighten);
      };
      const value = await fn(trackTransaction(tx, collector, full));
      await hand(collector.build(), (set) => set);
      committed = parts;
      return value;
    });
    for (const set of committed) feed.publish(set);
    return result;
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      const value = (target as unknown as Record<PropertyKey, unknown>)[property];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
