/**
 * A CRM search request (`PublicObjectSearchRequest`) as HubSpot takes it from any client:
 * `filterGroups` and a top-level `filters` list, values as strings, numbers or booleans,
 * sorts as objects or strings (`-createdate`), `after` as an integer offset in a string or a
 * number. Malformed filters get the errors HubSpot's JSON binding gives; the limits are
 * HubSpot's documented ones (docs/decisions.md, "Search").
 */
import {
  negativeAfter,
  notAnInteger,
  pastResultCap,
  queryTooLong,
  searchJsonInvalid,
  searchLimitOutOfRange,
  tooManyFilterGroups,
  tooManyFilterValues,
  tooManyFilters,
  tooManyFiltersInGroup,
} from './search-errors.js';
import type { ValidationError } from '../errors.js';
import { jsonPosition, type JsonPath } from '../json-position.js';

export const SEARCH_OPERATORS = [
  'BETWEEN',
  'CONTAINS_TOKEN',
  'EQ',
  'GT',
  'GTE',
  'HAS_PROPERTY',
  'IN',
  'LT',
  'LTE',
  'NEQ',
  'NOT_CONTAINS_TOKEN',
  'NOT_HAS_PROPERTY',
  'NOT_IN',
] as const;
export type SearchOperator = (typeof SEARCH_OPERATORS)[number];

/** Filter groups and filters per request; configurable, since HubSpot's own sources disagree. */
export interface SearchLimits {
  readonly groups: number;
  readonly filtersPerGroup: number;
  readonly filters: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = { groups: 5, filtersPerGroup: 6, filters: 18 };
export const SEARCH_PAGE_DEFAULT = 10;
export const SEARCH_PAGE_MAX = 200;
export const SEARCH_QUERY_MAX = 3000;
/**
 * IN and NOT_IN values in all of a request's filters: every value is a bound parameter of one
 * statement, and SQLite allows 32,766 of them, PostgreSQL 65,535 (decision D50).
 */
export const SEARCH_VALUES_MAX = 5000;
/** HubSpot returns at most this many results of one query; paging past them is a 400. */
export const SEARCH_RESULT_CAP = 10_000;

export interface SearchFilter {
  readonly propertyName: string;
  readonly operator: SearchOperator;
  readonly value?: string;
  readonly values?: readonly string[];
  readonly highValue?: string;
}

export interface SearchSort {
  readonly propertyName: string;
  readonly descending: boolean;
}

export interface SearchRequest {
  /** ORed groups of ANDed filters; the top-level `filters` list is one more group. */
  readonly groups: readonly (readonly SearchFilter[])[];
  readonly query?: string;
  /** Undefined or empty: the object's default properties. */
  readonly properties: readonly string[];
  readonly sort?: SearchSort;
  readonly limit: number;
  readonly after: number;
}

const FILTER_CLASS = '`com.hubspot.inbounddb.publicobject.core.v3.search.Filter`';

/**
 * HubSpot's message for a body its JSON binding refuses, with where in the body text the
 * binding stopped (decision D83): at the value it could not read, or (`after`) just past a
 * filter it could not build.
 */
type Invalid = (problem: string, path: JsonPath, after?: boolean) => ValidationError;

const invalidIn =
  (text: string | undefined): Invalid =>
  (problem, path, after = false) =>
    searchJsonInvalid({ problem, ...jsonPosition(text, path, after) });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A scalar as HubSpot reads it into a string field; undefined for null or absent. */
function scalar(value: unknown, field: string, path: JsonPath, invalid: Invalid): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalid(
    `Cannot deserialize value of type \`java.lang.String\` from ${Array.isArray(value) ? 'Array' : 'Object'} value (field "${field}")`,
    path,
  );
}

function parseFilter(raw: unknown, at: JsonPath, invalid: Invalid): SearchFilter {
  if (!isObject(raw))
    throw invalid(`Cannot construct instance of ${FILTER_CLASS} from a non-object value`, at);
  const field = (name: string) => scalar(raw[name], name, [...at, name], invalid);
  const propertyName = field('propertyName');
  const operatorText = field('operator');
  const missing = [
    propertyName === undefined && 'propertyName',
    operatorText === undefined && 'operator',
  ].filter(Boolean);
  if (missing.length > 0)
    throw invalid(
      `Cannot build Filter, some of required attributes are not set [${missing.join(', ')}]`,
      at,
      true,
    );
  const operator = operatorText as SearchOperator;
  if (!SEARCH_OPERATORS.includes(operator)) {
    throw invalid(
      `Cannot deserialize value of type \`com.hubspot.inbounddb.publicobject.core.v3.search.FilterOperator\` from String "${operatorText}": not one of the values accepted for Enum class: [${SEARCH_OPERATORS.join(', ')}]`,
      [...at, 'operator'],
    );
  }
  const value = field('value');
  const highValue = field('highValue');
  let values: string[] | undefined;
  if (raw.values !== undefined && raw.values !== null) {
    if (!Array.isArray(raw.values))
      throw invalid(
        'Cannot deserialize value of type `java.util.List` from a non-array value (field "values")',
        [...at, 'values'],
      );
    values = raw.values.map((v, k) => scalar(v, 'values', [...at, 'values', k], invalid) ?? '');
  }
  const problem = (text: string) =>
    invalid(`Cannot construct instance of ${FILTER_CLASS}, problem: ${text}`, at, true);
  if (operator === 'BETWEEN' && highValue === undefined)
    throw problem('operator BETWEEN requires a highValue');
  if ((operator === 'IN' || operator === 'NOT_IN') && (values === undefined || values.length === 0))
    throw problem(`operator ${operator} requires values`);
  const needsValue = !['IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY'].includes(operator);
  if (needsValue && value === undefined) throw problem(`operator ${operator} requires a value`);
  return {
    propertyName: propertyName!,
    operator,
    ...(value !== undefined && { value }),
    ...(values !== undefined && { values }),
    ...(highValue !== undefined && { highValue }),
  };
}

