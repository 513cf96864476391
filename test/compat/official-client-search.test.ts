/**
 * CRM search through the official client: searchApi.doSearch of crm.contacts, crm.companies,
 * crm.deals, crm.tickets and crm.objects, with filters, sorts, paging and query, in both
 * client versions. The client accepts only the spec's exact status and shapes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OFFICIAL_CLIENTS, officialClient } from '../helpers/official-clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

for (const { version, module } of OFFICIAL_CLIENTS) {
  describe(`@hubspot/api-client ${version}: search`, () => {
    let server: TestServer;
    let hubspot: ReturnType<typeof officialClient>;

    before(async () => {
      server = await startTestServer();
      hubspot = officialClient(module, server.url);
    });
    after(() => server.close());

    it('crm.contacts: find-before-create by email, then page through a filtered search', async () => {
      const api = hubspot.crm.contacts;
      const byEmail = {
        filterGroups: [
          { filters: [{ propertyName: 'email', operator: 'EQ' as any, value: 'grace@example.com' }] },
        ],
        properties: ['email', 'firstname'],
        limit: 1,
        after: '0',
        sorts: [],
      };
      const before = await api.searchApi.doSearch(byEmail);
      assert.equal(before.total, 0);
      assert.deepEqual(before.results, []);
      const created = await api.basicApi.create({
        properties: { email: 'grace@example.com', firstname: 'Grace' },
        associations: [],
      });
      const after = await api.searchApi.doSearch(byEmail);
      assert.equal(after.total, 1);
      assert.equal(after.results[0]!.id, created.id);
      assert.equal(after.results[0]!.properties.firstname, 'Grace');
      assert.ok(after.results[0]!.createdAt instanceof Date);

      for (let i = 0; i < 5; i++)
        await api.basicApi.create({
          properties: { email: `p${i}@paging.test`, lastname: 'Pager' },
          associations: [],
        });
      const seen: string[] = [];
      let cursor: string | undefined = '0';
      while (cursor !== undefined) {
        const page = await api.searchApi.doSearch({
          filterGroups: [{ filters: [{ propertyName: 'lastname', operator: 'EQ' as any, value: 'pager' }] }],
          properties: ['email'],
          limit: 2,
          after: cursor,
          sorts: ['-createdate'],
        });
        assert.equal(page.total, 5);
        seen.push(...page.results.map((r) => r.properties.email!));
        cursor = page.paging?.next?.after;
      }
      assert.deepEqual(seen, [
        'p4@paging.test',
        'p3@paging.test',
        'p2@paging.test',
        'p1@paging.test',
        'p0@paging.test',
      ]);
    });

    it('crm.companies, crm.deals and crm.tickets: query, ranges and IN', async () => {
      const company = await hubspot.crm.companies.basicApi.create({
        properties: { name: 'Initech', domain: 'initech.test' },
        associations: [],
      });
      const companies = await hubspot.crm.companies.searchApi.doSearch({
        query: 'initech',
        filterGroups: [],
        properties: [],
        limit: 10,
        after: '0',
        sorts: [],
      });
      assert.deepEqual(
        companies.results.map((r) => r.id),
        [company.id],
      );
      assert.equal(companies.results[0]!.properties.domain, 'initech.test');

      for (const amount of ['50', '500', '5000'])
        await hubspot.crm.deals.basicApi.create({
          properties: { dealname: `D${amount}`, dealstage: 'appointmentscheduled', amount },
          associations: [],
        });
      const deals = await hubspot.crm.deals.searchApi.doSearch({
        filterGroups: [
          {
            filters: [
              { propertyName: 'amount', operator: 'BETWEEN' as any, value: '100', highValue: '5000' },
            ],
          },
        ],
        properties: ['amount'],
        limit: 10,
        after: '0',
        sorts: ['amount'],
      });
      assert.deepEqual(
        deals.results.map((r) => r.properties.amount),
        ['500', '5000'],
      );

      await hubspot.crm.tickets.basicApi.create({
        properties: {
          subject: 'Printer on fire',
          hs_pipeline: '0',
          hs_pipeline_stage: '1',
          hs_ticket_priority: 'HIGH',
        },
        associations: [],
      });
      const tickets = await hubspot.crm.tickets.searchApi.doSearch({
        filterGroups: [
          {
            filters: [
              { propertyName: 'hs_ticket_priority', operator: 'IN' as any, values: ['HIGH', 'MEDIUM'] },
            ],
          },
        ],
        properties: ['subject'],
        limit: 10,
        after: '0',
        sorts: [],
      });
      assert.equal(tickets.total, 1);
      assert.equal(tickets.results[0]!.properties.subject, 'Printer on fire');
    });

    it('crm.objects: any type by name, and the 400 for a bad filter', async () => {
      const found = await hubspot.crm.objects.searchApi.doSearch('contacts', {
        filterGroups: [
          { filters: [{ propertyName: 'email', operator: 'CONTAINS_TOKEN' as any, value: '*@paging.test' }] },
        ],
        properties: ['email'],
        limit: 100,
        after: '0',
        sorts: [],
      });
      assert.equal(found.total, 5);
      await assert.rejects(
        hubspot.crm.objects.searchApi.doSearch('deals', {
          filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'BETWEEN' as any, value: '1' }] }],
          properties: [],
          limit: 10,
          after: '0',
          sorts: [],
        }),
        (e: any) => {
          assert.equal(e.code, 400);
          assert.match(e.body.message, /operator BETWEEN requires a highValue/);
          return true;
        },
      );
    });
  });
}
