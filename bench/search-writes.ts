/**
 * What search costs writes, in one run: `object create` and `PUT default (new pair)` (the
 * scenarios of `npm run bench`) against two databases of the same build, one as migrated and
 * one with the search structures dropped (the text index and its triggers or column, the
 * creation- and modification-time indexes), in alternating rounds, so that the machine's
 * load falls on both alike. The budget: writes at most a quarter slower.
 *
 *   npm run build && node --import tsx bench/search-writes.ts
 *   DATABASE_URL=postgres://… node --import tsx bench/search-writes.ts   …and PostgreSQL
 *
 * BENCH_WRITES_MODE=process measures the same two writes in process instead (the domain and
 * the store, no HTTP: 10 at a time, 1,000 per round), which the machine's noise blurs less.
 *
 * Environment: BENCH_WRITES_DROP (`updated`: drop only the modification-time index), BENCH_WRITES_ROUNDS (default 4), BENCH_DURATION (s per measurement, default
 * 5), BENCH_CONNECTIONS (default 10), BENCH_BACKENDS (`sqlite`, `postgres`; default both
 * when DATABASE_URL is set).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { findStandardObjectType } from '../src/domain/object-types.js';
import { DEFAULT_PORTAL_ID } from '../src/domain/portals.js';
import { createDomain } from '../src/domain/services.js';
import { createStore } from '../src/store/create-store.js';
import { startSpoke, type ServerProcess } from './processes.js';
import { PairCounter, SCENARIOS, measure, prepare, type Fixture } from './scenarios.js';

const ROUNDS = Number(process.env.BENCH_WRITES_ROUNDS ?? 4);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const MEASURED = ['object create', 'PUT default (new pair)'];
const postgresUrl = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')
  ? process.env.DATABASE_URL!
  : '';

const SQLITE_DROP = `
  DROP TRIGGER objects_fts_insert; DROP TRIGGER objects_fts_update; DROP TRIGGER objects_fts_delete;
  DROP TABLE objects_fts; DROP INDEX objects_search_created; DROP INDEX objects_search_updated;`;
const POSTGRES_DROP = `
  DROP INDEX objects_search_text; DROP INDEX objects_search_created; DROP INDEX objects_search_updated;
  ALTER TABLE objects DROP COLUMN search_text;`;

/**
 * BENCH_WRITES_DROP=updated drops only the modification-time index from the second database,
 * to see what that index alone costs.
 */
const ONLY_UPDATED = process.env.BENCH_WRITES_DROP === 'updated';
const UPDATED_DROP = 'DROP INDEX objects_search_updated;';

interface Database_ {
  readonly url: string;
  /** Drops the search structures of the migrated database. */
  strip(): Promise<void>;
  drop(): Promise<void>;
}

function sqliteDatabase(directory: string, name: string): Database_ {
  const url = join(directory, `${name}.db`);
  return {
    url,
    async strip() {
      const db = new Database(url);
      db.exec(ONLY_UPDATED ? UPDATED_DROP : SQLITE_DROP);
      db.close();
    },
    async drop() {},
  };
}

