/**
 * The change feed: what each committed write transaction changed, for webhooks, the UI's
 * live view and anything else that must react to data changing.
 *
 * A `ChangeSet` is built while the transaction runs (change-tracking.ts records every write
 * the domain makes through the transaction, and the domain adds what only it knows: that a
 * delete was a merge or a GDPR delete, and where the write came from). Two kinds of
 * subscriber see it:
 *   - `inTransaction` hooks run inside the transaction, after the domain's last write and
 *     before COMMIT, on the same transaction: what they write (the webhooks outbox) commits
 *     or rolls back with the change it reports.
 *   - `subscribe` listeners run after the commit, once per committed transaction: never for a
 *     rollback, and once only when PostgreSQL reruns a transaction (each attempt collects
 *     afresh; only the attempt that committed is published).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AssociationRow, ObjectRow, PropertyMap, StoreTransaction } from '../store/store.js';

/** Where a write came from, as webhooks' `changeSource` says it. */
export type ChangeSource = 'API' | 'IMPORT' | 'FIXTURE' | 'ADMIN';

export type RecordAction =
  'created' | 'updated' | 'archived' | 'restored' | 'deleted' | 'merged' | 'privacyDeleted';

export interface RecordChange {
  readonly portalId: number;
  readonly action: RecordAction;
  readonly objectTypeId: string;
  readonly id: number;
  /**
   * created: every property set; updated: the properties whose value changed (with their new
   * value); merged: the primary record's changed properties. Empty for the other actions.
   */
  readonly properties: PropertyMap;
  /** merged only: the records merged into this one (they are `deleted` in the same set). */
  readonly mergedIds?: readonly number[];
  /** created only: the record was written archived (an import, a snapshot's copy). */
  readonly archived?: boolean;
}

export interface AssociationChange {
  readonly portalId: number;
  readonly action: 'added' | 'removed';
  /**
   * One stored direction. Both directions of an association are stored, so a change shows
   * up once per side, each with its own type ID (a label's inverse, Primary's own type).
   */
  readonly row: AssociationRow;
}

/** Whole-portal changes that list no records: a reset, a snapshot restored, an import. */
export interface PortalChange {
  readonly portalId: number;
  readonly action: 'reset' | 'snapshotRestored';
}

export interface ChangeSet {
  readonly source: ChangeSource;
  /** The app whose token made the write (a token linked to an app, decision D91), if any. */
  readonly appId?: number;
  /** When the transaction ran (Spoke's controllable clock), epoch ms. */
  readonly occurredAt: number;
  readonly records: readonly RecordChange[];
  readonly associations: readonly AssociationChange[];
  readonly portals: readonly PortalChange[];
}

export function isEmptyChangeSet(set: ChangeSet): boolean {
  return set.records.length === 0 && set.associations.length === 0 && set.portals.length === 0;
}

/** The portals a change set touches, in order of first appearance. */
export function portalsOf(set: ChangeSet): number[] {
  const ids = new Set<number>();
  for (const r of set.records) ids.add(r.portalId);
  for (const a of set.associations) ids.add(a.portalId);
  for (const p of set.portals) ids.add(p.portalId);
  return [...ids];
}

/**
 * Collects one transaction attempt's changes. A savepoint that rolls back truncates what was
 * collected inside it (`mark` / `rewind`), so a batch's failed input reports nothing.
 */
export class ChangeCollector {
  readonly #records: RecordChange[] = [];
  readonly #associations: AssociationChange[] = [];
  readonly #portals: PortalChange[] = [];

  constructor(
    readonly source: ChangeSource,
    readonly occurredAt: number,
    readonly appId?: number,
  ) {}

