/**
 * `query` on a phone number (decision D80): HubSpot matches phone numbers through its
 * `hs_searchable_calculated_*` properties, the digits of the area code and local number, so a
 * number finds the record however either side formatted it. Over real HTTP on the test
 * store, every response checked against HubSpot's spec by the test server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('search: query on phone numbers', () => {
  let server: TestServer;
  let api: Client;
  const ids: Record<string, string> = {};

  const found = async (type: string, query: string): Promise<string[]> => {
    const r = await api.post(`/crm/v3/objects/${type}/search`, { query });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return (r.body.results as Array<{ id: string }>).map((x) => x.id).sort();
  };

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    const contact = async (key: string, properties: Record<string, string>) => {
      const r = await api.post('/crm/v3/objects/contacts', { properties });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids[key] = r.body.id;
    };
    await contact('formatted', { firstname: 'Formatted', phone: '+1 (617) 555-0100' });
    await contact('plain', { firstname: 'Plain', phone: '6175550123' });
    await contact('mobile', { firstname: 'Mobile', mobilephone: '617.555.0199' });
    await contact('noPhone', { firstname: 'Nophone', jobtitle: '617 555 0100' });
    const company = await api.post('/crm/v3/objects/companies', {
      properties: { name: 'London Ltd', phone: '+44 20 7946 0958' },
    });
    assert.equal(company.status, 201);
    ids.company = company.body.id;
  });
  after(() => server.close());

  it('a formatted phone is found by its digits, with or without the country code', async () => {
    for (const query of ['6175550100', '16175550100', '+16175550100', '617-555-0100', '(617) 555-0100'])
      assert.deepEqual(await found('contacts', query), [ids.formatted], query);
    assert.deepEqual(await found('contacts', '+1 617 555 0100'), [ids.formatted]);
  });

  it('a phone stored without formatting is found by a formatted query', async () => {
    for (const query of ['617-555-0123', '(617) 555-0123', '+1 617-555-0123', '617.555.0123'])
      assert.deepEqual(await found('contacts', query), [ids.plain], query);
  });

  it('mobile phone numbers are searchable, and the last digits match by prefix', async () => {
    assert.deepEqual(await found('contacts', '6175550199'), [ids.mobile]);
    assert.deepEqual(await found('contacts', '617555019'), [ids.mobile]);
    assert.deepEqual(await found('contacts', '6175559999'), []);
  });

  it('only searchable properties are matched; words still match as before', async () => {
    // The job title is not a searchable property: its digits find nothing.
    assert.deepEqual(await found('contacts', '617 555 0100'), [ids.formatted]);
    assert.deepEqual(await found('contacts', 'plain'), [ids.plain]);
    assert.deepEqual(await found('contacts', 'formatted 617'), [ids.formatted]);
  });

  it("companies' phone numbers, without the country code", async () => {
    for (const query of ['2079460958', '+44 20 7946 0958', '442079460958', '20-7946-0958'])
      assert.deepEqual(await found('companies', query), [ids.company], query);
    assert.deepEqual(await found('contacts', '2079460958'), [], 'a company phone is not a contact one');
  });

  it('a changed phone number is found by its new digits only', async () => {
    const r = await api.patch(`/crm/v3/objects/contacts/${ids.plain}`, {
      properties: { phone: '+1 212 555 0142' },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(await found('contacts', '6175550123'), []);
    assert.deepEqual(await found('contacts', '2125550142'), [ids.plain]);
    assert.deepEqual(await found('contacts', '(212) 555-0142'), [ids.plain]);
  });

  it('the indexed text comes back with a snapshot restore and an export imported into another portal', async () => {
    const portal = 4680000;
    const snap = await api.post(`/_spoke/portals/${portal}/snapshots`, { name: 'phones' });
    assert.equal(snap.status, 201, JSON.stringify(snap.body));
    const patched = await api.patch(`/crm/v3/objects/contacts/${ids.formatted}`, {
      properties: { phone: '+1 415 555 0111' },
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(await found('contacts', '6175550100'), []);
    const restored = await api.post(`/_spoke/portals/${portal}/snapshots/phones/restore`);
    assert.equal(restored.status, 204);
    assert.deepEqual(await found('contacts', '6175550100'), [ids.formatted]);
    assert.deepEqual(await found('contacts', '4155550111'), []);

    const exported = await api.get(`/_spoke/portals/${portal}/export`);
    assert.equal(exported.status, 200);
    const made = await api.post('/_spoke/portals', { portalId: 4680017, token: 'pat-phones' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const other = 4680017;
    const imported = await api.request('POST', `/_spoke/portals/${other}/import`, {
      raw: exported.text,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(imported.status, 200, imported.text.slice(0, 300));
    const otherApi = client(server.url, 'pat-phones');
    const r = await otherApi.post('/crm/v3/objects/contacts/search', { query: '(617) 555-0100' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.total, 1);
    assert.equal(r.body.results[0].properties.firstname, 'Formatted');
  });
});