function postgresDatabase(name: string): Database_ {
  const url = new URL(postgresUrl);
  url.searchParams.set('schema', name);
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${name}` });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    url: url.toString(),
    strip: () => run(ONLY_UPDATED ? UPDATED_DROP : POSTGRES_DROP),
    drop: () => run(`DROP SCHEMA IF EXISTS ${name} CASCADE`),
  };
}

interface Side {
  readonly label: string;
  readonly server: ServerProcess;
  readonly fixture: Fixture;
  readonly pairs: PairCounter;
  readonly counter: { n: number };
  readonly rates: Record<string, number[]>;
}

async function side(label: string, database: Database_, stripped: boolean): Promise<Side> {
  await (await createStore(database.url)).close();
  if (stripped) await database.strip();
  const server = await startSpoke(['--port', '0', '--database-url', database.url]);
  const fixture = await prepare(server.url);
  return {
    label,
    server,
    fixture,
    pairs: new PairCounter(fixture),
    counter: { n: 0 },
    rates: Object.fromEntries(MEASURED.map((m) => [m, []])),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function compare(backend: string, withIndexes: Database_, without: Database_): Promise<void> {
  console.log(`\n== ${backend}: ${ROUNDS} rounds, ${DURATION} s each, ${CONNECTIONS} connections`);
  const sides = [await side('with search', withIndexes, false), await side('without', without, true)];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which side goes first, so neither always follows the other's load.
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const name of MEASURED) {
        const scenario = SCENARIOS.find((s) => s.name === name)!;
        for (const s of order) {
          const r = await measure([s.server.url], scenario.request(s.fixture, s.pairs, s.counter), {
            duration: DURATION,
            connections: CONNECTIONS,
          });
          if (r.errors + r.non2xx > 0) throw new Error(`${s.label} ${name}: ${r.errors + r.non2xx} failed`);
          s.rates[name]!.push(r.requestsPerSecond);
        }
      }
    }
    console.log(
      '| Store | Write | With search (req/s, median) | Without (req/s, median) | Ratio (median of rounds) | Rounds |',
    );
    console.log('|---|---|---:|---:|---:|---|');
    for (const name of MEASURED) {
      const [w, wo] = [sides[0]!.rates[name]!, sides[1]!.rates[name]!];
      const ratios = w.map((v, i) => v / wo[i]!);
      console.log(
        `| ${backend} | ${name} | ${median(w).toFixed(0)} | ${median(wo).toFixed(0)} | ${median(ratios).toFixed(2)} | ` +
          `${ratios.map((r) => r.toFixed(2)).join(', ')} |`,
      );
    }
  } finally {
    for (const s of sides) await s.server.stop();
  }
}

const WRITES_PER_ROUND = 1000;

/** The two writes in process: creates/s and PUT-defaults/s per round, 10 at a time. */
async function compareInProcess(backend: string, withIndexes: Database_, without: Database_): Promise<void> {
  console.log(`\n== ${backend}, in process: ${ROUNDS} rounds of ${WRITES_PER_ROUND} writes, 10 at a time`);
  const contacts = findStandardObjectType('contacts')!;
  const companies = findStandardObjectType('companies')!;
  const sides = [];
  for (const [database, stripped] of [
    [withIndexes, false],
    [without, true],
  ] as const) {
    await (await createStore(database.url)).close();
    if (stripped) await database.strip();
    const store = await createStore(database.url);
    const domain = createDomain({ store });
    const ids = async (type: typeof contacts, n: number, name: string) => {
      const outcome = await domain.objects.batchCreate(
        DEFAULT_PORTAL_ID,
        type,
        Array.from({ length: n }, (_, i) => ({ properties: { [name]: `N${i}` } })),
      );
      return outcome.results.map((r) => r.row.id);
    };
    const from = await ids(contacts, 100, 'firstname');
    const to = await ids(companies, 100, 'name');
    sides.push({
      store,
      domain,
      from,
      to,
      pair: 0,
      made: 0,
      rates: { create: [] as number[], put: [] as number[] },
    });
  }
  const timed = async (work: (i: number) => Promise<unknown>) => {
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < WRITES_PER_ROUND) await work(next++);
      }),
    );
    return WRITES_PER_ROUND / ((performance.now() - started) / 1000);
  };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const s of order)
        s.rates.create.push(
          await timed(() =>
            s.domain.objects.create(DEFAULT_PORTAL_ID, contacts, {
              properties: {
                email: `w${s.made++}@writes.example`,
                firstname: 'Bench',
                phone: '+1 617 555 0100',
              },
            }),
          ),
        );
      for (const s of order)
        s.rates.put.push(
          await timed(() => {
            const n = s.pair++;
            return s.domain.associations.createDefault(
              DEFAULT_PORTAL_ID,
              contacts,
              s.from[n % s.from.length]!,
              companies,
              s.to[Math.floor(n / s.from.length) % s.to.length]!,
            );
          }),
        );
    }
    console.log(
      '| Store | Write | With search (/s, median) | Without (/s, median) | Ratio (median of rounds) | Rounds |',
    );
    console.log('|---|---|---:|---:|---:|---|');
    for (const [key, name] of [
      ['create', 'object create'],
      ['put', 'PUT default'],
    ] as const) {
      const [w, wo] = [sides[0]!.rates[key], sides[1]!.rates[key]];
      const ratios = w.map((v, i) => v / wo[i]!);
      console.log(
        `| ${backend} | ${name} (in process) | ${median(w).toFixed(0)} | ${median(wo).toFixed(0)} | ` +
          `${median(ratios).toFixed(2)} | ${ratios.map((r) => r.toFixed(2)).join(', ')} |`,
      );
    }
  } finally {
    for (const s of sides) await s.store.close();
  }
}

async function main(): Promise<void> {
  const run = process.env.BENCH_WRITES_MODE === 'process' ? compareInProcess : compare;
  const only = process.env.BENCH_BACKENDS?.toLowerCase().split(',');
  const wanted = (name: string) => !only || only.some((o) => name.toLowerCase().startsWith(o.trim()));
  if (wanted('sqlite')) {
    const directory = mkdtempSync(join(tmpdir(), 'spoke-search-writes-'));
    try {
      await run('SQLite', sqliteDatabase(directory, 'with'), sqliteDatabase(directory, 'without'));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }
  if (postgresUrl && wanted('postgres')) {
    const databases = [`spoke_writes_with_${process.pid}`, `spoke_writes_without_${process.pid}`].map(
      postgresDatabase,
    );
    try {
      await run('PostgreSQL', databases[0]!, databases[1]!);
    } finally {
      for (const d of databases) await d.drop();
    }
  }
}

await main();
