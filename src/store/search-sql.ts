/**
 * The search role: one portal's records of one type that match a search, counted and paged,
 * in the database (docs/decisions.md, "Search"). The domain hands over a plan whose property
 * names it has checked against the portal's catalog and whose values it has converted to
 * the property's type; this module turns it into one SQL statement for both adapters, which
 * supply a dialect (how to read a property, a number, the text index) and how to run it.
 */
import { toObjectRow, type ObjectDbRow } from './row-mappers.js';
import type { SqlReader } from './inspection.js';
import type { ObjectRow } from './store.js';

/** How values of a property compare. */
export type ValueKind = 'number' | 'text' | 'exact' | 'lower' | 'options';

/**
 * A property as the database reads it: a record column (`id`, `created_at`, `updated_at`,
 * epoch milliseconds), or a property value compared as a number (`number`), as stored
 * (`exact`: enumerations, ISO dates and datetimes), or lower-cased (`lower`: strings, booleans),
 * or as the `;`-separated options of a multiple-checkbox enumeration (`options`, decision D52).
 */
export interface SearchProperty {
  readonly name: string;
  readonly column?: 'id' | 'created_at' | 'updated_at';
  readonly kind: ValueKind;
  /**
   * The portal keeps the property's values unique (a contact's email): `unique_values` holds
   * them trimmed and lower-cased, an index EQ and IN read instead of the records.
   */
  readonly unique?: boolean;
}

export type SearchValue = string | number;

export type SearchCondition =
  | {
      readonly op: 'EQ' | 'NEQ' | 'LT' | 'LTE' | 'GT' | 'GTE';
      readonly property: SearchProperty;
      readonly value: SearchValue;
    }
  | {
      readonly op: 'BETWEEN';
      readonly property: SearchProperty;
      readonly low: SearchValue;
      readonly high: SearchValue;
    }
  | {
      readonly op: 'IN' | 'NOT_IN';
      readonly property: SearchProperty;
      readonly values: readonly SearchValue[];
    }
  | { readonly op: 'HAS_PROPERTY' | 'NOT_HAS_PROPERTY'; readonly property: SearchProperty }
  /** `pattern`: lower-cased, `*` for any run of characters. */
  | {
      readonly op: 'CONTAINS_TOKEN' | 'NOT_CONTAINS_TOKEN';
      readonly property: SearchProperty;
      readonly pattern: string;
    }
  /** Records associated with any of `ids` of `toObjectTypeId` (or, without ids, with any). */
  | {
      readonly op: 'ASSOCIATED';
      readonly toObjectTypeId: string;
      readonly ids?: readonly number[];
      readonly negate: boolean;
    };

export interface SearchPlan {
  readonly portalId: number;
  readonly objectTypeId: string;
  /** OR of ANDs; empty: every record. */
  readonly groups: readonly (readonly SearchCondition[])[];
  /**
   * `query`: the words (runs of letters and digits per whitespace-separated word), matched by
   * the text index (`indexed`); for custom objects each word is one run, the word as typed,
   * matched as a substring of any of `properties`. `digits`: a query that is a phone number
   * also matches the indexed digits of phone numbers, by prefix (decision D80).
   */
  readonly text?: {
    readonly words: readonly (readonly string[])[];
    readonly digits?: readonly string[];
    readonly indexed: boolean;
    readonly properties: readonly string[];
  };
  readonly sort: { readonly property: SearchProperty; readonly descending: boolean };
  readonly offset: number;
  readonly limit: number;
  /** Indexing lag: records created after this instant are not found yet. */
  readonly visibleThrough?: number;
  /**
   * Of the records created in the millisecond `visibleThrough` itself, only these are found
   * (those written before the flush that marked that instant; decision D82).
   */
  readonly visibleAtThrough?: readonly number[];
}

export interface SearchPage {
  readonly total: number;
  readonly rows: ObjectRow[];
}

export interface SearchStore {
  search(plan: SearchPlan): Promise<SearchPage>;
  /** The IDs of a portal's records (any type, archived too) created at instant `at`, up to `limit`. */
  createdAt(portalId: number, at: number, limit: number): Promise<number[]>;
}

