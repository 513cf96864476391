/**
 * Rate limits from the command line: `--rate-limits` and SPOKE_RATE_LIMITS, and
 * `spoke --workers 2` sharing one count through the SQLite file (or two processes on one
 * PostgreSQL schema). The clock is frozen at the same instant in every process, so the
 * window cannot roll while the test runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { client } from './helpers/http.js';
import { runCli, startSpokeProcess } from './helpers/process.js';
import { freshDatabaseUrl, onPostgres } from './helpers/store.js';

const dir = mkdtempSync(join(tmpdir(), 'spoke-rate-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('spoke --rate-limits', () => {
  it('refuses an unknown tier at start', async () => {
    const { code, stderr } = await runCli(['serve', '--port', '0', '--rate-limits', 'gold']);
    assert.equal(code, 1);
    assert.match(stderr, /--rate-limits: Unknown rate-limit tier "gold"/);
  });

  it('several processes on one database count every request once', async () => {
    const fresh = freshDatabaseUrl();
    const databaseUrl = onPostgres() ? fresh.url : join(dir, 'shared.db');
    const env = {
      SPOKE_RATE_LIMITS: '{"*": {"tier": "free", "tenSecondly": 6}}',
      SPOKE_CLOCK: '2026-01-01T00:00:00Z',
    };
    const processes = onPostgres()
      ? [
          await startSpokeProcess(['--port', '0', '--database-url', databaseUrl], env),
          await startSpokeProcess(['--port', '0', '--database-url', databaseUrl], env),
        ]
      : [await startSpokeProcess(['--port', '0', '--database-url', databaseUrl, '--workers', '2'], env)];
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) {
        const spoke = processes[i % processes.length]!;
        // A new connection each time, so a cluster's workers take turns.
        const result = await client(spoke.url).request('GET', '/crm/v3/objects/contacts', {
          headers: { connection: 'close' },
        });
        statuses.push(result.status);
        if (result.status === 200) assert.equal(result.headers.get('x-hubspot-ratelimit-max'), '6');
      }
      assert.deepEqual(statuses, [...Array(6).fill(200), ...Array(10).fill(429)]);
    } finally {
      for (const spoke of processes) await spoke.stop();
      await fresh.drop();
    }
  });
});