function parseFilters(raw: unknown, at: JsonPath, invalid: Invalid): SearchFilter[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw invalid(
      'Cannot deserialize value of type `java.util.List` from a non-array value (field "filters")',
      at,
    );
  return raw.map((filter, k) => parseFilter(filter, [...at, k], invalid));
}

/** The first sort rule HubSpot applies: `{propertyName, direction}` or `"-name"` / `"name"`. */
function parseSort(raw: unknown, invalid: Invalid): SearchSort | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = Array.isArray(raw) ? raw : [raw];
  for (const [k, item] of list.entries()) {
    if (typeof item === 'string') {
      // A JSON-stringified object is not a property name: HubSpot ignores it.
      const text = item.trim();
      if (text === '' || text.startsWith('{')) continue;
      return text.startsWith('-')
        ? { propertyName: text.slice(1), descending: true }
        : { propertyName: text.replace(/^\+/, ''), descending: false };
    }
    if (isObject(item) && typeof item.propertyName === 'string') {
      const direction = typeof item.direction === 'string' ? item.direction.toUpperCase() : 'ASCENDING';
      if (direction !== 'ASCENDING' && direction !== 'DESCENDING')
        throw invalid(
          `Cannot deserialize value of type \`Direction\` from String "${String(item.direction)}": not one of the values accepted for Enum class: [ASCENDING, DESCENDING]`,
          Array.isArray(raw) ? ['sorts', k, 'direction'] : ['sorts', 'direction'],
        );
      return { propertyName: item.propertyName, descending: direction === 'DESCENDING' };
    }
  }
  return undefined;
}

function parseInteger(raw: unknown, field: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !/^-?\d{1,15}$/.test(text))
    throw notAnInteger({ field, raw: JSON.stringify(raw) });
  return Number(text);
}

/** `text`: the body as sent, so that errors say where in it they are; without it, line 1, column 1. */
export function parseSearchRequest(
  body: unknown,
  limits: SearchLimits = DEFAULT_SEARCH_LIMITS,
  text?: string,
): SearchRequest {
  const invalid = invalidIn(text);
  // The spec requires a body: an empty one is what Jackson says of end-of-input, and `null`
  // is a non-object value (an empty object, `{}`, searches everything).
  if (body === undefined) throw invalid('No content to map due to end-of-input', [], true);
  if (!isObject(body))
    throw invalid('Cannot deserialize value of type `PublicObjectSearchRequest` from a non-object value', []);
  if (body.filterGroups !== undefined && body.filterGroups !== null && !Array.isArray(body.filterGroups))
    throw invalid(
      'Cannot deserialize value of type `java.util.List` from a non-array value (field "filterGroups")',
      ['filterGroups'],
    );
  const groups = ((body.filterGroups as unknown[] | null | undefined) ?? []).map((group, g) => {
    if (!isObject(group))
      throw invalid('Cannot construct instance of `FilterGroup` from a non-object value', [
        'filterGroups',
        g,
      ]);
    return parseFilters(group.filters, ['filterGroups', g, 'filters'], invalid);
  });
  const topLevel = parseFilters(body.filters, ['filters'], invalid);
  if (topLevel.length > 0) groups.push(topLevel);
  checkLimits(groups, limits);

  const query = scalar(body.query, 'query', ['query'], invalid);
  if (query !== undefined && query.length > SEARCH_QUERY_MAX)
    throw queryTooLong({ length: query.length, max: SEARCH_QUERY_MAX });

  let properties: string[] = [];
  if (Array.isArray(body.properties))
    properties = body.properties.filter((p): p is string => typeof p === 'string');
  else if (typeof body.properties === 'string') properties = body.properties.split(',').map((p) => p.trim());
  properties = properties.filter((p) => p !== '');

  const limit = parseInteger(body.limit, 'limit') ?? SEARCH_PAGE_DEFAULT;
  if (limit < 0 || limit > SEARCH_PAGE_MAX) throw searchLimitOutOfRange({ max: SEARCH_PAGE_MAX, limit });
  const after = parseInteger(body.after, 'after') ?? 0;
  if (after < 0) throw negativeAfter({ after });
  if (after >= SEARCH_RESULT_CAP) throw pastResultCap(SEARCH_RESULT_CAP, after);
  const sort = parseSort(body.sorts, invalid);
  return {
    groups,
    ...(query !== undefined && query.trim() !== '' && { query }),
    properties,
    ...(sort && { sort }),
    limit,
    after,
  };
}

function checkLimits(groups: readonly (readonly SearchFilter[])[], limits: SearchLimits): void {
  if (groups.length > limits.groups) throw tooManyFilterGroups(groups.length, limits.groups);
  const crowded = groups.findIndex((g) => g.length > limits.filtersPerGroup);
  if (crowded >= 0) throw tooManyFiltersInGroup(crowded, groups[crowded]!.length, limits.filtersPerGroup);
  const total = groups.reduce((n, g) => n + g.length, 0);
  if (total > limits.filters) throw tooManyFilters(total, limits.filters);
  const values = groups.reduce((n, g) => g.reduce((m, f) => m + (f.values?.length ?? 0), n), 0);
  if (values > SEARCH_VALUES_MAX) throw tooManyFilterValues(values, SEARCH_VALUES_MAX);
}
