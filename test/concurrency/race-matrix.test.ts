/**
 * The race matrix (test/helpers/race-matrix.ts) on one server: one PostgreSQL instance, or
 * `spoke --workers 2` on one SQLite file.
 *
 *   MATRIX_ROUNDS=5 MATRIX_SEED=7 node scripts/run-tests.mjs test/concurrency/race-matrix
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reportFigures, runMatrix } from '../helpers/race-matrix.js';
import { startSpokeProcess, type SpokeProcess } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { onPostgres } from '../helpers/store.js';

if (onPostgres()) {
  describe('race matrix on one PostgreSQL instance', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(() => server.close());

    it('every pair of writes keeps every invariant', async (t) => {
      const started = Date.now();
      reportFigures(t, 'one PostgreSQL instance', await runMatrix([server]), Date.now() - started);
    });
  });
} else {
  describe('race matrix on spoke --workers 2, one SQLite file', () => {
    let directory: string;
    let spoke: SpokeProcess;

    before(async () => {
      directory = mkdtempSync(join(tmpdir(), 'spoke-matrix-'));
      spoke = await startSpokeProcess([
        '--port',
        '0',
        '--database-url',
        join(directory, 'spoke.db'),
        '--workers',
        '2',
      ]);
    });
    after(async () => {
      assert.equal(await spoke.stop(), 0, spoke.output());
      rmSync(directory, { recursive: true, force: true });
    });

    it('every pair of writes keeps every invariant', async (t) => {
      const started = Date.now();
      const figures = await runMatrix([{ url: spoke.url, contract: true }]);
      reportFigures(t, 'spoke --workers 2 on one SQLite file', figures, Date.now() - started);
    });
  });
}
