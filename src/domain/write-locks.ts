/**
 * The catalog locks a write takes before it reads what it decides on (the lock order and why
 * each write takes what it takes: src/domain/associations/DESIGN.md). Every write
 * transaction starts with one call here, which always includes the portal:
 *  - portal:      shared by every write; exclusive for imports, resets, snapshot restores and
 *                 fixtures, which replace or rebuild a portal's data as a whole;
 *  - object type: a custom object's schema and a type's properties and pipelines; shared by
 *                 record writes, exclusive for schema, property and pipeline changes;
 *  - pair:        the labels and limits between two object types; shared by association
 *                 writes, exclusive for label and limit changes.
 * Record rows are locked after these (StoreTransaction.lockObjects), in ID order.
 */
import type { LockMode, LockRequest, StoreTransaction } from '../store/store.js';

/** The pair lock for two object types, whichever way round they are named. */
export function pairLock(a: string, b: string, mode: LockMode): LockRequest {
  return { scope: 'pair', key: a < b ? `${a}|${b}` : `${b}|${a}`, mode };
}

/**
 * An object type's lock: it guards what record writes check their values against, a custom
 * object's schema and every type's properties and pipelines. Record writes take it shared
 * before they validate; schema, property and pipeline changes take it exclusive, so a stage
 * cannot be deleted, or a property archived, while a write that uses it commits.
 */
export function typeLock(objectTypeId: string, mode: LockMode): LockRequest[] {
  return [{ scope: 'object-type', key: objectTypeId, mode }];
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
