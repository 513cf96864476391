/**
 * Lenient mode under concurrency: record writes that introduce unknown properties at the same
 * time each create theirs, and none of the definitions is lost (on PostgreSQL two writes hold
 * the type's lock shared at once; a custom object's properties live in one schema document,
 * so a read-modify-write of it would lose one of two concurrent additions).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const WRITERS = 12;

describe('lenient-mode property creation under concurrency', () => {
  let server: TestServer;
  let http: Client;
  let carType: string;

  before(async () => {
    server = await startTestServer({ propertyValidation: 'lenient' });
    http = client(server.url);
    const schema = await http.post('/crm-object-schemas/v3/schemas', {
      name: 'cars',
      labels: { singular: 'Car', plural: 'Cars' },
      primaryDisplayProperty: 'model',
      requiredProperties: ['model'],
      associatedObjects: ['CONTACT'],
      properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }],
    });
    assert.equal(schema.status, 201, schema.text);
    carType = schema.body.objectTypeId;
  });
  after(() => server.close());

  for (const [what, type] of [
    ['a custom object', () => carType],
    ['a standard object', () => 'companies'],
  ] as const) {
    it(`${what}: concurrent writes with different new properties each keep theirs`, async () => {
      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          http.post(`/crm/v3/objects/${type()}`, {
            properties: { model: `M${i}`, name: `N${i}`, [`extra_${i}`]: `v${i}` },
          }),
        ),
      );
      for (const r of results) assert.equal(r.status, 201, r.text);
      const listed = await http.get(`/crm/v3/properties/${type()}`);
      const names = new Set(listed.body.results.map((p: { name: string }) => p.name));
      const missing = Array.from({ length: WRITERS }, (_, i) => `extra_${i}`).filter((n) => !names.has(n));
      assert.deepEqual(missing, [], 'every property a write created is defined');
      for (const [i, r] of results.entries()) {
        const read = await http.get(`/crm/v3/objects/${type()}/${r.body.id}?properties=extra_${i}`);
        assert.equal(read.body.properties[`extra_${i}`], `v${i}`);
      }
    });

    it(`${what}: concurrent writes introducing the same property all succeed, defined once`, async () => {
      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          http.post(`/crm/v3/objects/${type()}`, {
            properties: { model: `S${i}`, name: `S${i}`, shared_new: `s${i}` },
          }),
        ),
      );
      for (const r of results) assert.equal(r.status, 201, r.text);
      const listed = await http.get(`/crm/v3/properties/${type()}`);
      const shared = listed.body.results.filter((p: { name: string }) => p.name === 'shared_new');
      assert.equal(shared.length, 1);
      assert.equal(shared[0].groupName, 'spoke_created');
    });
  }

  it('a lenient write racing a property change on the same custom type loses neither', async () => {
    const [created, write] = await Promise.all([
      http.post(`/crm/v3/properties/${carType}`, {
        name: 'colour',
        label: 'Colour',
        type: 'string',
        fieldType: 'text',
        groupName: 'spoke_created',
      }),
      http.post(`/crm/v3/objects/${carType}`, { properties: { model: 'R', wheels_new: '4' } }),
    ]);
    assert.equal(created.status, 201, created.text);
    assert.equal(write.status, 201, write.text);
    const names = new Set(
      (await http.get(`/crm/v3/properties/${carType}`)).body.results.map((p: { name: string }) => p.name),
    );
    assert.ok(names.has('colour') && names.has('wheels_new'), [...names].join(', '));
  });
});
