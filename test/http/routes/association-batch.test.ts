/**
 * The batch endpoints in every path family, with each family's status codes
 * (decisions D1, D14–D16).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedLabel, seedRecords } from '../../helpers/fixtures.js';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const FAMILIES = [
  { prefix: '/crm/v4/associations', createOk: 201, createPartial: 207, readPartial: 207, removal: 204 },
  { prefix: '/crm/associations/2025-09', createOk: 201, createPartial: 207, readPartial: 207, removal: 200 },
  { prefix: '/crm/associations/2026-03', createOk: 201, createPartial: 207, readPartial: 207, removal: 200 },
  { prefix: '/crm/associations/2026-09', createOk: 200, createPartial: 200, readPartial: 200, removal: 200 },
];

const spec = (associationCategory: string, associationTypeId: number) => ({
  associationCategory,
  associationTypeId,
});

describe('association batch endpoints', () => {
  let server: TestServer;
  let api: Client;
  let deals: string[];
  let contacts: string[];

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    deals = await seedRecords(server, 'deals', 8);
    contacts = await seedRecords(server, 'contacts', 8);
    await seedLabel(server, '0-3', '0-1', 201, 'Decision maker', 202, 'Decides deal');
  });
  after(() => server.close());

  for (const [index, family] of FAMILIES.entries()) {
    describe(family.prefix, () => {
      const deal = () => deals[index * 2]!;
      const otherDeal = () => deals[index * 2 + 1]!;

      it('batch/associate/default answers 200 with both directions of every pair', async () => {
        const r = await api.post(`${family.prefix}/deals/contacts/batch/associate/default`, {
          inputs: [
            { from: { id: deal() }, to: { id: contacts[0] } },
            { from: { id: Number(deal()) }, to: { id: Number(contacts[1]) } },
          ],
        });
        assert.equal(r.status, 200);
        assert.equal(r.body.status, 'COMPLETE');
        assert.deepEqual(
          r.body.results.map((x: any) => [x.from.id, x.to.id, x.associationSpec.associationTypeId]),
          [
            [deal(), contacts[0], 3],
            [contacts[0], deal(), 4],
            [deal(), contacts[1], 3],
            [contacts[1], deal(), 4],
          ],
        );
        assert.equal(r.body.numErrors, undefined);
      });

      it('batch/associate/default reports a missing record in a 200 body and applies the rest', async () => {
        const r = await api.post(`${family.prefix}/deals/contacts/batch/associate/default`, {
          inputs: [
            { from: { id: deal() }, to: { id: '404' } },
            { from: { id: deal() }, to: { id: contacts[2] } },
          ],
        });
        assert.equal(r.status, 200);
        assert.equal(r.body.numErrors, 1);
        assert.deepEqual(r.body.errors[0], {
          status: 'error',
          category: 'VALIDATION_ERROR',
          message: 'One or more associations are invalid',
          context: { INVALID_OBJECT_IDS: ['CONTACT=404 is not valid'] },
          errors: [],
          links: {},
        });
        assert.equal(r.body.results.length, 2);
      });

      it(`batch/create answers ${family.createOk} with the labels now on each pair`, async () => {
        const r = await api.post(`${family.prefix}/deals/contacts/batch/create`, {
          inputs: [{ from: { id: deal() }, to: { id: contacts[0] }, types: [spec('USER_DEFINED', 201)] }],
        });
        assert.equal(r.status, family.createOk);
        assert.deepEqual(r.body.results, [
          {
            fromObjectTypeId: '0-3',
            fromObjectId: deal(),
            toObjectTypeId: '0-1',
            toObjectId: contacts[0],
            labels: ['Decision maker'],
          },
        ]);
      });

      it(`batch/create answers ${family.createPartial} when some inputs fail, applying the good ones`, async () => {
        const r = await api.post(`${family.prefix}/deals/contacts/batch/create`, {
          inputs: [
            { from: { id: otherDeal() }, to: { id: contacts[3] }, types: [spec('USER_DEFINED', 201)] },
            { from: { id: otherDeal() }, to: { id: '404' }, types: [spec('USER_DEFINED', 201)] },
            { from: { id: otherDeal() }, to: { id: contacts[4] }, types: [spec('USER_DEFINED', 999)] },
          ],
        });
        assert.equal(r.status, family.createPartial);
        assert.equal(r.body.numErrors, 2);
        assert.deepEqual(
          r.body.results.map((x: any) => x.toObjectId),
          [contacts[3]],
        );
        assert.deepEqual(r.body.errors[0].context, { INVALID_OBJECT_IDS: ['CONTACT=404 is not valid'] });
        assert.ok(r.body.errors[1].context.INVALID_ASSOCIATION_TYPE_ID);
        const read = await api.get(`/crm/v4/objects/contacts/${contacts[4]}/associations/deals`);
        assert.ok(
          !read.body.results.some((x: any) => x.toObjectId === otherDeal()),
          'the failed input wrote nothing',
        );
      });

      it(`batch/read answers ${family.readPartial} with NO_ASSOCIATIONS_FOUND for inputs with nothing associated`, async () => {
        const r = await api.post(`${family.prefix}/deals/contacts/batch/read`, {
          inputs: [{ id: deal() }, { id: '515690208449' }],
        });
        assert.equal(r.status, family.readPartial);
        assert.equal(r.body.results.length, 1);
        assert.equal(r.body.results[0].from.id, deal());
        assert.deepEqual(
          r.body.results[0].to.map((t: any) => t.toObjectId),
          [contacts[0], contacts[1], contacts[2]],
        );
        assert.deepEqual(r.body.results[0].to[0].associationTypes, [
          { category: 'HUBSPOT_DEFINED', typeId: 3, label: null },
          { category: 'USER_DEFINED', typeId: 201, label: 'Decision maker' },
        ]);
        assert.equal(r.body.numErrors, 1);
        const error = r.body.errors[0];
        assert.equal(error.status, 'error');
        assert.equal(error.category, 'OBJECT_NOT_FOUND');
        assert.equal(error.message, 'No contact is associated with deal 515690208449.');
        assert.deepEqual(error.context, {
          fromObjectId: ['515690208449'],
          fromObjectType: ['deal'],
          toObjectType: ['contact'],
        });
        // HubSpot's captured 207 carries the sub-category on the item itself.
        assert.equal(error.subCategory, 'crm.associations.NO_ASSOCIATIONS_FOUND');
        assert.deepEqual(error.errors, []);
      });

      it('batch/read answers 200 when every input has associations', async () => {
        const r = await api.post(`${family.prefix}/deals/contacts/batch/read`, { inputs: [{ id: deal() }] });
        assert.equal(r.status, 200);
        assert.equal(r.body.errors, undefined);
      });

      it('batch/labels/archive removes a label and keeps the association', async () => {
        const r = await api.post(`${family.prefix}/deals/contacts/batch/labels/archive`, {
          inputs: [{ from: { id: deal() }, to: { id: contacts[0] }, types: [spec('USER_DEFINED', 201)] }],
        });
        assert.equal(r.status, family.removal);
        if (family.removal === 204) assert.equal(r.text, '');
        else assert.deepEqual([r.body.status, r.body.results], ['COMPLETE', []]);
        const list = await api.get(`/crm/v4/objects/deals/${deal()}/associations/contacts`);
        assert.deepEqual(list.body.results[0].associationTypes, [
          { category: 'HUBSPOT_DEFINED', typeId: 3, label: null },
        ]);
        const reverse = await api.get(`/crm/v4/objects/contacts/${contacts[0]}/associations/deals`);
        const types = reverse.body.results.find((x: any) => x.toObjectId === deal()).associationTypes;
        assert.deepEqual(types, [{ category: 'HUBSPOT_DEFINED', typeId: 4, label: null }]);
      });

      it('batch/labels/archive of the unlabeled type removes everything between the pair', async () => {
        await api.post(`${family.prefix}/deals/contacts/batch/create`, {
          inputs: [{ from: { id: deal() }, to: { id: contacts[1] }, types: [spec('USER_DEFINED', 201)] }],
        });
        const r = await api.post(`${family.prefix}/deals/contacts/batch/labels/archive`, {
          inputs: [{ from: { id: deal() }, to: { id: contacts[1] }, types: [spec('HUBSPOT_DEFINED', 3)] }],
        });
        assert.equal(r.status, family.removal);
        const list = await api.get(`/crm/v4/objects/contacts/${contacts[1]}/associations/deals`);
        assert.ok(!list.body.results.some((x: any) => x.toObjectId === deal()));
      });

      it('batch/labels/archive rejects an undefined type whole, writing nothing', async () => {
        const r = await api.post(`${family.prefix}/deals/contacts/batch/labels/archive`, {
          inputs: [
            { from: { id: deal() }, to: { id: contacts[2] }, types: [spec('HUBSPOT_DEFINED', 3)] },
            { from: { id: deal() }, to: { id: contacts[2] }, types: [spec('USER_DEFINED', 999)] },
          ],
        });
        assert.equal(r.status, 400);
        const list = await api.get(`/crm/v4/objects/deals/${deal()}/associations/contacts`);
        assert.ok(list.body.results.some((x: any) => x.toObjectId === contacts[2]));
      });

      it('batch/archive removes all types between each from and its to list', async () => {
        const r = await api.post(`${family.prefix}/deals/contacts/batch/archive`, {
          inputs: [{ from: { id: deal() }, to: [{ id: contacts[0] }, { id: contacts[2] }, { id: '404' }] }],
        });
        assert.equal(r.status, family.removal);
        const list = await api.get(`/crm/v4/objects/deals/${deal()}/associations/contacts`);
        assert.deepEqual(list.body.results, []);
      });

      it('usage/high-usage-report answers the ReportCreationResponse shape', async () => {
        const r = await api.post(`${family.prefix}/usage/high-usage-report/42`);
        assert.equal(r.status, 200);
        assert.equal(r.body.userId, 42);
        assert.equal(typeof r.body.userEmail, 'string');
        assert.deepEqual(Object.keys(r.body.enqueueTime).sort(), ['dateOnly', 'timeZoneShift', 'value']);
        const millis = family.prefix.endsWith('2026-09')
          ? r.body.enqueueTime.value * 1000
          : r.body.enqueueTime.value;
        assert.ok(
          Math.abs(millis - Date.now()) < 60_000,
          'epoch milliseconds, or seconds where the spec is int32',
        );
      });
    });
  }
});

describe('batch input limits', () => {
  let server: TestServer;
  let api: Client;
  let contacts: string[];
  let company: string;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    contacts = await seedRecords(server, 'contacts', 3);
    company = (await seedRecords(server, 'companies', 1))[0]!;
  });
  after(() => server.close());

  it('batch/read takes 1,000 inputs and refuses 1,001', async () => {
    const ok = await api.post('/crm/v4/associations/contacts/companies/batch/read', {
      inputs: Array.from({ length: 1000 }, (_, i) => ({ id: String(i + 1) })),
    });
    assert.equal(ok.status, 207);
    assert.equal(ok.body.numErrors, 1000);
    const over = await api.post('/crm/v4/associations/contacts/companies/batch/read', {
      inputs: Array.from({ length: 1001 }, (_, i) => ({ id: String(i + 1) })),
    });
    assert.equal(over.status, 400);
    assert.equal(over.body.category, 'VALIDATION_ERROR');
    assert.match(over.body.message, /at most 1,000 inputs per request, got 1,001/);
  });

  it('batch/create takes 2,000 inputs and refuses 2,001 without writing any', async () => {
    const input = { from: { id: contacts[0] }, to: { id: company }, types: [spec('HUBSPOT_DEFINED', 279)] };
    const over = await api.post('/crm/v4/associations/contacts/companies/batch/create', {
      inputs: Array.from({ length: 2001 }, () => input),
    });
    assert.equal(over.status, 400);
    assert.match(over.body.message, /at most 2,000 inputs/);
    const list = await api.get(`/crm/v4/objects/contacts/${contacts[0]}/associations/companies`);
    assert.deepEqual(list.body.results, [], 'nothing was written');
    const ok = await api.post('/crm/v4/associations/contacts/companies/batch/create', {
      inputs: Array.from({ length: 2000 }, () => input),
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.results.length, 2000);
  });

  it('the other batch endpoints refuse 2,001 inputs', async () => {
    const pair = { from: { id: contacts[1] }, to: { id: company } };
    for (const [path, input] of [
      ['batch/associate/default', pair],
      ['batch/archive', { from: pair.from, to: [pair.to] }],
      ['batch/labels/archive', { ...pair, types: [spec('HUBSPOT_DEFINED', 279)] }],
    ] as const) {
      const r = await api.post(`/crm/v4/associations/contacts/companies/${path}`, {
        inputs: Array.from({ length: 2001 }, () => input),
      });
      assert.equal(r.status, 400, path);
    }
  });

  it('rejects a malformed batch whole', async () => {
    const r = await api.post('/crm/v4/associations/contacts/companies/batch/associate/default', {
      inputs: [
        { from: { id: contacts[2] }, to: { id: company } },
        { from: { id: 'x' }, to: { id: company } },
      ],
    });
    assert.equal(r.status, 400);
    const list = await api.get(`/crm/v4/objects/contacts/${contacts[2]}/associations/companies`);
    assert.deepEqual(list.body.results, []);
    assert.equal(
      (await api.post('/crm/v4/associations/contacts/companies/batch/read', { inputs: 'x' })).status,
      400,
    );
    assert.equal((await api.post('/crm/v4/associations/contacts/companies/batch/read', {})).status, 400);
  });
});
