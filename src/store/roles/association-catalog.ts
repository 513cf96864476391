/** The association catalog and custom object schemas: labels (definitions), limits and schemas, and the catalog locks that guard them. Properties, pipelines and owners are in catalog-store.ts. One of the store's roles (store.ts combines them). */
import type { AssociationCategory } from '../category-codes.js';
import type { DefinitionRow, LimitRow, LockRequest, SchemaRow } from '../store.js';

export interface AssociationCatalogReader {
  listDefinitions(
    portalId: number,
    fromObjectTypeId?: string,
    toObjectTypeId?: string,
  ): Promise<DefinitionRow[]>;

  getDefinition(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<DefinitionRow | undefined>;

  listLimits(portalId: number, fromObjectTypeId?: string, toObjectTypeId?: string): Promise<LimitRow[]>;

  /** Definitions between two object types: `a` to `b` first, then `b` to `a`. */
  definitionsBetween(portalId: number, a: string, b: string): Promise<DefinitionRow[]>;

  /** Limits between two object types: `a` to `b` first, then `b` to `a`. */
  limitsBetween(portalId: number, a: string, b: string): Promise<LimitRow[]>;

  listSchemas(portalId: number): Promise<SchemaRow[]>;

  getSchema(portalId: number, objectTypeId: string): Promise<SchemaRow | undefined>;
}

export interface AssociationCatalogWriter {
  /**
   * Takes catalog locks, held until the transaction ends: all of one call in the store's
   * fixed order (portal, then object types, then pairs), `shared` ones compatible with each
   * other, `exclusive` ones with nothing. A no-op where writes are already serialized.
   */
  lock(portalId: number, locks: readonly LockRequest[]): Promise<void>;

  insertDefinitions(portalId: number, rows: readonly DefinitionRow[]): Promise<void>;

  updateDefinitionLabel(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
    label: string,
  ): Promise<void>;

  deleteDefinitions(
    portalId: number,
    category: AssociationCategory,
    typeIds: readonly number[],
  ): Promise<void>;

  /** Whether any association uses the type. */
  isDefinitionInUse(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean>;

  upsertLimit(portalId: number, row: LimitRow): Promise<void>;

  deleteLimit(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean>;

  insertSchema(portalId: number, row: SchemaRow): Promise<void>;

  updateSchema(portalId: number, row: SchemaRow): Promise<void>;

  deleteSchema(portalId: number, objectTypeId: string): Promise<void>;
}
