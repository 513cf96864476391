/**
 * Search on SQLite (search-sql.ts): properties read with json_extract, numbers parsed by a
 * function registered on the connection, and `query` through an FTS5 table that triggers
 * keep in step with `objects` (its rowid is the record's rowid; Spoke never VACUUMs, so rowids
 * are stable), and the index on creation time per type. The second migration takes out what
 * the first added beyond that, for the cost to writes (docs/decisions.md, "Search").
 */
import type { Database } from 'better-sqlite3';
import { phoneDigitsSql, searchableKeyCondition } from '../search-text.js';
import { SqlSearch, type SearchDialect } from '../search-sql.js';
import type { SqlReader } from '../inspection.js';

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

const indexedText = (row: string) => `INSERT INTO objects_fts (rowid, text)
    SELECT ${row}.rowid, t FROM (SELECT group_concat(value, ' ') AS t FROM json_each(${row}.properties)
      WHERE ${searchableKeyCondition(`${row}.object_type`, 'key')}) WHERE t IS NOT NULL;`;

/** Appended to SQLITE_MIGRATIONS. */
export const SQLITE_SEARCH_MIGRATION = `
  CREATE INDEX objects_search_created ON objects (portal_id, object_type, created_at, id);
  CREATE INDEX objects_search_updated ON objects (portal_id, object_type, updated_at, id);
  CREATE INDEX objects_search_email ON objects (portal_id, object_type, lower(json_extract(properties, '$.email')));
  CREATE VIRTUAL TABLE objects_fts USING fts5 (text, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0');
  CREATE TRIGGER objects_fts_insert AFTER INSERT ON objects BEGIN
    ${indexedText('new')}
  END;
  CREATE TRIGGER objects_fts_update AFTER UPDATE OF properties, object_type ON objects BEGIN
    DELETE FROM objects_fts WHERE rowid = old.rowid;
    ${indexedText('new')}
  END;
  CREATE TRIGGER objects_fts_delete AFTER DELETE ON objects BEGIN
    DELETE FROM objects_fts WHERE rowid = old.rowid;
  END;
  INSERT INTO objects_fts (rowid, text)
    SELECT o.rowid, (SELECT group_concat(value, ' ') FROM json_each(o.properties)
      WHERE ${searchableKeyCondition('o.object_type', 'key')}) AS t FROM objects o WHERE t IS NOT NULL;
`;

/**
 * Appended after SQLITE_SEARCH_MIGRATION: fewer write costs for the same searches. Email EQ
 * reads `unique_values` (contacts' emails are unique; the domain keeps that table), the
 * modification-time index goes (a filter on it reads the type's rows), and the text index
 * keeps only which records hold a word (detail=none), not where: `query` matches words, not
 * phrases.
 */
export const SQLITE_SEARCH_LIGHTER_WRITES = `
  DROP INDEX IF EXISTS objects_search_email;
  DROP INDEX IF EXISTS objects_search_updated;
  DROP TABLE IF EXISTS objects_fts;
  CREATE VIRTUAL TABLE objects_fts USING fts5 (text, content = '', contentless_delete = 1, detail = none,
    tokenize = 'unicode61 remove_diacritics 0');
  INSERT INTO objects_fts (rowid, text)
    SELECT o.rowid, (SELECT group_concat(value, ' ') FROM json_each(o.properties)
      WHERE ${searchableKeyCondition('o.object_type', 'key')}) AS t FROM objects o WHERE t IS NOT NULL;
`;

/**
 * Appended after SQLITE_SEARCH_LIGHTER_WRITES. FTS5 merges its segments a little after every
 * transaction by default (automerge), which made each contact create markedly slower in
 * process; merging only when 64 segments of a level have piled up (crisismerge) keeps writes
 * cheap and a query still reads few segments. Both settings persist in the table's config.
 */
export const SQLITE_SEARCH_FTS_MERGES = `
  INSERT INTO objects_fts (objects_fts, rank) VALUES ('automerge', 0);
  INSERT INTO objects_fts (objects_fts, rank) VALUES ('crisismerge', 64);
`;

