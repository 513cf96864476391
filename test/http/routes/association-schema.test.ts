/**
 * The associations schema API: labels and limits (decisions D17–D20), and limits
 * enforced on every write path.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedRecords } from '../../helpers/fixtures.js';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const SCHEMA_PREFIXES = [
  '/crm/v4/associations',
  '/crm/associations/v4',
  '/crm/associations/2025-09',
  '/crm/associations/2026-03',
  '/crm/associations/2026-09',
];

describe('labels', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('GET lists HubSpot-defined types with the Primary text, and nothing else on a new portal', async () => {
    const r = await api.get('/crm/v4/associations/contacts/companies/labels');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.results, [
      { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Contact with Primary Company' },
      { category: 'HUBSPOT_DEFINED', typeId: 931, label: 'Billing contact' },
      { category: 'HUBSPOT_DEFINED', typeId: 279, label: null },
    ]);
    const deals = await api.get('/crm/v4/associations/deal/contact/labels');
    assert.deepEqual(deals.body.results, [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }]);
  });

  it('creates a paired label with two IDs, the lower one on the requested direction', async () => {
    const r = await api.post('/crm/v4/associations/contacts/companies/labels', {
      label: 'Manager',
      inverseLabel: 'Employer',
      name: 'manager_employer',
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.results, [
      { category: 'USER_DEFINED', typeId: 1, label: 'Manager' },
      { category: 'USER_DEFINED', typeId: 2, label: 'Employer' },
    ]);
    const forward = await api.get('/crm/v4/associations/contacts/companies/labels');
    assert.deepEqual(
      forward.body.results.map((x: any) => [x.typeId, x.label]),
      [
        [1, 'Contact with Primary Company'],
        [931, 'Billing contact'],
        [1, 'Manager'],
        [279, null],
      ],
    );
    const reverse = await api.get('/crm/associations/2026-03/companies/contacts/labels');
    assert.ok(
      reverse.body.results.some(
        (x: any) => x.category === 'USER_DEFINED' && x.typeId === 2 && x.label === 'Employer',
      ),
    );
  });

  it('gives a single label between two types an ID per direction, with the same text', async () => {
    const r = await api.post('/crm/associations/v4/deals/contacts/labels', {
      label: 'Decision maker',
      name: 'decision_maker',
    });
    assert.deepEqual(r.body.results, [
      { category: 'USER_DEFINED', typeId: 3, label: 'Decision maker' },
      { category: 'USER_DEFINED', typeId: 4, label: 'Decision maker' },
    ]);
  });

  it('gives a label between a type and itself one ID, or two with an inverse', async () => {
    const single = await api.post('/crm/v4/associations/contacts/contacts/labels', {
      label: 'Colleague',
      name: 'colleague',
    });
    assert.deepEqual(single.body.results, [{ category: 'USER_DEFINED', typeId: 5, label: 'Colleague' }]);
    const paired = await api.post('/crm/v4/associations/contacts/contacts/labels', {
      label: 'Manager',
      inverseLabel: 'Report',
      name: 'manager_report',
    });
    assert.deepEqual(
      paired.body.results.map((x: any) => [x.typeId, x.label]),
      [
        [6, 'Manager'],
        [7, 'Report'],
      ],
    );
  });

  it('is served under every schema prefix', async () => {
    for (const prefix of SCHEMA_PREFIXES) {
      const r = await api.get(`${prefix}/contacts/companies/labels`);
      assert.equal(r.status, 200, prefix);
      assert.ok(
        r.body.results.some((x: any) => x.label === 'Manager'),
        prefix,
      );
    }
  });

  it('refuses bad names, and a duplicate name with 409', async () => {
    for (const name of ['1st', 'has-hyphen', '']) {
      const r = await api.post('/crm/v4/associations/contacts/companies/labels', { label: 'X', name });
      assert.equal(r.status, 400, name);
      assert.equal(r.body.category, 'VALIDATION_ERROR');
    }
    const duplicate = await api.post('/crm/v4/associations/companies/contacts/labels', {
      label: 'Other',
      name: 'manager_employer',
    });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.category, 'CONFLICT');
    assert.match(duplicate.body.message, /manager_employer/);
    assert.equal(
      (await api.post('/crm/v4/associations/contacts/companies/labels', { name: 'no_label' })).status,
      400,
    );
  });

  it('refuses the 11th label on a pair', async () => {
    for (let i = 1; i <= 9; i++) {
      const r = await api.post('/crm/v4/associations/tickets/companies/labels', {
        label: `L${i}`,
        name: `l${i}`,
      });
      assert.equal(r.status, 200);
    }
    const tenth = await api.post('/crm/v4/associations/companies/tickets/labels', {
      label: 'L10',
      name: 'l10',
    });
    assert.equal(tenth.status, 200);
    const eleventh = await api.post('/crm/v4/associations/tickets/companies/labels', {
      label: 'L11',
      name: 'l11',
    });
    assert.equal(eleventh.status, 400);
    assert.match(eleventh.body.message, /at most 10 association labels/);
  });

  it('updates only the texts (204), both sides of a pair', async () => {
    const r = await api.put('/crm/v4/associations/contacts/companies/labels', {
      associationTypeId: 1,
      label: 'Boss',
      inverseLabel: 'Company of boss',
    });
    assert.equal(r.status, 204);
    const forward = await api.get('/crm/v4/associations/contacts/companies/labels');
    assert.ok(
      forward.body.results.some(
        (x: any) => x.category === 'USER_DEFINED' && x.typeId === 1 && x.label === 'Boss',
      ),
    );
    const reverse = await api.get('/crm/v4/associations/companies/contacts/labels');
    assert.ok(reverse.body.results.some((x: any) => x.typeId === 2 && x.label === 'Company of boss'));
  });

  it('refuses to change or delete HubSpot-defined types, and 404s unknown labels', async () => {
    const update = await api.put('/crm/v4/associations/contacts/companies/labels', {
      associationTypeId: 279,
      label: 'X',
    });
    assert.equal(update.status, 400);
    const remove = await api.delete('/crm/v4/associations/contacts/companies/labels/1');
    assert.equal(remove.status, 204, 'USER_DEFINED 1 is the portal label, not HubSpot Primary 1');
    const builtIn = await api.delete('/crm/v4/associations/contacts/companies/labels/279');
    assert.equal(builtIn.status, 400);
    assert.match(builtIn.body.message, /HubSpot-defined types cannot be changed or deleted/);
    const unknown = await api.delete('/crm/v4/associations/contacts/companies/labels/777');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.category, 'OBJECT_NOT_FOUND');
  });

  it('deletes both IDs of a pair, refusing while the label is in use', async () => {
    const [deal] = await seedRecords(server, 'deals', 1);
    const [contact] = await seedRecords(server, 'contacts', 1);
    await api.put(`/crm/v4/objects/deals/${deal}/associations/contacts/${contact}`, [
      { associationCategory: 'USER_DEFINED', associationTypeId: 3 },
    ]);
    // Deleting from the other direction, by the inverse ID.
    const inUse = await api.delete('/crm/v4/associations/contacts/deals/labels/4');
    assert.equal(inUse.status, 400);
    assert.match(inUse.body.message, /still in use/);
    await api.delete(`/crm/v4/objects/deals/${deal}/associations/contacts/${contact}`);
    assert.equal((await api.delete('/crm/v4/associations/contacts/deals/labels/4')).status, 204);
    const left = await api.get('/crm/v4/associations/deals/contacts/labels');
    assert.deepEqual(left.body.results, [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }]);
  });

  it('refuses labels between types that cannot be associated', async () => {
    const r = await api.post('/crm/v4/associations/products/contacts/labels', { label: 'X', name: 'x' });
    assert.equal(r.status, 400);
  });
});

describe('limits', () => {
  let server: TestServer;
  let api: Client;
  const configs = '/crm/v4/associations/definitions/configurations';

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    await api.post('/crm/v4/associations/deals/contacts/labels', { label: 'Signer', name: 'signer' });
  });
  after(() => server.close());

  it('creates limits (201) and lists the configured ones only', async () => {
    const r = await api.post(`${configs}/deals/contacts/batch/create`, {
      inputs: [
        { category: 'HUBSPOT_DEFINED', typeId: 3, maxToObjectIds: 5 },
        { category: 'USER_DEFINED', typeId: 1, maxToObjectIds: 2 },
      ],
    });
    assert.equal(r.status, 201);
    assert.deepEqual(r.body.results, [
      { category: 'HUBSPOT_DEFINED', typeId: 3, label: null, userEnforcedMaxToObjectIds: 5 },
      { category: 'USER_DEFINED', typeId: 1, label: 'Signer', userEnforcedMaxToObjectIds: 2 },
    ]);
    const all = await api.get(`${configs}/all`);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.results.map((x: any) => [x.typeId, x.userEnforcedMaxToObjectIds]),
      [
        [3, 5],
        [1, 2],
      ],
    );
    const pair = await api.get(`${configs}/deals/contacts`);
    assert.equal(pair.body.results.length, 2);
    const other = await api.get(`${configs}/contacts/deals`);
    assert.deepEqual(other.body.results, []);
  });

  it('validates the range: 1 to 10,000, and a label no higher than the unlabeled type', async () => {
    const r = await api.post(`${configs}/contacts/deals/batch/create`, {
      inputs: [
        { category: 'HUBSPOT_DEFINED', typeId: 4, maxToObjectIds: 0 },
        { category: 'HUBSPOT_DEFINED', typeId: 4, maxToObjectIds: 10_001 },
        { category: 'HUBSPOT_DEFINED', typeId: 3, maxToObjectIds: 5 },
      ],
    });
    assert.equal(r.status, 207);
    assert.equal(r.body.numErrors, 3);
    assert.deepEqual(r.body.results, []);
    assert.match(r.body.errors[0].message, /between 1 and 10000/);
    assert.match(r.body.errors[2].message, /not an association type from contact to deal/);

    const label = await api.post(`${configs}/deals/contacts/batch/update`, {
      inputs: [{ category: 'USER_DEFINED', typeId: 1, maxToObjectIds: 6 }],
    });
    assert.equal(label.status, 207);
    assert.match(
      label.body.errors[0].message,
      /between 1 and 5 \(the limit of the unlabeled type HUBSPOT_DEFINED=3\)/,
    );
    assert.deepEqual(label.body.errors[0].context.allowedRange, ['1-5']);

    const unlabeled = await api.post(`${configs}/deals/contacts/batch/update`, {
      inputs: [{ category: 'HUBSPOT_DEFINED', typeId: 3, maxToObjectIds: 1 }],
    });
    assert.equal(unlabeled.status, 207);
    assert.match(unlabeled.body.errors[0].message, /between 2 and 10000/);
  });

  it('refuses to create twice, or to update what does not exist', async () => {
    const again = await api.post(`${configs}/deals/contacts/batch/create`, {
      inputs: [{ category: 'HUBSPOT_DEFINED', typeId: 3, maxToObjectIds: 4 }],
    });
    assert.equal(again.status, 207);
    assert.equal(again.body.errors[0].category, 'CONFLICT');
    const missing = await api.post(`${configs}/contacts/companies/batch/update`, {
      inputs: [{ category: 'HUBSPOT_DEFINED', typeId: 279, maxToObjectIds: 4 }],
    });
    assert.equal(missing.status, 207);
    assert.equal(missing.body.errors[0].category, 'OBJECT_NOT_FOUND');
  });

  it('updates (200) with the update result shape', async () => {
    const r = await api.post(`${configs}/deals/contacts/batch/update`, {
      inputs: [{ category: 'HUBSPOT_DEFINED', typeId: 3, maxToObjectIds: 3 }],
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.results, [
      { category: 'HUBSPOT_DEFINED', typeId: 3, userEnforcedMaxToObjectIds: 3 },
    ]);
  });

  it('enforces limits on every write path, per input in batches', async () => {
    const deals = await seedRecords(server, 'deals', 2);
    const contacts = await seedRecords(server, 'contacts', 6);
    const deal = deals[0]!;
    // PUT default: 3 fit, the 4th does not.
    for (const contact of contacts.slice(0, 3)) {
      assert.equal(
        (await api.put(`/crm/v4/objects/deals/${deal}/associations/default/contacts/${contact}`)).status,
        200,
      );
    }
    const fourth = await api.put(
      `/crm/v4/objects/deals/${deal}/associations/default/contacts/${contacts[3]}`,
    );
    assert.equal(fourth.status, 400);
    assert.equal(fourth.body.category, 'VALIDATION_ERROR');
    assert.match(
      fourth.body.message,
      /deal \d+ can be associated with at most 3 contact records with association type HUBSPOT_DEFINED=3/,
    );
    // A repeat of an existing association is not a new one.
    assert.equal(
      (await api.put(`/crm/v4/objects/deals/${deal}/associations/default/contacts/${contacts[0]}`)).status,
      200,
    );
    // Labeled PUT.
    const labeled = await api.put(`/crm/v4/objects/deals/${deal}/associations/contacts/${contacts[4]}`, [
      { associationCategory: 'USER_DEFINED', associationTypeId: 1 },
    ]);
    assert.equal(labeled.status, 400);
    // Batch create and batch default: only the inputs past the limit fail.
    const batch = await api.post('/crm/v4/associations/deals/contacts/batch/create', {
      inputs: contacts.slice(0, 3).map((id) => ({
        from: { id: deal },
        to: { id },
        types: [{ associationCategory: 'USER_DEFINED', associationTypeId: 1 }],
      })),
    });
    assert.equal(batch.status, 207);
    assert.equal(batch.body.results.length, 2, 'the Signer label is limited to 2');
    assert.match(
      batch.body.errors[0].message,
      /at most 2 contact records with association type USER_DEFINED=1 \("Signer"\)/,
    );
    const batchDefault = await api.post('/crm/v4/associations/deals/contacts/batch/associate/default', {
      inputs: contacts
        .slice(3)
        .map((id) => ({ from: { id: deals[1] }, to: { id } }))
        .concat([{ from: { id: deal }, to: { id: contacts[5]! } }]),
    });
    assert.equal(batchDefault.status, 200);
    assert.equal(batchDefault.body.numErrors, 1);
    // Create with associations, from the other side: contact→deal (4) is not limited, but its inverse deal→contact (3) is.
    const created = await api.post('/crm/v3/objects/contacts', {
      properties: { email: 'late@example.com' },
      associations: [
        { to: { id: deal }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 4 }] },
      ],
    });
    assert.equal(created.status, 400);
    assert.match(created.body.message, /at most 3 contact records/);
    const list = await api.get(`/crm/v4/objects/deals/${deal}/associations/contacts`);
    assert.equal(list.body.results.length, 3);
  });

  it('refuses a limit lower than what a record already has', async () => {
    const r = await api.post(`${configs}/deals/contacts/batch/update`, {
      inputs: [{ category: 'HUBSPOT_DEFINED', typeId: 3, maxToObjectIds: 2 }],
    });
    assert.equal(r.status, 207);
    assert.match(r.body.errors[0].message, /already have more/);
  });

  it('purges limits (204), after which writes are free again', async () => {
    const r = await api.post(`${configs}/deals/contacts/batch/purge`, {
      inputs: [
        { category: 'USER_DEFINED', typeId: 1 },
        { category: 'HUBSPOT_DEFINED', typeId: 3 },
        { category: 'HUBSPOT_DEFINED', typeId: 999 },
      ],
    });
    assert.equal(r.status, 204);
    assert.deepEqual((await api.get(`${configs}/all`)).body.results, []);
  });

  it('answers each family with its own status codes', async () => {
    const input = { inputs: [{ category: 'HUBSPOT_DEFINED', typeId: 280, maxToObjectIds: 50 }] };
    const expected: Record<string, [number, number, number]> = {
      '/crm/associations/v4': [201, 200, 204],
      '/crm/associations/2025-09': [200, 200, 200],
      '/crm/associations/2026-03': [201, 200, 200],
      '/crm/associations/2026-09': [200, 200, 200],
    };
    for (const [prefix, [create, update, purge]] of Object.entries(expected)) {
      const base = `${prefix}/definitions/configurations/companies/contacts`;
      assert.equal((await api.post(`${base}/batch/create`, input)).status, create, prefix);
      assert.equal((await api.post(`${base}/batch/update`, input)).status, update, prefix);
      assert.equal(
        (await api.post(`${base}/batch/purge`, { inputs: [{ category: 'HUBSPOT_DEFINED', typeId: 280 }] }))
          .status,
        purge,
        prefix,
      );
    }
  });
});

describe('labels in every read', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('shows a custom label in list, batch read and associations=, with its text', async () => {
    const created = await api.post('/crm/v4/associations/contacts/companies/labels', {
      label: 'Founder',
      inverseLabel: 'Founded company',
      name: 'founder',
    });
    const [founder, founded] = created.body.results.map((x: any) => x.typeId);
    const [contact] = await seedRecords(server, 'contacts', 1);
    const [company] = await seedRecords(server, 'companies', 1);
    await api.put(`/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, [
      { associationCategory: 'USER_DEFINED', associationTypeId: founder },
    ]);
    const list = await api.get(`/crm/v4/objects/companies/${company}/associations/contacts`);
    assert.deepEqual(list.body.results[0].associationTypes[1], {
      category: 'USER_DEFINED',
      typeId: founded,
      label: 'Founded company',
    });
    const read = await api.post('/crm/v4/associations/contacts/companies/batch/read', {
      inputs: [{ id: contact }],
    });
    assert.deepEqual(read.body.results[0].to[0].associationTypes[1], {
      category: 'USER_DEFINED',
      typeId: founder,
      label: 'Founder',
    });
    const object = await api.get(`/crm/v3/objects/contacts/${contact}?associations=companies`);
    assert.deepEqual(object.body.associations.companies.results, [
      { id: company, type: 'contact_to_company_unlabeled' },
      { id: company, type: 'founder' },
    ]);
  });
});
