/**
 * A portal's administration on PostgreSQL: its tokens, counters and fixture keys, its
 * snapshots, and resetting it. Apart from the record and association queries because these
 * act on a whole portal (every table in PORTAL_TABLES) rather than on records.
 */
import type { SnapshotInfo, TokenRow } from '../store.js';
import { toSnapshotInfo, toTokenRow, type SnapshotDbRow, type TokenDbRow } from '../row-mappers.js';
import { UniqueViolationError } from '../store-errors.js';
import { PORTAL_SQL, PORTAL_TABLES, tokenValues } from '../portal-tables.js';
import { numberedPlaceholders } from '../shared-sql.js';

/** Whole-portal statements are few and run rarely: numbered once each, on first use. */
const numberedTexts = new Map<string, string>();
function numbered(sql: string): string {
  let text = numberedTexts.get(sql);
  if (text === undefined) numberedTexts.set(sql, (text = numberedPlaceholders(sql)));
  return text;
}
import { SQL, type Queryable } from './postgres-statements.js';

/** On the pool (the store's reads) or a transaction's client, like the queries that hold it. */
export class PostgresPortalAdmin {
  constructor(private readonly db: Queryable) {}

  async #rows<T>(sql: string, params: unknown[]): Promise<T[]> {
    return (await this.db.query(sql, params)).rows as T[];
  }

  async listPortalIds(): Promise<number[]> {
    const rows = await this.#rows<{ portal_id: number }>(SQL.portalIds, []);
    return rows.map((r) => r.portal_id);
  }

  async findToken(token: string): Promise<TokenRow | undefined> {
    const [row] = await this.#rows<TokenDbRow>(SQL.findToken, [token]);
    return row && toTokenRow(row);
  }

  async listTokens(portalId?: number): Promise<TokenRow[]> {
    const rows =
      portalId === undefined
        ? await this.#rows<TokenDbRow>(SQL.allTokens, [])
        : await this.#rows<TokenDbRow>(SQL.portalTokens, [portalId]);
    return rows.map(toTokenRow);
  }

  async getCounters(portalId: number): Promise<Record<string, number>> {
    const rows = await this.#rows<{ name: string; value: number }>(SQL.counters, [portalId]);
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  async findFixtureKey(portalId: number, key: string): Promise<number | undefined> {
    const [row] = await this.#rows<{ object_id: number }>(
      'SELECT object_id FROM fixture_keys WHERE portal_id = $1 AND md5(key) = md5($2) AND key = $2',
      [portalId, key],
    );
    return row?.object_id;
  }

  async listFixtureKeys(portalId: number): Promise<Array<[string, number]>> {
    const rows = await this.#rows<{ key: string; object_id: number }>(SQL.listFixtureKeys, [portalId]);
    return rows.map((r) => [r.key, r.object_id]);
  }

  async listSnapshots(portalId: number): Promise<SnapshotInfo[]> {
    const rows = await this.#rows<SnapshotDbRow>(SQL.listSnapshots, [portalId]);
    return rows.map(toSnapshotInfo);
  }

  async insertToken(row: TokenRow): Promise<void> {
    try {
      await this.db.query(SQL.insertToken, tokenValues(row));
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new UniqueViolationError('tokens');
      throw error;
    }
  }

  async setCounter(portalId: number, counter: string, value: number): Promise<void> {
    await this.db.query(SQL.setCounter, [portalId, counter, value]);
  }

  async setFixtureKey(portalId: number, key: string, objectId: number): Promise<void> {
    await this.db.query(
      `INSERT INTO fixture_keys (portal_id, key, object_id) VALUES ($1, $2, $3)
       ON CONFLICT (portal_id, md5(key)) DO UPDATE SET object_id = EXCLUDED.object_id`,
      [portalId, key, objectId],
    );
  }

  async resetPortal(portalId: number): Promise<void> {
    for (const table of PORTAL_TABLES)
      await this.db.query(numbered(PORTAL_SQL.deleteRows(table)), [portalId]);
  }

  async createSnapshot(portalId: number, name: string, createdAt: number): Promise<SnapshotInfo> {
    await this.deleteSnapshot(portalId, name);
    for (const table of PORTAL_TABLES)
      await this.db.query(numbered(PORTAL_SQL.copyToSnapshot(table)), [name, portalId]);
    const [row] = await this.#rows<SnapshotDbRow>(numbered(PORTAL_SQL.insertSnapshot), [
      portalId,
      name,
      createdAt,
      portalId,
      portalId,
    ]);
    return toSnapshotInfo(row!);
  }

  async restoreSnapshot(portalId: number, name: string): Promise<boolean> {
    const found = await this.#rows(numbered(PORTAL_SQL.getSnapshot), [portalId, name]);
    if (found.length === 0) return false;
    await this.resetPortal(portalId);
    for (const table of PORTAL_TABLES)
      await this.db.query(numbered(PORTAL_SQL.restoreFromSnapshot(table)), [portalId, name]);
    return true;
  }

  async deleteSnapshot(portalId: number, name: string): Promise<boolean> {
    for (const table of PORTAL_TABLES)
      await this.db.query(numbered(PORTAL_SQL.deleteSnapshotRows(table)), [portalId, name]);
    const result = await this.db.query(SQL.deleteSnapshotRow, [portalId, name]);
    return (result.rowCount ?? 0) > 0;
  }
}
