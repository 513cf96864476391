/**
 * What an import changed, for webhooks (D42). An import replaces a portal's data: it resets
 * the portal and writes every record and association of the document, so the change feed
 * sees each as new. Before the reset, the portal's records (type, archived or not, property
 * values) and association rows are read into a baseline (only when the portal has webhook
 * apps: a portal without any has no one to tell). The outbox hook then rewrites the import's
 * changes against it:
 *   - a record the portal held: an `updated` with the property values that differ (so
 *     propertyChange only for changed values), `archived` or `restored` when its state
 *     changed, nothing otherwise; a new record: `created` when live, nothing when archived;
 *   - an association row the portal held: nothing; a new one: `added`.
 * After the document is written, the baseline's records the portal no longer holds are
 * reported `deleted` (when they were live) and its association rows no longer held `removed`.
 * The baseline lives in memory, in proportion to the portal's data.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AssociationRow, PropertyMap, StoreTransaction } from '../../store/store.js';
import { changesOf, type AssociationChange, type ChangeSet, type RecordChange } from '../changes.js';

interface Before {
  readonly objectTypeId: string;
  readonly archived: boolean;
  readonly properties: PropertyMap;
}

interface Baseline {
  readonly portalId: number;
  readonly records: Map<number, Before>;
  readonly associations: Map<string, AssociationRow>;
}

const current = new AsyncLocalStorage<{ baseline?: Baseline }>();
const PAGE = 1_000;

const keyOf = (r: AssociationRow) =>
  `${r.fromObjectTypeId}:${r.fromId}:${r.toObjectTypeId}:${r.toId}:${r.category}:${r.typeId}`;

/** Runs an import so that its changes are reported as a diff against the portal's data before it. */
export function withImportDiff<T>(fn: () => Promise<T>): Promise<T> {
  return current.run({}, fn);
}

/** Reads the portal's data before the import resets it (when the portal has webhook apps). */
export async function captureBaseline(tx: StoreTransaction, portalId: number): Promise<void> {
  const holder = current.getStore();
  if (!holder || (await tx.webhooks.listApps(portalId)).length === 0) return;
  const baseline: Baseline = { portalId, records: new Map(), associations: new Map() };
  for (
    let after: number | undefined, page;
    (page = await tx.scanObjects(portalId, after, PAGE)).length > 0;
  ) {
    for (const row of page) {
      baseline.records.set(row.id, {
        objectTypeId: row.objectTypeId,
        archived: row.archivedAt !== null,
        properties: row.properties,
      });
    }
    after = page[page.length - 1]!.id;
  }
  for (
    let after: AssociationRow | undefined, page;
    (page = await tx.scanAssociations(portalId, after, PAGE)).length > 0;
  ) {
    for (const row of page) baseline.associations.set(keyOf(row), row);
    after = page[page.length - 1];
  }
  holder.baseline = baseline;
}

/**
 * After the document is written: reports the baseline's records and association rows that
 * the portal no longer holds, into the import's change set.
 */
export async function reportRemovals(tx: StoreTransaction, portalId: number): Promise<void> {
  const baseline = current.getStore()?.baseline;
  const collector = changesOf(tx);
  if (!baseline || baseline.portalId !== portalId || !collector) return;
  const ids = [...baseline.records.keys()];
  for (let i = 0; i < ids.length; i += PAGE) {
    const page = ids.slice(i, i + PAGE);
    const present = new Set((await tx.getObjectHeads(portalId, page)).map((h) => h.id));
    for (const id of page) {
      const before = baseline.records.get(id)!;
      if (present.has(id) || before.archived) continue;
      collector.record({
        portalId,
        action: 'deleted',
        objectTypeId: before.objectTypeId,
        id,
        properties: {},
      });
    }
  }
  const kept = new Set<string>();
  for (
    let after: AssociationRow | undefined, page;
    (page = await tx.scanAssociations(portalId, after, PAGE)).length > 0;
  ) {
    for (const row of page) kept.add(keyOf(row));
    after = page[page.length - 1];
  }
  const removed = [...baseline.associations].filter(([key]) => !kept.has(key)).map(([, row]) => row);
  collector.associations(portalId, 'removed', removed);
}

/** The values of `after` that differ from `before` (a value no longer set is reported as ""). */
function changedValues(before: PropertyMap, after: PropertyMap): PropertyMap {
  const changed: Record<string, string> = {};
  for (const [name, value] of Object.entries(after)) {
    if (before[name] !== value) changed[name] = value as string;
  }
  for (const name of Object.keys(before)) if (!(name in after)) changed[name] = '';
  return changed as PropertyMap;
}

function rewriteRecord(change: RecordChange, baseline: Baseline): RecordChange | undefined {
  if (change.action !== 'created' || change.portalId !== baseline.portalId) return change;
  const before = baseline.records.get(change.id);
  const archived = change.archived === true;
  if (!before) return archived ? undefined : change;
  if (before.archived && archived) return undefined;
  if (before.archived) return { ...change, action: 'restored', properties: {} };
  if (archived) return { ...change, action: 'archived', properties: {} };
  const properties = changedValues(before.properties, change.properties);
  return Object.keys(properties).length > 0 ? { ...change, action: 'updated', properties } : undefined;
}

/** The import's change set as a diff against the portal's data before it (unchanged outside an import). */
export function importDiff(set: ChangeSet): ChangeSet {
  const baseline = current.getStore()?.baseline;
  if (!baseline) return set;
  const records = set.records.flatMap((r) => rewriteRecord(r, baseline) ?? []);
  const associations = set.associations.filter(
    (a: AssociationChange) =>
      a.portalId !== baseline.portalId || a.action !== 'added' || !baseline.associations.has(keyOf(a.row)),
  );
  return { ...set, records, associations };
}
