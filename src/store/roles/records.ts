/** Records: CRM objects, their property history and unique values. One of the store's roles (store.ts combines them). */
import type {
  HistoryRow,
  ListObjectsQuery,
  LockMode,
  ObjectHead,
  ObjectRow,
  PropertyMap,
  RecordRef,
  UniqueValueRow,
} from '../store.js';

export interface RecordReader {
  getObject(portalId: number, id: number): Promise<ObjectRow | undefined>;

  /** Type and archived state of records, without their properties (one query for a whole batch). */
  getObjectHeads(portalId: number, ids: readonly number[]): Promise<ObjectHead[]>;

  /** Records of one type, by ascending ID. */
  listObjects(portalId: number, query: ListObjectsQuery): Promise<ObjectRow[]>;

  /** The record holding a unique value, if any. */
  findByUniqueValue(
    portalId: number,
    objectTypeId: string,
    property: string,
    value: string,
  ): Promise<number | undefined>;

  /** History of the named properties of a record, newest first. */
  getPropertyHistory(portalId: number, objectId: number, names: readonly string[]): Promise<HistoryRow[]>;

  /** Property history of the given records, oldest first per property. */
  historyOf(portalId: number, objectIds: readonly number[]): Promise<HistoryRow[]>;
}

export interface RecordWriter {
  /** Inserts records whose ID is free; returns how many were inserted (a taken ID is skipped). */
  insertObjects(portalId: number, rows: readonly ObjectRow[]): Promise<number>;

  updateObject(portalId: number, id: number, properties: PropertyMap, updatedAt: number): Promise<void>;

  /** Archives (a timestamp) or restores (null) records. */
  setArchived(portalId: number, ids: readonly number[], archivedAt: number | null): Promise<void>;

  /**
   * Removes records for good, with their associations in both directions, their property
   * history and their unique values.
   */
  deleteObjects(portalId: number, records: readonly RecordRef[]): Promise<void>;

  /**
   * Serializes concurrent transactions that decide based on these records (limits,
   * Primary): `exclusive` holders wait for each other and for `shared` holders. `shared`
   * holders (writes that commute, such as inserting unlabeled types) only keep the records
   * from changing or going away under them. A no-op where writes are already serialized.
   */
  lockObjects(portalId: number, ids: readonly number[], mode?: LockMode): Promise<void>;

  /**
   * Claims unique values; a value another record holds raises UniqueViolationError, and the
   * transaction stays usable (the caller reads the holder next).
   */
  claimUniqueValues(portalId: number, rows: readonly UniqueValueRow[]): Promise<void>;

  /** Releases a record's unique values (all of them, or those of the named properties). */
  releaseUniqueValues(portalId: number, objectId: number, properties?: readonly string[]): Promise<void>;

  appendHistory(portalId: number, rows: readonly HistoryRow[]): Promise<void>;
}
