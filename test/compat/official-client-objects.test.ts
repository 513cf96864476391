/**
 * The objects API through the official client: crm.objects, crm.contacts and crm.companies
 * (basic and batch, getAll), and a custom object made with crm.schemas.coreApi whose records
 * are associated with contacts through associations.v4.basicApi.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OFFICIAL_CLIENTS, officialClient } from '../helpers/official-clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

for (const { version, module } of OFFICIAL_CLIENTS) {
  describe(`@hubspot/api-client ${version}: objects`, () => {
    let server: TestServer;
    let hubspot: ReturnType<typeof officialClient>;

    before(async () => {
      server = await startTestServer();
      hubspot = officialClient(module, server.url);
    });
    after(() => server.close());

    it('crm.contacts basicApi: create, getById, update, archive', async () => {
      const api = hubspot.crm.contacts.basicApi;
      const created = await api.createWithHttpInfo({
        properties: { email: 'ada@example.com', firstname: 'Ada' },
        associations: [],
      });
      assert.equal(created.httpStatusCode, 201);
      const id = created.data.id;
      const read = await api.getById(id, ['firstname', 'email'], ['firstname']);
      assert.deepEqual({ ...read.properties }, { firstname: 'Ada', email: 'ada@example.com' });
      assert.equal(read.propertiesWithHistory!.firstname![0]!.value, 'Ada');
      assert.ok(read.propertiesWithHistory!.firstname![0]!.timestamp instanceof Date);
      const updated = await api.update(id, { properties: { lastname: 'Lovelace' } });
      assert.equal(updated.properties.lastname, 'Lovelace');
      const byEmail = await api.getById('ada@example.com', undefined, undefined, undefined, false, 'email');
      assert.equal(byEmail.id, id);
      await assert.rejects(
        api.create({ properties: { email: 'ada@example.com' }, associations: [] }),
        (e: any) => {
          assert.equal(e.code, 409);
          assert.equal(e.body.message, `Contact already exists. Existing ID: ${id}`);
          return true;
        },
      );
      assert.equal((await api.archiveWithHttpInfo(id)).httpStatusCode, 204);
      await assert.rejects(api.getById(id), (e: any) => e.code === 404);
      const archived = await api.getById(id, undefined, undefined, undefined, true);
      assert.equal(archived.archived, true);
    });

    it('crm.companies batchApi: create, read, update, upsert, archive', async () => {
      const api = hubspot.crm.companies.batchApi;
      const created = await api.createWithHttpInfo({
        inputs: [
          { properties: { name: 'A', domain: 'a.test' }, associations: [] },
          { properties: { name: 'B' }, associations: [] },
        ],
      });
      assert.equal(created.httpStatusCode, 201);
      const ids = created.data.results.map((r) => r.id);
      const read = await api.readWithHttpInfo({
        inputs: ids.map((id) => ({ id })),
        properties: ['name'],
        propertiesWithHistory: [],
      });
      assert.equal(read.httpStatusCode, 200);
      assert.deepEqual(read.data.results.map((r) => r.properties.name).sort(), ['A', 'B']);
      const partial = await api.readWithHttpInfo({
        inputs: [{ id: ids[0]! }, { id: '999' }],
        properties: [],
        propertiesWithHistory: [],
      });
      assert.equal(partial.httpStatusCode, 207);
      assert.equal((partial.data as any).numErrors, 1);
      const updated = await api.update({ inputs: [{ id: ids[0]!, properties: { name: 'A2' } }] });
      assert.equal(updated.results[0]!.properties.name, 'A2');
      const upserted = await api.upsert({ inputs: [{ id: ids[1]!, properties: { name: 'B2' } }] });
      assert.equal(upserted.results[0]!.properties.name, 'B2');
      assert.equal(upserted.results[0]!._new, false);
      assert.equal(
        (await api.archiveWithHttpInfo({ inputs: ids.map((id) => ({ id })) })).httpStatusCode,
        204,
      );
    });

    it('crm.objects: basic and batch APIs on any type', async () => {
      const created = await hubspot.crm.objects.basicApi.create('tickets', {
        properties: { subject: 'Help' },
        associations: [],
      });
      const page = await hubspot.crm.objects.basicApi.getPage('tickets', 10, undefined, ['subject']);
      assert.deepEqual(
        page.results.map((r) => r.id),
        [created.id],
      );
      const batch = await hubspot.crm.objects.batchApi.create('0-5', {
        inputs: [{ properties: { subject: 'More' }, associations: [] }],
      });
      assert.equal(batch.results.length, 1);
      const updated = await hubspot.crm.objects.basicApi.update('tickets', created.id, {
        properties: { subject: 'Solved' },
      });
      assert.equal(updated.properties.subject, 'Solved');
    });

    it('crm.contacts.getAll walks every page and stops', async () => {
      const inputs = Array.from({ length: 100 }, (_, i) => ({
        properties: { email: `bulk${i}@example.com` },
        associations: [],
      }));
      await hubspot.crm.contacts.batchApi.create({ inputs });
      await hubspot.crm.contacts.batchApi.create({
        inputs: inputs.slice(0, 30).map((x, i) => ({ ...x, properties: { email: `more${i}@example.com` } })),
      });
      const all = await hubspot.crm.contacts.getAll(50, undefined, ['email']);
      assert.equal(all.length, 130);
      assert.equal(new Set(all.map((c) => c.id)).size, 130);
    });

    it('crm.contacts basicApi.merge and basicApi.purge (GDPR delete)', async () => {
      const api = hubspot.crm.contacts.basicApi;
      const a = await api.create({ properties: { email: 'm1@example.com' }, associations: [] });
      const b = await api.create({
        properties: { email: 'm2@example.com', firstname: 'B' },
        associations: [],
      });
      const merged = await api.merge({ primaryObjectId: a.id, objectIdToMerge: b.id });
      assert.equal(merged.id, a.id);
      assert.equal(merged.properties.firstname, 'B');
      const purged = await api.purgeWithHttpInfo({ objectId: a.id });
      assert.equal(purged.httpStatusCode, 204);
      await assert.rejects(
        api.getById(a.id, undefined, undefined, undefined, true),
        (e: any) => e.code === 404,
      );
    });

    it('a custom object from crm.schemas.coreApi, associated with contacts through associations v4', async () => {
      const schema = await hubspot.crm.schemas.coreApi.create({
        name: 'pets',
        labels: { singular: 'Pet', plural: 'Pets' },
        primaryDisplayProperty: 'pet_name',
        requiredProperties: ['pet_name'],
        properties: [{ name: 'pet_name', label: 'Name', type: 'string' as any, fieldType: 'text' }],
        associatedObjects: ['CONTACT'],
      });
      assert.match(schema.objectTypeId!, /^2-\d+$/);
      const all = await hubspot.crm.schemas.coreApi.getAll();
      assert.deepEqual(
        all.results.map((s) => s.name),
        ['pets'],
      );
      const pet = await hubspot.crm.objects.basicApi.create(schema.objectTypeId!, {
        properties: { pet_name: 'Rex' },
        associations: [],
      });
      const owner = await hubspot.crm.contacts.basicApi.create({
        properties: { email: 'owner@example.com' },
        associations: [],
      });
      const r = await hubspot.crm.associations.v4.basicApi.createDefault(
        schema.fullyQualifiedName!,
        pet.id,
        'contacts',
        owner.id,
      );
      assert.equal(r.results.length, 2);
      assert.equal(r.results[0]!.associationSpec.associationCategory, 'USER_DEFINED');
      const page = await hubspot.crm.associations.v4.basicApi.getPage(
        'contacts',
        owner.id,
        schema.objectTypeId!,
      );
      assert.deepEqual(
        page.results.map((x) => String(x.toObjectId)),
        [pet.id],
      );
      const read = await hubspot.crm.objects.basicApi.getById('p_pets', pet.id, ['pet_name'], undefined, [
        'contacts',
      ]);
      assert.equal(read.properties.pet_name, 'Rex');
      assert.deepEqual(
        read.associations!.contacts!.results.map((x) => x.id),
        [owner.id],
      );
    });
  });
}
