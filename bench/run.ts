/**
 * `npm run bench`: Spoke against a raw node:http baseline, scenario by scenario, in one run.
 *
 *   npm run bench                                   SQLite (one process, then --workers 2)
 *   DATABASE_URL=postgres://… npm run bench         …and PostgreSQL (one instance, then two)
 *
 * Environment: BENCH_DURATION (s per scenario, default 8), BENCH_CONNECTIONS (default 10),
 * BENCH_SCALE=0 skips the 1,000,000-association load, BENCH_SMOKE=1 sends a few hundred
 * requests per scenario and skips the rest (the test suite's smoke run), BENCH_OUT (a
 * directory for results; default docs/ and bench/results/), BENCH_BACKENDS (`sqlite`,
 * `postgres` or both, comma-separated; default every backend available), BENCH_PARTS
 * (`scenarios`, `scale`, `harness`, `search`, comma-separated; default all four),
 * BENCH_SEARCH_CONTACTS (contacts in the search portal, default 1,000,000; 2,000 in a smoke
 * run). A run that leaves a part out does not rewrite docs/ unless BENCH_OUT says where to write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { residentMb, startBaseline, startSpoke, type ServerProcess } from './processes.js';
import {
  type BenchReport,
  type HarnessResult,
  type ScaleResult,
  type ScenarioResult,
  type Target,
  markdown,
  scaleSvg,
  scenarioTable,
  throughputSvg,
  updateDocs,
  writeFile,
} from './report.js';
import {
  PairCounter,
  SCENARIOS,
  TOKEN,
  associateDefault,
  createRecords,
  measure,
  prepare,
} from './scenarios.js';
import { runSearchBench, searchMarkdown, type SearchResult } from './search.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const smoke = process.env.BENCH_SMOKE === '1';
const duration = Number(process.env.BENCH_DURATION ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const postgresUrl = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')
  ? process.env.DATABASE_URL!
  : undefined;
const parts = new Set(
  (process.env.BENCH_PARTS ?? 'scenarios,scale,harness,search').split(',').map((p) => p.trim()),
);
const complete = ['scenarios', 'scale', 'harness', 'search'].every((p) => parts.has(p));
const searchContacts = Number(process.env.BENCH_SEARCH_CONTACTS ?? (smoke ? 2000 : 1_000_000));
const scaleEnabled = !smoke && parts.has('scale') && process.env.BENCH_SCALE !== '0';
const out = process.env.BENCH_OUT;
const work = mkdtempSync(join(tmpdir(), 'spoke-bench-'));
const load = smoke ? { duration, connections: 4, amount: 100 } : { duration, connections };

const log = (message: string) => process.stderr.write(`${message}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Backend {
  name: string;
  start(): Promise<ServerProcess[]>;
  cleanup?(): Promise<void>;
}

/** A fresh PostgreSQL schema per backend, dropped afterwards. */
function postgresSchema(name: string): { url: string; drop(): Promise<void> } {
  const url = new URL(postgresUrl!);
  url.searchParams.set('schema', name);
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await client.end();
    },
  };
}

function backends(): Backend[] {
  const list: Backend[] = [
    {
      name: 'SQLite',
      start: async () => [await startSpoke(['--port', '0', '--database-url', join(work, 'one.db')])],
    },
    {
      name: 'SQLite, --workers 2',
      start: async () => [
        await startSpoke(['--port', '0', '--database-url', join(work, 'workers.db'), '--workers', '2']),
      ],
    },
  ];
  if (postgresUrl) {
    const single = postgresSchema(`spoke_bench_one_${process.pid}`);
    const double = postgresSchema(`spoke_bench_two_${process.pid}`);
    list.push(
      {
        name: 'PostgreSQL, 1 instance',
        start: async () => [await startSpoke(['--port', '0', '--database-url', single.url])],
        cleanup: single.drop,
      },
      {
        name: 'PostgreSQL, 2 instances',
        start: async () => {
          const first = await startSpoke(['--port', '0', '--database-url', double.url]);
          return [first, await startSpoke(['--port', '0', '--database-url', double.url])];
        },
        cleanup: double.drop,
      },
    );
  }
  const only = process.env.BENCH_BACKENDS?.toLowerCase().split(',');
  return only ? list.filter((b) => only.some((o) => b.name.toLowerCase().startsWith(o.trim()))) : list;
}

