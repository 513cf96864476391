/**
 * The 10,000-result cap: a search that matches more pages up to the 10,000th result and no
 * further (the last page within the cap points at after=10000, which is a 400), while
 * `total` still counts every match; re-querying with `hs_object_id GT <last id>` reaches the
 * rest, as HubSpot's clients do.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const RECORDS = 10_150;

describe('search: paging to the 10,000-result cap and past it', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    for (let start = 0; start < RECORDS; start += 100) {
      const inputs = Array.from({ length: Math.min(100, RECORDS - start) }, (_, i) => ({
        properties: {
          dealname: `Deal ${start + i}`,
          dealstage: 'appointmentscheduled',
          amount: String(start + i),
        },
      }));
      const r = await api.post('/crm/v3/objects/deals/batch/create', { inputs });
      assert.equal(r.status, 201);
    }
  });
  after(() => server.close());

  it('pages of 200 reach exactly 10,000 results; the link past them is a 400', async () => {
    const seen = new Set<string>();
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const r = await api.post('/crm/v3/objects/deals/search', {
        limit: 200,
        properties: ['amount'],
        ...(after !== undefined && { after }),
      });
      if (after === '10000') {
        assert.equal(r.status, 400, 'the last page within the cap links past it: the signal to narrow');
        break;
      }
      assert.equal(r.status, 200);
      assert.equal(r.body.total, RECORDS, 'total counts every match, past the cap too');
      for (const x of r.body.results) seen.add(x.id);
      pages++;
      if (!r.body.paging) break;
      after = r.body.paging.next.after;
    }
    assert.equal(pages, 50);
    assert.equal(seen.size, 10_000);

    const near = await api.post('/crm/v3/objects/deals/search', { limit: 200, after: '9900' });
    assert.equal(near.body.results.length, 100, 'a page stops at the cap');
    assert.deepEqual(near.body.paging, { next: { after: '10000' } });

    const past = await api.post('/crm/v3/objects/deals/search', { limit: 10, after: '10000' });
    assert.equal(past.status, 400);
    assert.equal(past.body.category, 'VALIDATION_ERROR');
    assert.match(past.body.message, /at most 10,000 results/);
  });

  it('the hs_object_id workaround reaches the records past the cap', async () => {
    const first = await api.post('/crm/v3/objects/deals/search', {
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      limit: 200,
      after: '9800',
    });
    const last = first.body.results.at(-1).id as string;
    const rest = await api.post('/crm/v3/objects/deals/search', {
      filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'GT', value: last }] }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      limit: 200,
      properties: ['amount'],
    });
    assert.equal(rest.status, 200);
    assert.equal(rest.body.total, RECORDS - 10_000);
    assert.equal(rest.body.results[0].properties.amount, '10000');
    assert.equal(rest.body.results.at(-1).properties.amount, String(RECORDS - 1));
    assert.equal(rest.body.paging, undefined);
  });
});
