/**
 * A property's type changes only while every value records hold fits the new type (decision
 * D31): otherwise a record would hold a value a write of it would be refused, and its
 * portal's export would not import.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('property type changes against stored values', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    for (const name of ['code', 'count'])
      assert.equal(
        (
          await api.post('/crm/v3/properties/companies', {
            name,
            label: name,
            type: 'string',
            fieldType: 'text',
            groupName: 'companyinformation',
          })
        ).status,
        201,
      );
  });
  after(() => server.close());

  it('refuses a type that a stored value does not fit, and changes nothing', async () => {
    const company = await api.post('/crm/v3/objects/companies', { properties: { name: 'A', code: 'abc' } });
    assert.equal(company.status, 201, company.text);
    const archived = await api.post('/crm/v3/objects/companies', {
      properties: { name: 'B', count: 'many' },
    });
    assert.equal((await api.delete(`/crm/v3/objects/companies/${archived.body.id}`)).status, 204);
    const r = await api.patch('/crm/v3/properties/companies/code', { type: 'number', fieldType: 'number' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.equal(
      r.body.message,
      `Property code cannot become number: record ${company.body.id} holds a value that is not one`,
    );
    assert.equal((await api.get('/crm/v3/properties/companies/code')).body.type, 'string');
    const countChange = await api.patch('/crm/v3/properties/companies/count', {
      type: 'number',
      fieldType: 'number',
    });
    assert.equal(countChange.status, 400, 'archived records count: they can be restored');
  });

  it('allows a type that every stored value fits', async () => {
    await api.post('/crm/v3/objects/companies', { properties: { name: 'C', code: '42' } });
    await api.patch(
      `/crm/v3/objects/companies/${(await api.get('/crm/v3/objects/companies?limit=1')).body.results[0].id}`,
      {
        properties: { code: '' },
      },
    );
    const r = await api.patch('/crm/v3/properties/companies/code', { type: 'number', fieldType: 'number' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.type, 'number');
    const bad = await api.post('/crm/v3/objects/companies', { properties: { name: 'D', code: 'xyz' } });
    assert.equal(bad.status, 400);
  });
});
