/**
 * `hasUniqueValue` properties are the valid `idProperty` values: single reads, batch reads and
 * batch upserts find records by them; a property that is not
 * unique is refused as an idProperty, and a value another record holds is a 409.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('hasUniqueValue properties as idProperty', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    for (const [name, hasUniqueValue] of [
      ['ext_id', true],
      ['nickname', false],
    ] as const) {
      const r = await api.post('/crm/v3/properties/companies', {
        name,
        label: name,
        type: 'string',
        fieldType: 'text',
        groupName: 'companyinformation',
        hasUniqueValue,
      });
      assert.equal(r.status, 201, r.text);
    }
  });
  after(() => server.close());

  it('upserts create, then update, the record with the value', async () => {
    const first = await api.post('/crm/v3/objects/companies/batch/upsert', {
      inputs: [{ id: 'X-1', idProperty: 'ext_id', properties: { name: 'One' } }],
    });
    assert.equal(first.status, 200, first.text);
    const id = first.body.results[0].id;
    assert.equal(first.body.results[0].properties.ext_id, 'X-1');
    const second = await api.post('/crm/v3/objects/companies/batch/upsert', {
      inputs: [{ id: 'X-1', idProperty: 'ext_id', properties: { name: 'Renamed' } }],
    });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.results[0].id, id, 'the same record');
    assert.equal(second.body.results[0].properties.name, 'Renamed');
    const all = await api.get('/crm/v3/objects/companies?limit=100');
    assert.equal(all.body.results.length, 1);

    const read = await api.get('/crm/v3/objects/companies/X-1?idProperty=ext_id&properties=name');
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.id, id);
    const batch = await api.post('/crm/v3/objects/companies/batch/read', {
      idProperty: 'ext_id',
      properties: ['name'],
      inputs: [{ id: 'X-1' }],
    });
    assert.equal(batch.status, 200, batch.text);
    assert.equal(batch.body.results[0].id, id);

    const duplicate = await api.post('/crm/v3/objects/companies', {
      properties: { name: 'Two', ext_id: 'x-1' },
    });
    assert.equal(duplicate.status, 409, duplicate.text);
  });

  it('refuses a property without hasUniqueValue as idProperty', async () => {
    const read = await api.get('/crm/v3/objects/companies/Bob?idProperty=nickname');
    assert.equal(read.status, 400, read.text);
    assert.equal(read.body.category, 'VALIDATION_ERROR');
    const upsert = await api.post('/crm/v3/objects/companies/batch/upsert', {
      inputs: [{ id: 'Bob', idProperty: 'nickname', properties: { name: 'B' } }],
    });
    assert.equal(upsert.status, 400, upsert.text);
    assert.equal(
      upsert.body.message,
      'Property "nickname" cannot be used as idProperty: it is not a unique identifier property of company',
    );
    assert.equal(
      (await api.get('/crm/v3/objects/companies?limit=100')).body.results.length,
      1,
      'nothing written',
    );
  });

  it('refuses a batch read by a property without hasUniqueValue with one 400, not a 207 (D75)', async () => {
    for (const prefix of ['/crm/v3/objects', '/crm/objects/2026-03']) {
      const read = await api.post(`${prefix}/companies/batch/read`, {
        idProperty: 'nickname',
        inputs: [{ id: 'Bob' }, { id: 'Ann' }],
        properties: ['name'],
      });
      assert.equal(read.status, 400, read.text);
      assert.equal(read.body.category, 'VALIDATION_ERROR');
      assert.equal(
        read.body.message,
        'Property "nickname" cannot be used as idProperty: it is not a unique identifier property of company',
      );
      const unknown = await api.post(`${prefix}/companies/batch/read`, {
        idProperty: 'no_such_property',
        inputs: [{ id: 'x' }],
        properties: [],
      });
      assert.equal(unknown.status, 400, unknown.text);
    }
    const byUnique = await api.post('/crm/v3/objects/companies/batch/read', {
      idProperty: 'ext_id',
      inputs: [{ id: 'x-1' }, { id: 'missing' }],
      properties: ['name'],
    });
    assert.equal(byUnique.status, 207, 'a unique idProperty still reports a missing record per input');
  });
});
