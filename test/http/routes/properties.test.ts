/**
 * The properties API over HTTP, on both families, with every response checked against the
 * spec; and HubSpot's validation of record writes against the definitions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('properties API', () => {
  let server: TestServer;
  let http: Client;
  before(async () => {
    server = await startTestServer();
    http = client(server.url);
  });
  after(() => server.close());

  it('lists HubSpot default properties and groups for contacts, companies, deals and tickets', async () => {
    for (const [type, names] of [
      [
        'contacts',
        [
          'email',
          'firstname',
          'lastname',
          'lifecyclestage',
          'hs_lead_status',
          'hubspot_owner_id',
          'createdate',
          'lastmodifieddate',
          'hs_object_id',
        ],
      ],
      [
        'companies',
        ['name', 'domain', 'industry', 'numberofemployees', 'annualrevenue', 'hs_lastmodifieddate'],
      ],
      ['deals', ['dealname', 'amount', 'closedate', 'pipeline', 'dealstage', 'dealtype']],
      [
        'tickets',
        [
          'subject',
          'content',
          'hs_pipeline',
          'hs_pipeline_stage',
          'hs_ticket_priority',
          'hs_ticket_category',
        ],
      ],
    ] as const) {
      const r = await http.get(`/crm/v3/properties/${type}`);
      assert.equal(r.status, 200);
      const listed = r.body.results.map((p: { name: string }) => p.name);
      for (const name of names) assert.ok(listed.includes(name), `${type} lacks ${name}`);
    }
    const stage = await http.get('/crm/v3/properties/contacts/lifecyclestage');
    assert.equal(stage.body.type, 'enumeration');
    assert.equal(stage.body.fieldType, 'radio');
    assert.equal(stage.body.hubspotDefined, true);
    assert.deepEqual(stage.body.modificationMetadata, {
      archivable: false,
      readOnlyDefinition: true,
      readOnlyValue: false,
      readOnlyOptions: false,
    });
    assert.ok(stage.body.options.some((o: { value: string }) => o.value === 'customer'));
    const id = await http.get('/crm/properties/2026-03/deals/hs_object_id');
    assert.equal(id.body.calculated, true);
    assert.equal(id.body.modificationMetadata.readOnlyValue, true);
    const groups = await http.get('/crm/v3/properties/contacts/groups');
    assert.ok(groups.body.results.some((g: { name: string }) => g.name === 'contactinformation'));
  });

  it('creates (201), reads, updates and archives (204) a property; HubSpot-defined ones are protected', async () => {
    const created = await http.post('/crm/v3/properties/contacts', {
      name: 'favorite_color',
      label: 'Favorite color',
      type: 'enumeration',
      fieldType: 'select',
      groupName: 'contactinformation',
      options: [
        { label: 'Red', value: 'red', hidden: false },
        { label: 'Blue', value: 'blue', hidden: false },
      ],
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.hubspotDefined, false);
    assert.equal(created.body.modificationMetadata.archivable, true);
    const again = await http.post('/crm/v3/properties/contacts', {
      ...created.body,
      options: created.body.options,
    });
    assert.equal(again.status, 409);
    const updated = await http.patch('/crm/v3/properties/contacts/favorite_color', { label: 'Colour' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.label, 'Colour');
    assert.equal((await http.get('/crm/properties/2026-03/contacts/favorite_color')).body.label, 'Colour');
    const protectedEdit = await http.patch('/crm/v3/properties/contacts/email', { label: 'E' });
    assert.equal(protectedEdit.status, 400);
    assert.equal((await http.delete('/crm/v3/properties/contacts/email')).status, 400);
    assert.equal((await http.delete('/crm/v3/properties/contacts/favorite_color')).status, 204);
    assert.equal((await http.get('/crm/v3/properties/contacts/favorite_color')).status, 404);
    const archived = await http.get('/crm/v3/properties/contacts/favorite_color?archived=true');
    assert.equal(archived.body.archived, true);
    const badGroup = await http.post('/crm/v3/properties/contacts', {
      name: 'x1',
      label: 'X',
      type: 'string',
      fieldType: 'text',
      groupName: 'nope',
    });
    assert.equal(badGroup.status, 400);
    const badType = await http.post('/crm/v3/properties/contacts', {
      name: 'x2',
      label: 'X',
      type: 'text',
      fieldType: 'text',
      groupName: 'contactinformation',
    });
    assert.equal(badType.status, 400);
  });

  it('batch create (201/207), read (200/207) and archive (204)', async () => {
    const egg = (name: string) => ({
      name,
      label: name,
      type: 'number',
      fieldType: 'number',
      groupName: 'dealinformation',
    });
    const created = await http.post('/crm/v3/properties/deals/batch/create', {
      inputs: [egg('score_a'), egg('score_b')],
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.results.length, 2);
    const partial = await http.post('/crm/properties/2026-03/deals/batch/create', {
      inputs: [egg('score_c'), egg('score_a')],
    });
    assert.equal(partial.status, 207);
    assert.equal(partial.body.numErrors, 1);
    const read = await http.post('/crm/v3/properties/deals/batch/read', {
      inputs: [{ name: 'score_a' }, { name: 'dealname' }],
      archived: false,
      dataSensitivity: 'non_sensitive',
    });
    assert.equal(read.status, 200);
    assert.equal(read.body.results.length, 2);
    const missing = await http.post('/crm/v3/properties/deals/batch/read', {
      inputs: [{ name: 'score_a' }, { name: 'nope' }],
    });
    assert.equal(missing.status, 207);
    const archived = await http.post('/crm/v3/properties/deals/batch/archive', {
      inputs: [{ name: 'score_a' }, { name: 'score_b' }],
    });
    assert.equal(archived.status, 204);
    assert.equal((await http.get('/crm/v3/properties/deals/score_b')).status, 404);
  });

  it('groups: create (201), read, update, archive (204), refused while they hold properties', async () => {
    const created = await http.post('/crm/v3/properties/companies/groups', {
      name: 'billing',
      label: 'Billing',
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, { name: 'billing', label: 'Billing', displayOrder: -1, archived: false });
    assert.equal(
      (await http.post('/crm/v3/properties/companies/groups', { name: 'billing', label: 'B' })).status,
      409,
    );
    const updated = await http.patch('/crm/properties/2026-03/companies/groups/billing', {
      label: 'Billing info',
      displayOrder: 3,
    });
    assert.equal(updated.body.label, 'Billing info');
    await http.post('/crm/v3/properties/companies', {
      name: 'vat',
      label: 'VAT',
      type: 'string',
      fieldType: 'text',
      groupName: 'billing',
    });
    assert.equal((await http.delete('/crm/v3/properties/companies/groups/billing')).status, 400);
    await http.delete('/crm/v3/properties/companies/vat');
    assert.equal((await http.delete('/crm/v3/properties/companies/groups/billing')).status, 204);
    assert.equal((await http.get('/crm/v3/properties/companies/groups/billing')).status, 404);
  });

  it('a custom object shows the same definitions in the schemas API and the properties API', async () => {
    const schema = await http.post('/crm-object-schemas/v3/schemas', {
      name: 'pets',
      labels: { singular: 'Pet', plural: 'Pets' },
      properties: [
        { name: 'pet_name', label: 'Name', type: 'string', fieldType: 'text', hasUniqueValue: true },
      ],
      requiredProperties: ['pet_name'],
      primaryDisplayProperty: 'pet_name',
      associatedObjects: ['contacts'],
    });
    assert.equal(schema.status, 201);
    const type = schema.body.objectTypeId;
    const listed = await http.get(`/crm/v3/properties/${type}`);
    assert.ok(
      listed.body.results.some(
        (p: { name: string; hasUniqueValue: boolean }) => p.name === 'pet_name' && p.hasUniqueValue,
      ),
    );
    const added = await http.post(`/crm/v3/properties/${type}`, {
      name: 'species',
      label: 'Species',
      type: 'string',
      fieldType: 'text',
      groupName: 'custom_object_information',
    });
    assert.equal(added.status, 201);
    const again = await http.get(`/crm-object-schemas/v3/schemas/${type}`);
    assert.ok(again.body.properties.some((p: { name: string }) => p.name === 'species'));
    const record = await http.post(`/crm/v3/objects/${type}`, {
      properties: { pet_name: 'Rex', species: 'dog' },
    });
    assert.equal(record.status, 201);
    const byName = await http.get(`/crm/v3/objects/${type}/Rex?idProperty=pet_name`);
    assert.equal(byName.body.id, record.body.id);
  });
});
