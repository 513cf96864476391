/**
 * What search knows of properties: how each compares (from its type in the portal's catalog),
 * the default properties a result carries, and filter values converted to the stored form
 * (docs/decisions.md, "Search").
 */
import { invalidFilterValue, unknownSearchProperty } from './search-errors.js';
import type { ObjectType } from '../object-types.js';
import type { PropertyDefinition } from '../catalog/property-types.js';
import { SAFE_PROPERTY_NAME, type SearchProperty, type SearchValue } from '../../store/search-sql.js';

/** HubSpot's default properties of search results, where they differ from a read's. */
const SEARCH_DEFAULTS: Readonly<Record<string, readonly string[]>> = {
  products: ['name', 'description', 'price', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  line_items: ['quantity', 'amount', 'price', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  quotes: [
    'hs_expiration_date',
    'hs_public_url_key',
    'hs_status',
    'hs_title',
    'hs_createdate',
    'hs_lastmodifieddate',
    'hs_object_id',
  ],
};
const ENGAGEMENT_DEFAULTS = ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'];
const ENGAGEMENTS = new Set([
  'calls',
  'emails',
  'meetings',
  'notes',
  'tasks',
  'feedback_submissions',
  'subscriptions',
]);

export function searchDefaultProperties(type: ObjectType): readonly string[] {
  if (ENGAGEMENTS.has(type.name)) return ENGAGEMENT_DEFAULTS;
  return SEARCH_DEFAULTS[type.name] ?? type.defaultProperties;
}

/** Properties every record has as columns: its ID and its creation and modification times. */
const COLUMNS: Readonly<Record<string, SearchProperty>> = {
  hs_object_id: { name: 'hs_object_id', column: 'id', kind: 'number' },
  createdate: { name: 'createdate', column: 'created_at', kind: 'number' },
  lastmodifieddate: { name: 'lastmodifieddate', column: 'updated_at', kind: 'number' },
  hs_lastmodifieddate: { name: 'hs_lastmodifieddate', column: 'updated_at', kind: 'number' },
};

/** A property as search compares it; `type` is the catalog's type (undefined for columns). */
export interface ResolvedProperty {
  readonly property: SearchProperty;
  readonly type: PropertyDefinition['type'] | 'column';
}

export const unknownProperty = unknownSearchProperty;

export function resolveProperty(
  name: string,
  catalog: ReadonlyMap<string, PropertyDefinition>,
): ResolvedProperty | undefined {
  const column = COLUMNS[name];
  if (column) return { property: column, type: 'column' };
  const definition = catalog.get(name);
  if (!definition || definition.archived || !SAFE_PROPERTY_NAME.test(name)) return undefined;
  const kind =
    definition.type === 'number'
      ? 'number'
      : definition.type === 'enumeration' && definition.fieldType === 'checkbox'
        ? 'options'
        : definition.type === 'enumeration' || definition.type === 'date' || definition.type === 'datetime'
          ? 'exact'
          : 'lower';
  return { property: { name, kind }, type: definition.type };
}

const EPOCH = /^-?\d{1,16}$/;

/** Epoch milliseconds from epoch milliseconds or an ISO 8601 date or datetime. */
function epochOf(value: string): number | undefined {
  const text = value.trim();
  if (EPOCH.test(text)) return Number(text);
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!day) return undefined;
  // Date.parse rolls 2026-02-30 over to March 2: a day the month lacks is not a date.
  const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
  if (month < 1 || month > 12 || date < 1 || date > new Date(Date.UTC(year, month, 0)).getUTCDate())
    return undefined;
  const epoch = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(epoch) ? undefined : epoch;
}

const invalidValue = invalidFilterValue;

/** A filter value in the form the database compares for this property. */
export function filterValue(resolved: ResolvedProperty, value: string): SearchValue {
  const { property, type } = resolved;
  switch (type) {
    case 'column': {
      if (property.column === 'id') {
        // A record ID column compares as a 64-bit integer on PostgreSQL: only safe integers.
        const id = Number(value.trim());
        if (!/^[+-]?\d{1,16}$/.test(value.trim()) || !Number.isSafeInteger(id))
          throw invalidValue(property.name, value, 'record ID');
        return id;
      }
      const epoch = epochOf(value);
      if (epoch === undefined) throw invalidValue(property.name, value, 'datetime');
      return epoch;
    }
    case 'number': {
      const text = value.trim();
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || !Number.isFinite(Number(text)))
        throw invalidValue(property.name, value, 'number');
      return Number(text);
    }
    case 'datetime':
    case 'date': {
      const epoch = epochOf(value);
      if (epoch === undefined || Math.abs(epoch) > 8.64e15) throw invalidValue(property.name, value, type);
      const iso = new Date(epoch).toISOString();
      return type === 'date' ? iso.slice(0, 10) : iso;
    }
    case 'enumeration':
      // Enumerations compare case-sensitively, for every operator.
      return value;
    default:
      return value.toLowerCase();
  }
}
