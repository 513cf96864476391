/**
 * HubSpot's validation of record writes against the portal's property definitions, on every
 * write path: the exact 400 body, one entry per bad property, and nothing written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

function entries(body: { message: string }) {
  const prefix = 'Property values were not valid: ';
  assert.ok(body.message.startsWith(prefix), body.message);
  return JSON.parse(body.message.slice(prefix.length)) as Array<Record<string, unknown>>;
}

describe('property validation on record writes', () => {
  let server: TestServer;
  let http: Client;
  const count = async (type: string) =>
    (await http.get(`/crm/v3/objects/${type}?limit=100`)).body.results.length as number;

  before(async () => {
    server = await startTestServer();
    http = client(server.url);
    await http.post('/crm/v3/properties/contacts', {
      name: 'vip',
      label: 'VIP',
      type: 'bool',
      fieldType: 'booleancheckbox',
      groupName: 'contactinformation',
      options: [
        { label: 'Yes', value: 'true', hidden: false },
        { label: 'No', value: 'false', hidden: false },
      ],
    });
    await http.post('/crm/v3/properties/contacts', {
      name: 'birthday',
      label: 'Birthday',
      type: 'date',
      fieldType: 'date',
      groupName: 'contactinformation',
    });
    await http.post('/crm/v3/properties/contacts', {
      name: 'member_no',
      label: 'Member number',
      type: 'string',
      fieldType: 'text',
      groupName: 'contactinformation',
      hasUniqueValue: true,
    });
  });
  after(() => server.close());

  it('create: one entry per bad property, in HubSpot body, and nothing written', async () => {
    const r = await http.post('/crm/v3/objects/tickets', {
      properties: { subject: 'S', hs_ticket_category: 'reports', reports: 'x', hs_object_id: '5' },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.deepEqual(entries(r.body), [
      {
        isValid: false,
        message:
          'reports was not one of the allowed options: [PRODUCT_ISSUE, BILLING_ISSUE, FEATURE_REQUEST, GENERAL_INQUIRY]',
        error: 'INVALID_OPTION',
        name: 'hs_ticket_category',
        localizedErrorMessage:
          'reports was not one of the allowed options: [PRODUCT_ISSUE, BILLING_ISSUE, FEATURE_REQUEST, GENERAL_INQUIRY]',
      },
      {
        isValid: false,
        message: 'Property "reports" does not exist',
        error: 'PROPERTY_DOESNT_EXIST',
        name: 'reports',
        localizedErrorMessage: 'Property "reports" does not exist',
      },
      {
        isValid: false,
        message: '"hs_object_id" is a calculated property; its value cannot be set',
        error: 'READ_ONLY_VALUE',
        name: 'hs_object_id',
        localizedErrorMessage: '"hs_object_id" is a calculated property; its value cannot be set',
      },
    ]);
    assert.deepEqual(r.body.context, { propertyName: ['hs_ticket_category', 'reports', 'hs_object_id'] });
    assert.equal(await count('tickets'), 0);
  });

  it('numbers, booleans, dates and datetimes are checked, and normalized as HubSpot returns them', async () => {
    const bad = await http.post('/crm/v3/objects/contacts', {
      properties: { vip: 'maybe', birthday: '2024-03-01T10:00:00Z', email: 'bad@example.com' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      entries(bad.body).map((e) => [e.name, e.error, e.message]),
      [
        ['vip', 'INVALID_BOOLEAN', 'maybe is not a valid boolean: use true or false'],
        ['birthday', 'INVALID_DATE', '2024-03-01T10:00:00Z is at 10:0:0.0 UTC, not midnight!'],
      ],
    );
    const deal = await http.post('/crm/v3/objects/deals', {
      properties: { dealname: 'D', dealstage: 'appointmentscheduled', amount: 'lots' },
    });
    assert.deepEqual(entries(deal.body)[0]!.error, 'INVALID_NUMBER');
    const closedate = await http.post('/crm/v3/objects/deals', {
      properties: { dealname: 'D', dealstage: 'appointmentscheduled', closedate: 'soon' },
    });
    assert.deepEqual(entries(closedate.body)[0]!.error, 'INVALID_DATETIME');
    assert.equal(await count('contacts'), 0);
    assert.equal(await count('deals'), 0);

    const good = await http.post('/crm/v3/objects/contacts', {
      properties: { vip: true, birthday: Date.UTC(2024, 2, 1), email: 'ok@example.com', member_no: 'M1' },
    });
    assert.equal(good.status, 201);
    assert.equal(good.body.properties.vip, 'true');
    assert.equal(good.body.properties.birthday, '2024-03-01');
    const dated = await http.post('/crm/v3/objects/deals', {
      properties: {
        dealname: 'D',
        dealstage: 'appointmentscheduled',
        amount: '1500.50',
        closedate: '2024-03-01',
      },
    });
    assert.equal(dated.body.properties.amount, '1500.5');
    assert.equal(dated.body.properties.closedate, '2024-03-01T00:00:00.000Z');
    const byMember = await http.get('/crm/v3/objects/contacts/M1?idProperty=member_no');
    assert.equal(byMember.body.id, good.body.id, 'a hasUniqueValue property is an idProperty');
  });

  it('update and batch update/upsert: nothing written when a value is bad', async () => {
    const created = await http.post('/crm/v3/objects/contacts', {
      properties: { email: 'u@example.com', firstname: 'U' },
    });
    const id = created.body.id;
    const patch = await http.patch(`/crm/v3/objects/contacts/${id}`, {
      properties: { firstname: 'V', lifecyclestage: 'boss' },
    });
    assert.equal(patch.status, 400);
    assert.equal(entries(patch.body)[0]!.error, 'INVALID_OPTION');
    assert.equal((await http.get(`/crm/v3/objects/contacts/${id}`)).body.properties.firstname, 'U');
    const batch = await http.post('/crm/v3/objects/contacts/batch/update', {
      inputs: [{ id, properties: { firstname: 'W', nope: '1' } }],
    });
    assert.equal(batch.status, 400);
    assert.equal(batch.body.errors[0].code, 'PROPERTY_DOESNT_EXIST');
    const upsert = await http.post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ id: 'new@example.com', idProperty: 'email', properties: { nope: '1' } }],
    });
    assert.equal(upsert.status, 400);
    assert.equal((await http.get(`/crm/v3/objects/contacts/${id}`)).body.properties.firstname, 'U');
    assert.equal((await http.get('/crm/v3/objects/contacts/new@example.com?idProperty=email')).status, 404);
    const batchCreate = await http.post('/crm/v3/objects/contacts/batch/create', {
      inputs: [{ properties: { firstname: 'A' } }, { properties: { unknown_one: 'B' } }],
    });
    assert.equal(batchCreate.status, 400);
    assert.equal(entries(batchCreate.body)[0]!.name, 'unknown_one');
  });

  it('create with associations and fixtures are validated too', async () => {
    const company = await http.post('/crm/v3/objects/companies', { properties: { name: 'Acme' } });
    const withAssociation = await http.post('/crm/v3/objects/contacts', {
      properties: { favourite: 'x' },
      associations: [
        {
          to: { id: company.body.id },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }],
        },
      ],
    });
    assert.equal(withAssociation.status, 400);
    const associated = await http.get(`/crm/v4/objects/companies/${company.body.id}/associations/contacts`);
    assert.equal(associated.body.results.length, 0);
    const seed = await http.post('/_spoke/portals/4680000/seed', {
      records: { companies: [{ key: 'x', properties: { name: 'X', nope: 'y' } }] },
    });
    assert.equal(seed.status, 400);
    assert.ok(seed.body.message.includes('Property values were not valid'), seed.body.message);
    assert.equal(seed.body.errors[0].code, 'PROPERTY_DOESNT_EXIST');
    assert.equal((await http.get('/crm/v3/objects/companies?limit=100')).body.results.length, 1);
  });

  it('lenient mode (admin API setting): unknown properties are created as strings in a group of their own', async () => {
    const settings = await http.put('/_spoke/portals/4680000/settings', { propertyValidation: 'lenient' });
    assert.deepEqual(settings.body, { propertyValidation: 'lenient' });
    const created = await http.post('/crm/v3/objects/companies', {
      properties: { name: 'L', shoe_size: 44 },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.properties.shoe_size, '44');
    const property = await http.get('/crm/v3/properties/companies/shoe_size');
    assert.equal(property.body.type, 'string');
    assert.equal(property.body.groupName, 'spoke_created');
    assert.equal((await http.get('/crm/v3/properties/companies/groups/spoke_created')).status, 200);
    const stillChecked = await http.post('/crm/v3/objects/companies', { properties: { industry: 'nope' } });
    assert.equal(stillChecked.status, 400, 'known properties are still validated');
    await http.put('/_spoke/portals/4680000/settings', { propertyValidation: null });
    assert.deepEqual((await http.get('/_spoke/portals/4680000/settings')).body, {
      propertyValidation: 'strict',
    });
    assert.equal((await http.post('/crm/v3/objects/companies', { properties: { hat_size: 1 } })).status, 400);
  });
});

describe('lenient mode as the server default', () => {
  it('--property-validation lenient applies to portals that have not chosen; fixtures can choose', async () => {
    const server = await startTestServer({ propertyValidation: 'lenient' });
    try {
      const http = client(server.url);
      const r = await http.post('/crm/v3/objects/contacts', { properties: { favourite_food: 'soup' } });
      assert.equal(r.status, 201);
      const seed = await http.post('/_spoke/portals/4680001/seed', {
        settings: { propertyValidation: 'strict' },
        owners: [{ email: 'o@example.com', userId: 5 }],
        properties: {
          deals: [
            {
              name: 'region',
              label: 'Region',
              type: 'string',
              fieldType: 'text',
              groupName: 'dealinformation',
            },
          ],
        },
        pipelines: {
          deals: [
            {
              pipelineId: 'partners',
              label: 'Partners',
              displayOrder: 1,
              stages: [{ stageId: 'new', label: 'New', displayOrder: 0, metadata: { probability: 0.1 } }],
            },
          ],
        },
        records: {
          deals: [
            { key: 'd', properties: { dealname: 'D', region: 'EU', pipeline: 'partners', dealstage: 'new' } },
          ],
        },
      });
      assert.equal(seed.status, 200, seed.text);
      assert.deepEqual((await http.get('/_spoke/portals/4680001/settings')).body, {
        propertyValidation: 'strict',
      });
      assert.equal((await http.get('/_spoke/portals/4680001/owners')).body.results[0].userId, 5);
    } finally {
      await server.close();
    }
  });
});
