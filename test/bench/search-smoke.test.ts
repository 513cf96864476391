/**
 * The benchmark's search part, smoke-run: `npm run bench`'s search scenarios on a portal of
 * 2,000 contacts of this pass's store. It checks only that every search runs and answers 200;
 * timings are never asserted (docs/benchmarks.md has them).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { onPostgres, testDatabaseUrl } from '../helpers/store.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface SearchReport {
  search?: Array<{
    backend: string;
    contacts: number;
    scenarios: Array<{ name: string; requests: number; errors: number; non2xx: number }>;
  }>;
}

describe('npm run bench, search part (smoke)', () => {
  let out: string;

  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'spoke-bench-search-smoke-'));
    await run('npm', ['run', 'bundle', '--silent'], { cwd: ROOT });
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('runs every search scenario without a failed request', { timeout: 600_000 }, async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BENCH_SMOKE: '1',
      BENCH_OUT: out,
      BENCH_BACKENDS: onPostgres() ? 'postgres' : 'sqlite',
      BENCH_PARTS: 'search',
    };
    if (onPostgres()) env.DATABASE_URL = testDatabaseUrl();
    else delete env.DATABASE_URL;
    await run(process.execPath, ['--import', 'tsx', 'bench/run.ts'], { cwd: ROOT, env, maxBuffer: 16 << 20 });
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SearchReport;
    assert.deepEqual(
      report.search?.map((r) => `${r.backend} ${r.contacts}`),
      [onPostgres() ? 'PostgreSQL 2000' : 'SQLite 2000'],
    );
    assert.ok(report.search![0]!.scenarios.length >= 3, 'every search scenario ran');
    for (const search of report.search![0]!.scenarios) {
      assert.ok(search.requests > 0, `search: ${search.name}: no requests`);
      assert.equal(search.errors + search.non2xx, 0, `search: ${search.name}`);
    }
  });
});
