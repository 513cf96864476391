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

interface Queryable {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[]; rowCount?: number | null }>;
}

export class PostgresCatalog implements CatalogReader, CatalogWriter {
  constructor(private readonly db: Queryable) {}

  async listCatalog(portalId: number, kind: CatalogKind, scope?: string): Promise<CatalogRow[]> {
    const { rows } =
      scope === undefined
        ? await this.db.query(
            'SELECT * FROM catalog_entries WHERE portal_id = $1 AND kind = $2 ORDER BY scope, key',
            [portalId, kind],
          )
        : await this.db.query(
            'SELECT * FROM catalog_entries WHERE portal_id = $1 AND kind = $2 AND scope = $3 ORDER BY key',
            [portalId, kind, scope],
          );
    return (rows as CatalogDbRow[]).map(toCatalogRow);
  }

  async getCatalog(
    portalId: number,
    kind: CatalogKind,
    scope: string,
    key: string,
  ): Promise<CatalogRow | undefined> {
    const { rows } = await this.db.query(
      'SELECT * FROM catalog_entries WHERE portal_id = $1 AND kind = $2 AND scope = $3 AND key = $4',
      [portalId, kind, scope, key],
    );
    const row = rows[0] as CatalogDbRow | undefined;
    return row && toCatalogRow(row);
  }

  async getPortalSetting(portalId: number, name: string): Promise<string | undefined> {
    const { rows } = await this.db.query(
      'SELECT value FROM portal_settings WHERE portal_id = $1 AND name = $2',
      [portalId, name],
    );
    return (rows[0] as { value: string } | undefined)?.value;
  }

  async putCatalog(portalId: number, row: CatalogRow): Promise<void> {
    await this.db.query(
      `INSERT INTO catalog_entries (portal_id, kind, scope, key, value, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (portal_id, kind, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [portalId, row.kind, row.scope, row.key, JSON.stringify(row.value), row.updatedAt],
    );
  }

  async deleteCatalog(portalId: number, kind: CatalogKind, scope: string, key: string): Promise<boolean> {
    const result = await this.db.query(
      'DELETE FROM catalog_entries WHERE portal_id = $1 AND kind = $2 AND scope = $3 AND key = $4',
      [portalId, kind, scope, key],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async setPortalSetting(portalId: number, name: string, value: string | undefined): Promise<void> {
    if (value === undefined) {
      await this.db.query('DELETE FROM portal_settings WHERE portal_id = $1 AND name = $2', [portalId, name]);
      return;
    }
    await this.db.query(
      `INSERT INTO portal_settings (portal_id, name, value) VALUES ($1, $2, $3)
       ON CONFLICT (portal_id, name) DO UPDATE SET value = excluded.value`,
      [portalId, name, value],
    );
  }
}
