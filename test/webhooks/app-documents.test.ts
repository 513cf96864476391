/**
 * Webhook apps in fixtures and in portal export documents: an app with its client secret,
 * settings and subscriptions is seeded (again without duplicates), keeps its app ID, hears
 * nothing of the fixture's own records, and goes through export and import: back into its
 * portal unchanged, into another portal as a copy with new IDs.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

describe('webhook apps in fixtures and exports', () => {
  let server: TestServer;
  let admin: Client;
  let receiver: Receiver;

  before(async () => {
    server = await startTestServer({ webhooks: { paused: true } });
    admin = client(server.url);
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    await server.close();
  });

  async function flush() {
    const r = await admin.post('/_spoke/webhooks/flush', {});
    assert.equal(r.status, 200, r.text);
  }

  async function newPortal() {
    const portal = await admin.post('/_spoke/portals', {});
    assert.equal(portal.status, 201, portal.text);
    return { portalId: portal.body.portalId as number, api: client(server.url, portal.body.token) };
  }

  const fixtureApp = (appId: number, targetUrl: string) => ({
    appId,
    name: 'Seeded app',
    clientSecret: `secret-${appId}`,
    developerApiKey: `key-${appId}`,
    targetUrl,
    maxConcurrentRequests: 4,
    subscriptions: [
      { eventType: 'contact.creation', active: true },
      { eventType: 'contact.propertyChange', propertyName: 'email', active: true },
      { eventType: 'deal.creation' },
    ],
  });

  it('seeds an app with its secret, settings and subscriptions, once, deaf to the fixture’s own records', async () => {
    const { portalId, api } = await newPortal();
    const appId = 880_000 + portalId;
    const fixture = {
      records: { contacts: [{ key: 'ada', properties: { email: 'ada@example.com' } }] },
      apps: [fixtureApp(appId, receiver.url)],
    };
    const seeded = await admin.post(`/_spoke/portals/${portalId}/seed`, fixture);
    assert.equal(seeded.status, 200, seeded.text);
    assert.deepEqual(seeded.body.apps, { created: 1, updated: 0 });

    const key = `?hapikey=key-${appId}`;
    const settings = await admin.get(`/webhooks/v3/${appId}/settings${key}`);
    assert.equal(settings.status, 200, settings.text);
    assert.deepEqual(
      [settings.body.targetUrl, settings.body.throttling.maxConcurrentRequests],
      [receiver.url, 4],
    );
    const subs = await admin.get(`/webhooks/v3/${appId}/subscriptions${key}`);
    assert.deepEqual(
      subs.body.results.map((s: any) => [s.eventType, s.propertyName ?? null, s.active]),
      [
        ['contact.creation', null, true],
        ['contact.propertyChange', 'email', true],
        ['deal.creation', null, false],
      ],
    );

    const before = receiver.received.length;
    await flush();
    assert.equal(receiver.received.length, before, 'the fixture’s own contact sends nothing to its app');

    const again = await admin.post(`/_spoke/portals/${portalId}/seed`, fixture);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body.apps, { created: 0, updated: 1 });
    assert.equal((await admin.get(`/webhooks/v3/${appId}/subscriptions${key}`)).body.results.length, 3);
    const settingsAgain = await admin.get(`/webhooks/v3/${appId}/settings${key}`);
    assert.equal(settingsAgain.body.updatedAt, settings.body.updatedAt, 'unchanged settings keep their time');

    const created = await api.post('/crm/v3/objects/contacts', { properties: { email: 'bob@example.com' } });
    assert.equal(created.status, 201, created.text);
    await flush();
    const request = receiver.received.at(-1)!;
    assert.deepEqual(
      request.events.map((e) => [e.appId, e.subscriptionType, String(e.objectId)]),
      [
        [appId, 'contact.creation', created.body.id],
        [appId, 'contact.propertyChange', created.body.id],
      ],
    );
    assert.equal(
      request.headers['x-hubspot-signature'],
      createHash('sha256').update(`secret-${appId}${request.body}`).digest('hex'),
    );
  });

  it('refuses a fixture with a bad app, and changes nothing', async () => {
    const { portalId, api } = await newPortal();
    const cases: Array<[unknown, RegExp]> = [
      [[{ subscriptions: [{ eventType: 'contact.nope' }] }], /Unknown eventType/],
      [[{ targetUrl: 'ftp://example.com' }], /targetUrl/],
      [[{ subscriptions: [{ eventType: 'contact.propertyChange' }] }], /needs a propertyName/],
      [
        [{ subscriptions: [{ eventType: 'deal.creation' }, { eventType: 'deal.creation', active: true }] }],
        /repeats a subscription/,
      ],
      [[{ appId: 'x' }], /appId must be a positive integer/],
      ['apps', /must be an array/],
    ];
    for (const [apps, message] of cases) {
      const r = await admin.post(`/_spoke/portals/${portalId}/seed`, {
        records: { contacts: [{ key: 'x', properties: { email: 'x@example.com' } }] },
        apps,
      });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      assert.match(r.body.message, message);
    }
    const other = await newPortal();
    const taken = await admin.post(`/_spoke/webhooks/apps`, { portalId: other.portalId });
    const r = await admin.post(`/_spoke/portals/${portalId}/seed`, {
      records: { contacts: [{ key: 'x', properties: { email: 'x@example.com' } }] },
      apps: [{ appId: taken.body.appId }],
    });
    assert.equal(r.status, 400, r.text);
    assert.match(r.body.message, /belongs to portal/);
    const apps = await admin.get(`/_spoke/webhooks/apps?portalId=${portalId}`);
    assert.deepEqual(apps.body.results, []);
    const contacts = await api.get('/crm/v3/objects/contacts');
    assert.equal(contacts.status, 200, contacts.text);
    assert.equal(contacts.body.results.length, 0, 'no half-applied fixture');
  });

  it('exports a portal’s apps and imports them back with their IDs, or as a copy into another portal', async () => {
    const { portalId, api } = await newPortal();
    const appId = 890_000 + portalId;
    const seeded = await admin.post(`/_spoke/portals/${portalId}/seed`, {
      apps: [fixtureApp(appId, receiver.url)],
    });
    assert.equal(seeded.status, 200, seeded.text);
    const key = `?hapikey=key-${appId}`;
    const subsBefore = (await admin.get(`/webhooks/v3/${appId}/subscriptions${key}`)).body.results;

    const exported = await admin.get(`/_spoke/portals/${portalId}/export`);
    assert.equal(exported.status, 200, exported.text);
    const [app] = exported.body.apps;
    assert.deepEqual(
      [app.appId, app.clientSecret, app.developerApiKey, app.targetUrl, app.maxConcurrentRequests],
      [appId, `secret-${appId}`, `key-${appId}`, receiver.url, 4],
    );
    assert.equal(app.subscriptions.length, 3);

    // Changed after the export, then the export imported back: as it was.
    const firstSub = subsBefore[0].id as string;
    assert.equal((await admin.delete(`/webhooks/v3/${appId}/subscriptions/${firstSub}${key}`)).status, 204);
    assert.equal((await admin.delete(`/webhooks/v3/${appId}/settings${key}`)).status, 204);
    const restored = await admin.post(`/_spoke/portals/${portalId}/import`, exported.body);
    assert.equal(restored.status, 200, restored.text);
    const subsAfter = (await admin.get(`/webhooks/v3/${appId}/subscriptions${key}`)).body.results;
    assert.deepEqual(
      subsAfter.map((s: any) => [s.id, s.eventType, s.propertyName ?? null, s.active]),
      subsBefore.map((s: any) => [s.id, s.eventType, s.propertyName ?? null, s.active]),
    );
    assert.equal((await admin.get(`/webhooks/v3/${appId}/settings${key}`)).body.targetUrl, receiver.url);
    const created = await api.post('/crm/v3/objects/contacts', { properties: { email: 'back@example.com' } });
    await flush();
    const last = receiver.received.at(-1)!;
    assert.deepEqual([last.events[0]!.appId, String(last.events[0]!.objectId)], [appId, created.body.id]);

    // Into another portal: a copy with a new app ID and key, the original untouched.
    const copy = await newPortal();
    const imported = await admin.post(`/_spoke/portals/${copy.portalId}/import`, exported.body);
    assert.equal(imported.status, 200, imported.text);
    const [copied] = (await admin.get(`/_spoke/webhooks/apps?portalId=${copy.portalId}`)).body.results;
    assert.notEqual(copied.appId, appId);
    assert.notEqual(copied.developerApiKey, `key-${appId}`);
    assert.equal(copied.clientSecret, `secret-${appId}`);
    const copiedSubs = await admin.get(
      `/webhooks/v3/${copied.appId}/subscriptions?hapikey=${copied.developerApiKey}`,
    );
    assert.equal(copiedSubs.body.results.length, 3);
    const original = await admin.get(`/_spoke/webhooks/apps?portalId=${portalId}`);
    assert.deepEqual(
      original.body.results.map((a: any) => a.appId),
      [appId],
    );

    // A document without apps leaves the portal's apps as they are.
    const { apps: _apps, ...withoutApps } = exported.body;
    const plain = await admin.post(`/_spoke/portals/${portalId}/import`, withoutApps);
    assert.equal(plain.status, 200, plain.text);
    assert.equal((await admin.get(`/webhooks/v3/${appId}/subscriptions${key}`)).body.results.length, 3);

    // A new app made after an import with explicit IDs gets a fresh ID (the generator moved on).
    const fresh = await admin.post('/_spoke/webhooks/apps', { portalId });
    assert.equal(fresh.status, 201, fresh.text);
    assert.ok(fresh.body.appId !== appId);
    const bad = await admin.post(`/_spoke/portals/${portalId}/import`, {
      ...exported.body,
      apps: [{ subscriptions: [{ eventType: 'nope' }] }],
    });
    assert.equal(bad.status, 400, bad.text);
  });
});
