/**
 * Finding the record a key names: by its ID or by a unique property's value. Reads, writes,
 * batches and merges all resolve (and lock) a key through here, so a key means the same
 * record, and a missing one gets the same 404 body, whichever endpoint is asked.
 */
import { notAnIdProperty, recordNotFound } from './object-errors.js';
import type { ObjectType } from '../object-types.js';
import { parseRecordId } from '../record-ids.js';
import { TransactionRetry } from '../../store/store-errors.js';
import { lockForWrite, typeLock } from '../write-locks.js';
import type { ObjectRow, StoreReader, StoreTransaction } from '../../store/store.js';
import type { RecordValidator } from '../catalog/record-validator.js';

/** A record named by its ID, or by the value of a unique property (`idProperty`). */
export interface RecordKey {
  readonly id: string;
  readonly idProperty?: string | undefined;
}

/** Unique values are compared trimmed and case-insensitively (an email is one address however typed). */
export function normalizeUnique(value: string): string {
  return value.trim().toLowerCase();
}

export class RecordKeys {
  constructor(private readonly validator: RecordValidator) {}

  /** The numeric ID a key names, or undefined when no record has it. */
  async idOf(
    reader: StoreReader,
    portalId: number,
    type: ObjectType,
    key: RecordKey,
  ): Promise<number | undefined> {
    if (key.idProperty === undefined || key.idProperty === '' || key.idProperty === 'hs_object_id') {
      return parseRecordId(key.id);
    }
    await this.checkIdProperty(reader, portalId, type, key.idProperty);
    return reader.findByUniqueValue(portalId, type.id, key.idProperty, normalizeUnique(key.id));
  }

  /** A 400 unless `idProperty` names the record ID or a unique property of the type. */
  async checkIdProperty(
    reader: StoreReader,
    portalId: number,
    type: ObjectType,
    idProperty: string | undefined,
  ): Promise<void> {
    if (idProperty === undefined || idProperty === '' || idProperty === 'hs_object_id') return;
    if (!(await this.validator.uniqueProperties(reader, portalId, type)).includes(idProperty))
      throw notAnIdProperty(idProperty, type);
  }

  /** The record a key names, live (or archived when asked for); otherwise a 404. */
  async existing(
    reader: StoreReader,
    portalId: number,
    type: ObjectType,
    key: RecordKey,
    archived = false,
  ): Promise<ObjectRow> {
    const id = await this.idOf(reader, portalId, type, key);
    const row = id === undefined ? undefined : await reader.getObject(portalId, id);
    if (!row || row.objectTypeId !== type.id || (row.archivedAt !== null) !== archived)
      throw recordNotFound(type, key.id);
    return row;
  }

  /**
   * The record a key names, locked exclusive and read again under the lock: what a write
   * decides on cannot change or go away before it commits.
   */
  async locked(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    key: RecordKey,
    archived = false,
  ): Promise<ObjectRow> {
    const id = await this.idOf(tx, portalId, type, key);
    if (id === undefined) throw recordNotFound(type, key.id);
    await lockForWrite(tx, portalId, typeLock(type.id, 'shared'));
    await tx.lockObjects(portalId, [id]);
    const row = await this.existing(tx, portalId, type, { id: String(id) }, archived);
    if (key.idProperty !== undefined && (await this.idOf(tx, portalId, type, key)) !== id)
      throw new TransactionRetry(`${key.idProperty} ${key.id} moved to another record`);
    return row;
  }
}
