import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { createRecord } from '../../helpers/records.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('PUT …/associations/default (create default association)', () => {
  let server: TestServer;
  let api: Client;
  let contact: string;
  let company: string;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    contact = await createRecord(api, 'contacts', { email: 'ada@example.com' });
    company = await createRecord(api, 'companies', { name: 'Acme' });
  });
  after(() => server.close());

  it('answers 200 with both directions, the requested one first', async () => {
    const r = await api.put(`/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json;charset=utf-8');
    assert.deepEqual(Object.keys(r.body).sort(), ['completedAt', 'results', 'startedAt', 'status']);
    assert.equal(r.body.status, 'COMPLETE');
    assert.match(r.body.startedAt, ISO_MS);
    assert.match(r.body.completedAt, ISO_MS);
    assert.ok(r.body.startedAt <= r.body.completedAt);
    assert.deepEqual(r.body.results, [
      {
        from: { id: contact },
        to: { id: company },
        associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 },
      },
      {
        from: { id: company },
        to: { id: contact },
        associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 280 },
      },
    ]);
  });

  it('is idempotent: a repeat answers the same and stores nothing twice', async () => {
    const again = await api.put(`/crm/v4/objects/contact/${contact}/associations/default/company/${company}`);
    assert.equal(again.status, 200);
    assert.deepEqual(
      again.body.results.map((r: any) => r.associationSpec.associationTypeId),
      [279, 280],
    );
    const rows = await server.store.associationsBetween(
      4680000,
      { objectTypeId: '0-1', id: Number(contact) },
      { objectTypeId: '0-2', id: Number(company) },
    );
    assert.deepEqual(
      rows.map((r) => r.typeId),
      [279],
    );
  });

  it('never adds Primary', async () => {
    const list = await api.get(`/crm/v4/objects/contacts/${contact}/associations/companies`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.results, [
      { toObjectId: company, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }] },
    ]);
  });

  it('accepts object type IDs and any case, and names types by ID', async () => {
    const r = await api.put(`/crm/v4/objects/0-2/${company}/associations/default/CONTACTS/${contact}`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.results.map((x: any) => [x.from.id, x.associationSpec.associationTypeId]),
      [
        [company, 280],
        [contact, 279],
      ],
    );
  });

  it('is served under every date-versioned family', async () => {
    for (const version of ['2025-09', '2026-03', '2026-09']) {
      const r = await api.put(
        `/crm/objects/${version}/contacts/${contact}/associations/default/companies/${company}`,
      );
      assert.equal(r.status, 200, `${version}: ${r.text}`);
      assert.equal(r.body.results.length, 2);
    }
  });

  it('rejects a missing record with INVALID_OBJECT_IDS', async () => {
    const r = await api.put(`/crm/v4/objects/contacts/${contact}/associations/default/companies/123`);
    assert.equal(r.status, 400);
    assert.equal(r.body.status, 'error');
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.equal(r.body.message, 'One or more associations are invalid');
    assert.deepEqual(r.body.context, { INVALID_OBJECT_IDS: ['COMPANY=123 is not valid'] });
    assert.match(r.body.correlationId, UUID_V4);
  });

  it('rejects a record of another type as invalid', async () => {
    const r = await api.put(`/crm/v4/objects/contacts/${company}/associations/default/companies/${company}`);
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.context, { INVALID_OBJECT_IDS: [`CONTACT=${company} is not valid`] });
  });

  it('rejects a pair of types with no default association', async () => {
    const product = await createRecord(api, 'products', { name: 'Widget' });
    const r = await api.put(`/crm/v4/objects/products/${product}/associations/default/contacts/${contact}`);
    assert.equal(r.status, 400);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.match(r.body.message, /no default association between product \(0-7\) and contact \(0-1\)/);
  });

  it('rejects an unknown object type', async () => {
    const r = await api.put(`/crm/v4/objects/widgets/${contact}/associations/default/companies/${company}`);
    assert.equal(r.status, 400);
    assert.equal(r.body.message, 'Unable to infer object type from: widgets');
    assert.equal(r.body.category, 'VALIDATION_ERROR');
  });

  it('rejects a non-numeric record ID with 400', async () => {
    const r = await api.put(`/crm/v4/objects/contacts/abc/associations/default/companies/${company}`);
    assert.equal(r.status, 400);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.match(r.body.message, /Invalid object ID: "abc"/);
  });
});

describe('errors and authentication', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('answers 401 without a token', async () => {
    const r = await api.put('/crm/v4/objects/contacts/1/associations/default/companies/2', undefined, {
      anonymous: true,
    });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('content-type'), 'application/json;charset=utf-8');
    assert.deepEqual(Object.keys(r.body).sort(), ['category', 'correlationId', 'message', 'status']);
    assert.equal(r.body.category, 'INVALID_AUTHENTICATION');
    assert.match(r.body.message, /^Authentication credentials not found/);
  });

  it('answers 401 for an empty bearer token', async () => {
    const r = await api.put('/crm/v4/objects/contacts/1/associations/default/companies/2', undefined, {
      headers: { authorization: 'Bearer ' },
    });
    assert.equal(r.status, 401);
    assert.equal(r.body.category, 'INVALID_AUTHENTICATION');
  });

  it('answers 404 for an unknown route', async () => {
    const r = await api.get('/crm/v4/nothing/here');
    assert.equal(r.status, 404);
    assert.equal(r.body.category, 'OBJECT_NOT_FOUND');
    assert.equal(r.body.message, 'No route for GET /crm/v4/nothing/here');
    assert.match(r.body.correlationId, UUID_V4);
  });

  it('answers 405 for a known path with another method', async () => {
    const r = await api.patch('/crm/v4/objects/contacts/1/associations/companies/2', {});
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'PUT, DELETE');
    assert.equal(r.body.status, 'error');
    assert.match(r.body.message, /Method PATCH is not allowed/);
  });

  it('answers 400 naming line and column for malformed JSON', async () => {
    const r = await api.request('POST', '/crm/v3/objects/contacts', {
      raw: '{\n  "properties": {"email": }\n}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.equal(r.body.message, 'Invalid input JSON on line 2, column 27: Unexpected character ("}")');
  });

  it('answers 400 for a body of the wrong shape', async () => {
    const r = await api.put('/crm/v4/objects/contacts/1/associations/companies/2', { associationTypeId: 1 });
    assert.equal(r.status, 400);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.match(r.body.message, /^Invalid input: body must be array/);
  });

  it('answers 413 for a body over the limit', async () => {
    const big = 'x'.repeat(9 * 1024 * 1024);
    const r = await api.post('/crm/v3/objects/contacts', { properties: { note: big } });
    assert.equal(r.status, 413);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.match(r.body.message, /too large/);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const r = await api.request('POST', '/crm/v3/objects/contacts', {
      raw: 'properties=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(r.status, 415);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
  });

  it('refuses __proto__ keys', async () => {
    const r = await api.request('POST', '/crm/v3/objects/contacts', {
      raw: '{"properties":{"__proto__":{"polluted":"yes"}}}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(r.status, 400);
    assert.equal(({} as any).polluted, undefined);
  });
});