/** What differs between the databases. */
export interface SearchDialect {
  /** A property's stored text (NULL when unset), from `o.properties`; `name` is safe to inline. */
  property(name: string): string;
  /** A text expression as a number, NULL when it is not one. */
  number(expression: string): string;
  /**
   * A condition on `o` that its indexed text has all `words` (each word: runs, prefix on the
   * last), or any of `digits` by prefix, and the FROM clause to use with it (`from`: read the
   * text index first).
   */
  textMatch(
    words: readonly (readonly string[])[],
    digits: readonly string[],
  ): { sql: string; params: unknown[]; from?: string };
  /**
   * A record column as an ORDER BY key that no index provides, for when the matches are few:
   * then the filters' indexes find them and sorting them is cheap, where walking the whole
   * type in index order until enough match is not. (SQLite plans without statistics and would
   * walk; PostgreSQL's planner has them and needs no hint.)
   */
  unindexedOrder(column: string): string;
  /**
   * Text lower-cased as JavaScript's toLowerCase does (the domain lower-cases filter values so),
   * non-ASCII letters too: SQLite's lower() folds only ASCII.
   */
  lower(expression: string): string;
  /** Text lower-cased with a space either side of each character not a letter, digit or space. */
  tokens(expression: string): string;
  /** Text compared and ordered by code point on every store (PostgreSQL: not the locale's order). */
  codePoints(expression: string): string;
  /** Whether text `needle` occurs in text `haystack`, case-sensitively and literally. */
  contains(haystack: string, needle: string): string;
  /** `unique_values.value` as its unique index keys it (PostgreSQL: its md5, for long values). */
  uniqueKey(expression: string): string;
}

/** Up to this many matches, the page is sorted rather than read in index order. */
const SORT_MATCHES_BELOW = 20_000;

/** Property names inlined into SQL (so expression indexes match): letters, digits, `_`, `-`, `.`. */
export const SAFE_PROPERTY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** What splits tokens besides whitespace (a `*` in a pattern is a wildcard, not a mark). */
const PUNCTUATION = /([^\p{L}\p{N}\s*])/gu;

class Builder {
  readonly params: unknown[] = [];
  constructor(private readonly dialect: SearchDialect) {}

  bind(value: unknown): string {
    this.params.push(value);
    return '?';
  }

  /** The expression compared, and how a value is bound against it. */
  operand(property: SearchProperty): string {
    if (property.column) return `o.${property.column}`;
    const raw = this.dialect.property(property.name);
    if (property.kind === 'number') return this.dialect.number(raw);
    return this.dialect.codePoints(property.kind === 'lower' ? this.dialect.lower(raw) : raw);
  }

  /** Whether the record has a value: set and not empty (HubSpot clears a value with ""). */
  has(property: SearchProperty): string {
    if (property.column) return '1 = 1';
    const raw = this.dialect.property(property.name);
    return `(${raw} IS NOT NULL AND ${raw} <> '')`;
  }

  /**
   * A multiple checkbox holds its selected options as `a;b`: EQ, NEQ, IN and NOT_IN compare
   * each option (NOT_IN: none of the values is selected), tokens are options (decision D52).
   */
  options(c: SearchCondition & { property: SearchProperty }): string | undefined {
    const raw = this.dialect.property(c.property.name);
    const any = (values: readonly SearchValue[]) =>
      `(${values.map((v) => this.dialect.contains(`(';' || ${raw} || ';')`, this.bind(`;${String(v)};`))).join(' OR ')})`;
    const none = (values: readonly SearchValue[]) => `(${raw} IS NULL OR NOT ${any(values)})`;
    switch (c.op) {
      case 'EQ':
        return any([c.value]);
      case 'IN':
        return any(c.values);
      case 'NEQ':
        return none([c.value]);
      case 'NOT_IN':
        return none(c.values);
      case 'CONTAINS_TOKEN':
      case 'NOT_CONTAINS_TOKEN':
        return this.tokens(c.op, `replace(${raw}, ';', ' ')`, c.pattern, raw);
      default:
        return undefined;
    }
  }

  /**
   * Tokens are the text's words split at whitespace and at punctuation, each punctuation mark
   * a token of its own; text and pattern are split alike, so `inc` finds "Acme Inc.", and
   * `example.com` and `*@hubspot.com` find emails (decision D57).
   */
  tokens(op: 'CONTAINS_TOKEN' | 'NOT_CONTAINS_TOKEN', text: string, value: string, raw: string): string {
    const pattern = value.replace(PUNCTUATION, ' $1 ');
    const like = `% ${pattern.replace(/[\\%_]/g, (ch) => `\\${ch}`).replace(/\*/g, '%')} %`;
    const match = `(' ' || ${this.dialect.tokens(text)} || ' ') LIKE ${this.bind(like)} ESCAPE '\\'`;
    return op === 'CONTAINS_TOKEN' ? match : `(${raw} IS NULL OR NOT ${match})`;
  }

