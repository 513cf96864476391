/**
 * Search at scale: a portal with 1,000,000 contacts (loaded through the domain, the same rules
 * as the API without HTTP), then the searches the issue sets targets for, each from one client
 * so the latency is the query's, not a queue's:
 *   - EQ on email (find-before-create), a random contact each time;
 *   - a one-day `createdate` range, sorted by `createdate` descending, limit 100;
 *   - `query` for one token (a first name shared by about 1 in 1,000 contacts);
 *   - incremental sync: `lastmodifieddate GT <t>` sorted by it ascending, limit 100, with `t`
 *     in the last 1 % of the portal's history (at most 10,000 matches of 1,000,000).
 * Creation times advance 30 s per contact (in steps of a batch of 100), so a day holds about
 * 2,880 contacts.
 */
import { ControllableClock } from '../src/domain/clock.js';
import { findStandardObjectType } from '../src/domain/object-types.js';
import { DEFAULT_PORTAL_ID } from '../src/domain/portals.js';
import { createDomain } from '../src/domain/services.js';
import pg from 'pg';
import { createStore, isPostgresUrl } from '../src/store/create-store.js';
import { startSpoke } from './processes.js';
import { measure, type Measurement } from './scenarios.js';

export const SEARCH_START = Date.UTC(2020, 0, 1);
const STEP_MS = 30_000;
const DAY_MS = 86_400_000;
const NAMES = 1000;

export interface SearchScenarioResult extends Measurement {
  readonly name: string;
  readonly goalP99Ms: number;
}

export interface SearchResult {
  readonly backend: string;
  readonly contacts: number;
  readonly loadSeconds: number;
  readonly scenarios: SearchScenarioResult[];
}

/** Five letters from a number: no name is a prefix of another. */
export function nameOf(n: number): string {
  let text = '';
  for (let i = 0, v = n % NAMES; i < 5; i++, v = Math.floor(v / 26))
    text += String.fromCharCode(97 + (v % 26));
  return text;
}

/** Loads `count` contacts into the store at `databaseUrl`, creation times 30 s apart. */
export async function loadContacts(databaseUrl: string, count: number): Promise<number> {
  const started = performance.now();
  const store = await createStore(databaseUrl);
  try {
    const clock = new ControllableClock();
    clock.set(SEARCH_START, { frozen: true });
    const domain = createDomain({ store, clock });
    const contacts = findStandardObjectType('contacts')!;
    for (let start = 0; start < count; start += 100) {
      const inputs = [];
      for (let i = start; i < Math.min(start + 100, count); i++)
        inputs.push({
          properties: { email: `p${i}@search.example`, firstname: nameOf(i), lastname: `L${i}` },
        });
      const outcome = await domain.objects.batchCreate(DEFAULT_PORTAL_ID, contacts, inputs);
      if (outcome.errors.length > 0) throw outcome.errors[0];
      clock.set(SEARCH_START + (start + 100) * STEP_MS, { frozen: true });
    }
  } finally {
    await store.close();
  }
  return (performance.now() - started) / 1000;
}

/**
 * PostgreSQL: the same rows written in bulk with SQL (records, their unique emails), since a
 * million creates through the domain take hours on a loaded two-core machine. One contact is
 * made through the domain first, so the portal and its catalog exist as usual.
 */
