/**
 * The Associations API v3 (batch create, read, archive with v3 type names) over the store v4
 * uses: what one API writes, the other reads. Every response is checked against
 * associations-v3.json.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('Associations API v3', () => {
  let server: TestServer;
  let api: Client;
  const contacts: string[] = [];
  const companies: string[] = [];
  let deal: string;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    for (const i of [0, 1, 2]) {
      contacts.push(
        (await api.post('/crm/v3/objects/contacts', { properties: { email: `v3-${i}@example.com` } })).body
          .id,
      );
      companies.push(
        (await api.post('/crm/v3/objects/companies', { properties: { name: `V3 ${i}` } })).body.id,
      );
    }
    deal = (
      await api.post('/crm/v3/objects/deals', {
        properties: { dealname: 'V3', dealstage: 'appointmentscheduled' },
      })
    ).body.id;
  });
  after(() => server.close());

  it('batch/create (201) writes types by v3 name, and v4 sees them', async () => {
    const r = await api.post('/crm/v3/associations/contacts/companies/batch/create', {
      inputs: [
        { from: { id: contacts[0] }, to: { id: companies[0] }, type: 'contact_to_company' },
        { from: { id: contacts[0] }, to: { id: companies[1] }, type: 'contact_to_company_unlabeled' },
      ],
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(
      r.body.results.map((x: any) => [x.from.id, x.to.id, x.type]),
      [
        [contacts[0], companies[0], 'contact_to_company'],
        [contacts[0], companies[1], 'contact_to_company_unlabeled'],
      ],
    );
    const v4 = await api.get(`/crm/v4/objects/contacts/${contacts[0]}/associations/companies`);
    assert.deepEqual(
      v4.body.results.map((x: any) => [x.toObjectId, x.associationTypes.map((t: any) => t.typeId)]),
      [
        [companies[0], [1, 279]],
        [companies[1], [279]],
      ],
      'contact_to_company is the Primary type (1), with the unlabeled type (279) beside it',
    );
    const deals = await api.post('/crm/v3/associations/deals/contacts/batch/create', {
      inputs: [{ from: { id: deal }, to: { id: contacts[1] }, type: 'deal_to_contact' }],
    });
    assert.equal(deals.status, 201, deals.text);
    const back = await api.get(`/crm/v4/objects/contacts/${contacts[1]}/associations/deals`);
    assert.deepEqual(
      back.body.results.map((x: any) => x.toObjectId),
      [deal],
      'the inverse is written too',
    );
  });

  it("names a portal's label by its own name, not the HubSpot type with the same ID", async () => {
    const made = await api.post('/crm/v4/associations/contacts/companies/labels', {
      label: 'Manager',
      name: 'manager_employer',
      inverseLabel: 'Employer',
    });
    assert.equal(made.status, 200, made.text);
    const created = await api.post('/crm/v3/associations/contacts/companies/batch/create', {
      inputs: [{ from: { id: contacts[2] }, to: { id: companies[0] }, type: 'manager_employer' }],
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.results[0].type, 'manager_employer');
    const read = await api.post('/crm/v3/associations/contacts/companies/batch/read', {
      inputs: [{ id: contacts[2] }],
    });
    const names = read.body.results[0].to
      .filter((t: any) => t.id === companies[0])
      .map((t: any) => t.type)
      .sort();
    // Labels are numbered from 1 in a portal, like HubSpot's Primary type 1: v3 must tell them
    // apart by category, or the label reads as contact_to_company.
    assert.deepEqual(names, ['contact_to_company_unlabeled', 'manager_employer']);
    await api.post('/crm/v3/associations/contacts/companies/batch/archive', {
      inputs: [{ from: { id: contacts[2] }, to: { id: companies[0] }, type: 'contact_to_company_unlabeled' }],
    });
  });

  it('batch/read names types as v3 does and reports inputs with nothing associated (207)', async () => {
    await api.put(`/crm/v4/objects/contacts/${contacts[2]}/associations/default/companies/${companies[2]}`);
    const r = await api.post('/crm/v3/associations/contacts/companies/batch/read', {
      inputs: [{ id: contacts[0] }, { id: contacts[2] }, { id: contacts[1] }],
    });
    assert.equal(r.status, 207, r.text);
    const byFrom = Object.fromEntries(
      r.body.results.map((x: any) => [x.from.id, x.to.map((t: any) => `${t.id}:${t.type}`).sort()]),
    );
    assert.deepEqual(byFrom, {
      [contacts[0]!]: [
        `${companies[0]}:contact_to_company`,
        `${companies[0]}:contact_to_company_unlabeled`,
        `${companies[1]}:contact_to_company_unlabeled`,
      ].sort(),
      [contacts[2]!]: [`${companies[2]}:contact_to_company_unlabeled`],
    });
    assert.equal(r.body.numErrors, 1);
    assert.equal(r.body.errors[0].category, 'OBJECT_NOT_FOUND');
    const deals = await api.post('/crm/v3/associations/deals/contacts/batch/read', {
      inputs: [{ id: deal }],
    });
    assert.equal(deals.status, 200, deals.text);
    assert.deepEqual(deals.body.results[0].to, [{ id: contacts[1], type: 'deal_to_contact' }]);
  });

  it('batch/archive (204) removes the named type; the unlabeled one removes the pair', async () => {
    const primary = await api.post('/crm/v3/associations/contacts/companies/batch/archive', {
      inputs: [{ from: { id: contacts[0] }, to: { id: companies[0] }, type: 'contact_to_company' }],
    });
    assert.equal(primary.status, 204, primary.text);
    let v4 = await api.get(`/crm/v4/objects/contacts/${contacts[0]}/associations/companies`);
    assert.deepEqual(
      v4.body.results.map((x: any) => [x.toObjectId, x.associationTypes.map((t: any) => t.typeId)]),
      [
        [companies[0], [279]],
        [companies[1], [279]],
      ],
    );
    const all = await api.post('/crm/v3/associations/contacts/companies/batch/archive', {
      inputs: [{ from: { id: contacts[0] }, to: { id: companies[1] }, type: 'contact_to_company_unlabeled' }],
    });
    assert.equal(all.status, 204);
    v4 = await api.get(`/crm/v4/objects/contacts/${contacts[0]}/associations/companies`);
    assert.deepEqual(
      v4.body.results.map((x: any) => x.toObjectId),
      [companies[0]],
    );
  });

  it('refuses an unknown type name (400, nothing written) and unknown object types', async () => {
    const r = await api.post('/crm/v3/associations/contacts/companies/batch/create', {
      inputs: [
        { from: { id: contacts[1] }, to: { id: companies[1] }, type: 'contact_to_company_unlabeled' },
        { from: { id: contacts[1] }, to: { id: companies[2] }, type: 'contact_to_spaceship' },
      ],
    });
    assert.equal(r.status, 400);
    assert.match(r.body.message, /Unknown association type "contact_to_spaceship"/);
    const v4 = await api.get(`/crm/v4/objects/contacts/${contacts[1]}/associations/companies`);
    assert.deepEqual(v4.body.results, []);
    const bad = await api.post('/crm/v3/associations/contacts/spaceships/batch/read', {
      inputs: [{ id: '1' }],
    });
    assert.equal(bad.status, 400);
  });
});