  condition(c: SearchCondition, plan: SearchPlan): string {
    if (c.op === 'ASSOCIATED') {
      // Both directions of an association are stored: the other record's rows name ours. The
      // IN subqueries bind the portal rather than refer to `o`: uncorrelated, PostgreSQL runs
      // them once, not once per record.
      const ids = c.ids ?? [];
      const match =
        ids.length > 0
          ? `o.id IN (SELECT a.to_id FROM associations a WHERE a.portal_id = ${this.bind(plan.portalId)} AND a.from_id IN (${ids.map((id) => this.bind(id)).join(', ')}) AND a.from_type = ${this.bind(c.toObjectTypeId)} AND a.to_type = ${this.bind(plan.objectTypeId)})`
          : `EXISTS (SELECT 1 FROM associations a WHERE a.portal_id = o.portal_id AND a.from_id = o.id AND a.to_type = ${this.bind(c.toObjectTypeId)})`;
      return c.negate ? `NOT (${match})` : match;
    }
    if ((c.op === 'EQ' || c.op === 'IN') && c.property.unique && c.property.kind === 'lower') {
      const values = ('values' in c ? c.values : [c.value]).map((v) => String(v).trim());
      // Placeholders are positional: bind in the order the SQL text names them.
      const head = `u.portal_id = ${this.bind(plan.portalId)} AND u.object_type = ${this.bind(plan.objectTypeId)} AND u.property = ${this.bind(c.property.name)}`;
      const keys = values.map((v) => this.dialect.uniqueKey(this.bind(v))).join(', ');
      const exact = values.map((v) => this.bind(v)).join(', ');
      return `o.id IN (SELECT u.object_id FROM unique_values u WHERE ${head} AND ${this.dialect.uniqueKey('u.value')} IN (${keys}) AND u.value IN (${exact}))`;
    }
    if (c.property.kind === 'options' && c.op !== 'HAS_PROPERTY' && c.op !== 'NOT_HAS_PROPERTY') {
      const option = this.options(c);
      if (option) return option;
    }
    const x = this.operand(c.property);
    switch (c.op) {
      case 'EQ':
        return `${x} = ${this.bind(c.value)}`;
      case 'NEQ':
        return `(${x} IS NULL OR ${x} <> ${this.bind(c.value)})`;
      case 'LT':
        return `${x} < ${this.bind(c.value)}`;
      case 'LTE':
        return `${x} <= ${this.bind(c.value)}`;
      case 'GT':
        return `${x} > ${this.bind(c.value)}`;
      case 'GTE':
        return `${x} >= ${this.bind(c.value)}`;
      case 'BETWEEN':
        return `(${x} >= ${this.bind(c.low)} AND ${x} <= ${this.bind(c.high)})`;
      case 'IN':
        return `${x} IN (${c.values.map((v) => this.bind(v)).join(', ')})`;
      case 'NOT_IN':
        return `(${x} IS NULL OR ${x} NOT IN (${c.values.map((v) => this.bind(v)).join(', ')}))`;
      case 'HAS_PROPERTY':
        return this.has(c.property);
      case 'NOT_HAS_PROPERTY':
        return `NOT ${this.has(c.property)}`;
      case 'CONTAINS_TOKEN':
      case 'NOT_CONTAINS_TOKEN': {
        const raw = this.dialect.property(c.property.name);
        return this.tokens(c.op, raw, c.pattern, raw);
      }
    }
  }
}