/** A record's indexed text (`row`: `new` in a trigger, `o` over the table), phone digits after phones. */
const indexedTextV2 = (row: string) => `(SELECT group_concat(CASE
        WHEN ${searchableKeyCondition(`${row}.object_type`, 'key', 'phone')}
        THEN value || ' ' || ${phoneDigitsSql('value', 'instr')} ELSE value END, ' ')
      FROM json_each(${row}.properties) WHERE ${searchableKeyCondition(`${row}.object_type`, 'key')})`;

/**
 * Appended after SQLITE_SEARCH_FTS_MERGES: phone numbers are indexed by their digits too
 * (search-text.ts, decision D80), and modification time is indexed again, for incremental
 * sync (decision D81). The triggers are made anew and the text index refilled.
 */
export const SQLITE_SEARCH_PHONES_AND_UPDATED = `
  DROP TRIGGER objects_fts_insert;
  DROP TRIGGER objects_fts_update;
  CREATE TRIGGER objects_fts_insert AFTER INSERT ON objects BEGIN
    INSERT INTO objects_fts (rowid, text) SELECT new.rowid, t FROM (SELECT ${indexedTextV2('new')} AS t) WHERE t IS NOT NULL;
  END;
  CREATE TRIGGER objects_fts_update AFTER UPDATE OF properties, object_type ON objects BEGIN
    DELETE FROM objects_fts WHERE rowid = old.rowid;
    INSERT INTO objects_fts (rowid, text) SELECT new.rowid, t FROM (SELECT ${indexedTextV2('new')} AS t) WHERE t IS NOT NULL;
  END;
  INSERT INTO objects_fts (objects_fts) VALUES ('delete-all');
  INSERT INTO objects_fts (rowid, text)
    SELECT o.rowid, ${indexedTextV2('o')} AS t FROM objects o WHERE t IS NOT NULL;
  CREATE INDEX objects_search_updated ON objects (portal_id, object_type, updated_at, id);
`;

const SQLITE_DIALECT: SearchDialect = {
  // The path as the expression index spells it, so the index is used.
  property: (name) =>
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
      ? `json_extract(o.properties, '$.${name}')`
      : `json_extract(o.properties, '$."${name}"')`,
  number: (expression) => `spoke_number(${expression})`,
  // Unary plus: the same value, but no longer a column an index can order by.
  unindexedOrder: (column) => `+${column}`,
  uniqueKey: (expression) => expression,
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
  tokens: (expression) => `spoke_tokens(${expression})`,
  lower: (expression) => `spoke_lower(${expression})`,
  // SQLite's BINARY collation already orders UTF-8 text by code point.
  codePoints: (expression) => expression,
  textMatch: (words, digits) => {
    const all = words
      .map((runs) => runs.map((run, i) => `"${run}"${i === runs.length - 1 ? '*' : ''}`).join(' AND '))
      .join(' AND ');
    return {
      // CROSS JOIN keeps this order: the few rows the text index names, then their records.
      from: 'objects_fts CROSS JOIN objects o ON o.rowid = objects_fts.rowid',
      sql: 'objects_fts MATCH ?',
      params: [[`(${all})`, ...digits.map((d) => `"${d}"*`)].join(' OR ')],
    };
  },
};

/** Search on `db`, through `read` (the store's connection lock). */
export function sqliteSearch(db: Database, read: SqlReader): SqlSearch {
  db.function('spoke_number', { deterministic: true }, (value: unknown) => {
    if (typeof value === 'number') return value;
    return typeof value === 'string' && NUMBER.test(value) ? Number(value) : null;
  });
  // lower() in SQLite folds only ASCII; JavaScript's folding matches the domain's and PostgreSQL's.
  db.function('spoke_lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
  db.function('spoke_tokens', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase().replace(/([^\p{L}\p{N}\s])/gu, ' $1 ') : value,
  );
  return new SqlSearch(read, SQLITE_DIALECT);
}
