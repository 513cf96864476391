/**
 * Custom objects: the schemas API, records of a custom type under each of its names, and
 * associations between custom and standard objects.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const carSchema = {
  name: 'cars',
  labels: { singular: 'Car', plural: 'Cars' },
  primaryDisplayProperty: 'model',
  requiredProperties: ['model'],
  searchableProperties: ['model'],
  properties: [
    { name: 'model', label: 'Model', type: 'string', fieldType: 'text' },
    { name: 'vin', label: 'VIN', type: 'string', fieldType: 'text', hasUniqueValue: true },
    { name: 'year', label: 'Year', type: 'number', fieldType: 'number' },
  ],
  associatedObjects: ['CONTACT'],
};

describe('custom object schemas', () => {
  let server: TestServer;
  let api: Client;
  let schema: any;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('creates a schema (201) with a 2-N type, a fully qualified name and its associations', async () => {
    const r = await api.post('/crm-object-schemas/v3/schemas', carSchema);
    assert.equal(r.status, 201);
    schema = r.body;
    assert.match(schema.objectTypeId, /^2-\d+$/);
    assert.equal(schema.id, schema.objectTypeId.slice(2));
    assert.equal(schema.fullyQualifiedName, 'p4680000_cars');
    assert.deepEqual(
      schema.properties.map((p: any) => [p.name, p.hasUniqueValue]),
      [
        ['model', false],
        ['vin', true],
        ['year', false],
      ],
    );
    assert.deepEqual(
      schema.associations.map((a: any) => [a.fromObjectTypeId, a.toObjectTypeId, a.name]),
      [[schema.objectTypeId, '0-1', 'cars_to_contact']],
    );
  });

  it('lists, reads (by ID or name), batch-reads and updates schemas', async () => {
    const list = await api.get('/crm-object-schemas/v3/schemas');
    assert.deepEqual(
      list.body.results.map((s: any) => s.name),
      ['cars'],
    );
    for (const name of [schema.objectTypeId, 'p_cars', 'p4680000_cars']) {
      const one = await api.get(`/crm-object-schemas/v3/schemas/${name}`);
      assert.equal(one.status, 200, name);
      assert.equal(one.body.objectTypeId, schema.objectTypeId);
    }
    const batch = await api.post('/crm-object-schemas/v3/schemas/batch/read', {
      inputs: ['p_cars', 'p_nothing'],
      includeAssociationDefinitions: false,
      includePropertyDefinitions: true,
      includeAuditMetadata: true,
    });
    assert.equal(batch.body.results.length, 1);
    assert.deepEqual(batch.body.results[0].associations, []);
    const patched = await api.patch(`/crm-object-schemas/v3/schemas/${schema.objectTypeId}`, {
      labels: { singular: 'Automobile', plural: 'Automobiles' },
      requiredProperties: ['model', 'year'],
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.labels, { singular: 'Automobile', plural: 'Automobiles' });
    assert.deepEqual(patched.body.requiredProperties, ['model', 'year']);
    const bad = await api.patch(`/crm-object-schemas/v3/schemas/${schema.objectTypeId}`, {
      requiredProperties: ['color'],
    });
    assert.equal(bad.status, 400);
  });

  it('refuses a duplicate name (409), and bad definitions (400)', async () => {
    assert.equal((await api.post('/crm-object-schemas/v3/schemas', carSchema)).status, 409);
    const badRequired = await api.post('/crm-object-schemas/v3/schemas', {
      ...carSchema,
      name: 'boats',
      requiredProperties: ['hull'],
    });
    assert.equal(badRequired.status, 400);
    const badName = await api.post('/crm-object-schemas/v3/schemas', { ...carSchema, name: '1boats' });
    assert.equal(badName.status, 400);
    const badAssociation = await api.post('/crm-object-schemas/v3/schemas', {
      ...carSchema,
      name: 'boats',
      associatedObjects: ['widgets'],
    });
    assert.equal(badAssociation.status, 400);
  });

  it('stores records of the custom type under 2-N, p_{name} and p{portalId}_{name}', async () => {
    const created = await api.post(`/crm/v3/objects/${schema.objectTypeId}`, {
      properties: { model: 'T', year: 1908, vin: 'V1' },
    });
    assert.equal(created.status, 201);
    for (const name of ['p_cars', 'p4680000_cars', schema.objectTypeId]) {
      const read = await api.get(`/crm/v3/objects/${name}/${created.body.id}?properties=model,year`);
      assert.equal(read.status, 200, name);
      assert.deepEqual(read.body.properties, { model: 'T', year: '1908' });
    }
    assert.equal(
      (await api.get(`/crm/v3/objects/cars/${created.body.id}`)).status,
      400,
      'bare names are refused',
    );
    const byVin = await api.get('/crm/v3/objects/p_cars/v1?idProperty=vin');
    assert.equal(byVin.body.id, created.body.id);
    const dup = await api.post('/crm/v3/objects/p_cars', {
      properties: { model: 'S', year: 2012, vin: 'v1' },
    });
    assert.equal(dup.status, 409);
  });

  it('validates properties against the schema', async () => {
    const unknown = await api.post('/crm/v3/objects/p_cars', {
      properties: { model: 'X', year: 1, color: 'red' },
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.errors[0].code, 'PROPERTY_DOESNT_EXIST');
    const missing = await api.post('/crm/v3/objects/p_cars', { properties: { model: 'X' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].code, 'REQUIRED_PROPERTY');
  });

  it('associates custom records with contacts: PUT default, labels and reads', async () => {
    const car = (await api.post('/crm/v3/objects/p_cars', { properties: { model: 'Y', year: 2020 } })).body
      .id;
    const contact = (
      await api.post('/crm/v3/objects/contacts', { properties: { email: 'driver@example.com' } })
    ).body.id;
    const put = await api.put(`/crm/v4/objects/p_cars/${car}/associations/default/contacts/${contact}`);
    assert.equal(put.status, 200);
    const [forward, reverse] = put.body.results.map((r: any) => r.associationSpec);
    assert.equal(forward.associationCategory, 'USER_DEFINED');
    assert.equal(forward.associationTypeId, Number(schema.associations[0].id));
    assert.equal(reverse.associationTypeId, forward.associationTypeId + 1);

    const labels = await api.get(`/crm/v4/associations/contacts/${schema.objectTypeId}/labels`);
    assert.deepEqual(labels.body.results, [
      { category: 'USER_DEFINED', typeId: reverse.associationTypeId, label: null },
    ]);
    const label = await api.post(`/crm/v4/associations/${schema.objectTypeId}/contacts/labels`, {
      label: 'Owner',
      inverseLabel: 'Owned car',
      name: 'owner',
    });
    assert.equal(label.status, 200);
    const ownerId = label.body.results[0].typeId;
    const labeled = await api.put(`/crm/v4/objects/p_cars/${car}/associations/contacts/${contact}`, [
      { associationCategory: 'USER_DEFINED', associationTypeId: ownerId },
    ]);
    assert.deepEqual(labeled.body.labels, ['Owner']);
    const fromContact = await api.get(`/crm/v4/objects/contacts/${contact}/associations/p_cars`);
    assert.deepEqual(
      fromContact.body.results[0].associationTypes.map((t: any) => t.label),
      [null, 'Owned car'],
    );
    const read = await api.get(`/crm/v3/objects/contacts/${contact}?associations=p_cars`);
    assert.deepEqual(read.body.associations.p4680000_cars.results, [
      { id: car, type: 'contact_to_cars' },
      { id: car, type: 'owner' },
    ]);
    const noDefinition = await api.put(`/crm/v4/objects/p_cars/${car}/associations/default/companies/1`);
    assert.equal(noDefinition.status, 400, 'cars have no association definition with companies');
  });

  it('adds and removes association definitions', async () => {
    const created = await api.post(`/crm-object-schemas/v3/schemas/${schema.objectTypeId}/associations`, {
      fromObjectTypeId: schema.objectTypeId,
      toObjectTypeId: 'companies',
      name: 'car_to_company',
    });
    assert.equal(created.status, 201);
    assert.deepEqual(
      [created.body.fromObjectTypeId, created.body.toObjectTypeId, created.body.name],
      [schema.objectTypeId, '0-2', 'car_to_company'],
    );
    const car = (await api.post('/crm/v3/objects/p_cars', { properties: { model: 'Z', year: 2021 } })).body
      .id;
    const company = (await api.post('/crm/v3/objects/companies', { properties: { name: 'Fleet' } })).body.id;
    assert.equal(
      (await api.put(`/crm/v4/objects/p_cars/${car}/associations/default/companies/${company}`)).status,
      200,
    );
    const inUse = await api.delete(
      `/crm-object-schemas/v3/schemas/${schema.objectTypeId}/associations/${created.body.id}`,
    );
    assert.equal(inUse.status, 400);
    await api.delete(`/crm/v4/objects/p_cars/${car}/associations/companies/${company}`);
    const removed = await api.delete(
      `/crm-object-schemas/v3/schemas/${schema.objectTypeId}/associations/${created.body.id}`,
    );
    assert.equal(removed.status, 204);
    assert.equal(
      (await api.put(`/crm/v4/objects/p_cars/${car}/associations/default/companies/${company}`)).status,
      400,
    );
  });

  it('deletes a schema only when it has no live records, then purges it with archived=true', async () => {
    const refused = await api.delete('/crm-object-schemas/v3/schemas/p_cars');
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /still has records/);
    const ids = (await api.get('/crm/v3/objects/p_cars?limit=100')).body.results.map((r: any) => r.id);
    const archive = await api.post('/crm/v3/objects/p_cars/batch/archive', {
      inputs: ids.map((id: string) => ({ id })),
    });
    assert.equal(archive.status, 204);
    assert.equal((await api.delete('/crm-object-schemas/v3/schemas/p_cars')).status, 204);
    assert.equal((await api.get('/crm/v3/objects/p_cars')).status, 400, 'an archived type is unknown');
    const archived = await api.get('/crm-object-schemas/v3/schemas?archived=true');
    assert.equal(archived.body.results[0].archived, true);
    assert.equal(
      (await api.post('/crm-object-schemas/v3/schemas', carSchema)).status,
      409,
      'the name stays taken',
    );
    assert.equal((await api.delete('/crm-object-schemas/v3/schemas/p_cars?archived=true')).status, 204);
    for (const id of ids)
      assert.equal(
        await server.store.getObject(4680000, Number(id)),
        undefined,
        'archived records went with it',
      );
    assert.equal((await api.post('/crm-object-schemas/v3/schemas', carSchema)).status, 201);
  });
});

describe('the schemas API at /crm/v3/schemas (the custom objects guide path)', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('creates, lists, reads, updates and deletes there, over the same store', async () => {
    const created = await api.post('/crm/v3/schemas', carSchema);
    assert.equal(created.status, 201, created.text);
    const id = created.body.objectTypeId;
    const listed = await api.get('/crm-object-schemas/v3/schemas');
    assert.deepEqual(
      listed.body.results.map((s: any) => s.objectTypeId),
      [id],
    );
    assert.equal((await api.get(`/crm/v3/schemas/p_cars`)).body.objectTypeId, id);
    const patched = await api.patch(`/crm/v3/schemas/${id}`, {
      labels: { singular: 'Auto', plural: 'Autos' },
    });
    assert.equal(patched.status, 200);
    const batch = await api.post('/crm/v3/schemas/batch/read', { inputs: [id] });
    assert.equal(batch.body.results[0].labels.singular, 'Auto');
    const association = await api.post(`/crm/v3/schemas/${id}/associations`, {
      fromObjectTypeId: id,
      toObjectTypeId: '0-2',
      name: 'car_to_company',
    });
    assert.equal(association.status, 201, association.text);
    assert.equal((await api.delete(`/crm/v3/schemas/${id}/associations/${association.body.id}`)).status, 204);
    assert.equal((await api.delete(`/crm/v3/schemas/${id}`)).status, 204);
    assert.equal((await api.get(`/crm-object-schemas/v3/schemas/${id}`)).status, 404);
  });

  it('deleting an association definition removes its limits too, so the limits API no longer lists them', async () => {
    const created = await api.post('/crm-object-schemas/v3/schemas', { ...carSchema, name: 'boats' });
    assert.equal(created.status, 201, created.text);
    const id = created.body.objectTypeId;
    const association = await api.post(`/crm-object-schemas/v3/schemas/${id}/associations`, {
      fromObjectTypeId: id,
      toObjectTypeId: '0-2',
      name: 'boat_to_company',
    });
    assert.equal(association.status, 201, association.text);
    const typeId = Number(association.body.id);
    const configs = '/crm/v4/associations/definitions/configurations';
    const limit = await api.post(`${configs}/${id}/0-2/batch/create`, {
      inputs: [{ category: 'USER_DEFINED', typeId, maxToObjectIds: 3 }],
    });
    assert.equal(limit.status, 201, limit.text);
    const listed = async () =>
      ((await api.get(`${configs}/all`)).body.results as any[]).filter((l) => l.typeId === typeId);
    assert.equal((await listed()).length, 1);

    const removed = await api.delete(`/crm-object-schemas/v3/schemas/${id}/associations/${typeId}`);
    assert.equal(removed.status, 204, removed.text);
    assert.deepEqual(await listed(), []);
    const check = await api.get('/_spoke/check');
    assert.equal(check.status, 200, check.text);
    assert.deepEqual(check.body.problems, []);
  });
});
