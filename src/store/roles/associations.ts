/** Associations: the rows between records, both directions stored (domain/associations/DESIGN.md). One of the store's roles (store.ts combines them). */
import type { AssociationCategory } from '../category-codes.js';
import type { AssociationRow, ListAssociationsQuery, RecordRef } from '../store.js';

export interface AssociationReader {
  /** Every row from a record, to records of any type. */
  allAssociationsOf(portalId: number, fromId: number): Promise<AssociationRow[]>;

  /** Rows from one record to another (one direction). */
  associationsBetween(portalId: number, from: RecordRef, to: RecordRef): Promise<AssociationRow[]>;

  /** Rows of many pairs `[fromId, toId]` whose `to` records are of one type, in one query. */
  associationsBetweenMany(
    portalId: number,
    toObjectTypeId: string,
    pairs: ReadonlyArray<readonly [number, number]>,
  ): Promise<AssociationRow[]>;

  /**
   * For each query, in order: rows from a record to records of one type, for at most `limit`
   * distinct associated records after the cursor, ordered by `toId` then category and type.
   * Records that are archived are skipped (decision D12).
   */
  listAssociations(portalId: number, queries: readonly ListAssociationsQuery[]): Promise<AssociationRow[][]>;

  /** How many records `fromId` is associated with by this type (archived ones included). */
  countAssociations(
    portalId: number,
    fromId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<number>;

  /** Rows from a record with one type, to any record. */
  findAssociationsOfType(
    portalId: number,
    fromId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<AssociationRow[]>;

  /** Records with at least `minCount` associations of one type, and how many they have. */
  associationUsage(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
    minCount: number,
  ): Promise<Array<{ fromId: number; count: number }>>;
}

export interface AssociationWriter {
  /**
   * Inserts rows that are not there yet; returns how many were new. When `inserted` is
   * given, the new rows are pushed onto it (the change feed's record of what was added).
   */
  insertAssociations(
    portalId: number,
    rows: readonly AssociationRow[],
    inserted?: AssociationRow[],
  ): Promise<number>;

  /** Deletes exactly these rows (matched on both records, category and type). */
  deleteAssociations(portalId: number, rows: readonly AssociationRow[]): Promise<number>;

  /** Deletes every row between two records, in both directions. */
  deleteAssociationsBetween(portalId: number, a: RecordRef, b: RecordRef): Promise<number>;

  /** Deletes every row between each pair `[fromId, toId]` of records of two types, both directions. */
  deleteAssociationsOfPairs(
    portalId: number,
    fromObjectTypeId: string,
    toObjectTypeId: string,
    pairs: ReadonlyArray<readonly [number, number]>,
  ): Promise<number>;
}
