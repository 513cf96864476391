/**
 * The CRM's own schema through the official client: crm.properties (coreApi, batchApi,
 * groupsApi), crm.pipelines (pipelinesApi, pipelineStagesApi) and crm.owners.ownersApi.
 * Every response is checked against its spec by the test server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client } from '../helpers/http.js';
import { OFFICIAL_CLIENTS, officialClient } from '../helpers/official-clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

for (const { version, module } of OFFICIAL_CLIENTS) {
  describe(`@hubspot/api-client ${version}: properties, pipelines, owners`, () => {
    let server: TestServer;
    let hubspot: ReturnType<typeof officialClient>;

    before(async () => {
      server = await startTestServer();
      hubspot = officialClient(module, server.url);
    });
    after(() => server.close());

    it('crm.properties coreApi, batchApi and groupsApi', async () => {
      const { coreApi, batchApi, groupsApi } = hubspot.crm.properties;
      const all = await coreApi.getAll('contacts');
      assert.ok(all.results.some((p) => p.name === 'email' && p.type === 'string'));
      const group = await groupsApi.create('contacts', {
        name: 'loyalty',
        label: 'Loyalty',
        displayOrder: 1,
      });
      assert.equal(group.name, 'loyalty');
      assert.ok((await groupsApi.getAll('contacts')).results.some((g) => g.name === 'loyalty'));
      assert.equal(
        (await groupsApi.update('contacts', 'loyalty', { label: 'Loyalty program' })).label,
        'Loyalty program',
      );
      const created = await coreApi.create('contacts', {
        name: 'tier',
        label: 'Tier',
        type: 'enumeration' as never,
        fieldType: 'select' as never,
        groupName: 'loyalty',
        options: [
          { label: 'Gold', value: 'gold', hidden: false, displayOrder: 0 },
          { label: 'Silver', value: 'silver', hidden: false, displayOrder: 1 },
        ],
      });
      assert.equal(created.name, 'tier');
      assert.equal((await coreApi.getByName('contacts', 'tier')).options.length, 2);
      assert.equal(
        (await coreApi.update('contacts', 'tier', { label: 'Loyalty tier' })).label,
        'Loyalty tier',
      );
      const batch = await batchApi.create('contacts', {
        inputs: [
          {
            name: 'points',
            label: 'Points',
            type: 'number' as never,
            fieldType: 'number' as never,
            groupName: 'loyalty',
          },
        ],
      });
      assert.equal(batch.results[0]!.name, 'points');
      const read = await batchApi.read('contacts', {
        archived: false,
        inputs: [{ name: 'points' }, { name: 'tier' }],
      });
      assert.equal(read.results.length, 2);
      const contact = await hubspot.crm.contacts.basicApi.create({
        properties: { tier: 'gold', points: '12' },
        associations: [],
      });
      assert.equal(contact.properties.tier, 'gold');
      await assert.rejects(
        hubspot.crm.contacts.basicApi.create({ properties: { tier: 'bronze' }, associations: [] }),
        (e: any) => e.code === 400 && e.body.category === 'VALIDATION_ERROR',
      );
      await batchApi.archive('contacts', { inputs: [{ name: 'points' }] });
      await coreApi.archive('contacts', 'tier');
      await groupsApi.archive('contacts', 'loyalty');
      await assert.rejects(coreApi.getByName('contacts', 'tier'), (e: any) => e.code === 404);
    });

    it('crm.pipelines pipelinesApi and pipelineStagesApi, with deal writes validated against them', async () => {
      const { pipelinesApi, pipelineStagesApi } = hubspot.crm.pipelines;
      const deals = await pipelinesApi.getAll('deals');
      const sales = deals.results.find((p) => p.id === 'default')!;
      assert.deepEqual(
        sales.stages.map((s) => [s.id, s.metadata!.probability]),
        [
          ['appointmentscheduled', '0.2'],
          ['qualifiedtobuy', '0.4'],
          ['presentationscheduled', '0.6'],
          ['decisionmakerboughtin', '0.8'],
          ['contractsent', '0.9'],
          ['closedwon', '1.0'],
          ['closedlost', '0.0'],
        ],
      );
      const tickets = await pipelinesApi.getById('tickets', '0');
      assert.deepEqual(
        tickets.stages.map((s) => s.id),
        ['1', '2', '3', '4'],
      );
      const created = await pipelinesApi.create('deals', {
        label: 'Partners',
        displayOrder: 1,
        stages: [
          { label: 'Intro', displayOrder: 0, metadata: { probability: '0.1' } },
          { label: 'Signed', displayOrder: 1, metadata: { probability: '1.0' } },
        ],
      });
      const [intro, signed] = created.stages;
      const stage = await pipelineStagesApi.create('deals', created.id, {
        label: 'Review',
        displayOrder: 2,
        metadata: { probability: '0.5' },
      });
      assert.equal((await pipelineStagesApi.getAll('deals', created.id)).results.length, 3);
      assert.equal(
        (
          await pipelineStagesApi.update('deals', created.id, stage.id, {
            label: 'Legal review',
            metadata: {},
          })
        ).label,
        'Legal review',
      );
      await pipelineStagesApi.archive('deals', created.id, stage.id);
      const deal = await hubspot.crm.deals.basicApi.create({
        properties: { dealname: 'P', pipeline: created.id, dealstage: intro!.id },
        associations: [],
      });
      assert.equal(deal.properties.dealstage, intro!.id);
      await assert.rejects(
        hubspot.crm.deals.basicApi.create({
          properties: { dealname: 'Q', pipeline: created.id, dealstage: 'closedwon' },
          associations: [],
        }),
        (e: any) => e.code === 400 && e.body.message.includes('"error":"INVALID_OPTION","name":"dealstage"'),
      );
      await assert.rejects(
        pipelineStagesApi.archive('deals', created.id, intro!.id),
        (e: any) => e.code === 400,
      );
      assert.equal((await pipelineStagesApi.getById('deals', created.id, signed!.id)).label, 'Signed');
      assert.equal(
        (await pipelinesApi.update('deals', created.id, { label: 'Partner deals' })).label,
        'Partner deals',
      );
      const audit = await hubspot.crm.pipelines.pipelineAuditsApi.getAudit('deals', created.id);
      assert.ok(audit.results.length >= 4);
      await assert.rejects(pipelinesApi.archive('deals', created.id), (e: any) => e.code === 400);
      await hubspot.crm.deals.basicApi.archive(deal.id);
      await pipelinesApi.archive('deals', created.id);
      await assert.rejects(pipelinesApi.getById('deals', created.id), (e: any) => e.code === 404);
    });

    it('crm.owners ownersApi, with owners made through the admin API and hubspot_owner_id validated', async () => {
      const admin = client(server.url);
      const made = await admin.post('/_spoke/portals/4680000/owners', {
        email: 'olga@example.com',
        firstName: 'Olga',
        lastName: 'Owner',
        userId: 77,
        teams: [{ id: '5', name: 'Sales', primary: true }],
      });
      assert.equal(made.status, 201);
      await admin.post('/_spoke/portals/4680000/owners', { email: 'pat@example.com' });
      const page = await hubspot.crm.owners.ownersApi.getPage(undefined, undefined, 1);
      assert.equal(page.results.length, 1);
      assert.ok(page.paging?.next?.after);
      const next = await hubspot.crm.owners.ownersApi.getPage(undefined, page.paging!.next!.after, 1);
      assert.equal(next.results[0]!.email, 'pat@example.com');
      const byEmail = await hubspot.crm.owners.ownersApi.getPage('olga@example.com');
      assert.equal(byEmail.results[0]!.id, made.body.id);
      const me = await hubspot.crm.owners.ownersApi.getById(77, 'userId');
      assert.equal(me.id, made.body.id);
      assert.equal(me.teams![0]!.name, 'Sales');
      const contact = await hubspot.crm.contacts.basicApi.create({
        properties: { email: 'owned@example.com', hubspot_owner_id: made.body.id },
        associations: [],
      });
      assert.equal(contact.properties.hubspot_owner_id, made.body.id);
      await assert.rejects(
        hubspot.crm.contacts.basicApi.create({ properties: { hubspot_owner_id: '999' }, associations: [] }),
        (e: any) => e.code === 400 && e.body.message.includes('hubspot_owner_id'),
      );
    });
  });
}