async function runScenarios(baseline: ServerProcess): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const backend of backends()) {
    log(`\n== ${backend.name}`);
    const servers = await backend.start();
    try {
      const urls = servers.map((s) => s.url);
      const fixture = await prepare(urls[0]!);
      const pairs = new PairCounter(fixture);
      const baselinePairs = new PairCounter(fixture);
      const counter = { n: 0 };
      for (const scenario of SCENARIOS) {
        // A smoke run sends a few batches, not a hundred: it checks that each scenario works.
        const options = smoke && scenario.perRequest ? { ...load, amount: 8 } : load;
        const base = await measure(
          [baseline.url],
          scenario.request(fixture, baselinePairs, { n: 0 }),
          options,
        );
        const spoke = await measure(urls, scenario.request(fixture, pairs, counter), options);
        const result: ScenarioResult = {
          backend: backend.name,
          scenario: scenario.name,
          unit: scenario.unit ?? 'requests/s',
          perRequest: scenario.perRequest ?? 1,
          spoke,
          baseline: base,
          ratio: base.requestsPerSecond > 0 ? spoke.requestsPerSecond / base.requestsPerSecond : 0,
        };
        results.push(result);
        log(
          `  ${scenario.name.padEnd(28)} ${spoke.requestsPerSecond.toFixed(0).padStart(7)} req/s  ` +
            `p99 ${String(spoke.p99).padStart(4)} ms  ratio ${result.ratio.toFixed(2)}` +
            (spoke.errors + spoke.non2xx > 0 ? `  FAILED ${spoke.errors + spoke.non2xx}` : ''),
        );
      }
    } finally {
      for (const server of servers) await server.stop();
      await backend.cleanup?.();
    }
  }
  return results;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status}`);
  return performance.now() - started;
}

/** Loads contact × company pairs through batch/create, two requests in flight. */
async function bulkLoad(
  base: string,
  contacts: string[],
  companies: string[],
  from: number,
  to: number,
): Promise<void> {
  const body = (start: number) => {
    const inputs = [];
    for (let n = start; n < Math.min(start + 2000, to); n++) {
      inputs.push(
        `{"from":{"id":"${contacts[Math.floor(n / companies.length)]}"},"to":{"id":"${companies[n % companies.length]}"},` +
          '"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":279}]}',
      );
    }
    return `{"inputs":[${inputs.join(',')}]}`;
  };
  const starts = [];
  for (let n = from; n < to; n += 2000) starts.push(n);
  const inFlight = new Set<Promise<void>>();
  for (const start of starts) {
    const request = fetch(`${base}/crm/v4/associations/contacts/companies/batch/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body(start),
    }).then(async (response) => {
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`batch/create → ${response.status}`);
    });
    const tracked = request.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= 2) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

async function runScale(): Promise<ScaleResult> {
  log('\n== Scale: 1,000,000 associations on SQLite');
  const [server] = [await startSpoke(['--port', '0', '--database-url', join(work, 'scale.db')])];
  try {
    const base = server.url;
    const contacts = await createRecords(base, 'contacts', 1000, (i) => ({ email: `s${i}@bench.example` }));
    const companies = await createRecords(base, 'companies', 1000, (i) => ({ name: `S${i}` }));
    const list = {
      method: 'GET' as const,
      path: `/crm/v4/objects/contacts/${contacts[0]}/associations/companies?limit=100`,
    };
    const read = {
      method: 'POST' as const,
      path: '/crm/v4/associations/contacts/companies/batch/read',
      body: JSON.stringify({ inputs: contacts.slice(0, 10).map((id) => ({ id })) }),
    };
    const probe = async () => {
      const l = await measure([base], list, { duration: Math.min(duration, 5), connections });
      const r = await measure([base], read, { duration: Math.min(duration, 5), connections });
      return { listP99: l.p99, listP50: l.p50, batchReadP99: r.p99 };
    };
    let started = performance.now();
    await bulkLoad(base, contacts, companies, 0, 10_000);
    let loadMs = performance.now() - started;
    const at10k = await probe();
    log(`  at 10,000: list p99 ${at10k.listP99} ms, batch read p99 ${at10k.batchReadP99} ms`);
    started = performance.now();
    await bulkLoad(base, contacts, companies, 10_000, 1_000_000);
    loadMs += performance.now() - started;
    log(`  loaded 1,000,000 in ${(loadMs / 1000).toFixed(1)} s`);
    const at1m = await probe();
    const rssMb = residentMb(server.child.pid!);
    log(
      `  at 1,000,000: list p99 ${at1m.listP99} ms, batch read p99 ${at1m.batchReadP99} ms, RSS ${rssMb.toFixed(0)} MB`,
    );
    return {
      loadSeconds: loadMs / 1000,
      associations: 1_000_000,
      rowsPerSecond: 1_000_000 / (loadMs / 1000),
      at10k,
      at1m,
      rssMb,
    };
  } finally {
    await server.stop();
  }
}

