/**
 * The race matrix (test/helpers/race-matrix.ts) on two instances sharing one database: two
 * servers, each with a store (a pool or a connection, caches) of its own, on one PostgreSQL
 * schema or one SQLite file; the two operations of each pair go to different instances.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createStore } from '../../src/store/create-store.js';
import { reportFigures, runMatrix } from '../helpers/race-matrix.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { freshDatabaseUrl, onPostgres } from '../helpers/store.js';

describe(`race matrix on two instances sharing one ${onPostgres() ? 'PostgreSQL database' : 'SQLite file'}`, () => {
  const servers: TestServer[] = [];
  let cleanup: () => Promise<void>;

  before(async () => {
    let url: string;
    if (onPostgres()) {
      const fresh = freshDatabaseUrl();
      url = fresh.url;
      cleanup = fresh.drop;
    } else {
      const directory = mkdtempSync(join(tmpdir(), 'spoke-matrix-two-'));
      url = join(directory, 'spoke.db');
      cleanup = async () => rmSync(directory, { recursive: true, force: true });
    }
    for (let i = 0; i < 2; i++) servers.push(await startTestServer({ store: await createStore(url) }));
  });
  after(async () => {
    for (const server of servers) await server.close();
    await cleanup();
  });

  it('every pair of writes keeps every invariant', async (t) => {
    const started = Date.now();
    const what = `two instances, one ${onPostgres() ? 'PostgreSQL database' : 'SQLite file'}`;
    reportFigures(t, what, await runMatrix(servers), Date.now() - started);
  });
});
