/**
 * Every method of the official client's associations v4 basicApi, batchApi and reportApi,
 * in both client versions, checked against what comes back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedLabel, seedRecords } from '../helpers/fixtures.js';
import { OFFICIAL_CLIENTS, officialClient } from '../helpers/official-clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const HUBSPOT_DEFINED = 'HUBSPOT_DEFINED' as any;
const USER_DEFINED = 'USER_DEFINED' as any;

for (const { version, module } of OFFICIAL_CLIENTS) {
  describe(`@hubspot/api-client ${version}: associations v4`, () => {
    let server: TestServer;
    let hubspot: ReturnType<typeof officialClient>;
    let contacts: string[];
    let companies: string[];

    before(async () => {
      server = await startTestServer();
      hubspot = officialClient(module, server.url);
      contacts = await seedRecords(server, 'contacts', 4);
      companies = await seedRecords(server, 'companies', 1105);
      await seedLabel(server, '0-1', '0-2', 301, 'Chief', 302, 'Employer of chief');
    });
    after(() => server.close());

    it('basicApi.create answers 201 with the labels', async () => {
      const r = await hubspot.crm.associations.v4.basicApi.createWithHttpInfo(
        'contact',
        contacts[0]!,
        'company',
        companies[0]!,
        [{ associationCategory: USER_DEFINED, associationTypeId: 301 }],
      );
      assert.equal(r.httpStatusCode, 201);
      assert.equal(r.data.fromObjectTypeId, '0-1');
      assert.equal(r.data.toObjectId, companies[0]);
      assert.deepEqual(r.data.labels, ['Chief']);
    });

    it('basicApi.getPage reads both sides, by name or by type ID', async () => {
      const forward = await hubspot.crm.associations.v4.basicApi.getPage('0-1', contacts[0]!, 'companies');
      assert.deepEqual(
        forward.results.map((r) => [r.toObjectId, r.associationTypes.map((t) => t.typeId)]),
        [[companies[0], [279, 301]]],
      );
      const reverse = await hubspot.crm.associations.v4.basicApi.getPage('company', companies[0]!, 'contact');
      assert.deepEqual(
        reverse.results[0]!.associationTypes.map((t) => ({ ...t })),
        [
          { category: 'HUBSPOT_DEFINED', typeId: 280, label: null },
          { category: 'USER_DEFINED', typeId: 302, label: 'Employer of chief' },
        ],
      );
      assert.equal(reverse.paging, undefined);
    });

    it('basicApi.archive answers 204 and the association is gone', async () => {
      const r = await hubspot.crm.associations.v4.basicApi.archiveWithHttpInfo(
        'contacts',
        contacts[0]!,
        'companies',
        companies[0]!,
      );
      assert.equal(r.httpStatusCode, 204);
      const page = await hubspot.crm.associations.v4.basicApi.getPage('contacts', contacts[0]!, 'companies');
      assert.deepEqual(page.results, []);
    });

    it('batchApi.createDefault associates 1,105 companies with one contact', async () => {
      const inputs = companies.map((id) => ({ _from: { id: contacts[1]! }, to: { id } }));
      const r = await hubspot.crm.associations.v4.batchApi.createDefault('contacts', 'companies', { inputs });
      assert.equal(r.status, 'COMPLETE');
      assert.equal(r.results.length, 2 * companies.length);
      assert.equal(r.numErrors, undefined);
    });

    it('basicApi.getPage walks more than 1,000 associations in pages of 500, and stops', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let after: string | undefined;
      do {
        const page = await hubspot.crm.associations.v4.basicApi.getPage(
          'contacts',
          contacts[1]!,
          'companies',
          after,
          500,
        );
        sizes.push(page.results.length);
        seen.push(...page.results.map((r) => String(r.toObjectId)));
        after = page.paging?.next?.after;
      } while (after);
      assert.deepEqual(sizes, [500, 500, 105]);
      assert.deepEqual(seen, companies);
    });

    it('batchApi.create answers 201, and 207 when an input fails', async () => {
      const api = hubspot.crm.associations.v4.batchApi;
      const ok = await api.createWithHttpInfo('contacts', 'companies', {
        inputs: [
          {
            _from: { id: contacts[2]! },
            to: { id: companies[1]! },
            types: [{ associationCategory: USER_DEFINED, associationTypeId: 301 }],
          },
        ],
      });
      assert.equal(ok.httpStatusCode, 201);
      assert.deepEqual(ok.data.results[0]!.labels, ['Chief']);
      const partial = await api.createWithHttpInfo('contacts', 'companies', {
        inputs: [
          {
            _from: { id: contacts[2]! },
            to: { id: companies[2]! },
            types: [{ associationCategory: HUBSPOT_DEFINED, associationTypeId: 1 }],
          },
          {
            _from: { id: contacts[2]! },
            to: { id: '404' },
            types: [{ associationCategory: HUBSPOT_DEFINED, associationTypeId: 1 }],
          },
        ],
      });
      assert.equal(partial.httpStatusCode, 207);
      assert.equal((partial.data as any).numErrors, 1);
      assert.deepEqual(partial.data.results[0]!.labels, ['Contact with Primary Company']);
    });

    it('batchApi.getPage (batch read) answers 200, and 207 for an input with nothing associated', async () => {
      const api = hubspot.crm.associations.v4.batchApi;
      const ok = await api.getPageWithHttpInfo('contacts', 'companies', { inputs: [{ id: contacts[2]! }] });
      assert.equal(ok.httpStatusCode, 200);
      assert.deepEqual(
        ok.data.results[0]!.to.map((t) => String(t.toObjectId)),
        [companies[1], companies[2]],
      );
      const partial = await api.getPageWithHttpInfo('contacts', 'companies', {
        inputs: [{ id: contacts[2]! }, { id: contacts[3]! }],
      });
      assert.equal(partial.httpStatusCode, 207);
      const errors = (partial.data as any).errors;
      assert.equal(errors[0].category, 'OBJECT_NOT_FOUND');
      assert.equal(errors[0].message, `No company is associated with contact ${contacts[3]}.`);
    });

    it('batch read pages each input with its own after', async () => {
      const api = hubspot.crm.associations.v4.batchApi;
      const first = await api.getPage('contacts', 'companies', { inputs: [{ id: contacts[1]! }] });
      assert.equal(first.results[0]!.to.length, 500);
      const after = first.results[0]!.paging?.next?.after;
      assert.ok(after);
      const second = await api.getPage('contacts', 'companies', { inputs: [{ id: contacts[1]!, after }] });
      assert.equal(String(second.results[0]!.to[0]!.toObjectId), companies[500]);
    });

    it('batchApi.archiveLabels answers 204 and keeps the association', async () => {
      const api = hubspot.crm.associations.v4.batchApi;
      const r = await api.archiveLabelsWithHttpInfo('contacts', 'companies', {
        inputs: [
          {
            _from: { id: contacts[2]! },
            to: { id: companies[1]! },
            types: [{ associationCategory: USER_DEFINED, associationTypeId: 301 }],
          },
        ],
      });
      assert.equal(r.httpStatusCode, 204);
      const read = await api.getPage('contacts', 'companies', { inputs: [{ id: contacts[2]! }] });
      assert.deepEqual(
        read.results[0]!.to[0]!.associationTypes.map((t) => t.typeId),
        [279],
      );
    });

    it('batchApi.archive answers 204 and removes everything', async () => {
      const api = hubspot.crm.associations.v4.batchApi;
      const r = await api.archiveWithHttpInfo('contacts', 'companies', {
        inputs: [{ _from: { id: contacts[2]! }, to: [{ id: companies[1]! }, { id: companies[2]! }] }],
      });
      assert.equal(r.httpStatusCode, 204);
      const read = await api.getPageWithHttpInfo('contacts', 'companies', { inputs: [{ id: contacts[2]! }] });
      assert.equal(read.httpStatusCode, 207);
    });

    it('reportApi.request answers 200 ReportCreationResponse', async () => {
      const r = await hubspot.crm.associations.v4.reportApi.requestWithHttpInfo(7);
      assert.equal(r.httpStatusCode, 200);
      assert.equal(r.data.userId, 7);
      assert.equal(typeof r.data.userEmail, 'string');
    });
  });
}
