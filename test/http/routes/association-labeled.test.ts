/**
 * Labeled PUT, list, and DELETE on one pair of records (decisions D9–D13, D16).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedLabel, seedRecords } from '../../helpers/fixtures.js';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const unlabeled = (typeId: number) => ({ category: 'HUBSPOT_DEFINED', typeId, label: null });

describe('PUT …/associations/{toType}/{toId} (labeled)', () => {
  let server: TestServer;
  let api: Client;
  let contacts: string[];
  let companies: string[];

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    contacts = await seedRecords(server, 'contacts', 3);
    companies = await seedRecords(server, 'companies', 3);
    await seedLabel(server, '0-1', '0-2', 101, 'Manager', 102, 'Employer');
    await seedLabel(server, '0-1', '0-2', 103, 'Advisor', 104, 'Advised company');
  });
  after(() => server.close());

  it('creates the association with its label and answers 201 LabelsBetweenObjectPair', async () => {
    const r = await api.put(
      `/crm/v4/objects/contacts/${contacts[0]}/associations/companies/${companies[0]}`,
      [{ associationCategory: 'USER_DEFINED', associationTypeId: 101 }],
    );
    assert.equal(r.status, 201);
    assert.deepEqual(r.body, {
      fromObjectTypeId: '0-1',
      fromObjectId: contacts[0],
      toObjectTypeId: '0-2',
      toObjectId: companies[0],
      labels: ['Manager'],
    });
  });

  it('writes the inverse type and the unlabeled type on the other record', async () => {
    const r = await api.get(`/crm/v4/objects/companies/${companies[0]}/associations/contacts`);
    assert.deepEqual(r.body.results, [
      {
        toObjectId: contacts[0],
        associationTypes: [unlabeled(280), { category: 'USER_DEFINED', typeId: 102, label: 'Employer' }],
      },
    ]);
  });

  it('replaces USER_DEFINED labels on a repeated PUT and keeps HUBSPOT_DEFINED ones', async () => {
    const path = `/crm/v4/objects/contacts/${contacts[0]}/associations/companies/${companies[0]}`;
    await api.put(path, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }]);
    const r = await api.put(path, [{ associationCategory: 'USER_DEFINED', associationTypeId: 103 }]);
    assert.equal(r.status, 201);
    assert.deepEqual(r.body.labels, ['Contact with Primary Company', 'Advisor']);
    const list = await api.get(`/crm/v4/objects/contacts/${contacts[0]}/associations/companies`);
    assert.deepEqual(list.body.results[0].associationTypes, [
      { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Contact with Primary Company' },
      unlabeled(279),
      { category: 'USER_DEFINED', typeId: 103, label: 'Advisor' },
    ]);
    const reverse = await api.get(`/crm/v4/objects/companies/${companies[0]}/associations/contacts`);
    assert.deepEqual(
      reverse.body.results[0].associationTypes.map((t: any) => t.typeId),
      [2, 280, 104],
      'the replaced label is gone from the other side too',
    );
  });

  it('appends when the body names both labels', async () => {
    const path = `/crm/v4/objects/contacts/${contacts[0]}/associations/companies/${companies[0]}`;
    const r = await api.put(path, [
      { associationCategory: 'USER_DEFINED', associationTypeId: 101 },
      { associationCategory: 'USER_DEFINED', associationTypeId: 103 },
    ]);
    assert.deepEqual(r.body.labels.sort(), ['Advisor', 'Contact with Primary Company', 'Manager']);
  });

  it('moves Primary to another company, which keeps the old company associated', async () => {
    const contact = contacts[1]!;
    await api.put(`/crm/v4/objects/contacts/${contact}/associations/companies/${companies[1]}`, [
      { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 },
    ]);
    // Set from the company's side this time: type 2 is the inverse of 1.
    const r = await api.put(`/crm/v4/objects/companies/${companies[2]}/associations/contacts/${contact}`, [
      { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 2 },
    ]);
    assert.equal(r.status, 201);
    const list = await api.get(`/crm/v4/objects/contacts/${contact}/associations/companies`);
    assert.deepEqual(list.body.results, [
      { toObjectId: companies[1], associationTypes: [unlabeled(279)] },
      {
        toObjectId: companies[2],
        associationTypes: [
          { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Contact with Primary Company' },
          unlabeled(279),
        ],
      },
    ]);
    const old = await api.get(`/crm/v4/objects/companies/${companies[1]}/associations/contacts`);
    assert.deepEqual(old.body.results, [{ toObjectId: contact, associationTypes: [unlabeled(280)] }]);
  });

  it('rejects a type that is not defined for the direction, and writes nothing', async () => {
    const path = `/crm/v4/objects/contacts/${contacts[2]}/associations/companies/${companies[2]}`;
    for (const spec of [
      { associationCategory: 'USER_DEFINED', associationTypeId: 3 },
      { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 280 },
      { associationCategory: 'USER_DEFINED', associationTypeId: 102 },
    ]) {
      const r = await api.put(path, [spec]);
      assert.equal(r.status, 400);
      const name = `${spec.associationCategory}=${spec.associationTypeId}`;
      assert.deepEqual(r.body.context, {
        associationSpec: [name],
        INVALID_ASSOCIATION_TYPE_ID: [`${name} is not a valid association definition id`],
      });
    }
    const list = await api.get(`/crm/v4/objects/contacts/${contacts[2]}/associations/companies`);
    assert.deepEqual(list.body.results, []);
  });

  it('rejects a body that is not an array of specs', async () => {
    const path = `/crm/v4/objects/contacts/${contacts[2]}/associations/companies/${companies[2]}`;
    assert.equal((await api.put(path, 'USER_DEFINED')).status, 400);
    assert.equal(
      (await api.put(path, [{ associationCategory: 'SOMETHING', associationTypeId: 1 }])).status,
      400,
    );
    assert.equal((await api.put(path, [{ associationCategory: 'USER_DEFINED' }])).status, 400);
    assert.equal((await api.request('PUT', path)).status, 400, 'no body at all');
  });

  it('answers the same under every date-versioned family', async () => {
    for (const version of ['2025-09', '2026-03', '2026-09']) {
      const r = await api.put(
        `/crm/objects/${version}/contacts/${contacts[2]}/associations/companies/${companies[2]}`,
        [{ associationCategory: 'USER_DEFINED', associationTypeId: 101 }],
      );
      assert.equal(r.status, 201, version);
      assert.deepEqual(r.body.labels, ['Manager']);
    }
  });
});

describe('GET …/associations/{toType} (list)', () => {
  let server: TestServer;
  let api: Client;
  let company: string;
  let contacts: string[];

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    company = (await seedRecords(server, 'companies', 1))[0]!;
    contacts = await seedRecords(server, 'contacts', 7);
    const r = await api.post('/crm/v4/associations/companies/contacts/batch/associate/default', {
      inputs: contacts.map((id) => ({ from: { id: company }, to: { id } })),
    });
    assert.equal(r.status, 200);
  });
  after(() => server.close());

  it('pages in ascending record order with paging.next only while more remain', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const r = await api.get(
        `/crm/v4/objects/companies/${company}/associations/contacts?limit=3${after ? `&after=${after}` : ''}`,
      );
      assert.equal(r.status, 200);
      pages++;
      seen.push(...r.body.results.map((x: any) => x.toObjectId));
      after = r.body.paging?.next?.after;
      if (after) assert.match(r.body.paging.next.link, /after=/);
    } while (after);
    assert.equal(pages, 3);
    assert.deepEqual(seen, contacts);
  });

  it('paging.next.link has the same form as an object list: path, query, after, limit', async () => {
    const seen: string[] = [];
    let path: string | undefined = `/crm/v4/objects/companies/${company}/associations/contacts?limit=3`;
    while (path) {
      const r: any = await api.get(path);
      assert.equal(r.status, 200);
      seen.push(...r.body.results.map((x: any) => x.toObjectId));
      const next = r.body.paging?.next;
      if (next)
        assert.equal(
          next.link,
          `/crm/v4/objects/companies/${company}/associations/contacts?after=${encodeURIComponent(next.after)}&limit=3`,
        );
      path = next?.link;
    }
    assert.deepEqual(seen, contacts);
  });

  it('defaults to and caps at 500 per page', async () => {
    const r = await api.get(`/crm/v4/objects/companies/${company}/associations/contacts?limit=100000`);
    assert.equal(r.status, 200);
    assert.equal(r.body.results.length, 7);
    assert.equal(r.body.paging, undefined);
  });

  it('answers an empty page for a record with nothing associated, or no record at all', async () => {
    for (const id of [contacts[0], '12345']) {
      const r = await api.get(`/crm/v4/objects/contacts/${id}/associations/deals`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { results: [] });
    }
  });

  it('rejects a cursor it did not hand out, and a limit that is not a number', async () => {
    const bad = await api.get(`/crm/v4/objects/companies/${company}/associations/contacts?after=%21%21`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /Invalid paging cursor/);
    const limit = await api.get(`/crm/v4/objects/companies/${company}/associations/contacts?limit=many`);
    assert.equal(limit.status, 400);
  });

  it('is not part of the 2026-09 family, whose spec has no list endpoint', async () => {
    const r = await api.get(`/crm/objects/2026-09/companies/${company}/associations/contacts`);
    assert.equal(r.status, 404);
    const dated = await api.get(`/crm/objects/2026-03/companies/${company}/associations/contacts`);
    assert.equal(dated.status, 200);
    assert.equal(dated.body.results.length, 7);
  });
});

describe('DELETE …/associations/{toType}/{toId}', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('removes every type in both directions and answers 204', async () => {
    const [contact] = await seedRecords(server, 'contacts', 1);
    const [company] = await seedRecords(server, 'companies', 1);
    await api.put(`/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, [
      { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 },
    ]);
    const r = await api.delete(`/crm/v4/objects/companies/${company}/associations/contacts/${contact}`);
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('content-type'), null);
    for (const [from, id, to] of [
      ['contacts', contact, 'companies'],
      ['companies', company, 'contacts'],
    ]) {
      const list = await api.get(`/crm/v4/objects/${from}/${id}/associations/${to}`);
      assert.deepEqual(list.body.results, []);
    }
  });

  it('answers 204 for associations that do not exist', async () => {
    const r = await api.delete('/crm/v4/objects/contacts/1/associations/companies/2');
    assert.equal(r.status, 204);
    for (const version of ['2025-09', '2026-03', '2026-09']) {
      assert.equal(
        (await api.delete(`/crm/objects/${version}/contacts/1/associations/companies/2`)).status,
        204,
      );
    }
  });
});

describe('associations on the objects API', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('creates a record with associations and reads them back with ?associations=', async () => {
    const [company] = await seedRecords(server, 'companies', 1);
    const [deal] = await seedRecords(server, 'deals', 1);
    const created = await api.post('/crm/v3/objects/contacts', {
      properties: { email: 'grace@example.com' },
      associations: [
        {
          to: { id: company },
          types: [
            { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 },
            { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 },
          ],
        },
        {
          to: { id: Number(deal) },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 4 }],
        },
      ],
    });
    assert.equal(created.status, 201);
    const contact = created.body.id;

    const read = await api.get(
      `/crm/v3/objects/contacts/${contact}?associations=companies,deals&associations=tickets`,
    );
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.associations, {
      companies: {
        results: [
          { id: company, type: 'contact_to_company' },
          { id: company, type: 'contact_to_company_unlabeled' },
        ],
      },
      deals: { results: [{ id: deal, type: 'contact_to_deal' }] },
    });

    const fromCompany = await api.get(`/crm/v3/objects/companies/${company}?associations=contacts`);
    assert.deepEqual(fromCompany.body.associations.contacts.results, [
      { id: contact, type: 'company_to_contact' },
      { id: contact, type: 'company_to_contact_unlabeled' },
    ]);
  });

  it('fails the whole create, writing nothing, when an association is invalid', async () => {
    const before = await server.store.transaction((tx) => tx.nextCounterValues(4680000, 'record_id', 1));
    const r = await api.post('/crm/v3/objects/contacts', {
      properties: { email: 'nobody@example.com' },
      associations: [
        { to: { id: '999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] },
      ],
    });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.context, { INVALID_OBJECT_IDS: ['COMPANY=999 is not valid'] });
    const id = 10_000_000_000 + before[0]! + 1;
    assert.equal((await api.get(`/crm/v3/objects/contacts/${id}`)).status, 404);
    const bad = await api.post('/crm/v3/objects/contacts', {
      properties: {},
      associations: [
        { to: { id: '1' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] },
      ],
    });
    assert.equal(bad.status, 400, 'type 3 is deal→contact, not from a contact');
    assert.ok(bad.body.context.INVALID_ASSOCIATION_TYPE_ID);
  });
});
