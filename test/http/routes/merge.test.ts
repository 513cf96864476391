/**
 * Merge wherever HubSpot serves it: deals and tickets (their own specs), any object type at
 * /crm/v3/objects/{objectType}/merge (custom objects included), and through the official
 * client's crm.deals and crm.tickets merge. Same rules as contacts and companies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { OFFICIAL_CLIENTS, officialClient } from '../../helpers/official-clients.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('merge for every object type', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  const create = async (type: string, properties: Record<string, string>) => {
    const r = await api.post(`/crm/v3/objects/${type}`, { properties });
    assert.equal(r.status, 201, r.text);
    return r.body.id as string;
  };

  // `gap`: a property HubSpot defines for the type, set only on the merged record.
  for (const [path, type, name, gap] of [
    ['deals', 'deals', 'dealname', 'description'],
    ['0-3', 'deals', 'dealname', 'description'],
    ['tickets', 'tickets', 'subject', 'content'],
    ['0-5', 'tickets', 'subject', 'content'],
    ['line_items', 'line_items', 'name', 'description'],
  ] as const) {
    it(`POST /crm/v3/objects/${path}/merge keeps the primary, fills gaps and moves associations`, async () => {
      // A deal has a stage (D72).
      const stage: Record<string, string> = type === 'deals' ? { dealstage: 'appointmentscheduled' } : {};
      const primary = await create(type, { [name]: 'Keep', ...stage });
      const merged = await create(type, { [name]: 'Drop', [gap]: 'from the merged one', ...stage });
      const other = type === 'line_items' ? 'deals' : 'companies';
      const company = await create(
        other,
        other === 'deals'
          ? { dealname: `D ${path}`, dealstage: 'appointmentscheduled' }
          : { name: `Co ${path}` },
      );
      const put = await api.put(`/crm/v4/objects/${type}/${merged}/associations/default/${other}/${company}`);
      assert.equal(put.status, 200, put.text);
      const r = await api.post(`/crm/v3/objects/${path}/merge`, {
        primaryObjectId: primary,
        objectIdToMerge: merged,
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.id, primary);
      assert.equal(r.body.properties[name], 'Keep');
      assert.equal(r.body.properties[gap], 'from the merged one');
      assert.equal(r.body.properties.hs_merged_object_ids, merged);
      assert.equal((await api.get(`/crm/v3/objects/${type}/${merged}`)).status, 404);
      const moved = await api.get(`/crm/v4/objects/${type}/${primary}/associations/${other}`);
      assert.deepEqual(
        moved.body.results.map((x: any) => x.toObjectId),
        [company],
      );
    });
  }

  it('merges records of a custom object by its 2-N ID and its name', async () => {
    const schema = await api.post('/crm-object-schemas/v3/schemas', {
      name: 'pets',
      labels: { singular: 'Pet', plural: 'Pets' },
      primaryDisplayProperty: 'pet',
      requiredProperties: ['pet'],
      properties: [{ name: 'pet', label: 'Pet', type: 'string', fieldType: 'text' }],
      associatedObjects: ['CONTACT'],
    });
    assert.equal(schema.status, 201, schema.text);
    for (const typeName of [schema.body.objectTypeId, 'p_pets']) {
      const a = await create(typeName, { pet: 'Rex' });
      const b = await create(typeName, { pet: 'Fido' });
      const r = await api.post(`/crm/v3/objects/${typeName}/merge`, {
        primaryObjectId: a,
        objectIdToMerge: b,
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.properties.pet, 'Rex');
    }
  });

  it('refuses a record merged into itself, a missing record and an unknown type', async () => {
    const deal = await create('deals', { dealname: 'Self', dealstage: 'appointmentscheduled' });
    const self = await api.post('/crm/v3/objects/deals/merge', {
      primaryObjectId: deal,
      objectIdToMerge: deal,
    });
    assert.equal(self.status, 400);
    assert.equal(self.body.category, 'VALIDATION_ERROR');
    const missing = await api.post('/crm/v3/objects/tickets/merge', {
      primaryObjectId: await create('tickets', { subject: 'T' }),
      objectIdToMerge: '987654321',
    });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.category, 'OBJECT_NOT_FOUND');
    const unknown = await api.post('/crm/v3/objects/spaceships/merge', {
      primaryObjectId: '1',
      objectIdToMerge: '2',
    });
    assert.equal(unknown.status, 400);
    const noBody = await api.post('/crm/v3/objects/deals/merge', { primaryObjectId: deal });
    assert.equal(noBody.status, 400);
    assert.match(noBody.body.message, /objectIdToMerge/);
  });

  it('does not serve merge in the date-versioned families, whose specs have none', async () => {
    const r = await api.post('/crm/objects/2026-03/deals/merge', {
      primaryObjectId: '1',
      objectIdToMerge: '2',
    });
    assert.equal(r.status, 404);
  });
});

for (const { version, module } of OFFICIAL_CLIENTS) {
  describe(`@hubspot/api-client ${version}: merge`, () => {
    let server: TestServer;
    let hubspot: ReturnType<typeof officialClient>;

    before(async () => {
      server = await startTestServer();
      hubspot = officialClient(module, server.url);
    });
    after(() => server.close());

    it('crm.deals and crm.tickets basicApi.merge', async () => {
      const deals = hubspot.crm.deals.basicApi;
      const a = await deals.create({
        properties: { dealname: 'A', dealstage: 'appointmentscheduled' },
        associations: [],
      });
      const b = await deals.create({
        properties: { dealname: 'B', dealstage: 'appointmentscheduled', amount: '5' },
        associations: [],
      });
      const merged = await deals.merge({ primaryObjectId: a.id, objectIdToMerge: b.id });
      assert.equal(merged.id, a.id);
      assert.equal(merged.properties.amount, '5');
      const tickets = hubspot.crm.tickets.basicApi;
      const t1 = await tickets.create({ properties: { subject: 'One' }, associations: [] });
      const t2 = await tickets.create({ properties: { subject: 'Two' }, associations: [] });
      const mergedTicket = await tickets.merge({ primaryObjectId: t1.id, objectIdToMerge: t2.id });
      assert.equal(mergedTicket.properties.subject, 'One');
    });
  });
}
