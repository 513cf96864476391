/**
 * The catalog role: a portal's own schema around its records (property definitions and
 * groups, pipelines, owners) and its settings. HubSpot's defaults are data in the domain
 * (src/domain/data); the store holds only what a portal added or changed, as JSON values
 * keyed by kind, scope (an object type ID, or '' when the kind has none) and key. The
 * domain gives the values their meaning; adapters only store them.
 */

export type CatalogKind = 'property' | 'group' | 'pipeline' | 'owner';

export interface CatalogRow {
  readonly kind: CatalogKind;
  /** The object type ID the entry belongs to; '' for owners. */
  readonly scope: string;
  /** The property or group name, the pipeline or owner ID. */
  readonly key: string;
  readonly value: Record<string, unknown>;
  readonly updatedAt: number;
}

/** Catalog reads, available inside and outside transactions. */
export interface CatalogReader {
  /** Entries of one kind, of one scope when given, by scope then key. */
  listCatalog(portalId: number, kind: CatalogKind, scope?: string): Promise<CatalogRow[]>;
  getCatalog(
    portalId: number,
    kind: CatalogKind,
    scope: string,
    key: string,
  ): Promise<CatalogRow | undefined>;
  /**
   * A portal setting (such as `propertyValidation`), or undefined when the portal has not set
   * it. Settings are configuration, like tokens: a reset or a snapshot restore keeps them.
   */
  getPortalSetting(portalId: number, name: string): Promise<string | undefined>;
}

/** Catalog writes, available only inside a transaction. */
export interface CatalogWriter {
  /** Inserts the entry, or replaces the one with the same kind, scope and key. */
  putCatalog(portalId: number, row: CatalogRow): Promise<void>;
  deleteCatalog(portalId: number, kind: CatalogKind, scope: string, key: string): Promise<boolean>;
  /** Sets a portal setting; undefined removes it. */
  setPortalSetting(portalId: number, name: string, value: string | undefined): Promise<void>;
}

/** The stored form of a row's value. */
export interface CatalogDbRow {
  kind: string;
  scope: string;
  key: string;
  value: string;
  updated_at: number;
}

export function toCatalogRow(row: CatalogDbRow): CatalogRow {
  return {
    kind: row.kind as CatalogKind,
    scope: row.scope,
    key: row.key,
    value: JSON.parse(row.value) as Record<string, unknown>,
    updatedAt: Number(row.updated_at),
  };
}
