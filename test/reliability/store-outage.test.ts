/**
 * The database goes away mid-request: on PostgreSQL an administrator ends Spoke's sessions
 * (pg_terminate_backend, as a restart does), on SQLite another process holds the write lock
 * for longer than a write waits. The request in flight gets a 503 with HubSpot's envelope,
 * the process lives, and the next request succeeds.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { createStore } from '../../src/store/create-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { client, type Client } from '../helpers/http.js';
import { createRecord } from '../helpers/records.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { freshDatabaseUrl, onPostgres, testDatabaseUrl } from '../helpers/store.js';

function assertUnavailable(response: { status: number; body: any }) {
  assert.equal(response.status, 503, JSON.stringify(response.body));
  assert.equal(response.body.status, 'error');
  assert.equal(response.body.category, 'SERVICE_UNAVAILABLE');
  assert.match(response.body.correlationId, /^[0-9a-f-]{36}$/);
}

if (onPostgres()) {
  describe('PostgreSQL sessions terminated under Spoke', () => {
    const application = `spoke_outage_${randomBytes(4).toString('hex')}`;
    let server: TestServer;
    let api: Client;
    let admin: pg.Client;
    let schema: string;
    let drop: () => Promise<void>;

    before(async () => {
      const fresh = freshDatabaseUrl();
      const url = new URL(fresh.url);
      url.searchParams.set('application_name', application);
      schema = url.searchParams.get('schema')!;
      drop = fresh.drop;
      const store: Store = await createStore(url.toString());
      server = await startTestServer({ store });
      api = client(server.url);
      admin = new pg.Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
    });
    after(async () => {
      await admin.end();
      await server.close();
      await drop();
    });

    const terminateAll = () =>
      admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
        [application],
      );

    it('a transaction whose session is terminated answers 503, and the pool recovers', async () => {
      const contact = await createRecord(api, 'contacts', { email: 'outage@example.com' });
      const company = await createRecord(api, 'companies', { name: 'Outage' });
      // Hold the company's row, so Spoke's write waits inside its transaction.
      const blocker = new pg.Client({ connectionString: testDatabaseUrl() });
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query(`SELECT id FROM ${schema}.objects WHERE id = $1 FOR UPDATE`, [company]);
      const pending = api.put(
        `/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`,
      );
      let waiting: number | undefined;
      for (let i = 0; i < 200 && waiting === undefined; i++) {
        const { rows } = await admin.query(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [application],
        );
        waiting = rows[0]?.pid;
        if (waiting === undefined) await new Promise((r) => setTimeout(r, 25));
      }
      assert.ok(waiting, 'the PUT waits on the row lock');
      await admin.query('SELECT pg_terminate_backend($1)', [waiting]);
      assertUnavailable(await pending);
      await blocker.query('ROLLBACK');
      await blocker.end();

      // The process lives and the pool hands out fresh connections.
      const again = await api.put(
        `/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`,
      );
      assert.equal(again.status, 200, again.text);
    });

    it('every session ended at once (a restart): requests answer 503 or succeed, never 500, then all succeed', async () => {
      const company = await createRecord(api, 'companies', { name: 'Restart' });
      const statuses: number[] = [];
      const load = Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const r = await api.post('/crm/v3/objects/contacts', {
            properties: { email: `r${i}@example.com` },
          });
          statuses.push(r.status);
          if (r.status === 503) assertUnavailable(r);
          else assert.equal(r.status, 201, r.text);
        }),
      );
      for (let i = 0; i < 5; i++) {
        await terminateAll();
        await new Promise((r) => setTimeout(r, 10));
      }
      await load;
      assert.deepEqual(
        statuses.filter((s) => s !== 201 && s !== 503),
        [],
      );
      // Afterwards every request succeeds: reads (on the pool) and writes (in transactions).
      for (let i = 0; i < 12; i++) {
        assert.equal((await api.get(`/crm/v3/objects/companies/${company}`)).status, 200);
        assert.equal(
          (await api.patch(`/crm/v3/objects/companies/${company}`, { properties: { name: `R${i}` } })).status,
          200,
        );
      }
    });
  });
} else {
  describe('SQLite: another process holds the write lock', () => {
    let directory: string;
    let file: string;
    let server: TestServer;
    let api: Client;

    before(async () => {
      directory = mkdtempSync(join(tmpdir(), 'spoke-outage-'));
      file = join(directory, 'spoke.db');
      server = await startTestServer({ store: openSqliteStore(file, { writeWaitMs: 1500 }) });
      api = client(server.url);
    });
    after(async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    });

    function holdWriteLock(ms: number): Promise<void> {
      const other = new BetterSqlite3(file);
      other.exec('BEGIN IMMEDIATE');
      return new Promise((resolve) =>
        setTimeout(() => {
          other.exec('COMMIT');
          other.close();
          resolve();
        }, ms),
      );
    }

    it('a write waits for a shorter transaction of another process instead of failing, and reads go on', async () => {
      const company = await createRecord(api, 'companies', { name: 'Wait' });
      const released = holdWriteLock(600);
      const write = api.patch(`/crm/v3/objects/companies/${company}`, { properties: { name: 'Waited' } });
      // Reads are not held up by the waiting write.
      assert.equal((await api.get(`/crm/v3/objects/companies/${company}`)).status, 200);
      const r = await write;
      await released;
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.properties.name, 'Waited');
    });

    it('a write that waits longer than its limit answers 503 with the envelope, and the next succeeds', async () => {
      const company = await createRecord(api, 'companies', { name: 'Busy' });
      const released = holdWriteLock(3000);
      assertUnavailable(
        await api.patch(`/crm/v3/objects/companies/${company}`, { properties: { name: 'X' } }),
      );
      await released;
      const r = await api.patch(`/crm/v3/objects/companies/${company}`, { properties: { name: 'Y' } });
      assert.equal(r.status, 200, r.text);
    });
  });
}
