/**
 * How many times a PostgreSQL write transaction waits for the database (decision D65). Every
 * query of pg's clients is watched: a statement written while the connection has none in
 * flight starts a round trip; one written while others are still unanswered travels with
 * them (pg's pipeline mode). A transaction's round trips are counted from its BEGIN to its
 * COMMIT, so a change that adds a wait to a hot write fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { client, type Client } from '../helpers/http.js';
import { createRecord } from '../helpers/records.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { onPostgres } from '../helpers/store.js';

interface Transaction {
  statements: string[];
  roundTrips: number;
  done: boolean;
}

const inFlight = new WeakMap<object, number>();
const open = new WeakMap<object, Transaction>();
const finished: Transaction[] = [];

function watchQueries(): () => void {
  const original = pg.Client.prototype.query;
  const watched = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { text?: string };
    const text = typeof config === 'string' ? config : (config.text ?? '');
    const busy = inFlight.get(this) ?? 0;
    if (text.startsWith('BEGIN')) open.set(this, { statements: [], roundTrips: 0, done: false });
    const tx = open.get(this);
    if (tx && !tx.done) {
      tx.statements.push(text.replace(/\s+/g, ' ').slice(0, 80));
      if (busy === 0) tx.roundTrips++;
    }
    if (text === 'COMMIT' && tx && !tx.done) {
      tx.done = true;
      finished.push(tx);
    }
    inFlight.set(this, busy + 1);
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    const settle = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
    if (result instanceof Promise) result.then(settle, settle);
    else settle();
    return result;
  };
  pg.Client.prototype.query = watched as typeof original;
  return () => {
    pg.Client.prototype.query = original;
  };
}

/** The transactions `request` ran that issued a statement holding `marker`. */
async function transactionsOf(marker: string, request: () => Promise<{ status: number }>, status: number) {
  finished.length = 0;
  const response = await request();
  assert.equal(response.status, status);
  return finished.filter((tx) => tx.statements.some((s) => s.includes(marker)));
}

if (onPostgres()) {
  describe('PostgreSQL round trips per write', () => {
    let server: TestServer;
    let api: Client;
    let unwatch: () => void;
    let contacts: string[];
    let company: string;

    before(async () => {
      unwatch = watchQueries();
      server = await startTestServer();
      api = client(server.url, server.token);
      contacts = [];
      for (let i = 0; i < 3; i++) contacts.push(await createRecord(api, 'contacts', { firstname: `c${i}` }));
      company = await createRecord(api, 'companies', { name: 'Acme' });
    });

    after(async () => {
      await server.close();
      unwatch();
    });

    const cases: Array<{
      name: string;
      marker: string;
      status: number;
      trips: number;
      request: () => Promise<{ status: number }>;
    }> = [
      {
        name: 'PUT default association',
        marker: 'INSERT INTO associations',
        status: 200,
        trips: 4,
        request: () =>
          api.put(`/crm/v4/objects/contacts/${contacts[0]}/associations/default/companies/${company}`),
      },
      {
        name: 'labeled PUT',
        marker: 'INSERT INTO associations',
        status: 201,
        trips: 7,
        request: () =>
          api.put(`/crm/v4/objects/contacts/${contacts[1]}/associations/companies/${company}`, [
            { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 },
          ]),
      },
      {
        name: 'object create',
        marker: 'INSERT INTO objects',
        status: 201,
        trips: 7,
        request: () => api.post('/crm/v3/objects/contacts', { properties: { email: 'rt@example.com' } }),
      },
      {
        // The reads in one round trip; the read-only COMMIT is written after them and not
        // waited for, but the watch counts it.
        name: 'GET list of associations',
        marker: 'SELECT q.ord',
        status: 200,
        trips: 2,
        request: () => api.get(`/crm/v4/objects/companies/${company}/associations/contacts?limit=100`),
      },
    ];
    for (const c of cases) {
      it(`${c.name}: ${c.trips} round trips from BEGIN to COMMIT`, async () => {
        const [tx, ...more] = await transactionsOf(c.marker, c.request, c.status);
        assert.ok(tx, 'no write transaction was seen');
        assert.equal(more.length, 0);
        assert.equal(tx.roundTrips, c.trips, tx.statements.join('\n'));
      });
    }
  });
}
