/**
 * CRM search over HTTP: every path family and object kind, default properties, sorting in
 * both forms, paging by offset, HubSpot's limits and their 400s, bad filters, and the
 * opt-in indexing lag. Every response is checked against HubSpot's spec by the test server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const FAMILIES = ['/crm/v3/objects', '/crm/objects/2025-09', '/crm/objects/2026-03', '/crm/objects/2026-09'];

const eq = (propertyName: string, value: string) => ({ propertyName, operator: 'EQ', value });

describe('search: requests, responses and limits', () => {
  let server: TestServer;
  let api: Client;
  const contactIds: string[] = [];

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    await api.put('/_spoke/clock', { now: '2026-01-01T00:00:00Z' });
    for (let i = 0; i < 25; i++) {
      const r = await api.post('/crm/v3/objects/contacts', {
        properties: {
          firstname: `First${String(i).padStart(2, '0')}`,
          lastname: i % 2 === 0 ? 'Even' : 'Odd',
          email: `c${i}@paging.test`,
          jobtitle: i === 3 ? 'CEO' : '',
        },
      });
      assert.equal(r.status, 201);
      contactIds.push(r.body.id);
      await api.post('/_spoke/clock/advance', { ms: 1000 });
    }
  });
  after(async () => {
    await api.delete('/_spoke/clock');
    await server.close();
  });

  for (const prefix of FAMILIES) {
    it(`${prefix}: 200 with total, results and HubSpot's default contact properties`, async () => {
      const r = await api.post(`${prefix}/contacts/search`, {
        filterGroups: [{ filters: [eq('lastname', 'even')] }],
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.total, 13);
      assert.equal(r.body.results.length, 10, 'limit defaults to 10');
      assert.deepEqual(r.body.paging, { next: { after: '10' } });
      assert.deepEqual(Object.keys(r.body.results[0].properties).sort(), [
        'createdate',
        'email',
        'firstname',
        'hs_object_id',
        'lastmodifieddate',
        'lastname',
      ]);
      assert.equal(r.body.results[0].id, contactIds[0], 'oldest first by default');
      assert.equal(r.body.results[0].archived, false);
    });
  }

  it('requested properties are returned, null when unset', async () => {
    const r = await api.post('/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [eq('hs_object_id', contactIds[3]!)] }],
      properties: ['jobtitle', 'city'],
    });
    assert.deepEqual(r.body.results[0].properties, { jobtitle: 'CEO', city: null });
    const listed = await api.post('/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [eq('hs_object_id', contactIds[4]!)] }],
      properties: ['jobtitle'],
    });
    assert.deepEqual(listed.body.results[0].properties, { jobtitle: '' });
  });

  it('an empty body finds every record, oldest first', async () => {
    const r = await api.post('/crm/v3/objects/contacts/search', {});
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 25);
    assert.deepEqual(
      r.body.results.map((x: { id: string }) => x.id),
      contactIds.slice(0, 10),
    );
  });

  it('a missing or null body is a 400, as the spec requires a body', async () => {
    const headers = { 'content-type': 'application/json' };
    const missing = await api.request('POST', '/crm/v3/objects/contacts/search', { raw: '', headers });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.category, 'VALIDATION_ERROR');
    assert.match(missing.body.message, /No content to map due to end-of-input/);
    const nothing = await api.request('POST', '/crm/v3/objects/contacts/search', { raw: 'null', headers });
    assert.equal(nothing.status, 400);
    assert.match(nothing.body.message, /PublicObjectSearchRequest` from a non-object value/);
  });

  it('after is an integer offset (string or number); the last page has no paging', async () => {
    const seen: string[] = [];
    let after: string | number | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await api.post('/crm/v3/objects/contacts/search', {
        limit: 7,
        ...(after !== undefined && { after: page % 2 === 0 ? String(after) : Number(after) }),
      });
      assert.equal(r.status, 200);
      seen.push(...r.body.results.map((x: { id: string }) => x.id));
      if (!r.body.paging) break;
      after = r.body.paging.next.after;
      assert.equal(after, String(seen.length));
    }
    assert.deepEqual(seen, contactIds);
    const past = await api.post('/crm/v3/objects/contacts/search', { after: '25' });
    assert.equal(past.body.total, 25);
    assert.deepEqual(past.body.results, []);
    assert.equal(past.body.paging, undefined);
  });

  it('sorts: one rule, as an object or a string, ascending or descending', async () => {
    const ids = async (sorts: unknown) =>
      (await api.post('/crm/v3/objects/contacts/search', { sorts, limit: 3 })).body.results.map(
        (x: { id: string }) => x.id,
      );
    const newest = contactIds.slice(-3).reverse();
    const oldest = contactIds.slice(0, 3);
    assert.deepEqual(await ids([{ propertyName: 'createdate', direction: 'DESCENDING' }]), newest);
    assert.deepEqual(await ids(['-createdate']), newest);
    assert.deepEqual(await ids(['createdate']), oldest);
    assert.deepEqual(await ids([{ propertyName: 'hs_object_id', direction: 'ASCENDING' }]), oldest);
    assert.deepEqual(await ids(['-hs_object_id', 'createdate']), newest, 'only the first rule applies');
    assert.deepEqual(
      await ids([JSON.stringify({ propertyName: 'createdate', direction: 'DESCENDING' })]),
      oldest,
      'a JSON-stringified sort is ignored, as HubSpot ignores it',
    );
    const byName = (
      await api.post('/crm/v3/objects/contacts/search', {
        sorts: ['-firstname'],
        limit: 2,
        properties: ['firstname'],
      })
    ).body.results.map((x: { properties: { firstname: string } }) => x.properties.firstname);
    assert.deepEqual(byName, ['First24', 'First23']);
    const byMissing = await api.post('/crm/v3/objects/contacts/search', {
      sorts: [{ propertyName: 'jobtitle', direction: 'DESCENDING' }],
      limit: 1,
      properties: ['jobtitle'],
    });
    assert.equal(byMissing.body.results[0].properties.jobtitle, 'CEO');
  });

  it('hs_object_id GTE the last ID, sorted by hs_object_id, walks every record', async () => {
    const seen: string[] = [];
    let last = '0';
    for (let round = 0; round < 10; round++) {
      const r = await api.post('/crm/v3/objects/contacts/search', {
        filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'GT', value: last }] }],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
        limit: 10,
      });
      if (r.body.results.length === 0) break;
      seen.push(...r.body.results.map((x: { id: string }) => x.id));
      last = seen.at(-1)!;
    }
    assert.deepEqual(seen, contactIds);
  });

  it('limits: 5 groups, 6 filters per group, 18 in all; 3,000 characters of query; limit ≤ 200', async () => {
    const filter = eq('firstname', 'x');
    const groups = (n: number, per: number) =>
      Array.from({ length: n }, () => ({ filters: Array(per).fill(filter) }));
    const ok = await api.post('/crm/v3/objects/contacts/search', { filterGroups: groups(3, 6) });
    assert.equal(ok.status, 200, '18 filters in 3 groups of 6 are allowed');
    for (const body of [
      { filterGroups: groups(6, 1) },
      { filterGroups: groups(1, 7) },
      { filterGroups: [...groups(3, 6), ...groups(1, 1)] },
      { query: 'x'.repeat(3001) },
      { limit: 201 },
      { limit: -1 },
      { limit: 'ten' },
      { after: 'abc' },
      { after: '10000' },
      { after: 12000 },
    ]) {
      const r = await api.post('/crm/v3/objects/contacts/search', body);
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(r.body.status, 'error');
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      assert.ok(r.body.message.length > 0);
    }
    assert.equal(
      (await api.post('/crm/v3/objects/contacts/search', { query: 'x'.repeat(3000) })).status,
      200,
    );
    assert.equal((await api.post('/crm/v3/objects/contacts/search', { limit: 200 })).status, 200);
  });

  it("bad filters get HubSpot's 400s", async () => {
    const bad = async (filter: unknown, includes: string) => {
      const r = await api.post('/crm/v3/objects/contacts/search', { filterGroups: [{ filters: [filter] }] });
      assert.equal(r.status, 400, JSON.stringify(filter));
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      assert.ok(r.body.message.includes(includes), `${r.body.message} includes ${includes}`);
    };
    await bad(
      { propertyName: 'createdate', operator: 'BETWEEN', value: '1' },
      'operator BETWEEN requires a highValue',
    );
    await bad({ propertyName: 'firstname', operator: 'LIKE', value: 'x' }, 'not one of the values accepted');
    await bad(
      { propertyName: 'firstname', value: 'x' },
      'some of required attributes are not set [operator]',
    );
    await bad(
      { propertyName: 'no_such_property', operator: 'EQ', value: 'x' },
      'Property "no_such_property" does not exist',
    );
    await bad({ propertyName: 'firstname', operator: 'IN' }, 'operator IN requires values');
    await bad({ propertyName: 'firstname', operator: 'EQ' }, 'operator EQ requires a value');
    await bad({ propertyName: 'createdate', operator: 'GT', value: 'yesterday' }, 'not a valid datetime');
    await bad({ propertyName: 'hs_object_id', operator: 'EQ', value: 'abc' }, 'not a valid record ID');
    await bad({ propertyName: 'hs_object_id', operator: 'GT', value: '1.5' }, 'not a valid record ID');
    await bad(
      { propertyName: 'hs_object_id', operator: 'GT', value: '99999999999999999999' },
      'not a valid record ID',
    );
    await bad({ propertyName: 'hubspotscore', operator: 'GT', value: '1e400' }, 'not a valid number');
    await bad(
      { propertyName: 'createdate', operator: 'GT', value: '99999999999999999' },
      'not a valid datetime',
    );
    await bad({ propertyName: 'firstname', operator: 'EQ', value: { a: 1 } }, 'Invalid input JSON');
    await bad('firstname', 'Invalid input JSON');
    for (const body of [
      [],
      'text',
      { filterGroups: 'x' },
      { filterGroups: [1] },
      { sorts: [{ propertyName: 'x', direction: 'UP' }] },
    ]) {
      const r = await api.post('/crm/v3/objects/contacts/search', body);
      assert.equal(r.status, 400, JSON.stringify(body));
    }
    const unknownType = await api.post('/crm/v3/objects/spaceships/search', {});
    assert.equal(unknownType.status, 400);
    assert.equal(unknownType.body.message, 'Unable to infer object type from: spaceships');
  });

  it('every standard type answers, with its own default properties', async () => {
    const deal = await api.post('/crm/v3/objects/deals', {
      properties: { dealname: 'Searchable deal', dealstage: 'appointmentscheduled', amount: '5' },
    });
    const found = await api.post('/crm/v3/objects/deals/search', { query: 'searchable' });
    assert.equal(found.body.total, 1);
    assert.equal(found.body.results[0].id, deal.body.id);
    assert.deepEqual(Object.keys(found.body.results[0].properties).sort(), [
      'amount',
      'createdate',
      'dealname',
      'dealstage',
      'hs_lastmodifieddate',
      'hs_object_id',
      'pipeline',
    ]);
    for (const type of [
      'companies',
      'tickets',
      'products',
      'line_items',
      'quotes',
      'calls',
      'notes',
      'tasks',
      'leads',
    ]) {
      const r = await api.post(`/crm/v3/objects/${type}/search`, {
        filterGroups: [{ filters: [eq('hs_object_id', '1')] }],
      });
      assert.equal(r.status, 200, type);
      assert.equal(r.body.total, 0);
    }
  });

  it('custom objects: filters, sorts and query over the schema’s searchable properties', async () => {
    const schema = await api.post('/crm-object-schemas/v3/schemas', {
      name: 'cars',
      labels: { singular: 'Car', plural: 'Cars' },
      primaryDisplayProperty: 'model',
      requiredProperties: ['model'],
      searchableProperties: ['model'],
      properties: [
        { name: 'model', label: 'Model', type: 'string', fieldType: 'text' },
        { name: 'year', label: 'Year', type: 'number', fieldType: 'number' },
      ],
      associatedObjects: ['CONTACT'],
    });
    assert.equal(schema.status, 201, JSON.stringify(schema.body));
    const type = schema.body.objectTypeId as string;
    for (const [model, year] of [
      ['Model T', '1908'],
      ['Beetle', '1938'],
      ['Model S', '2012'],
    ])
      assert.equal((await api.post(`/crm/v3/objects/${type}`, { properties: { model, year } })).status, 201);
    const models = async (body: object) =>
      (await api.post(`/crm/v3/objects/${type}/search`, { properties: ['model'], ...body })).body.results.map(
        (r: { properties: { model: string } }) => r.properties.model,
      );
    assert.deepEqual(
      await models({
        filterGroups: [{ filters: [{ propertyName: 'year', operator: 'GT', value: '1910' }] }],
      }),
      ['Beetle', 'Model S'],
    );
    assert.deepEqual(await models({ query: 'model' }), ['Model T', 'Model S']);
    assert.deepEqual(await models({ query: '1938' }), [], 'year is not searchable');
    assert.deepEqual(await models({ sorts: ['-year'] }), ['Model S', 'Beetle', 'Model T']);
    const byName = await api.post('/crm/v3/objects/cars/search', {});
    assert.equal(byName.status, 400, 'a custom object is named by its ID or fully qualified name');
    const assoc = await api.post(`/crm/v3/objects/${type}/search`, {
      filterGroups: [{ filters: [eq('associations.contact', contactIds[0]!)] }],
    });
    assert.equal(assoc.status, 400);
    assert.ok(assoc.body.message.includes('not supported for custom objects'));
  });
});
