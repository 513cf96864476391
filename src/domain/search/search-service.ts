/**
 * CRM search (`POST …/objects/{objectType}/search`): a request checked against the portal's
 * catalog and turned into a plan the store runs in the database (search-sql.ts), with
 * HubSpot's paging (an integer offset, at most 10,000 results) and the opt-in indexing lag
 * (search-lag.ts). docs/decisions.md, "Search".
 */
import {
  associationFilterOnCustomObject,
  associationFilterOperator,
  invalidAssociatedId,
  operatorNotAllowed,
  unknownAssociationFilterType,
} from './search-errors.js';
import { findStandardObjectType, type ObjectType } from '../object-types.js';
import type { PropertyCatalog } from '../catalog/property-catalog.js';
import type { RecordValidator } from '../catalog/record-validator.js';
import { schemaDefinition } from '../objects/custom-object-type.js';
import type { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import type { Store, ObjectRow } from '../../store/store.js';
import type { SearchCondition, SearchPlan } from '../../store/search-sql.js';
import { PHONE_PROPERTIES, SEARCHABLE_PROPERTIES, phoneDigits, queryWords } from '../../store/search-text.js';
import {
  DEFAULT_SEARCH_LIMITS,
  SEARCH_RESULT_CAP,
  parseSearchRequest,
  type SearchFilter,
  type SearchLimits,
} from './search-request.js';
import {
  filterValue,
  resolveProperty,
  searchDefaultProperties,
  unknownProperty,
} from './search-properties.js';
import type { SearchLag } from './search-lag.js';

export interface SearchResults {
  readonly total: number;
  readonly rows: readonly ObjectRow[];
  /** The properties each result shows: the requested ones, or the type's defaults. */
  readonly properties: readonly string[];
  /** Whether `properties` was requested (unset ones then show as null). */
  readonly requested: boolean;
  /** The offset of the next page; undefined on the last one. */
  readonly after?: number;
}

const ASSOCIATIONS_PREFIX = 'associations.';
const custom = (type: ObjectType) => type.id.startsWith('2-');

export class SearchService {
  constructor(
    private readonly store: Store,
    private readonly objectTypes: ObjectTypeResolver,
    private readonly catalog: PropertyCatalog,
    private readonly validator: RecordValidator,
    private readonly lag: SearchLag,
    private readonly limits: SearchLimits = DEFAULT_SEARCH_LIMITS,
  ) {}

  /** `text`: the body as sent, for where an error is in it (decision D83). */
  async search(portalId: number, objectType: string, body: unknown, text?: string): Promise<SearchResults> {
    const type = await this.objectTypes.resolve(portalId, objectType);
    await this.objectTypes.requireLive(this.store, portalId, type);
    const request = parseSearchRequest(body, this.limits, text);
    const catalog = await this.catalog.all(this.store, portalId, type);

    const unique = new Set(await this.validator.uniqueProperties(this.store, portalId, type));
    const resolve = (name: string) => {
      const resolved = resolveProperty(name, catalog);
      if (!resolved) throw unknownProperty(name);
      return unique.has(name) ? { ...resolved, property: { ...resolved.property, unique: true } } : resolved;
    };
    const groups = request.groups.map((group) =>
      group.map((filter) => this.#condition(type, filter, resolve)),
    );
    // An unknown sort property is ignored, as HubSpot ignores sorts it cannot read.
    const sortProperty = request.sort && resolveProperty(request.sort.propertyName, catalog);
    const sort = sortProperty
      ? { property: sortProperty.property, descending: request.sort!.descending }
      : { property: resolve('createdate').property, descending: false };

    const limit = Math.min(request.limit, SEARCH_RESULT_CAP - request.after);
    const visibility = await this.lag.visibleThrough(portalId);
    const plan: SearchPlan = {
      portalId,
      objectTypeId: type.id,
      groups,
      ...(request.query !== undefined && { text: await this.#text(portalId, type, request.query) }),
      sort,
      offset: request.after,
      limit,
      ...visibility,
    };
    const page = await this.store.search.search(plan);
    const next = request.after + page.rows.length;
    // The page that reaches the cap still points past it when more match: following that
    // link is the 400 that tells a client to narrow the search (decision D54).
    const more = page.rows.length > 0 && next < page.total;
    return {
      total: page.total,
      rows: page.rows,
      // A requested property the type lacks is left out, as a read by ID leaves it out.
      properties:
        request.properties.length > 0
          ? request.properties.filter((name) => resolveProperty(name, catalog) !== undefined)
          : searchDefaultProperties(type),
      requested: request.properties.length > 0,
      ...(more && { after: next }),
    };
  }

  async #text(portalId: number, type: ObjectType, query: string): Promise<NonNullable<SearchPlan['text']>> {
    const words = queryWords(query);
    if (!custom(type)) {
      // A phone number also matches by its digits, however it was formatted (decision D80).
      const digits = PHONE_PROPERTIES[type.id] ? phoneDigits(query) : [];
      return {
        words,
        indexed: SEARCHABLE_PROPERTIES[type.id] !== undefined,
        properties: [],
        ...(digits.length > 0 && { digits }),
      };
    }
    const schema = await this.store.getSchema(portalId, type.id);
    const properties = schema ? schemaDefinition(schema).searchableProperties : [];
    // Each whitespace-separated word as typed, punctuation included, is one substring
    // ("ABC-123" finds the VIN ABC-123; "z_9" finds xyz_999).
    const substrings = query
      .toLowerCase()
      .split(/\s+/)
      .filter((word) => word !== '');
    return { words: substrings.map((word) => [word]), indexed: false, properties };
  }

  #condition(
    type: ObjectType,
    filter: SearchFilter,
    resolve: (name: string) => ReturnType<typeof resolveProperty> & object,
  ): SearchCondition {
    if (filter.propertyName.startsWith(ASSOCIATIONS_PREFIX)) return associationCondition(type, filter);
    const resolved = resolve(filter.propertyName);
    const property = resolved.property;
    const value = (v: string) => filterValue(resolved, v);
    switch (filter.operator) {
      case 'HAS_PROPERTY':
      case 'NOT_HAS_PROPERTY':
        return { op: filter.operator, property };
      case 'IN':
      case 'NOT_IN':
        return { op: filter.operator, property, values: filter.values!.map(value) };
      case 'BETWEEN':
        return { op: 'BETWEEN', property, low: value(filter.value!), high: value(filter.highValue!) };
      case 'CONTAINS_TOKEN':
      case 'NOT_CONTAINS_TOKEN':
        if (property.column)
          throw operatorNotAllowed({ operator: filter.operator, property: filter.propertyName });
        return { op: filter.operator, property, pattern: filter.value!.toLowerCase() };
      default:
        return { op: filter.operator, property, value: value(filter.value!) };
    }
  }
}

/** `associations.{objectType}`: records associated with the given records (standard objects only). */
function associationCondition(type: ObjectType, filter: SearchFilter): SearchCondition {
  const name = filter.propertyName.slice(ASSOCIATIONS_PREFIX.length);
  const target = findStandardObjectType(name);
  if (!target || custom(type))
    throw custom(type)
      ? associationFilterOnCustomObject(filter.propertyName)
      : unknownAssociationFilterType(name, filter.propertyName);
  const ids = (list: readonly string[]) =>
    list.map((id) => {
      if (!/^\d{1,18}$/.test(id.trim()))
        throw invalidAssociatedId({ id: JSON.stringify(id), property: filter.propertyName });
      return Number(id.trim());
    });
  switch (filter.operator) {
    case 'EQ':
      return { op: 'ASSOCIATED', toObjectTypeId: target.id, ids: ids([filter.value!]), negate: false };
    case 'NEQ':
      return { op: 'ASSOCIATED', toObjectTypeId: target.id, ids: ids([filter.value!]), negate: true };
    case 'IN':
      return { op: 'ASSOCIATED', toObjectTypeId: target.id, ids: ids(filter.values!), negate: false };
    case 'NOT_IN':
      return { op: 'ASSOCIATED', toObjectTypeId: target.id, ids: ids(filter.values!), negate: true };
    case 'HAS_PROPERTY':
      return { op: 'ASSOCIATED', toObjectTypeId: target.id, negate: false };
    case 'NOT_HAS_PROPERTY':
      return { op: 'ASSOCIATED', toObjectTypeId: target.id, negate: true };
    default:
      throw associationFilterOperator(filter.operator, filter.propertyName);
  }
}
