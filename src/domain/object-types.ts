/**
 * The registry of CRM object types and the resolver for the names clients use in paths and
 * bodies (decision D6). Standard types are static; custom types (`2-N`) are per
 * portal and come from the schemas the portal defined.
 *
 * Sources: HubSpot's "Understanding the CRM" guide (object type IDs) and the object names
 * used in data/hubspot-defined-association-types.json; the standard types are data, in
 * data/hubspot-standard-object-types.json.
 */
import standardTypes from './data/hubspot-standard-object-types.json' with { type: 'json' };
import { unknownObjectType } from './request-errors.js';
export { unknownObjectType };

export interface ObjectType {
  /** `0-N` for standard objects, `2-N` for custom objects. */
  readonly id: string;
  /** The API name used in paths, e.g. `contacts`, `line_items`. */
  readonly name: string;
  /** Lower-case singular, e.g. `contact`, `line_item`. Used in HubSpot's error messages. */
  readonly singular: string;
  /** Whether records of this type can take part in associations. */
  readonly associable: boolean;
  /** Properties returned by a read that names none (HubSpot's default property set). */
  readonly defaultProperties: readonly string[];
  /** Custom objects only: the schema's fully qualified name, e.g. `p4680000_cars`. */
  readonly fullyQualifiedName?: string;
  /** Properties whose values are unique per portal, usable as `idProperty`. */
  readonly uniqueProperties: readonly string[];
  /**
   * Custom objects only: the properties the schema defines, and those a create must set.
   * Standard objects accept any property name.
   */
  readonly schema?: { readonly properties: ReadonlySet<string>; readonly required: readonly string[] };
}

export const SYSTEM_DEFAULTS = ['createdate', 'hs_lastmodifieddate', 'hs_object_id'] as const;

interface StandardTypeSpec {
  id: string;
  name: string;
  singular: string;
  aliases?: string[];
  associable?: boolean;
  defaults?: string[];
}

const STANDARD_TYPE_SPECS: readonly StandardTypeSpec[] = standardTypes.types;

export const STANDARD_OBJECT_TYPES: readonly ObjectType[] = STANDARD_TYPE_SPECS.map((spec) =>
  Object.freeze({
    id: spec.id,
    name: spec.name,
    singular: spec.singular,
    associable: spec.associable ?? true,
    defaultProperties: spec.defaults ?? SYSTEM_DEFAULTS,
    // A contact's email is unique per portal (HubSpot answers 409 to a second one).
    uniqueProperties: spec.id === '0-1' ? ['email'] : [],
  }),
);

const standardByKey = new Map<string, ObjectType>();
for (const [index, type] of STANDARD_OBJECT_TYPES.entries()) {
  const spec = STANDARD_TYPE_SPECS[index]!;
  for (const key of [type.id, type.name, type.singular, ...(spec.aliases ?? [])]) {
    standardByKey.set(key.toLowerCase(), type);
  }
}

const standardById = new Map(STANDARD_OBJECT_TYPES.map((t) => [t.id, t]));

/** Resolves a standard type by ID or name, case-insensitively; undefined if it is not one. */
export function findStandardObjectType(value: string): ObjectType | undefined {
  return standardByKey.get(value.toLowerCase());
}

export function standardObjectTypeById(id: string): ObjectType | undefined {
  return standardById.get(id);
}

/** The upper-case singular form HubSpot uses in `INVALID_OBJECT_IDS` (`CONTACT=123 is not valid`). */
export function upperName(type: ObjectType): string {
  return type.singular.toUpperCase();
}

const CUSTOM_ID = /^2-\d{1,12}$/;
const SHORT_CUSTOM_NAME = /^p_([a-z0-9_]+)$/i;
const QUALIFIED_CUSTOM_NAME = /^p(\d{1,12})_([a-z0-9_]+)$/i;

/** How a value names a custom object type, if it does. */
export type CustomTypeReference =
  { kind: 'id'; id: string } | { kind: 'name'; name: string; portalId?: number };

export function parseCustomTypeReference(value: string): CustomTypeReference | undefined {
  if (CUSTOM_ID.test(value)) return { kind: 'id', id: value };
  const qualified = QUALIFIED_CUSTOM_NAME.exec(value);
  if (qualified) return { kind: 'name', name: qualified[2]!.toLowerCase(), portalId: Number(qualified[1]) };
  const short = SHORT_CUSTOM_NAME.exec(value);
  if (short) return { kind: 'name', name: short[1]!.toLowerCase() };
  return undefined;
}
