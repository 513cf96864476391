/**
 * A portal's administration on SQLite: its tokens, counters and fixture keys, its snapshots,
 * and resetting it. Apart from the record and association queries because these act on a
 * whole portal (every table in PORTAL_TABLES) rather than on records.
 */
import type { Database, Statement } from 'better-sqlite3';
import { UniqueViolationError } from '../store-errors.js';
import type { SnapshotInfo, TokenRow } from '../store.js';
import { type SnapshotDbRow, type TokenDbRow, toSnapshotInfo, toTokenRow } from '../row-mappers.js';
import { PORTAL_SQL, PORTAL_TABLES, tokenValues } from '../portal-tables.js';
import { isUniqueViolation, type StatementName } from './sqlite-statements.js';

/** On the connection of the queries that hold it; statements come from their cache. */
export class SqlitePortalAdmin {
  readonly #db: Database;
  readonly #stmt: (name: StatementName) => Statement;

  constructor(db: Database, stmt: (name: StatementName) => Statement) {
    this.#db = db;
    this.#stmt = stmt;
  }

  async listPortalIds(): Promise<number[]> {
    return (this.#stmt('portalIds').all() as Array<{ portal_id: number }>).map((r) => r.portal_id);
  }

  async findToken(token: string): Promise<TokenRow | undefined> {
    const row = this.#stmt('findToken').get(token) as TokenDbRow | undefined;
    return row && toTokenRow(row);
  }

  async listTokens(portalId?: number): Promise<TokenRow[]> {
    const rows =
      portalId === undefined ? this.#stmt('allTokens').all() : this.#stmt('portalTokens').all(portalId);
    return (rows as TokenDbRow[]).map(toTokenRow);
  }

  async getCounters(portalId: number): Promise<Record<string, number>> {
    const rows = this.#stmt('counters').all(portalId) as Array<{ name: string; value: number }>;
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  async findFixtureKey(portalId: number, key: string): Promise<number | undefined> {
    return (this.#stmt('findFixtureKey').get(portalId, key) as { object_id: number } | undefined)?.object_id;
  }

  async listFixtureKeys(portalId: number): Promise<Array<[string, number]>> {
    const rows = this.#stmt('listFixtureKeys').all(portalId) as Array<{ key: string; object_id: number }>;
    return rows.map((r) => [r.key, r.object_id]);
  }

  async listSnapshots(portalId: number): Promise<SnapshotInfo[]> {
    return (this.#stmt('listSnapshots').all(portalId) as SnapshotDbRow[]).map(toSnapshotInfo);
  }

  async insertToken(row: TokenRow): Promise<void> {
    try {
      this.#stmt('insertToken').run(...tokenValues(row));
    } catch (error) {
      if (isUniqueViolation(error)) throw new UniqueViolationError('tokens');
      throw error;
    }
  }

  async setCounter(portalId: number, counter: string, value: number): Promise<void> {
    this.#stmt('setCounter').run(portalId, counter, value);
  }

  async setFixtureKey(portalId: number, key: string, objectId: number): Promise<void> {
    this.#stmt('setFixtureKey').run(portalId, key, objectId);
  }

  async resetPortal(portalId: number): Promise<void> {
    for (const table of PORTAL_TABLES) {
      // When no other portal has rows here, an unconditional DELETE takes SQLite's truncate
      // path: a reset of 100,000 rows costs milliseconds instead of a row-by-row delete.
      const others = this.#db.prepare(PORTAL_SQL.otherPortals(table)).get(portalId, portalId);
      if (others) this.#db.prepare(PORTAL_SQL.deleteRows(table)).run(portalId);
      else this.#db.prepare(`DELETE FROM ${table.name}`).run();
    }
  }

  async createSnapshot(portalId: number, name: string, createdAt: number): Promise<SnapshotInfo> {
    await this.deleteSnapshot(portalId, name);
    for (const table of PORTAL_TABLES) this.#db.prepare(PORTAL_SQL.copyToSnapshot(table)).run(name, portalId);
    const row = this.#db
      .prepare(PORTAL_SQL.insertSnapshot)
      .get(portalId, name, createdAt, portalId, portalId) as SnapshotDbRow;
    return toSnapshotInfo(row);
  }

  async restoreSnapshot(portalId: number, name: string): Promise<boolean> {
    if (!this.#db.prepare(PORTAL_SQL.getSnapshot).get(portalId, name)) return false;
    await this.resetPortal(portalId);
    for (const table of PORTAL_TABLES)
      this.#db.prepare(PORTAL_SQL.restoreFromSnapshot(table)).run(portalId, name);
    return true;
  }

  async deleteSnapshot(portalId: number, name: string): Promise<boolean> {
    for (const table of PORTAL_TABLES)
      this.#db.prepare(PORTAL_SQL.deleteSnapshotRows(table)).run(portalId, name);
    return this.#stmt('deleteSnapshotRow').run(portalId, name).changes > 0;
  }
}
