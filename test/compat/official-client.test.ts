/**
 * The foundation scenario through @hubspot/api-client, as a HubSpot developer would run it:
 * create records, then associate them with the default association.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OFFICIAL_CLIENTS, officialClient } from '../helpers/official-clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

for (const { version, module } of OFFICIAL_CLIENTS) {
  describe(`@hubspot/api-client ${version}: records and default associations`, () => {
    let server: TestServer;
    let hubspot: ReturnType<typeof officialClient>;
    const ids: Record<string, string> = {};

    before(async () => {
      server = await startTestServer();
      hubspot = officialClient(module, server.url);
    });
    after(() => server.close());

    it('creates a contact, a company, a deal and a ticket', async () => {
      const contact = await hubspot.crm.contacts.basicApi.create({
        properties: { email: 'ada@example.com' },
        associations: [],
      });
      const company = await hubspot.crm.companies.basicApi.create({
        properties: { name: 'Acme' },
        associations: [],
      });
      const deal = await hubspot.crm.objects.basicApi.create('deals', {
        properties: { dealname: 'Big', dealstage: 'appointmentscheduled' },
        associations: [],
      });
      const ticket = await hubspot.crm.objects.basicApi.create('tickets', {
        properties: { subject: 'Help' },
        associations: [],
      });
      for (const record of [contact, company, deal, ticket]) {
        assert.equal(typeof record.id, 'string');
        assert.ok(Number(record.id) > 2 ** 31, 'IDs are above 2^31');
        assert.ok(record.createdAt instanceof Date && !Number.isNaN(record.createdAt.getTime()));
        assert.equal(record.archived, false);
        assert.equal(record.properties.hs_object_id, record.id);
        assert.ok(record.properties.createdate && record.properties.lastmodifieddate);
      }
      Object.assign(ids, { contact: contact.id, company: company.id, deal: deal.id, ticket: ticket.id });

      const read = await hubspot.crm.contacts.basicApi.getById(contact.id);
      assert.equal(read.properties.email, 'ada@example.com');
    });

    const cases = [
      { from: 'contacts', fromKey: 'contact', to: 'companies', toKey: 'company', forward: 279, reverse: 280 },
      { from: 'deals', fromKey: 'deal', to: 'contacts', toKey: 'contact', forward: 3, reverse: 4 },
      { from: 'tickets', fromKey: 'ticket', to: 'companies', toKey: 'company', forward: 339, reverse: 340 },
    ];
    for (const c of cases) {
      it(`createDefault ${c.from} → ${c.to} gives ${c.forward}/${c.reverse}`, async () => {
        const r = await hubspot.crm.associations.v4.basicApi.createDefault(
          c.from,
          ids[c.fromKey]!,
          c.to,
          ids[c.toKey]!,
        );
        assert.equal(r.status, 'COMPLETE');
        assert.ok(r.startedAt instanceof Date && !Number.isNaN(r.startedAt.getTime()));
        assert.ok(r.completedAt instanceof Date && !Number.isNaN(r.completedAt.getTime()));
        assert.deepEqual(
          r.results.map((x) => [
            x._from.id,
            x.to.id,
            x.associationSpec.associationCategory,
            x.associationSpec.associationTypeId,
          ]),
          [
            [ids[c.fromKey], ids[c.toKey], 'HUBSPOT_DEFINED', c.forward],
            [ids[c.toKey], ids[c.fromKey], 'HUBSPOT_DEFINED', c.reverse],
          ],
        );
      });
    }

    it('sees a missing record as an ApiException with the 400 envelope', async () => {
      await assert.rejects(
        hubspot.crm.associations.v4.basicApi.createDefault('contacts', ids.contact!, 'companies', '999'),
        (error: any) => {
          assert.equal(error.code, 400);
          assert.equal(error.body.category, 'VALIDATION_ERROR');
          assert.deepEqual(error.body.context, { INVALID_OBJECT_IDS: ['COMPANY=999 is not valid'] });
          return true;
        },
      );
    });

    it('sees a missing record as a 404 OBJECT_NOT_FOUND', async () => {
      await assert.rejects(hubspot.crm.contacts.basicApi.getById('999'), (error: any) => {
        assert.equal(error.code, 404);
        assert.equal(error.body.category, 'OBJECT_NOT_FOUND');
        return true;
      });
    });
  });
}
