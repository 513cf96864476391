/**
 * The schema API through the official client: `schema.definitionsApi` for labels, and a
 * hand-built `DefinitionConfigurationsApi` for limits (the client does not wire it up:
 * `client.crm.associations.v4.schema` has only `definitionsApi`).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { seedRecords } from '../helpers/fixtures.js';
import { OFFICIAL_CLIENTS, officialClient } from '../helpers/official-clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const require = createRequire(import.meta.url);
const SCHEMA_MODULES: Record<string, string> = {
  '13.5.0': '@hubspot/api-client/lib/codegen/crm/associations/v4/schema',
  '14.0.1': 'hubspot-client-14/lib/codegen/crm/associations/v4/schema',
};

for (const { version, module } of OFFICIAL_CLIENTS) {
  describe(`@hubspot/api-client ${version}: associations schema`, () => {
    let server: TestServer;
    let hubspot: ReturnType<typeof officialClient>;
    let limitsApi: any;
    let labelIds: { manager: number; employee: number };

    before(async () => {
      server = await startTestServer();
      hubspot = officialClient(module, server.url);
      const schema = require(SCHEMA_MODULES[version]!);
      limitsApi = new schema.DefinitionConfigurationsApi(
        schema.createConfiguration({
          baseServer: new schema.ServerConfiguration(server.url, {}),
          authMethods: { oauth2: { accessToken: 'test-token' } },
        }),
      );
    });
    after(() => server.close());

    it('definitionsApi.create makes a paired label (200)', async () => {
      const r = await hubspot.crm.associations.v4.schema.definitionsApi.createWithHttpInfo(
        'contacts',
        'companies',
        {
          label: 'Manager',
          inverseLabel: 'Employee',
          name: 'manager_employee',
        },
      );
      assert.equal(r.httpStatusCode, 200);
      const manager = r.data.results.find((x) => x.label === 'Manager')!;
      const employee = r.data.results.find((x) => x.label === 'Employee')!;
      assert.equal(employee.typeId, manager.typeId + 1);
      labelIds = { manager: manager.typeId, employee: employee.typeId };
    });

    it('definitionsApi.getAll lists it with the HubSpot-defined types', async () => {
      const r = await hubspot.crm.associations.v4.schema.definitionsApi.getAll('contacts', 'companies');
      const byId = new Map(r.results.map((x) => [`${x.category}:${x.typeId}`, x.label]));
      assert.equal(byId.get(`USER_DEFINED:${labelIds.manager}`), 'Manager');
      assert.equal(byId.get('HUBSPOT_DEFINED:279'), null);
      assert.equal(byId.get('HUBSPOT_DEFINED:1'), 'Contact with Primary Company');
    });

    it('uses the label through basicApi.create and sees both texts through getPage', async () => {
      const [contact] = await seedRecords(server, 'contacts', 1);
      const [company] = await seedRecords(server, 'companies', 1);
      const created = await hubspot.crm.associations.v4.basicApi.create(
        'contacts',
        contact!,
        'companies',
        company!,
        [{ associationCategory: 'USER_DEFINED' as any, associationTypeId: labelIds.manager }],
      );
      assert.deepEqual(created.labels, ['Manager']);
      const fromContact = await hubspot.crm.associations.v4.basicApi.getPage(
        'contacts',
        contact!,
        'companies',
      );
      assert.ok(fromContact.results[0]!.associationTypes.some((t) => t.label === 'Manager'));
      const fromCompany = await hubspot.crm.associations.v4.basicApi.getPage(
        'companies',
        company!,
        'contacts',
      );
      assert.ok(fromCompany.results[0]!.associationTypes.some((t) => t.label === 'Employee'));

      // In use: removal is refused until the association is gone.
      await assert.rejects(
        hubspot.crm.associations.v4.schema.definitionsApi.remove('contacts', 'companies', labelIds.manager),
        (e: any) => e.code === 400,
      );
      await hubspot.crm.associations.v4.basicApi.archive('contacts', contact!, 'companies', company!);
    });

    it('definitionsApi.update changes the text (204)', async () => {
      const r = await hubspot.crm.associations.v4.schema.definitionsApi.updateWithHttpInfo(
        'contacts',
        'companies',
        {
          associationTypeId: labelIds.manager,
          label: 'Boss',
        },
      );
      assert.equal(r.httpStatusCode, 204);
      const all = await hubspot.crm.associations.v4.schema.definitionsApi.getAll('contacts', 'companies');
      assert.ok(all.results.some((x) => x.typeId === labelIds.manager && x.label === 'Boss'));
    });

    it('DefinitionConfigurationsApi: batchCreate (201), getAll, batchUpdate (200), batchRemove (204)', async () => {
      const created = await limitsApi.batchCreateWithHttpInfo('contacts', 'companies', {
        inputs: [{ category: 'USER_DEFINED', typeId: labelIds.manager, maxToObjectIds: 1 }],
      });
      assert.equal(created.httpStatusCode, 201);
      assert.equal(created.data.results[0].userEnforcedMaxToObjectIds, 1);
      const all = await limitsApi.getAll();
      assert.deepEqual(
        all.results.map((x: any) => [x.category, x.typeId, x.userEnforcedMaxToObjectIds]),
        [['USER_DEFINED', labelIds.manager, 1]],
      );
      const pair = await limitsApi.getAllBetweenTwoObjectTypes('contacts', 'companies');
      assert.equal(pair.results.length, 1);
      const updated = await limitsApi.batchUpdateWithHttpInfo('contacts', 'companies', {
        inputs: [{ category: 'USER_DEFINED', typeId: labelIds.manager, maxToObjectIds: 2 }],
      });
      assert.equal(updated.httpStatusCode, 200);
      assert.equal(updated.data.results[0].userEnforcedMaxToObjectIds, 2);
      const removed = await limitsApi.batchRemoveWithHttpInfo('contacts', 'companies', {
        inputs: [{ category: 'USER_DEFINED', typeId: labelIds.manager }],
      });
      assert.equal(removed.httpStatusCode, 204);
      assert.deepEqual((await limitsApi.getAll()).results, []);
    });

    it('definitionsApi.remove deletes the pair (204)', async () => {
      const r = await hubspot.crm.associations.v4.schema.definitionsApi.removeWithHttpInfo(
        'contacts',
        'companies',
        labelIds.manager,
      );
      assert.equal(r.httpStatusCode, 204);
      const all = await hubspot.crm.associations.v4.schema.definitionsApi.getAll('companies', 'contacts');
      assert.ok(!all.results.some((x) => x.category === 'USER_DEFINED'));
    });
  });
}
