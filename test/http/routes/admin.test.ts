/**
 * The admin API: portals and tokens, reset, snapshots, export and import, fixtures,
 * restoring archived records, and the clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseTokenConfig } from '../../../src/domain/portals.js';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const DEFAULT = 4680000;

async function populate(api: Client) {
  const contact = (await api.post('/crm/v3/objects/contacts', { properties: { email: 'pop@example.com' } }))
    .body.id;
  const company = (await api.post('/crm/v3/objects/companies', { properties: { name: 'Pop' } })).body.id;
  await api.put(`/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, [
    { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 },
  ]);
  return { contact, company };
}

describe('admin API: portals and tokens', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer({
      tokens: parseTokenConfig('{"pat-alice": 101, "pat-bob": {"portalId": 102, "user": "bob@example.com"}}'),
    });
    admin = client(server.url);
  });
  after(() => server.close());

  it('accepts only configured tokens, each in its own portal', async () => {
    const alice = client(server.url, 'pat-alice');
    const bob = client(server.url, 'pat-bob');
    const unknown = client(server.url, 'pat-mallory');
    assert.equal((await unknown.get('/crm/v3/objects/contacts')).status, 401);
    const created = await alice.post('/crm/v3/objects/contacts', { properties: { email: 'a@example.com' } });
    assert.equal(created.status, 201);
    assert.equal(
      (await bob.get(`/crm/v3/objects/contacts/${created.body.id}`)).status,
      404,
      "bob cannot see alice's contact",
    );
    assert.deepEqual((await bob.get('/crm/v3/objects/contacts')).body.results, []);
    // Both portals number their records from the same documented start.
    const bobs = await bob.post('/crm/v3/objects/contacts', { properties: { email: 'a@example.com' } });
    assert.equal(bobs.status, 201, 'emails are unique per portal, not across portals');
    assert.equal(bobs.body.id, created.body.id);
  });

  it('describes a token like HubSpot: hub_id, user, scopes', async () => {
    const r = await admin.get('/oauth/v1/access-tokens/pat-bob', { anonymous: true });
    assert.equal(r.status, 200);
    assert.equal(r.body.hub_id, 102);
    assert.equal(r.body.user, 'bob@example.com');
    assert.equal(r.body.token, 'pat-bob');
    assert.equal(r.body.token_type, 'access');
    assert.ok(Array.isArray(r.body.scopes) && r.body.scopes.includes('crm.objects.contacts.read'));
    assert.equal((await admin.get('/oauth/v1/access-tokens/pat-mallory', { anonymous: true })).status, 404);
  });

  it('makes new portals with tokens of their own', async () => {
    const r = await admin.post('/_spoke/portals', { user: 'carol@example.com' });
    assert.equal(r.status, 201);
    assert.match(r.body.token, /^spoke-[0-9a-f]{24}$/);
    assert.ok(r.body.portalId > DEFAULT);
    const carol = client(server.url, r.body.token);
    assert.equal(
      (
        await carol.post('/crm/v3/objects/deals', {
          properties: { dealname: 'C', dealstage: 'appointmentscheduled' },
        })
      ).status,
      201,
    );
    const info = await admin.get(`/oauth/v1/access-tokens/${r.body.token}`);
    assert.equal(info.body.hub_id, r.body.portalId);
    const fixed = await admin.post('/_spoke/portals', { portalId: 777, token: 'pat-777' });
    assert.equal(fixed.body.portalId, 777);
    assert.equal((await admin.post('/_spoke/portals', { token: 'pat-777' })).status, 409);
    const portals = await admin.get('/_spoke/portals');
    const ids = portals.body.results.map((p: any) => p.portalId);
    for (const id of [101, 102, 777, r.body.portalId]) assert.ok(ids.includes(id), `lists ${id}`);
  });

  it('makes a portal from a POST with no body at all, or an empty JSON content', async () => {
    const bare = await admin.request('POST', '/_spoke/portals');
    assert.equal(bare.status, 201, bare.text);
    assert.match(bare.body.token, /^spoke-/);
    const empty = await admin.request('POST', '/_spoke/portals', {
      raw: '',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(empty.status, 201, empty.text);
    assert.notEqual(empty.body.portalId, bare.body.portalId);
  });
});

describe('admin API: reset, snapshots, export and import', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('resets one portal, and every portal, leaving tokens in place', async () => {
    const other = await api.post('/_spoke/portals', {});
    const otherApi = client(server.url, other.body.token);
    await populate(api);
    await populate(otherApi);
    assert.equal((await api.post(`/_spoke/portals/${DEFAULT}/reset`)).status, 204);
    assert.deepEqual((await api.get('/crm/v3/objects/contacts')).body.results, []);
    assert.equal(
      (await otherApi.get('/crm/v3/objects/contacts')).body.results.length,
      1,
      'the other portal is untouched',
    );
    // IDs start again from the documented sequence.
    assert.equal((await api.post('/crm/v3/objects/contacts', { properties: {} })).body.id, '10000000001');
    const all = await api.post('/_spoke/reset');
    assert.equal(all.status, 200);
    assert.ok(all.body.reset.includes(other.body.portalId));
    assert.deepEqual((await otherApi.get('/crm/v3/objects/contacts')).body.results, []);
    assert.equal((await otherApi.get('/crm/v3/objects/contacts')).status, 200, 'the token still works');
  });

  it('takes, lists, restores and deletes named snapshots', async () => {
    const { contact, company } = await populate(api);
    await api.post('/crm/v4/associations/contacts/companies/labels', { label: 'Fan', name: 'fan' });
    const taken = await api.post(`/_spoke/portals/${DEFAULT}/snapshots`, { name: 'seeded' });
    assert.equal(taken.status, 201);
    assert.equal(taken.body.name, 'seeded');
    assert.equal(taken.body.records, 2);
    assert.equal(taken.body.associations, 4);

    await api.delete(`/crm/v3/objects/contacts/${contact}`);
    await api.post('/crm/v3/objects/deals', {
      properties: { dealname: 'later', dealstage: 'appointmentscheduled' },
    });
    assert.equal((await api.post(`/_spoke/portals/${DEFAULT}/snapshots/seeded/restore`)).status, 204);
    assert.equal((await api.get(`/crm/v3/objects/contacts/${contact}`)).status, 200);
    assert.deepEqual((await api.get('/crm/v3/objects/deals')).body.results, []);
    const list = await api.get(`/crm/v4/objects/companies/${company}/associations/contacts`);
    assert.deepEqual(
      list.body.results[0].associationTypes.map((t: any) => t.typeId),
      [2, 280],
    );
    const labels = await api.get('/crm/v4/associations/contacts/companies/labels');
    assert.ok(labels.body.results.some((l: any) => l.label === 'Fan'));
    // Restoring brings the ID sequence back too.
    const next = await api.post('/crm/v3/objects/deals', {
      properties: { dealstage: 'appointmentscheduled' },
    });
    assert.equal(Number(next.body.id), Number(company) + 1);

    const snapshots = await api.get(`/_spoke/portals/${DEFAULT}/snapshots`);
    assert.deepEqual(
      snapshots.body.results.map((s: any) => s.name),
      ['seeded'],
    );
    assert.equal((await api.delete(`/_spoke/portals/${DEFAULT}/snapshots/seeded`)).status, 204);
    assert.equal((await api.post(`/_spoke/portals/${DEFAULT}/snapshots/seeded/restore`)).status, 404);
    assert.equal((await api.post(`/_spoke/portals/${DEFAULT}/snapshots`, { name: '../etc' })).status, 400);
  });

  it('exports a portal and imports it elsewhere, identical', async () => {
    await api.post('/_spoke/reset');
    const { contact } = await populate(api);
    await api.patch(`/crm/v3/objects/contacts/${contact}`, { properties: { firstname: 'Exported' } });
    await api.post('/crm-object-schemas/v3/schemas', {
      name: 'boats',
      labels: { singular: 'Boat', plural: 'Boats' },
      properties: [{ name: 'hull', label: 'Hull', type: 'string', fieldType: 'text' }],
      requiredProperties: [],
      associatedObjects: ['CONTACT'],
    });
    const boat = (await api.post('/crm/v3/objects/p_boats', { properties: { hull: 'H1' } })).body.id;
    await api.put(`/crm/v4/objects/p_boats/${boat}/associations/default/contacts/${contact}`);
    await api.post('/crm/v4/associations/definitions/configurations/contacts/companies/batch/create', {
      inputs: [{ category: 'HUBSPOT_DEFINED', typeId: 279, maxToObjectIds: 3 }],
    });

    const exported = await api.get(`/_spoke/portals/${DEFAULT}/export`);
    assert.equal(exported.status, 200);
    assert.equal(exported.body.format, 'spoke-portal-export');
    assert.equal(exported.body.records.length, 3);
    assert.equal(exported.body.associations.length, 6);

    const target = await api.post('/_spoke/portals', {});
    const imported = await api.post(`/_spoke/portals/${target.body.portalId}/import`, exported.body);
    assert.equal(imported.status, 200);
    assert.deepEqual(imported.body, { records: 3, associations: 6 });
    const again = await api.get(`/_spoke/portals/${target.body.portalId}/export`);
    const { exportedAt: _a, portalId: _p, ...left } = exported.body;
    const { exportedAt: _b, portalId: _q, ...right } = again.body;
    assert.deepEqual(right, left);
    const other = client(server.url, target.body.token);
    const read = await other.get(
      `/crm/v3/objects/contacts/${contact}?propertiesWithHistory=firstname&associations=companies,p_boats`,
    );
    assert.equal(read.body.properties.email, 'pop@example.com');
    assert.equal(read.body.propertiesWithHistory.firstname[0].value, 'Exported');
    assert.ok(read.body.associations.companies && read.body.associations[`p${target.body.portalId}_boats`]);
    assert.equal(
      (await other.post('/crm/v3/objects/contacts', { properties: { email: 'pop@example.com' } })).status,
      409,
    );
  });

  it('refuses a bad import and changes nothing', async () => {
    const before = await api.get(`/_spoke/portals/${DEFAULT}/export`);
    const broken = structuredClone(before.body);
    broken.associations.push({ ...broken.associations[0], toId: '12345' });
    const r = await api.post(`/_spoke/portals/${DEFAULT}/import`, broken);
    assert.equal(r.status, 400);
    assert.match(
      r.body.message,
      /Invalid export document: associations\[6\] connects records the document does not hold/,
    );
    const duplicate = structuredClone(before.body);
    duplicate.records.push({ ...duplicate.records[0], id: '99999999999' });
    assert.equal((await api.post(`/_spoke/portals/${DEFAULT}/import`, duplicate)).status, 400);
    assert.equal((await api.post(`/_spoke/portals/${DEFAULT}/import`, { format: 'other' })).status, 400);
    const after = await api.get(`/_spoke/portals/${DEFAULT}/export`);
    const { exportedAt: _a, ...left } = before.body;
    const { exportedAt: _b, ...right } = after.body;
    assert.deepEqual(right, left);
  });

  it('restores an archived record with its associations', async () => {
    await api.post('/_spoke/reset');
    const { contact, company } = await populate(api);
    await api.delete(`/crm/v3/objects/companies/${company}`);
    assert.deepEqual(
      (await api.get(`/crm/v4/objects/contacts/${contact}/associations/companies`)).body.results,
      [],
    );
    const r = await api.post(`/_spoke/portals/${DEFAULT}/objects/companies/${company}/restore`);
    assert.equal(r.status, 200);
    assert.equal(r.body.archived, false);
    const list = await api.get(`/crm/v4/objects/contacts/${contact}/associations/companies`);
    assert.deepEqual(
      list.body.results[0].associationTypes.map((t: any) => t.typeId),
      [1, 279],
    );
    assert.equal(
      (await api.post(`/_spoke/portals/${DEFAULT}/objects/companies/${company}/restore`)).status,
      404,
    );
  });
});

describe('admin API: fixtures and the clock', () => {
  let server: TestServer;
  let api: Client;

  const fixtures = {
    labels: [
      { from: 'contacts', to: 'companies', name: 'founder', label: 'Founder', inverseLabel: 'Founded' },
    ],
    records: {
      contacts: [{ key: 'ada', properties: { email: 'ada@example.com', firstname: 'Ada' } }],
      companies: [{ key: 'acme', properties: { name: 'Acme' } }],
      deals: [{ key: 'big', properties: { dealname: 'Big deal', dealstage: 'appointmentscheduled' } }],
    },
    associations: [
      { from: 'ada', to: 'acme', types: ['primary', 'founder'] },
      { from: 'big', to: 'ada' },
    ],
    limits: [{ from: 'deals', to: 'contacts', max: 3 }],
  };

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('loads fixtures whose records refer to each other by key, and loading twice duplicates nothing', async () => {
    const first = await api.post(`/_spoke/portals/${DEFAULT}/seed`, fixtures);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.records, { created: 3, updated: 0 });
    assert.deepEqual(first.body.labels, { created: 1, existing: 0 });
    const second = await api.post(`/_spoke/portals/${DEFAULT}/seed`, fixtures);
    assert.deepEqual(second.body.records, { created: 0, updated: 3 });
    assert.deepEqual(second.body.labels, { created: 0, existing: 1 });
    const contacts = (await api.get('/crm/v3/objects/contacts?associations=companies,deals')).body.results;
    assert.equal(contacts.length, 1);
    assert.deepEqual(contacts[0].associations.companies.results.map((r: any) => r.type).sort(), [
      'contact_to_company',
      'contact_to_company_unlabeled',
      'founder',
    ]);
    assert.equal(contacts[0].associations.deals.results.length, 1);
    const limits = await api.get('/crm/v4/associations/definitions/configurations/deals/contacts');
    assert.equal(limits.body.results[0].userEnforcedMaxToObjectIds, 3);
    const bad = await api.post(`/_spoke/portals/${DEFAULT}/seed`, {
      associations: [{ from: 'nobody', to: 'acme' }],
    });
    assert.equal(bad.status, 400);
  });

  it('gives a portal seeded over HTTP the token a --seed start gives it', async () => {
    const seeded = await api.post('/_spoke/portals/201/seed', {
      portalId: 201,
      records: { contacts: [{ key: 'ada', properties: { email: 'ada@seed.example' } }] },
    });
    assert.equal(seeded.status, 200, seeded.text);
    // The token reaches portal 201 (not the default portal, where an unknown token would land).
    const portal201 = client(server.url, 'spoke-portal-201');
    const listed = await portal201.get('/crm/v3/objects/contacts');
    assert.deepEqual(
      listed.body.results.map((r: any) => r.properties.email),
      ['ada@seed.example'],
    );
    const info = await api.get('/oauth/v1/access-tokens/spoke-portal-201');
    assert.equal(info.body.hub_id, 201);
    // A token the fixture names is the one made.
    await api.post('/_spoke/portals/202/seed', { portalId: 202, token: 'seeded-202' });
    assert.equal((await api.get('/oauth/v1/access-tokens/seeded-202')).body.hub_id, 202);
    // Seeds of one portal at once: every one succeeds (one makes the token, the others find it).
    const together = await Promise.all(
      [1, 2, 3].map(() => api.post('/_spoke/portals/204/seed', { portalId: 204 })),
    );
    assert.deepEqual(
      together.map((r) => r.status),
      [200, 200, 200],
      together.map((r) => r.text).join('\n'),
    );
    assert.equal((await api.get('/oauth/v1/access-tokens/spoke-portal-204')).body.hub_id, 204);
  });

  it('pins, advances and releases the clock that stamps every write', async () => {
    const set = await api.put('/_spoke/clock', { now: '2026-01-01T00:00:00Z' });
    assert.deepEqual(set.body, { now: '2026-01-01T00:00:00.000Z', frozen: true, stepMs: 0 });
    const created = await api.post('/crm/v3/objects/tickets', { properties: { subject: 'Clock' } });
    assert.equal(created.body.createdAt, '2026-01-01T00:00:00.000Z');
    assert.equal(created.body.properties.createdate, '2026-01-01T00:00:00.000Z');
    await api.post('/_spoke/clock/advance', { ms: 3_600_000 });
    const updated = await api.patch(`/crm/v3/objects/tickets/${created.body.id}`, {
      properties: { subject: 'Later' },
    });
    assert.equal(updated.body.updatedAt, '2026-01-01T01:00:00.000Z');
    const batch = await api.post('/crm/v4/associations/contacts/companies/batch/read', { inputs: [] });
    assert.equal(batch.body.startedAt, '2026-01-01T01:00:00.000Z');
    const released = await api.delete('/_spoke/clock');
    assert.equal(released.body.frozen, false);
    assert.ok(Math.abs(Date.parse(released.body.now) - Date.now()) < 5000);
    assert.equal((await api.put('/_spoke/clock', { now: 'yesterday' })).status, 400);
  });
});

describe('admin API with an admin token', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ adminToken: 'admin-secret' });
  });
  after(() => server.close());

  it('needs the admin token on every admin endpoint but health', async () => {
    const anonymous = client(server.url, 'a-crm-token');
    assert.equal((await anonymous.post('/_spoke/reset')).status, 401);
    assert.equal((await anonymous.get('/_spoke/portals')).status, 401);
    assert.equal((await anonymous.get('/_spoke/health')).status, 200);
    const admin = client(server.url, 'admin-secret');
    assert.equal((await admin.post('/_spoke/reset')).status, 200);
    // The CRM API does not need it.
    assert.equal((await anonymous.get('/crm/v3/objects/contacts')).status, 200);
  });
});