  mark(): [number, number, number] {
    return [this.#records.length, this.#associations.length, this.#portals.length];
  }

  rewind([records, associations, portals]: [number, number, number]): void {
    // A mark taken before a `drain` may be past the end: what was drained is already in the
    // hooks' writes, which the savepoint's rollback undoes itself.
    this.#records.length = Math.min(records, this.#records.length);
    this.#associations.length = Math.min(associations, this.#associations.length);
    this.#portals.length = Math.min(portals, this.#portals.length);
  }

  /** Changes collected and not yet drained. */
  get size(): number {
    return this.#records.length + this.#associations.length + this.#portals.length;
  }

  /** The changes so far, as a set, and starts over: a large transaction in parts. */
  drain(): ChangeSet {
    const set = this.build();
    this.#records.length = 0;
    this.#associations.length = 0;
    this.#portals.length = 0;
    return set;
  }

  created(portalId: number, rows: readonly ObjectRow[]): void {
    for (const row of rows) {
      this.#records.push({
        portalId,
        action: 'created',
        objectTypeId: row.objectTypeId,
        id: row.id,
        properties: { ...row.properties },
        ...(row.archivedAt !== null && { archived: true }),
      });
    }
  }

  record(change: RecordChange): void {
    this.#records.push(change);
  }

  /**
   * Property values written to history: an update's changed properties. They land on the
   * record's `updated` (or `merged`) change of this transaction.
   */
  changedProperties(portalId: number, objectId: number, values: PropertyMap): void {
    for (let i = this.#records.length - 1; i >= 0; i--) {
      const change = this.#records[i]!;
      if (change.portalId !== portalId || change.id !== objectId) continue;
      if (change.action === 'updated' || change.action === 'merged') {
        Object.assign(change.properties, values);
        return;
      }
    }
  }

  associations(portalId: number, action: 'added' | 'removed', rows: readonly AssociationRow[]): void {
    for (const row of rows) this.#associations.push({ portalId, action, row });
  }

  portal(portalId: number, action: PortalChange['action']): void {
    this.#portals.push({ portalId, action });
  }

  /**
   * The domain says what a delete meant: a merge (the merged records are deleted, the
   * primary one updated) or a GDPR delete.
   */
  merged(portalId: number, objectTypeId: string, primaryId: number, mergedIds: readonly number[]): void {
    this.#records.push({
      portalId,
      action: 'merged',
      objectTypeId,
      id: primaryId,
      properties: {},
      mergedIds,
    });
  }

  privacyDeleted(portalId: number, objectTypeId: string, id: number): void {
    this.#records.push({ portalId, action: 'privacyDeleted', objectTypeId, id, properties: {} });
  }

  build(): ChangeSet {
    // A merge's update of the primary record is reported by the merge itself.
    const merges = new Set(
      this.#records.filter((r) => r.action === 'merged').map((r) => `${r.portalId}:${r.id}`),
    );
    const records = this.#records.filter(
      (r) => !(r.action === 'updated' && merges.has(`${r.portalId}:${r.id}`)),
    );
    for (const merge of this.#records.filter((r) => r.action === 'merged')) {
      for (const update of this.#records) {
        if (update.action === 'updated' && update.portalId === merge.portalId && update.id === merge.id)
          Object.assign(merge.properties, update.properties);
      }
    }
    return {
      source: this.source,
      ...(this.appId !== undefined && { appId: this.appId }),
      occurredAt: this.occurredAt,
      records,
      associations: [...this.#associations],
      portals: [...this.#portals],
    };
  }
}

const collectors = new WeakMap<object, ChangeCollector>();

/** Ties a collector to the transaction object the domain writes through. */
export function attachCollector(tx: StoreTransaction, collector: ChangeCollector): void {
  collectors.set(tx, collector);
}

/** The collector of the transaction the domain writes through (undefined outside the feed). */
export function changesOf(tx: StoreTransaction): ChangeCollector | undefined {
  return collectors.get(tx);
}

const sources = new AsyncLocalStorage<ChangeSource>();

/** Runs `fn` with transactions it starts reporting `source` (imports, fixtures). */
export function withChangeSource<T>(source: ChangeSource, fn: () => T): T {
  return sources.run(source, fn);
}

export function currentChangeSource(): ChangeSource {
  return sources.getStore() ?? 'API';
}

const actingApps = new AsyncLocalStorage<number>();

/** Runs `fn` with transactions it starts crediting their writes to `appId` (decision D91). */
export function withActingApp<T>(appId: number, fn: () => T): T {
  return actingApps.run(appId, fn);
}

export function currentActingApp(): number | undefined {
  return actingApps.getStore();
}

export type ChangeListener = (set: ChangeSet) => void;
/** Runs inside the transaction, before COMMIT; a throw rolls the write back. */
export type TransactionHook = (tx: StoreTransaction, set: ChangeSet) => Promise<void>;

/** Subscribers of the change feed, in-transaction and after commit. */
export class ChangeFeed {
  readonly #listeners = new Set<ChangeListener>();
  /** Listeners that also hear other Spoke processes' commits (change-sharing.ts). */
  readonly #everywhere = new Set<ChangeListener>();
  readonly #hooks = new Set<TransactionHook>();

  /**
   * Calls `listener` with each change set this process committed, or with `everywhere`, also
   * those other processes on the database committed (once sharing is on); returns the
   * unsubscribe function.
   */
  subscribe(listener: ChangeListener, options: { everywhere?: boolean } = {}): () => void {
    const listeners = options.everywhere ? this.#everywhere : this.#listeners;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Calls `hook` inside each write transaction that changed something, before it commits. */
  inTransaction(hook: TransactionHook): () => void {
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  async beforeCommit(tx: StoreTransaction, set: ChangeSet): Promise<void> {
    for (const hook of this.#hooks) await hook(tx, set);
  }

  publish(set: ChangeSet): void {
    notify([...this.#listeners, ...this.#everywhere], set);
  }

  /** A set another process committed: for the listeners that asked for every process's. */
  publishShared(set: ChangeSet): void {
    notify(this.#everywhere, set);
  }
}

function notify(listeners: Iterable<ChangeListener>, set: ChangeSet): void {
  for (const listener of listeners) {
    try {
      listener(set);
    } catch {
      // A failing subscriber must not fail the write that committed.
    }
  }
}
