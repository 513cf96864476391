/**
 * The benchmark's smoke run: every scenario on the backends of this pass's store (SQLite
 * in one process and with --workers 2, or PostgreSQL with one and two instances), a few
 * hundred requests each, through the bundled CLI that `npm start`
 * runs. It checks only that each scenario runs without a failed request; timings are never
 * asserted (docs/benchmarks.md has them). The search part runs in search-smoke.test.ts, a file
 * of its own so that each stays well inside the runner's time per file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SCENARIOS } from '../../bench/scenarios.js';
import { onPostgres, testDatabaseUrl } from '../helpers/store.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface SmokeReport {
  scenarios: Array<{
    backend: string;
    scenario: string;
    spoke: { requests: number; errors: number; non2xx: number };
  }>;
}

describe('npm run bench (smoke)', () => {
  let out: string;

  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'spoke-bench-smoke-'));
    await run('npm', ['run', 'bundle', '--silent'], { cwd: ROOT });
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('runs every scenario against every backend without a failed request', { timeout: 600_000 }, async () => {
    // Each pass of the suite smoke-tests its own store's backends.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BENCH_SMOKE: '1',
      BENCH_OUT: out,
      BENCH_BACKENDS: onPostgres() ? 'postgres' : 'sqlite',
      BENCH_PARTS: 'scenarios,scale,harness',
    };
    if (onPostgres()) env.DATABASE_URL = testDatabaseUrl();
    else delete env.DATABASE_URL;
    await run(process.execPath, ['--import', 'tsx', 'bench/run.ts'], { cwd: ROOT, env, maxBuffer: 16 << 20 });
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SmokeReport;
    const backends = onPostgres()
      ? ['PostgreSQL, 1 instance', 'PostgreSQL, 2 instances']
      : ['SQLite', 'SQLite, --workers 2'];
    assert.deepEqual(
      report.scenarios.map((r) => `${r.backend} / ${r.scenario}`),
      backends.flatMap((b) => SCENARIOS.map((s) => `${b} / ${s.name}`)),
    );
    for (const result of report.scenarios) {
      assert.ok(result.spoke.requests > 0, `${result.backend} / ${result.scenario}: no requests`);
      assert.equal(result.spoke.errors + result.spoke.non2xx, 0, `${result.backend} / ${result.scenario}`);
    }
  });
});
