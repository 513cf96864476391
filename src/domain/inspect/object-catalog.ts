/**
 * The object types of one portal as the web UI lists them, and how a record is named on
 * screen: HubSpot's own primary display properties (a contact's name or email, a company's
 * name, a deal's name, a ticket's subject), or a custom object's `primaryDisplayProperty`.
 */
import { STANDARD_OBJECT_TYPES, type ObjectType } from '../object-types.js';
import { customObjectType, schemaDefinition } from '../objects/custom-object-type.js';
import type { PropertyMap, StoreReader } from '../../store/store.js';

/** Types the UI always lists, even empty: the four a HubSpot portal starts with. */
export const CORE_TYPE_IDS: readonly string[] = ['0-1', '0-2', '0-3', '0-5'];

const DISPLAY_PROPERTIES: Record<string, readonly string[]> = {
  '0-1': ['firstname', 'lastname'],
  '0-2': ['name'],
  '0-3': ['dealname'],
  '0-5': ['subject'],
};
const FALLBACK_PROPERTIES: Record<string, readonly string[]> = { '0-1': ['email'], '0-2': ['domain'] };

export interface CatalogType {
  readonly type: ObjectType;
  /** What names a record of this type on screen, in order. */
  readonly display: readonly string[];
  readonly fallback: readonly string[];
}

export class ObjectCatalog {
  readonly #byId: ReadonlyMap<string, CatalogType>;

  private constructor(readonly types: readonly CatalogType[]) {
    this.#byId = new Map(types.map((t) => [t.type.id, t]));
  }

  static async load(reader: StoreReader, portalId: number): Promise<ObjectCatalog> {
    const custom = (await reader.listSchemas(portalId))
      .filter((s) => s.archivedAt === null)
      .map((schema) => {
        const primary = schemaDefinition(schema).primaryDisplayProperty;
        return { type: customObjectType(portalId, schema), display: primary ? [primary] : [], fallback: [] };
      });
    const standard = STANDARD_OBJECT_TYPES.map((type) => ({
      type,
      display: DISPLAY_PROPERTIES[type.id] ?? [],
      fallback: FALLBACK_PROPERTIES[type.id] ?? [],
    }));
    return new ObjectCatalog([...standard, ...custom]);
  }

  get(objectTypeId: string): CatalogType | undefined {
    return this.#byId.get(objectTypeId);
  }

  /** The type's API name (`contacts`, `p4680000_cars`), or its ID when it is unknown. */
  nameOf(objectTypeId: string): string {
    return this.#byId.get(objectTypeId)?.type.name ?? objectTypeId;
  }

  /** A record's name on screen: its display properties, else their fallback, else `#id`. */
  displayName(objectTypeId: string, id: number, properties: PropertyMap): string {
    const type = this.#byId.get(objectTypeId);
    const join = (names: readonly string[]) =>
      names
        .map((n) => properties[n])
        .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
        .join(' ')
        .trim();
    return (type && (join(type.display) || join(type.fallback))) || `#${id}`;
  }
}
