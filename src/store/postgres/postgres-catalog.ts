/**
 * The catalog role on PostgreSQL (see catalog-store.ts), on the pool (reads) or on a
 * transaction's client.
 */
import {
  toCatalogRow,
  type CatalogDbRow,
  type CatalogKind,
  type CatalogReader,
  type CatalogRow,
  type CatalogWriter,
} from '../catalog-store.js';
import { CATALOG_SQL_NUMBERED as SQL } from '../shared-sql.js';

interface Queryable {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[]; rowCount?: number | null }>;
}

export class PostgresCatalog implements CatalogReader, CatalogWriter {
  constructor(private readonly db: Queryable) {}

  async listCatalog(portalId: number, kind: CatalogKind, scope?: string): Promise<CatalogRow[]> {
    const { rows } =
      scope === undefined
        ? await this.db.query(SQL.list, [portalId, kind])
        : await this.db.query(SQL.listScope, [portalId, kind, scope]);
    return (rows as CatalogDbRow[]).map(toCatalogRow);
  }

  async getCatalog(
    portalId: number,
    kind: CatalogKind,
    scope: string,
    key: string,
  ): Promise<CatalogRow | undefined> {
    const { rows } = await this.db.query(SQL.get, [portalId, kind, scope, key]);
    const row = rows[0] as CatalogDbRow | undefined;
    return row && toCatalogRow(row);
  }

  async getPortalSetting(portalId: number, name: string): Promise<string | undefined> {
    const { rows } = await this.db.query(SQL.getSetting, [portalId, name]);
    return (rows[0] as { value: string } | undefined)?.value;
  }

  async putCatalog(portalId: number, row: CatalogRow): Promise<void> {
    await this.db.query(SQL.put, [
      portalId,
      row.kind,
      row.scope,
      row.key,
      JSON.stringify(row.value),
      row.updatedAt,
    ]);
  }

  async deleteCatalog(portalId: number, kind: CatalogKind, scope: string, key: string): Promise<boolean> {
    const result = await this.db.query(SQL.delete, [portalId, kind, scope, key]);
    return (result.rowCount ?? 0) > 0;
  }

  async setPortalSetting(portalId: number, name: string, value: string | undefined): Promise<void> {
    if (value === undefined) {
      await this.db.query(SQL.deleteSetting, [portalId, name]);
      return;
    }
    await this.db.query(SQL.setSetting, [portalId, name, value]);
  }
}
