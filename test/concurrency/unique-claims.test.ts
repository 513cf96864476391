/**
 * Unique values under concurrency: writes that claim the same unique value at once (a contact's
 * email, a custom `hasUniqueValue` property) each get a clean answer: one wins, the others a
 * 409 CONFLICT naming the winner, never a 500 (on PostgreSQL the losing INSERT aborts its
 * transaction unless it ran in a savepoint). Upserts of one key all create or update one record,
 * never conflict. No timing: each round fires its requests together and checks the outcome.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client, type HttpResult } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROUNDS = 3;
const WRITERS = 12;

function tally(results: readonly HttpResult[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

describe('unique values claimed concurrently', () => {
  let server: TestServer;
  let http: Client;

  before(async () => {
    server = await startTestServer();
    http = client(server.url);
    const property = await http.post('/crm/v3/properties/companies', {
      name: 'external_ref',
      label: 'External ref',
      type: 'string',
      fieldType: 'text',
      groupName: 'companyinformation',
      hasUniqueValue: true,
    });
    assert.equal(property.status, 201, property.text);
  });
  after(() => server.close());

  for (const [what, type, property, base] of [
    ['a contact email', 'contacts', 'email', (k: string) => `${k}@example.com`],
    ['a custom unique property', 'companies', 'external_ref', (k: string) => `REF-${k}`],
  ] as const) {
    it(`${what}: updates and a create taking one value get one winner and 409s, never a 500`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const others = await Promise.all(
          Array.from({ length: WRITERS }, (_, i) =>
            http.post(`/crm/v3/objects/${type}`, { properties: { [property]: base(`o${round}-${i}`) } }),
          ),
        );
        for (const o of others) assert.equal(o.status, 201, o.text);
        const value = base(`taken${round}`);
        const results = await Promise.all([
          ...others.map((o) =>
            http.patch(`/crm/v3/objects/${type}/${o.body.id}`, { properties: { [property]: value } }),
          ),
          http.post(`/crm/v3/objects/${type}`, { properties: { [property]: value } }),
        ]);
        const winners = results.filter((r) => r.status === 200 || r.status === 201);
        const losers = results.filter((r) => r.status === 409);
        assert.equal(winners.length, 1, JSON.stringify(tally(results)));
        assert.equal(losers.length, WRITERS, JSON.stringify(tally(results)));
        const winnerId = winners[0]!.body.id;
        for (const loser of losers) {
          assert.equal(loser.body.status, 'error');
          assert.equal(loser.body.category, 'CONFLICT');
          assert.match(loser.body.message, new RegExp(`Existing ID: ${winnerId}$`));
        }
        const holders = await http.post(`/crm/v3/objects/${type}/search`, {
          filterGroups: [{ filters: [{ propertyName: property, operator: 'EQ', value }] }],
        });
        assert.equal(holders.status, 200, holders.text);
        assert.deepEqual(
          holders.body.results.map((r: { id: string }) => r.id),
          [winnerId],
        );
      }
    });

    it(`${what}: concurrent upserts of one key all create or update the same record`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const key = base(`upsert${round}`);
        const results = await Promise.all(
          Array.from({ length: WRITERS * 2 }, (_, i) =>
            http.post(`/crm/v3/objects/${type}/batch/upsert`, {
              inputs: [{ id: key, idProperty: property, properties: { city: `C${i}` } }],
            }),
          ),
        );
        assert.deepEqual(tally(results), { 200: WRITERS * 2 });
        const ids = new Set(results.map((r) => r.body.results[0].id));
        assert.equal(ids.size, 1, 'one record for the key');
        const created = results.filter((r) => r.body.results[0].new === true);
        assert.equal(created.length, 1, 'created once, updated after');
        const read = await http.get(`/crm/v3/objects/${type}/${key}?idProperty=${property}`);
        assert.equal(read.status, 200, read.text);
        assert.equal(read.body.id, [...ids][0]);
      }
    });
  }
});
