/**
 * Portal isolation under parallel load: 8 workers, each on a portal of its own, create and
 * associate records at the same time on one server; none ever sees another's data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const WORKERS = 8;

describe('8 parallel workers, one portal each', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer();
    admin = client(server.url);
  });
  after(() => server.close());

  it('never shows a worker anything but its own records and associations', async () => {
    const portals = await Promise.all(
      Array.from({ length: WORKERS }, () => admin.post('/_spoke/portals', {})),
    );
    const results = await Promise.all(
      portals.map(async (portal, worker) => {
        const api = client(server.url, portal.body.token);
        const tag = `worker${worker}`;
        const contacts = (
          await api.post('/crm/v3/objects/contacts/batch/create', {
            inputs: Array.from({ length: 20 }, (_, i) => ({
              properties: { email: `${i}@${tag}.example`, company: tag },
            })),
          })
        ).body.results.map((r: any) => r.id);
        const companies: string[] = [];
        for (let i = 0; i < 5; i++)
          companies.push(
            (await api.post('/crm/v3/objects/companies', { properties: { name: tag, description: tag } }))
              .body.id,
          );
        const inputs = contacts.map((id: string, i: number) => ({
          from: { id },
          to: { id: companies[i % 5] },
        }));
        const associated = await api.post('/crm/v4/associations/contacts/companies/batch/associate/default', {
          inputs,
        });
        assert.equal(associated.status, 200);
        assert.equal(associated.body.numErrors, undefined);
        await api.post('/crm/v4/associations/contacts/companies/labels', {
          label: `Label of ${tag}`,
          name: tag,
        });
        return { api, tag, contacts, companies };
      }),
    );

    for (const { api, tag, contacts, companies } of results) {
      const all = await api.get('/crm/v3/objects/contacts?limit=100&properties=company');
      assert.deepEqual(new Set(all.body.results.map((r: any) => r.properties.company)), new Set([tag]));
      assert.equal(all.body.results.length, 20);
      for (const company of companies) {
        const list = await api.get(`/crm/v4/objects/companies/${company}/associations/contacts`);
        assert.equal(list.body.results.length, 4);
        assert.ok(list.body.results.every((r: any) => contacts.includes(r.toObjectId)));
      }
      const labels = await api.get('/crm/v4/associations/contacts/companies/labels');
      const own = labels.body.results
        .filter((l: any) => l.category === 'USER_DEFINED')
        .map((l: any) => l.label);
      assert.deepEqual(own, [`Label of ${tag}`]);
    }
    // The default portal saw none of it.
    assert.deepEqual((await admin.get('/crm/v3/objects/contacts')).body.results, []);
  });
});
