/**
 * The catalog role on SQLite (see catalog-store.ts). Runs on the connection of the queries
 * object that owns it; callers hold the store's lock.
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  toCatalogRow,
  type CatalogDbRow,
  type CatalogKind,
  type CatalogReader,
  type CatalogRow,
  type CatalogWriter,
} from '../catalog-store.js';
import { CATALOG_SQL } from '../shared-sql.js';

/** Shared with PostgreSQL (../shared-sql.ts); prepared on first use. */
const SQL = CATALOG_SQL;

export class SqliteCatalog implements CatalogReader, CatalogWriter {
  readonly #db: Database;
  readonly #statements = new Map<keyof typeof SQL, Statement>();

  constructor(db: Database) {
    this.#db = db;
  }

  #stmt(name: keyof typeof SQL): Statement {
    let statement = this.#statements.get(name);
    if (!statement) this.#statements.set(name, (statement = this.#db.prepare(SQL[name])));
    return statement;
  }

  async listCatalog(portalId: number, kind: CatalogKind, scope?: string): Promise<CatalogRow[]> {
    const rows =
      scope === undefined
        ? this.#stmt('list').all(portalId, kind)
        : this.#stmt('listScope').all(portalId, kind, scope);
    return (rows as CatalogDbRow[]).map(toCatalogRow);
  }

  async getCatalog(
    portalId: number,
    kind: CatalogKind,
    scope: string,
    key: string,
  ): Promise<CatalogRow | undefined> {
    const row = this.#stmt('get').get(portalId, kind, scope, key) as CatalogDbRow | undefined;
    return row && toCatalogRow(row);
  }

  async getPortalSetting(portalId: number, name: string): Promise<string | undefined> {
    return (this.#stmt('getSetting').get(portalId, name) as { value: string } | undefined)?.value;
  }

  async putCatalog(portalId: number, row: CatalogRow): Promise<void> {
    this.#stmt('put').run(portalId, row.kind, row.scope, row.key, JSON.stringify(row.value), row.updatedAt);
  }

  async deleteCatalog(portalId: number, kind: CatalogKind, scope: string, key: string): Promise<boolean> {
    return this.#stmt('delete').run(portalId, kind, scope, key).changes > 0;
  }

  async setPortalSetting(portalId: number, name: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.#stmt('deleteSetting').run(portalId, name);
    else this.#stmt('setSetting').run(portalId, name, value);
  }
}
