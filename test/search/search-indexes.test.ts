/**
 * Which indexes the database reads for the searches that must stay fast at a million records,
 * on the test store's backend: the incremental-sync search (`hs_lastmodifieddate GT <t>`,
 * sorted by it ascending) reads the modification-time index, and on PostgreSQL `query` reads
 * the GIN index on the stored text column and rechecks that column, not the record's JSON
 * (decisions D26, D81). The plans are asked of the database itself (EXPLAIN), on the SQL the
 * search role builds; no timing is measured.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createStore } from '../../src/store/create-store.js';
import { postgresSearch } from '../../src/store/postgres/postgres-search.js';
import type { SearchPlan, SearchProperty } from '../../src/store/search-sql.js';
import { sqliteSearch } from '../../src/store/sqlite/sqlite-search.js';
import type { SqlSearch } from '../../src/store/search-sql.js';
import { freshDatabaseUrl, onPostgres } from '../helpers/store.js';

const PORTAL = 4680017;
const MODIFIED: SearchProperty = { name: 'hs_lastmodifieddate', column: 'updated_at', kind: 'number' };

/** The plans of the statements a search runs (the count, then the page). */
interface Explainer {
  plans(plan: SearchPlan): Promise<string[]>;
  close(): Promise<void>;
}

async function sqliteExplainer(): Promise<Explainer> {
  const directory = mkdtempSync(join(tmpdir(), 'spoke-search-indexes-'));
  const file = join(directory, 'search.db');
  await (await createStore(file)).close();
  const db = new Database(file);
  let found: string[] = [];
  const search: SqlSearch = sqliteSearch(db, async (sql, params) => {
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    found.push(rows.map((r) => r.detail).join('\n'));
    return sql.startsWith('SELECT count') ? [{ n: 1 }] : [];
  });
  return {
    async plans(plan) {
      found = [];
      await search.search(plan);
      return found;
    },
    async close() {
      db.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function postgresExplainer(): Promise<Explainer> {
  const fresh = freshDatabaseUrl();
  await (await createStore(fresh.url)).close();
  const url = new URL(fresh.url);
  const schema = url.searchParams.get('schema')!;
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema}` });
  await client.connect();
  // Enough records, with statistics, that the planner weighs the indexes as on a large portal;
  // a table read whole is ruled out, so the plan says which index serves the search.
  await client.query(`INSERT INTO objects (portal_id, id, object_type, properties, created_at, updated_at)
    SELECT ${PORTAL}, g, '0-1', json_build_object('firstname', 'name' || g)::text, g, g
    FROM generate_series(1, 20000) g`);
  await client.query('ANALYZE objects');
  await client.query('SET enable_seqscan = off');
  let found: string[] = [];
  const search = postgresSearch(async (sql, params) => {
    let n = 0;
    const numbered = sql.replace(/\?/g, () => `$${++n}`);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${numbered}`, [...params]);
    found.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
    return sql.startsWith('SELECT count') ? [{ n: 1 }] : [];
  });
  return {
    async plans(plan) {
      found = [];
      await search.search(plan);
      return found;
    },
    async close() {
      await client.end();
      await fresh.drop();
    },
  };
}

describe('search: the indexes the database reads', () => {
  let explain: Explainer;

  before(async () => {
    explain = onPostgres() ? await postgresExplainer() : await sqliteExplainer();
  });
  after(() => explain.close());

  it('incremental sync (hs_lastmodifieddate GT, sorted ascending) reads the modification-time index', async () => {
    for (const objectTypeId of ['0-1', '0-2']) {
      const [count, page] = await explain.plans({
        portalId: PORTAL,
        objectTypeId,
        groups: [[{ op: 'GT', property: MODIFIED, value: Date.UTC(2026, 0, 1) }]],
        sort: { property: MODIFIED, descending: false },
        offset: 0,
        limit: 100,
      });
      assert.match(count!, /objects_search_updated/, count);
      assert.match(page!, /objects_search_updated/, page);
      // The page comes in index order: no sort step over the matches.
      assert.doesNotMatch(page!, /TEMP B-TREE|Sort Key/i, page);
    }
  });

  it('a range on modification time with the default sort still reads its index', async () => {
    const [count] = await explain.plans({
      portalId: PORTAL,
      objectTypeId: '0-1',
      groups: [
        [{ op: 'BETWEEN', property: MODIFIED, low: Date.UTC(2026, 0, 1), high: Date.UTC(2026, 0, 2) }],
      ],
      sort: { property: { name: 'createdate', column: 'created_at', kind: 'number' }, descending: false },
      offset: 0,
      limit: 10,
    });
    assert.match(count!, /objects_search_updated/, count);
  });

  it('query reads the text index and, on PostgreSQL, rechecks the stored text column', async () => {
    const [count, page] = await explain.plans({
      portalId: PORTAL,
      objectTypeId: '0-1',
      groups: [],
      text: { words: [['alice']], digits: [], indexed: true, properties: [] },
      sort: { property: { name: 'createdate', column: 'created_at', kind: 'number' }, descending: false },
      offset: 0,
      limit: 10,
    });
    if (onPostgres()) {
      assert.match(count!, /objects_search_text/, count);
      assert.match(count!, /search_text @@/, count);
      assert.doesNotMatch(`${count}\n${page}`, /spoke_search_text|jsonb/, 'no JSON is parsed to match');
    } else {
      assert.match(count!, /objects_fts VIRTUAL TABLE INDEX/, count);
    }
  });
});
