/**
 * Which records an association operation may touch: both the reads (a page of an archived
 * record is empty) and the writes (an archived record cannot gain associations) ask this, so
 * it is shared here rather than owned by either.
 */
import type { ObjectType } from '../object-types.js';
import type { RecordRef, StoreReader } from '../../store/store.js';
import type { TypedRecord } from './association-errors.js';

export function typedRecord(type: ObjectType, id: number): TypedRecord & RecordRef {
  return { type, id, objectTypeId: type.id };
}

/**
 * Reads these records' heads in one query, and answers for each whether it exists, is
 * live, and has the type its reference says.
 */
export async function liveCheck(
  reader: StoreReader,
  portalId: number,
  records: readonly RecordRef[],
): Promise<(record: RecordRef) => boolean> {
  const heads = await reader.getObjectHeads(portalId, [...new Set(records.map((r) => r.id))]);
  const live = new Set(heads.filter((h) => h.archivedAt === null).map((h) => `${h.objectTypeId}:${h.id}`));
  return (record) => live.has(`${record.objectTypeId}:${record.id}`);
}