/** The WHERE clause and its parameters. */
function whereOf(plan: SearchPlan, dialect: SearchDialect): Builder & { sql: string; from: string } {
  const b = new Builder(dialect);
  let from = 'objects o';
  const parts = [
    `o.portal_id = ${b.bind(plan.portalId)}`,
    `o.object_type = ${b.bind(plan.objectTypeId)}`,
    'o.archived_at IS NULL',
  ];
  // Only creations wait for the index: a record changed during the lag stays found, by its
  // current values (Spoke keeps no previous version; decision D53).
  if (plan.visibleThrough !== undefined) {
    const through = plan.visibleThrough;
    const tie = plan.visibleAtThrough;
    if (tie === undefined) parts.push(`o.created_at <= ${b.bind(through)}`);
    else {
      // Placeholders are positional: bind in the order the SQL text names them.
      const head = `o.created_at <= ${b.bind(through)} AND (o.created_at < ${b.bind(through)}`;
      const ids = tie.length > 0 ? ` OR o.id IN (${tie.map((id) => b.bind(id)).join(', ')})` : '';
      parts.push(`${head}${ids})`);
    }
  }
  if (plan.groups.length > 0) {
    const groups = plan.groups.map((group) =>
      group.length === 0 ? '1 = 1' : group.map((c) => b.condition(c, plan)).join(' AND '),
    );
    parts.push(`(${groups.map((g) => `(${g})`).join(' OR ')})`);
  }
  // A query of punctuation only has no word to match: it finds nothing (decision D56).
  if (plan.text && plan.text.words.length === 0) parts.push('1 = 0');
  if (plan.text && plan.text.words.length > 0) {
    if (plan.text.indexed) {
      const match = dialect.textMatch(plan.text.words, plan.text.digits ?? []);
      if (match.from) from = match.from;
      parts.push(match.sql);
      b.params.push(...match.params);
    } else {
      // The properties' values joined by spaces, which no word (whitespace-free) can span:
      // one bound pattern per word, however many properties.
      const values = plan.text.properties
        .filter((name) => SAFE_PROPERTY_NAME.test(name))
        .map((name) => `coalesce(${dialect.property(name)}, '')`);
      const haystack = values.length > 0 ? dialect.lower(values.join(` || ' ' || `)) : undefined;
      for (const word of plan.text.words) {
        const needle = `%${word.join('').replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
        parts.push(haystack ? `${haystack} LIKE ${b.bind(needle)} ESCAPE '\\'` : '1 = 0');
      }
    }
  }
  return Object.assign(b, { sql: parts.join('\n  AND '), from });
}

function orderOf(plan: SearchPlan, dialect: SearchDialect, total: number): string {
  const dir = plan.sort.descending ? 'DESC' : 'ASC';
  const property = plan.sort.property;
  if (property.column) {
    // A range on the sort column itself reads the matches in order from the same index.
    const onSortColumn =
      plan.groups.length === 1 &&
      plan.groups[0]!.some((c) => 'property' in c && c.property.column === property.column);
    const filtered = plan.groups.length > 0 || (plan.text?.words.length ?? 0) > 0;
    const column = `o.${property.column}`;
    const key =
      filtered && !onSortColumn && total < SORT_MATCHES_BELOW ? dialect.unindexedOrder(column) : column;
    return property.column === 'id' ? `${key} ${dir}` : `${key} ${dir}, o.id ${dir}`;
  }
  const b = new Builder(dialect);
  const x = b.operand(property);
  // Records without a value come last in both directions, as in HubSpot's results.
  return `(${x} IS NULL) ASC, ${x} ${dir}, o.id ${dir}`;
}

/** Runs searches with `?` placeholders on `read` (each adapter's connection). */
export class SqlSearch implements SearchStore {
  constructor(
    private readonly read: SqlReader,
    private readonly dialect: SearchDialect,
  ) {}

  async createdAt(portalId: number, at: number, limit: number): Promise<number[]> {
    const rows = await this.read(
      `SELECT id FROM objects WHERE portal_id = ? AND created_at = ? ORDER BY id LIMIT ${Number(limit)}`,
      [portalId, at],
    );
    return rows.map((r) => Number(r.id));
  }

  async search(plan: SearchPlan): Promise<SearchPage> {
    const where = whereOf(plan, this.dialect);
    const counted = await this.read(
      `SELECT count(*) AS n FROM ${where.from} WHERE ${where.sql}`,
      where.params,
    );
    const total = Number(counted[0]?.n ?? 0);
    if (plan.offset >= total || plan.limit === 0) return { total, rows: [] };
    const rows = await this.read(
      `SELECT o.id, o.object_type, o.properties, o.created_at, o.updated_at, o.archived_at
       FROM ${where.from} WHERE ${where.sql}
       ORDER BY ${orderOf(plan, this.dialect, total)} LIMIT ${Number(plan.limit)} OFFSET ${Number(plan.offset)}`,
      where.params,
    );
    return { total, rows: rows.map((r) => toObjectRow(r as unknown as ObjectDbRow)) };
  }
}
