/**
 * The objects API: CRUD, listing, history, unique emails, archive, batch, merge and GDPR
 * delete, in every path family.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const FAMILIES = ['/crm/v3/objects', '/crm/objects/2025-09', '/crm/objects/2026-03', '/crm/objects/2026-09'];

describe('records: create, read, update, archive', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  for (const prefix of FAMILIES) {
    it(`${prefix}: create (201), read (200), update (200), archive (204) a deal`, async () => {
      const created = await api.post(`${prefix}/deals`, {
        properties: { dealname: 'Big', dealstage: 'appointmentscheduled', amount: 1500 },
      });
      assert.equal(created.status, 201);
      const { id, properties } = created.body;
      assert.equal(typeof id, 'string');
      assert.equal(properties.amount, '1500', 'numbers are stored and returned as strings');
      assert.equal(properties.pipeline, 'default', 'a deal without a pipeline goes into the default one');
      assert.equal(properties.hs_object_id, id);
      assert.equal(properties.createdate, created.body.createdAt);

      const read = await api.get(`${prefix}/deals/${id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(Object.keys(read.body.properties).sort(), [
        'amount',
        'createdate',
        'dealname',
        'dealstage',
        'hs_lastmodifieddate',
        'hs_object_id',
        'pipeline',
      ]);

      await new Promise((r) => setTimeout(r, 5));
      const updated = await api.patch(`${prefix}/deals/${id}`, {
        properties: { dealname: 'Bigger', amount: null },
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.properties.dealname, 'Bigger');
      assert.equal(updated.body.properties.amount, null);
      assert.ok(updated.body.updatedAt > created.body.updatedAt);
      assert.equal(updated.body.properties.hs_lastmodifieddate, updated.body.updatedAt);
      assert.equal(updated.body.createdAt, created.body.createdAt);

      assert.equal((await api.delete(`${prefix}/deals/${id}`)).status, 204);
      const gone = await api.get(`${prefix}/deals/${id}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.category, 'OBJECT_NOT_FOUND');
      const archived = await api.get(`${prefix}/deals/${id}?archived=true`);
      assert.equal(archived.status, 200);
      assert.equal(archived.body.archived, true);
      assert.ok(archived.body.archivedAt);
      assert.equal((await api.delete(`${prefix}/deals/${id}`)).status, 204, 'archiving twice is fine');
    });
  }

  it('returns requested properties, null when unset', async () => {
    const { body } = await api.post('/crm/v3/objects/contacts', {
      properties: { email: 'p@example.com', firstname: 'Pat' },
    });
    const read = await api.get(
      `/crm/v3/objects/contacts/${body.id}?properties=firstname&properties=lastname,email`,
    );
    assert.deepEqual(read.body.properties, { firstname: 'Pat', lastname: null, email: 'p@example.com' });
  });

  it('keeps every value of a property in propertiesWithHistory, newest first', async () => {
    const { body } = await api.post('/crm/v3/objects/companies', { properties: { name: 'One' } });
    await api.patch(`/crm/v3/objects/companies/${body.id}`, { properties: { name: 'Two' } });
    await api.patch(`/crm/v3/objects/companies/${body.id}`, {
      properties: { name: 'Three', domain: 'x.test' },
    });
    const read = await api.get(`/crm/v3/objects/companies/${body.id}?propertiesWithHistory=name`);
    assert.deepEqual(
      read.body.propertiesWithHistory.name.map((h: any) => [h.value, h.sourceType]),
      [
        ['Three', 'API'],
        ['Two', 'API'],
        ['One', 'API'],
      ],
    );
    assert.ok(read.body.propertiesWithHistory.name.every((h: any) => !Number.isNaN(Date.parse(h.timestamp))));
  });

  it('refuses a second contact with the same email (409), case-insensitively', async () => {
    const first = await api.post('/crm/v3/objects/contacts', { properties: { email: 'Dup@Example.com' } });
    const second = await api.post('/crm/v3/objects/contacts', { properties: { email: 'dup@example.com' } });
    assert.equal(second.status, 409);
    assert.equal(second.body.category, 'CONFLICT');
    assert.equal(second.body.message, `Contact already exists. Existing ID: ${first.body.id}`);
    const other = await api.post('/crm/v3/objects/contacts', { properties: { email: 'other@example.com' } });
    const clash = await api.patch(`/crm/v3/objects/contacts/${other.body.id}`, {
      properties: { email: 'DUP@example.com' },
    });
    assert.equal(clash.status, 409);
    // Archiving frees the address.
    await api.delete(`/crm/v3/objects/contacts/${first.body.id}`);
    assert.equal(
      (await api.post('/crm/v3/objects/contacts', { properties: { email: 'dup@example.com' } })).status,
      201,
    );
  });

  it('reads and updates by idProperty=email', async () => {
    const { body } = await api.post('/crm/v3/objects/contacts', {
      properties: { email: 'byemail@example.com' },
    });
    const read = await api.get('/crm/v3/objects/contacts/BYEMAIL@example.com?idProperty=email');
    assert.equal(read.body.id, body.id);
    const updated = await api.patch('/crm/v3/objects/contacts/byemail@example.com?idProperty=email', {
      properties: { firstname: 'By' },
    });
    assert.equal(updated.body.properties.firstname, 'By');
    const bad = await api.get('/crm/v3/objects/contacts/x?idProperty=firstname');
    assert.equal(bad.status, 400);
  });

  it('answers 404 for a missing record and 400 for a malformed ID', async () => {
    assert.equal((await api.patch('/crm/v3/objects/contacts/123', { properties: {} })).status, 404);
    assert.equal((await api.get('/crm/v3/objects/contacts/not-a-number')).status, 400);
  });

  it('refuses property values that are objects', async () => {
    const r = await api.post('/crm/v3/objects/contacts', { properties: { address: { city: 'x' } } });
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].code, 'INVALID_PROPERTY_VALUE');
  });
});

describe('records: list', () => {
  let server: TestServer;
  let api: Client;
  const ids: string[] = [];

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    const r = await api.post('/crm/v3/objects/tickets/batch/create', {
      inputs: Array.from({ length: 25 }, (_, i) => ({ properties: { subject: `T${i}` }, associations: [] })),
    });
    ids.push(...r.body.results.map((x: any) => x.id));
    await api.delete(`/crm/v3/objects/tickets/${ids[3]}`);
  });
  after(() => server.close());

  it('pages with an opaque cursor, 10 by default and at most 100, skipping archived records', async () => {
    const first = await api.get('/crm/v3/objects/tickets');
    assert.equal(first.body.results.length, 10);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await api.get(
        `/crm/v3/objects/tickets?limit=7&properties=subject${after ? `&after=${after}` : ''}`,
      );
      assert.equal(page.status, 200);
      seen.push(...page.body.results.map((r: any) => r.id));
      after = page.body.paging?.next?.after;
      if (after) assert.doesNotMatch(after, /^\d+$/, 'the cursor is not a bare ID');
    } while (after);
    assert.deepEqual(
      seen,
      ids.filter((_, i) => i !== 3),
    );
    const big = await api.get('/crm/v3/objects/tickets?limit=1000');
    assert.equal(big.body.results.length, 24);
    assert.equal(big.body.paging, undefined);
  });

  for (const prefix of FAMILIES) {
    it(`${prefix}: paging.next.link is the full path and query, and following it walks every page`, async () => {
      const seen: string[] = [];
      let path: string | undefined = `${prefix}/tickets?properties=subject&limit=7&archived=False`;
      while (path) {
        const page: any = await api.get(path);
        assert.equal(page.status, 200, page.text);
        seen.push(...page.body.results.map((r: any) => r.id));
        const next = page.body.paging?.next;
        if (next)
          assert.equal(
            next.link,
            `${prefix}/tickets?properties=subject&archived=False&after=${encodeURIComponent(next.after)}&limit=7`,
          );
        path = next?.link;
      }
      assert.deepEqual(
        seen,
        ids.filter((_, i) => i !== 3),
      );
    });
  }

  it('lists only archived records with archived=true', async () => {
    const r = await api.get('/crm/v3/objects/tickets?archived=true');
    assert.deepEqual(
      r.body.results.map((x: any) => x.id),
      [ids[3]],
    );
    assert.equal(r.body.results[0].archived, true);
  });
});

describe('records: batch endpoints', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('batch/create is all-or-nothing without objectWriteTraceIds', async () => {
    const r = await api.post('/crm/v3/objects/contacts/batch/create', {
      inputs: [{ properties: { email: 'a1@example.com' } }, { properties: { email: 'a1@example.com' } }],
    });
    assert.equal(r.status, 409);
    const list = await api.get('/crm/v3/objects/contacts');
    assert.deepEqual(list.body.results, [], 'nothing was written');
  });

  it('batch/create reports failures per input with objectWriteTraceIds (207)', async () => {
    const r = await api.post('/crm/v3/objects/contacts/batch/create', {
      inputs: [
        { properties: { email: 'b1@example.com' }, objectWriteTraceId: 't1' },
        { properties: { email: 'b1@example.com' }, objectWriteTraceId: 't2' },
        { properties: { email: 'b2@example.com' }, objectWriteTraceId: 't3' },
      ],
    });
    assert.equal(r.status, 207);
    assert.deepEqual(
      r.body.results.map((x: any) => [x.properties.email, x.objectWriteTraceId]),
      [
        ['b1@example.com', 't1'],
        ['b2@example.com', 't3'],
      ],
    );
    assert.equal(r.body.numErrors, 1);
    assert.equal(r.body.errors[0].category, 'CONFLICT');
    assert.deepEqual(r.body.errors[0].context.objectWriteTraceId, ['t2']);
  });

  it('batch/read answers 207 for a missing ID, reads by idProperty, and returns requested properties', async () => {
    const created = await api.post('/crm/v3/objects/contacts/batch/create', {
      inputs: [{ properties: { email: 'r1@example.com', firstname: 'R' } }],
    });
    const id = created.body.results[0].id;
    const r = await api.post('/crm/v3/objects/contacts/batch/read', {
      inputs: [{ id }, { id: '999' }],
      properties: ['firstname'],
      propertiesWithHistory: [],
    });
    assert.equal(r.status, 207);
    assert.deepEqual(r.body.results[0].properties, { firstname: 'R' });
    assert.equal(r.body.errors[0].category, 'OBJECT_NOT_FOUND');
    const byEmail = await api.post('/crm/v3/objects/contacts/batch/read', {
      inputs: [{ id: 'r1@example.com' }],
      idProperty: 'email',
      properties: [],
      propertiesWithHistory: ['firstname'],
    });
    assert.equal(byEmail.status, 200);
    assert.equal(byEmail.body.results[0].id, id);
    assert.equal(byEmail.body.results[0].propertiesWithHistory.firstname[0].value, 'R');
  });

  it('batch/update updates, and reports missing records per input', async () => {
    const created = await api.post('/crm/v3/objects/companies/batch/create', {
      inputs: [{ properties: { name: 'U' } }],
    });
    const id = created.body.results[0].id;
    const r = await api.post('/crm/v3/objects/companies/batch/update', {
      inputs: [
        { id, properties: { name: 'U2' } },
        { id: '404', properties: { name: 'no' } },
      ],
    });
    assert.equal(r.status, 207);
    assert.equal(r.body.results[0].properties.name, 'U2');
    assert.equal(r.body.numErrors, 1);
  });

  it('batch/upsert creates or updates by idProperty, saying which', async () => {
    const r = await api.post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { id: 'r1@example.com', idProperty: 'email', properties: { lastname: 'Existing' } },
        { id: 'new@example.com', idProperty: 'email', properties: { lastname: 'Created' } },
      ],
    });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.results.map((x: any) => [x.properties.email, x.properties.lastname, x.new]),
      [
        ['r1@example.com', 'Existing', false],
        ['new@example.com', 'Created', true],
      ],
    );
  });

  it('batch/archive answers 204 and hides the records', async () => {
    const created = await api.post('/crm/v3/objects/deals/batch/create', {
      inputs: [
        { properties: { dealname: 'x', dealstage: 'appointmentscheduled' } },
        { properties: { dealname: 'y', dealstage: 'appointmentscheduled' } },
      ],
    });
    const ids = created.body.results.map((x: any) => x.id);
    const r = await api.post('/crm/v3/objects/deals/batch/archive', {
      inputs: [...ids.map((id: string) => ({ id })), { id: '5' }],
    });
    assert.equal(r.status, 204);
    assert.equal((await api.get(`/crm/v3/objects/deals/${ids[0]}`)).status, 404);
  });

  it('takes at most 100 inputs', async () => {
    for (const op of ['create', 'read', 'update', 'upsert', 'archive']) {
      const input =
        op === 'create'
          ? { properties: {} }
          : op === 'read' || op === 'archive'
            ? { id: '1' }
            : { id: '1', properties: {} };
      const r = await api.post(`/crm/v3/objects/deals/batch/${op}`, {
        inputs: Array.from({ length: 101 }, () => input),
        properties: [],
        propertiesWithHistory: [],
      });
      assert.equal(r.status, 400, op);
      assert.match(r.body.message, /at most 100 inputs/);
    }
  });

  it('2026-09 answers its own status codes', async () => {
    const r = await api.post('/crm/objects/2026-09/contacts/batch/create', {
      inputs: [
        { properties: { email: 'n1@example.com' }, objectWriteTraceId: 'a' },
        { properties: { email: 'n1@example.com' }, objectWriteTraceId: 'b' },
      ],
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.numErrors, 1);
    const read = await api.post('/crm/objects/2026-09/contacts/batch/read', {
      inputs: [{ id: '404' }],
      properties: [],
      propertiesWithHistory: [],
    });
    assert.equal(read.status, 200);
    assert.equal(read.body.numErrors, 1);
  });
});

describe('records: archived records hide their associations', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('hides them from both sides in every read, and keeps them', async () => {
    const contact = (
      await api.post('/crm/v3/objects/contacts', { properties: { email: 'arch@example.com' } })
    ).body.id;
    const companies = (
      await api.post('/crm/v3/objects/companies/batch/create', {
        inputs: [{ properties: { name: 'A' } }, { properties: { name: 'B' } }],
      })
    ).body.results.map((x: any) => x.id);
    for (const company of companies)
      await api.put(`/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`);

    await api.delete(`/crm/v3/objects/companies/${companies[0]}`);
    const list = await api.get(`/crm/v4/objects/contacts/${contact}/associations/companies`);
    assert.deepEqual(
      list.body.results.map((r: any) => r.toObjectId),
      [companies[1]],
    );
    const read = await api.post('/crm/v4/associations/contacts/companies/batch/read', {
      inputs: [{ id: contact }],
    });
    assert.deepEqual(
      read.body.results[0].to.map((r: any) => r.toObjectId),
      [companies[1]],
    );
    const object = await api.get(`/crm/v3/objects/contacts/${contact}?associations=companies`);
    assert.deepEqual(
      object.body.associations.companies.results.map((r: any) => r.id),
      [companies[1]],
    );
    const fromArchived = await api.get(`/crm/v4/objects/companies/${companies[0]}/associations/contacts`);
    assert.deepEqual(fromArchived.body.results, []);
    const archivedRead = await api.post('/crm/v4/associations/companies/contacts/batch/read', {
      inputs: [{ id: companies[0] }],
    });
    assert.equal(archivedRead.status, 207);
    // Writing to an archived record is refused.
    const write = await api.put(
      `/crm/v4/objects/contacts/${contact}/associations/default/companies/${companies[0]}`,
    );
    assert.equal(write.status, 400);
    // The rows are still there, to come back with the record.
    const rows = await server.store.allAssociationsOf(4680000, Number(contact));
    assert.ok(rows.some((r) => r.toId === Number(companies[0])));
    await server.domain.objects.restore(
      4680000,
      (await server.domain.objectTypes.resolve(4680000, 'companies'))!,
      Number(companies[0]),
    );
    const back = await api.get(`/crm/v4/objects/contacts/${contact}/associations/companies`);
    assert.deepEqual(
      back.body.results.map((r: any) => r.toObjectId),
      companies,
    );
  });
});

describe('records: merge and GDPR delete', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it("merge moves the merged contact's associations to the primary one", async () => {
    const primary = (
      await api.post('/crm/v3/objects/contacts', {
        properties: { email: 'keep@example.com', firstname: 'Keep' },
      })
    ).body.id;
    const merged = (
      await api.post('/crm/v3/objects/contacts', {
        properties: { email: 'old@example.com', lastname: 'Old' },
      })
    ).body.id;
    const companies = (
      await api.post('/crm/v3/objects/companies/batch/create', {
        inputs: [{ properties: { name: 'P' } }, { properties: { name: 'M' } }],
      })
    ).body.results.map((x: any) => x.id);
    const deal = (
      await api.post('/crm/v3/objects/deals', {
        properties: { dealname: 'D', dealstage: 'appointmentscheduled' },
      })
    ).body.id;
    await api.put(`/crm/v4/objects/contacts/${primary}/associations/companies/${companies[0]}`, [
      { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 },
    ]);
    await api.put(`/crm/v4/objects/contacts/${merged}/associations/companies/${companies[1]}`, [
      { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 },
    ]);
    await api.put(`/crm/v4/objects/deals/${deal}/associations/default/contacts/${merged}`);

    const r = await api.post('/crm/v3/objects/contacts/merge', {
      primaryObjectId: primary,
      objectIdToMerge: merged,
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, primary);
    assert.equal(r.body.properties.firstname, 'Keep');
    assert.equal(r.body.properties.lastname, 'Old', 'gaps are filled from the merged record');
    assert.equal(r.body.properties.hs_merged_object_ids, merged);

    const companiesNow = await api.get(`/crm/v4/objects/contacts/${primary}/associations/companies`);
    assert.deepEqual(
      companiesNow.body.results.map((x: any) => [x.toObjectId, x.associationTypes.map((t: any) => t.typeId)]),
      [
        [companies[0], [1, 279]],
        [companies[1], [279]],
      ],
      'the primary contact keeps its own Primary company',
    );
    const dealContacts = await api.get(`/crm/v4/objects/deals/${deal}/associations/contacts`);
    assert.deepEqual(
      dealContacts.body.results.map((x: any) => x.toObjectId),
      [primary],
    );
    assert.equal((await api.get(`/crm/v3/objects/contacts/${merged}`)).status, 404);
    const fromCompany = await api.get(`/crm/v4/objects/companies/${companies[1]}/associations/contacts`);
    assert.deepEqual(
      fromCompany.body.results.map((x: any) => x.toObjectId),
      [primary],
    );
    // The merged address now leads to the primary contact.
    const dup = await api.post('/crm/v3/objects/contacts', { properties: { email: 'old@example.com' } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.message, `Contact already exists. Existing ID: ${primary}`);
  });

  it('merge refuses a record merged into itself, or one that does not exist', async () => {
    const id = (await api.post('/crm/v3/objects/companies', { properties: { name: 'Self' } })).body.id;
    assert.equal(
      (await api.post('/crm/v3/objects/companies/merge', { primaryObjectId: id, objectIdToMerge: id }))
        .status,
      400,
    );
    assert.equal(
      (await api.post('/crm/v3/objects/companies/merge', { primaryObjectId: id, objectIdToMerge: '77' }))
        .status,
      404,
    );
  });

  it('GDPR delete removes the contact and its associations for good', async () => {
    const contact = (
      await api.post('/crm/v3/objects/contacts', { properties: { email: 'forget@example.com' } })
    ).body.id;
    const company = (await api.post('/crm/v3/objects/companies', { properties: { name: 'G' } })).body.id;
    await api.put(`/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`);
    const r = await api.post('/crm/v3/objects/contacts/gdpr-delete', {
      objectId: 'forget@example.com',
      idProperty: 'email',
    });
    assert.equal(r.status, 204);
    assert.equal((await api.get(`/crm/v3/objects/contacts/${contact}?archived=true`)).status, 404);
    const list = await api.get(`/crm/v4/objects/companies/${company}/associations/contacts`);
    assert.deepEqual(list.body.results, []);
    assert.deepEqual(await server.store.allAssociationsOf(4680000, Number(company)), []);
    assert.equal(
      (await api.post('/crm/v3/objects/contacts', { properties: { email: 'forget@example.com' } })).status,
      201,
    );
  });
});
