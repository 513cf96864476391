/**
 * Search on PostgreSQL (search-sql.ts): properties read from the JSON text as jsonb, numbers
 * parsed only when they look like one (a cast of other text would fail the statement), and
 * `query` through a GIN index on an immutable function of the record's searchable text. The
 * migrations add and take out the same indexes as SQLite's (docs/decisions.md, "Search").
 */
import { phoneDigitsSql, searchableKeyCondition } from '../search-text.js';
import { SqlSearch, type SearchDialect } from '../search-sql.js';
import type { SqlReader } from '../inspection.js';

/** Appended to POSTGRES_MIGRATIONS. */
export const POSTGRES_SEARCH_MIGRATION = `
  CREATE INDEX objects_search_created ON objects (portal_id, object_type, created_at, id);
  CREATE INDEX objects_search_updated ON objects (portal_id, object_type, updated_at, id);
  CREATE INDEX objects_search_email ON objects (portal_id, object_type, lower((properties::jsonb ->> 'email')));
  CREATE FUNCTION spoke_search_text(object_type TEXT, properties TEXT) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
      SELECT to_tsvector('simple'::regconfig,
        regexp_replace(lower(coalesce(string_agg(value, ' '), '')), '[^[:alnum:]]+', ' ', 'g'))
      FROM jsonb_each_text(properties::jsonb)
      WHERE ${searchableKeyCondition('object_type', 'key')}
    $f$;
  CREATE INDEX objects_search_text ON objects USING gin (spoke_search_text(object_type, properties));
`;

// No `?` in the pattern: the store numbers `?` placeholders.
/** Appended after POSTGRES_SEARCH_MIGRATION: the same indexes go as on SQLite. */
export const POSTGRES_SEARCH_LIGHTER_WRITES = `
  DROP INDEX IF EXISTS objects_search_email;
  DROP INDEX IF EXISTS objects_search_updated;
`;

/**
 * Appended after POSTGRES_SEARCH_LIGHTER_WRITES. The text is computed once per write into a
 * stored column, so a query's bitmap heap scan rechecks the stored tsvector instead of
 * parsing each candidate's JSON again (the GIN opclass for tsvector always rechecks); phone
 * numbers are indexed by their digits too (search-text.ts, decision D80); and modification
 * time is indexed again, for incremental sync (decision D81). Snapshot tables keep their
 * columns: snapshots copy listed columns (portal-tables.ts) and a restore recomputes the text.
 */
export const POSTGRES_SEARCH_STORED_TEXT = `
  CREATE FUNCTION spoke_search_text_v2(object_type TEXT, properties TEXT) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
      SELECT to_tsvector('simple'::regconfig,
        regexp_replace(lower(coalesce(string_agg(value, ' '), '')), '[^[:alnum:]]+', ' ', 'g'))
      FROM (SELECT CASE WHEN ${searchableKeyCondition('object_type', 'key', 'phone')}
          THEN value || ' ' || ${phoneDigitsSql('value', 'strpos')} ELSE value END AS value
        FROM jsonb_each_text(properties::jsonb)
        WHERE ${searchableKeyCondition('object_type', 'key')}) v
    $f$;
  DROP INDEX objects_search_text;
  ALTER TABLE objects ADD COLUMN search_text tsvector
    GENERATED ALWAYS AS (spoke_search_text_v2(object_type, properties)) STORED;
  CREATE INDEX objects_search_text ON objects USING gin (search_text);
  DROP FUNCTION spoke_search_text(TEXT, TEXT);
  CREATE INDEX objects_search_updated ON objects (portal_id, object_type, updated_at, id);
`;

const NUMBER = String.raw`'^\s*[+-]{0,1}(\d+\.{0,1}\d*|\.\d+)([eE][+-]{0,1}\d{1,4}){0,1}\s*$'`;

const POSTGRES_DIALECT: SearchDialect = {
  property: (name) => `(o.properties::jsonb ->> '${name}')`,
  unindexedOrder: (column) => column,
  contains: (haystack, needle) => `strpos(${haystack}, ${needle}) > 0`,
  tokens: (expression) => `regexp_replace(lower(${expression}), '([^[:alnum:][:space:]])', ' \\1 ', 'g')`,
  lower: (expression) => `lower(${expression})`,
  codePoints: (expression) => `(${expression}) COLLATE "C"`,
  uniqueKey: (expression) => `md5(${expression})`,
  number: (expression) => `(CASE WHEN ${expression} ~ ${NUMBER} THEN (${expression})::numeric END)`,
  textMatch: (words, digits) => {
    const all = words.map((runs) => `(${runs.join(' & ')}:*)`).join(' & ');
    return {
      sql: `o.search_text @@ to_tsquery('simple', ?)`,
      params: [[`(${all})`, ...digits.map((d) => `${d}:*`)].join(' | ')],
    };
  },
};

export function postgresSearch(read: SqlReader): SqlSearch {
  return new SqlSearch(read, POSTGRES_DIALECT);
}
