/**
 * Boolean query parameters in any letter case (decisions: "Booleans in query strings"), and
 * the exact requests HubSpot's official Python client (hubspot-api-client) sends: it writes
 * Python's `str(False)`, `False`, and repeats list parameters (`properties=a&properties=b`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const carSchema = {
  name: 'boats',
  labels: { singular: 'Boat', plural: 'Boats' },
  primaryDisplayProperty: 'model',
  requiredProperties: ['model'],
  properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }],
  associatedObjects: ['CONTACT'],
};

describe('boolean query parameters', () => {
  let server: TestServer;
  let api: Client;
  let live: string;
  let archived: string;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    live = (await api.post('/crm/v3/objects/contacts', { properties: { email: 'live@b.example' } })).body.id;
    archived = (await api.post('/crm/v3/objects/contacts', { properties: { email: 'gone@b.example' } })).body
      .id;
    assert.equal((await api.delete(`/crm/v3/objects/contacts/${archived}`)).status, 204);
  });
  after(() => server.close());

  for (const [text, value] of [
    ['True', true],
    ['TRUE', true],
    ['true', true],
    ['tRuE', true],
    ['False', false],
    ['FALSE', false],
    ['false', false],
  ] as const) {
    it(`archived=${text} reads as ${value} on list, read and batch read`, async () => {
      const list = await api.get(`/crm/v3/objects/contacts?archived=${text}`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(
        list.body.results.map((r: any) => r.id),
        [value ? archived : live],
      );
      const one = await api.get(`/crm/v3/objects/contacts/${archived}?archived=${text}`);
      assert.equal(one.status, value ? 200 : 404, one.text);
      const batch = await api.post(`/crm/objects/2026-03/contacts/batch/read?archived=${text}`, {
        inputs: [{ id: archived }],
        properties: [],
        propertiesWithHistory: [],
      });
      assert.equal(batch.status, value ? 200 : 207, batch.text);
      const schemas = await api.get(`/crm-object-schemas/v3/schemas?archived=${text}`);
      assert.equal(schemas.status, 200, schemas.text);
    });
  }

  it('still rejects what is not a boolean, naming the parameter', async () => {
    for (const text of ['yes', '1x', 'Truee', 'T']) {
      const r = await api.get(`/crm/v3/objects/contacts?archived=${text}`);
      assert.equal(r.status, 400, text);
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      assert.match(r.body.message, /archived/);
    }
  });

  it('accepts the requests the Python client sends, exactly as it builds them', async () => {
    // basic_api.get_page(limit=10, archived=False, properties=["email", "firstname"])
    const page = await api.get(
      '/crm/v3/objects/contacts?limit=10&properties=email&properties=firstname&archived=False',
    );
    assert.equal(page.status, 200, page.text);
    assert.deepEqual(Object.keys(page.body.results[0].properties).sort(), ['email', 'firstname']);
    // basic_api.get_by_id(contact_id, archived=False)
    const one = await api.get(`/crm/v3/objects/contacts/${live}?archived=False`);
    assert.equal(one.status, 200, one.text);
    // batch_api.read(batch_read_input, archived=False)
    const batch = await api.post('/crm/v3/objects/contacts/batch/read?archived=False', {
      inputs: [{ id: live }],
      properties: ['email'],
      propertiesWithHistory: [],
    });
    assert.equal(batch.status, 200, batch.text);
    // schemas: core_api.get_all(archived=False), create, get_by_id, archive(archived=False)
    const created = await api.post('/crm-object-schemas/v3/schemas', carSchema);
    assert.equal(created.status, 201, created.text);
    const all = await api.get('/crm-object-schemas/v3/schemas?archived=False');
    assert.deepEqual(
      all.body.results.map((s: any) => s.name),
      ['boats'],
    );
    const removed = await api.delete(
      `/crm-object-schemas/v3/schemas/${created.body.objectTypeId}?archived=False`,
    );
    assert.equal(removed.status, 204, removed.text);
    const archivedList = await api.get('/crm-object-schemas/v3/schemas?archived=True');
    assert.deepEqual(
      archivedList.body.results.map((s: any) => s.name),
      ['boats'],
    );
  });
});
