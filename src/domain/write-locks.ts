/**
 * The catalog locks a write takes before it reads what it decides on (the lock order and why
 * each write takes what it takes: src/domain/associations/DESIGN.md). Every write
 * transaction starts with one call here, which always includes the portal:
 *  - portal:      shared by every write; exclusive for imports, resets, snapshot restores and
 *                 fixtures, which replace or rebuild a portal's data as a whole;
 *  - object type: a custom object's schema; shared by writes that make its records live
 *                 (create, restore), exclusive for schema changes (update, archive, purge);
 *  - pair:        the labels and limits between two object types; shared by association
 *                 writes, exclusive for label and limit changes.
 * Record rows are locked after these (StoreTransaction.lockObjects), in ID order.
 */
import type { LockMode, LockRequest, StoreTransaction } from '../store/store.js';

/** The pair lock for two object types, whichever way round they are named. */
export function pairLock(a: string, b: string, mode: LockMode): LockRequest {
  return { scope: 'pair', key: a < b ? `${a}|${b}` : `${b}|${a}`, mode };
}

/** A custom object type's lock; standard types have no schema to guard. */
export function typeLock(objectTypeId: string, mode: LockMode): LockRequest[] {
  return objectTypeId.startsWith('2-') ? [{ scope: 'object-type', key: objectTypeId, mode }] : [];
}

/** Takes the portal lock (shared unless `portal` says otherwise) with the given ones, in lock order. */
export async function lockForWrite(
  tx: StoreTransaction,
  portalId: number,
  locks: readonly LockRequest[] = [],
  portal: LockMode = 'shared',
): Promise<void> {
  await tx.lock(portalId, [{ scope: 'portal', key: '', mode: portal }, ...locks]);
}
