/** Portal administration: tokens, counters, fixture keys and snapshots. One of the store's roles (store.ts combines them). */
import type { SnapshotInfo, TokenRow } from '../store.js';

export interface PortalAdminReader {
  /** Every portal that has data (an association limit alone counts: `spoke check` must see it), or a token. */
  listPortalIds(): Promise<number[]>;

  /** The portal and user a token stands for, if it was stored. */
  findToken(token: string): Promise<TokenRow | undefined>;

  listTokens(portalId?: number): Promise<TokenRow[]>;

  /** A portal's counters (record IDs, type IDs, ...), for export. */
  getCounters(portalId: number): Promise<Record<string, number>>;

  /** The record a fixture key was loaded as. */
  findFixtureKey(portalId: number, key: string): Promise<number | undefined>;

  listFixtureKeys(portalId: number): Promise<Array<[string, number]>>;

  listSnapshots(portalId: number): Promise<SnapshotInfo[]>;
}

export interface PortalAdminWriter {
  /**
   * Takes the next `count` values of a per-portal counter (record IDs, label type IDs).
   * Values are unique across processes, and a rolled-back transaction gives its values
   * back: the sequence has no gaps.
   */
  nextCounterValues(portalId: number, counter: string, count: number): Promise<number[]>;

  /** Stores a token; one that is stored already raises UniqueViolationError (a token names one portal). */
  insertToken(row: TokenRow): Promise<void>;

  setCounter(portalId: number, counter: string, value: number): Promise<void>;

  setFixtureKey(portalId: number, key: string, objectId: number): Promise<void>;

  /** Copies a portal's data into a named snapshot, replacing one of the same name. */
  createSnapshot(portalId: number, name: string, createdAt: number): Promise<SnapshotInfo>;

  /** Replaces a portal's data with a snapshot's; false when there is no such snapshot. */
  restoreSnapshot(portalId: number, name: string): Promise<boolean>;

  deleteSnapshot(portalId: number, name: string): Promise<boolean>;
}