async function runHarness(): Promise<HarnessResult> {
  log('\n== Test harness on SQLite');
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const server = await startSpoke(['--port', '0', '--database-url', join(work, `cold-${i}.db`)]);
    starts.push(server.startMs);
    await server.stop();
  }
  const server = await startSpoke(['--port', '0', '--database-url', join(work, 'harness.db')]);
  try {
    const base = server.url;
    const contacts = await createRecords(base, 'contacts', 5000, (i) => ({ email: `h${i}@bench.example` }));
    const companies = await createRecords(base, 'companies', 5000, (i) => ({ name: `H${i}` }));
    const pairs: Array<[string, string]> = [];
    for (let n = 0; n < 50_000; n++)
      pairs.push([contacts[n % 5000]!, companies[(n * 7 + Math.floor(n / 5000)) % 5000]!]);
    await associateDefault(base, 'contacts', 'companies', pairs);
    const snapshots: number[] = [];
    const restores: number[] = [];
    const resets: number[] = [];
    for (let i = 0; i < 5; i++) {
      snapshots.push(await call(base, 'POST', '/_spoke/portals/4680000/snapshots', { name: 'bench' }));
      resets.push(await call(base, 'POST', '/_spoke/portals/4680000/reset'));
      restores.push(await call(base, 'POST', '/_spoke/portals/4680000/snapshots/bench/restore'));
    }
    const result = {
      coldStartMs: median(starts),
      resetMs: median(resets),
      restoreMs: median(restores),
      snapshotMs: median(snapshots),
      records: 10_000,
      associations: 50_000,
    };
    log(
      `  cold start ${result.coldStartMs.toFixed(0)} ms, reset ${result.resetMs.toFixed(1)} ms, restore ${result.restoreMs.toFixed(1)} ms`,
    );
    return result;
  } finally {
    await server.stop();
  }
}

function targets(scenarios: ScenarioResult[], scale?: ScaleResult, harness?: HarnessResult): Target[] {
  const sqlite = (name: string) => scenarios.find((r) => r.backend === 'SQLite' && r.scenario === name);
  const list: Target[] = [];
  const ratio = (name: string, label: string) => {
    const r = sqlite(name);
    if (r)
      list.push({
        name: label,
        goal: '≥ 0.5 × baseline req/s',
        measured: `${r.ratio.toFixed(2)} ×`,
        met: r.ratio >= 0.5,
      });
  };
  ratio('PUT default (new pair)', 'PUT default, SQLite');
  ratio('GET list, page of 100', 'GET list (page of 100), SQLite');
  const batch = sqlite('batch create, 2,000 pairs');
  if (batch) {
    const perSecond = batch.spoke.requestsPerSecond * 2000;
    list.push({
      name: 'Batch create, SQLite',
      goal: '≥ 100,000 associations/s',
      measured: `${Math.round(perSecond).toLocaleString('en-US')} /s`,
      met: perSecond >= 100_000,
    });
  }
  if (scale) {
    list.push(
      {
        name: 'Load 1,000,000 associations',
        goal: '< 60 s',
        measured: `${scale.loadSeconds.toFixed(1)} s`,
        met: scale.loadSeconds < 60,
      },
      {
        name: 'List p99 at 1,000,000 vs 10,000',
        goal: '≤ 1.5 ×',
        measured: `${scale.at1m.listP99} ms vs ${scale.at10k.listP99} ms`,
        met: scale.at1m.listP99 <= 1.5 * Math.max(scale.at10k.listP99, 1),
      },
      {
        name: 'Server RSS at 1,000,000',
        goal: '< 300 MB',
        measured: `${scale.rssMb.toFixed(0)} MB`,
        met: scale.rssMb < 300,
      },
    );
  }
  if (harness) {
    list.push(
      {
        name: 'Cold start',
        goal: '< 500 ms',
        measured: `${harness.coldStartMs.toFixed(0)} ms`,
        met: harness.coldStartMs < 500,
      },
      {
        name: 'Reset, 10k records + 50k associations',
        goal: '< 50 ms',
        measured: `${harness.resetMs.toFixed(1)} ms`,
        met: harness.resetMs < 50,
      },
      {
        name: 'Snapshot restore, same portal',
        goal: '< 200 ms',
        measured: `${harness.restoreMs.toFixed(1)} ms`,
        met: harness.restoreMs < 200,
      },
    );
  }
  return list;
}