export async function loadContactsBulk(databaseUrl: string, count: number): Promise<number> {
  const started = performance.now();
  const store = await createStore(databaseUrl);
  const domain = createDomain({ store });
  await domain.objects.create(DEFAULT_PORTAL_ID, findStandardObjectType('contacts')!, {
    properties: { email: 'first@search.example' },
  });
  await store.close();
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const letter = (k: number) => `chr(97 + ((g % ${NAMES}) / ${26 ** k}) % 26)`;
    const name = [0, 1, 2, 3, 4].map(letter).join(' || ');
    const at = `(${SEARCH_START}::bigint + (g::bigint / 100) * 100 * ${STEP_MS})`;
    const iso = `to_char(to_timestamp(${at} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    await client.query(`INSERT INTO objects (portal_id, id, object_type, properties, created_at, updated_at, archived_at)
      SELECT ${DEFAULT_PORTAL_ID}, 30000000000 + g, '0-1',
        json_build_object('email', 'p' || g || '@search.example', 'firstname', ${name}, 'lastname', 'L' || g,
          'hs_object_id', (30000000000 + g)::text, 'createdate', ${iso}, 'lastmodifieddate', ${iso},
          'hs_lastmodifieddate', ${iso})::text,
        ${at}, ${at}, NULL
      FROM generate_series(0, ${count - 1}) g`);
    await client.query(`INSERT INTO unique_values (portal_id, object_type, property, value, object_id)
      SELECT ${DEFAULT_PORTAL_ID}, '0-1', 'email', 'p' || g || '@search.example', 30000000000 + g
      FROM generate_series(0, ${count - 1}) g`);
    await client.query('ANALYZE objects; ANALYZE unique_values');
  } finally {
    await client.end();
  }
  return (performance.now() - started) / 1000;
}

const random = (n: number) => Math.floor(Math.random() * n);

function scenarios(count: number) {
  const days = Math.max(1, Math.floor((count * STEP_MS) / DAY_MS));
  const search = (body: () => unknown) => ({
    method: 'POST' as const,
    path: '/crm/v3/objects/contacts/search',
    setupRequest: (req: object) => ({ ...req, body: JSON.stringify(body()) }),
  });
  return [
    {
      name: 'EQ on email',
      goalP99Ms: 10,
      request: search(() => ({
        filterGroups: [
          { filters: [{ propertyName: 'email', operator: 'EQ', value: `p${random(count)}@search.example` }] },
        ],
      })),
    },
    {
      name: 'createdate range (a day), sorted, limit 100',
      goalP99Ms: 50,
      request: search(() => {
        const from = SEARCH_START + random(days) * DAY_MS;
        return {
          filterGroups: [
            {
              filters: [
                {
                  propertyName: 'createdate',
                  operator: 'BETWEEN',
                  value: String(from),
                  highValue: String(from + DAY_MS - 1),
                },
              ],
            },
          ],
          sorts: [{ propertyName: 'createdate', direction: 'DESCENDING' }],
          limit: 100,
        };
      }),
    },
    {
      name: 'query, one token',
      goalP99Ms: 200,
      request: search(() => ({ query: nameOf(random(NAMES)) })),
    },
    {
      name: 'lastmodifieddate GT (sync), sorted, limit 100',
      goalP99Ms: 50,
      request: search(() => {
        const span = Math.ceil(count / 100);
        const since = SEARCH_START + (count - 1 - random(span)) * STEP_MS;
        return {
          filterGroups: [
            { filters: [{ propertyName: 'lastmodifieddate', operator: 'GT', value: String(since) }] },
          ],
          sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
          limit: 100,
        };
      }),
    },
  ];
}

/** Loads the portal, starts Spoke on it and measures each search from one connection. */
export async function runSearchBench(options: {
  backend: string;
  databaseUrl: string;
  contacts: number;
  duration: number;
  smoke: boolean;
  log: (message: string) => void;
}): Promise<SearchResult> {
  const { log } = options;
  log(`\n== Search: ${options.contacts.toLocaleString('en-US')} contacts on ${options.backend}`);
  const loadSeconds = isPostgresUrl(options.databaseUrl)
    ? await loadContactsBulk(options.databaseUrl, options.contacts)
    : await loadContacts(options.databaseUrl, options.contacts);
  log(`  loaded in ${loadSeconds.toFixed(1)} s`);
  const server = await startSpoke(['--port', '0', '--database-url', options.databaseUrl]);
  try {
    const results: SearchScenarioResult[] = [];
    for (const scenario of scenarios(options.contacts)) {
      const load = options.smoke
        ? { duration: 1, connections: 1, amount: 20 }
        : { duration: options.duration, connections: 1 };
      // A short warm-up, so the first reads of the file are not in the numbers.
      await measure([server.url], scenario.request, { duration: 1, connections: 1, amount: 20 });
      const measured = await measure([server.url], scenario.request, load);
      results.push({ name: scenario.name, goalP99Ms: scenario.goalP99Ms, ...measured });
      log(
        `  ${scenario.name.padEnd(44)} p50 ${String(measured.p50).padStart(4)} ms  p99 ${String(measured.p99).padStart(4)} ms  ` +
          `${measured.requestsPerSecond.toFixed(0)} req/s` +
          (measured.errors + measured.non2xx > 0 ? `  FAILED ${measured.errors + measured.non2xx}` : ''),
      );
    }
    return { backend: options.backend, contacts: options.contacts, loadSeconds, scenarios: results };
  } finally {
    await server.stop();
  }
}

export function searchMarkdown(results: readonly SearchResult[]): string {
  if (results.length === 0) return '';
  const rows = results.flatMap((r) =>
    r.scenarios.map(
      (s) =>
        `| ${r.backend} | ${r.contacts.toLocaleString('en-US')} | ${s.name} | ${s.p50} ms | ${s.p99} ms | ` +
        `< ${s.goalP99Ms} ms | ${r.backend === 'SQLite' ? (s.p99 < s.goalP99Ms ? 'yes' : '**no**') : '—'} |`,
    ),
  );
  return [
    '',
    '### Search at scale',
    '',
    'One connection per search (latency, not throughput); targets are for SQLite. ' +
      results.map((r) => `${r.backend}: loaded in ${r.loadSeconds.toFixed(0)} s.`).join(' '),
    '',
    '| Store | Contacts | Search | p50 | p99 | Goal (p99) | Met |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