/** Search at scale on each backend the run covers (search.ts). */
async function runSearch(): Promise<SearchResult[]> {
  const only = process.env.BENCH_BACKENDS?.toLowerCase()
    .split(',')
    .map((o) => o.trim());
  const wanted = (name: string) => !only || only.some((o) => name.toLowerCase().startsWith(o));
  const results: SearchResult[] = [];
  const options = { contacts: searchContacts, duration: Math.min(duration, 5), smoke, log };
  if (wanted('sqlite'))
    results.push(
      await runSearchBench({ ...options, backend: 'SQLite', databaseUrl: join(work, 'search.db') }),
    );
  if (postgresUrl && wanted('postgres')) {
    const schema = postgresSchema(`spoke_bench_search_${process.pid}`);
    try {
      results.push(await runSearchBench({ ...options, backend: 'PostgreSQL', databaseUrl: schema.url }));
    } finally {
      await schema.drop();
    }
  }
  return results;
}

async function main(): Promise<void> {
  const baseline = await startBaseline();
  let scenarios: ScenarioResult[];
  try {
    scenarios = parts.has('scenarios') ? await runScenarios(baseline) : [];
  } finally {
    await baseline.stop();
  }
  const scale = scaleEnabled ? await runScale() : undefined;
  const harness = smoke || !parts.has('harness') ? undefined : await runHarness();
  const search = parts.has('search') ? await runSearch() : [];
  const report: BenchReport = {
    command: postgresUrl ? 'DATABASE_URL=postgres://… npm run bench' : 'npm run bench',
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`,
    durationSeconds: smoke ? 0 : duration,
    connections,
    scenarios,
    ...(scale && { scale }),
    ...(harness && { harness }),
    ...(search.length > 0 && { search }),
    targets: targets(scenarios, scale, harness),
  };
  process.stdout.write(`\n${scenarioTable(scenarios)}\n\n`);
  for (const t of report.targets)
    process.stdout.write(`${t.met ? 'met    ' : 'MISSED '} ${t.name}: ${t.measured} (goal ${t.goal})\n`);

  const failed = [
    ...scenarios.filter((r) => r.spoke.errors + r.spoke.non2xx > 0),
    ...search.flatMap((r) =>
      r.scenarios
        .filter((s) => s.errors + s.non2xx > 0)
        .map((s) => ({ backend: r.backend, scenario: `search: ${s.name}` })),
    ),
  ];
  if (out) {
    writeFile(join(out, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  } else if (!smoke && complete) {
    writeFile(
      join(ROOT, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
      JSON.stringify(report, null, 2),
    );
    writeFile(join(ROOT, 'docs/benchmarks/results.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFile(join(ROOT, 'docs/benchmarks/throughput.svg'), throughputSvg(scenarios));
    if (scale) writeFile(join(ROOT, 'docs/benchmarks/scale.svg'), scaleSvg(scale));
    updateDocs(join(ROOT, 'docs/benchmarks.md'), `${markdown(report)}${searchMarkdown(search)}`);
    log('\nWrote docs/benchmarks.md, docs/benchmarks/*.svg and docs/benchmarks/results.json');
  }
  rmSync(work, { recursive: true, force: true });
  if (failed.length > 0) {
    log(
      `\n${failed.length} scenario(s) had failed requests: ${failed.map((f) => `${f.backend} / ${f.scenario}`).join(', ')}`,
    );
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  log(String(error instanceof Error ? error.stack : error));
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
