/**
 * Races between the webhook writes and the CRM writes they report, on both stores: the same
 * subscription created by several requests and by fixture loads at once ends as one
 * subscription; subscriptions paused, resumed and deleted while records are written never
 * fail a write, and each creation is in the outbox at most once per subscription.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('webhook write races', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer({ webhooks: { paused: true } });
    admin = client(server.url);
  });
  after(() => server.close());

  async function portalWithApp(appId: number) {
    const portal = await admin.post('/_spoke/portals', {});
    assert.equal(portal.status, 201, portal.text);
    const portalId = portal.body.portalId as number;
    const fixture = {
      apps: [
        {
          appId,
          developerApiKey: `race-key-${appId}`,
          targetUrl: 'http://127.0.0.1:9/never',
          subscriptions: [{ eventType: 'contact.creation', active: true }],
        },
      ],
    };
    const seeded = await admin.post(`/_spoke/portals/${portalId}/seed`, fixture);
    assert.equal(seeded.status, 200, seeded.text);
    return {
      portalId,
      fixture,
      api: client(server.url, portal.body.token),
      key: `?hapikey=race-key-${appId}`,
    };
  }

  it('one subscription per event, however many requests and fixture loads make it at once', async () => {
    for (let round = 0; round < 5; round++) {
      const appId = 970_000 + round;
      const { portalId, fixture, key } = await portalWithApp(appId);
      const path = `/webhooks/v3/${appId}/subscriptions${key}`;
      const withDeal = {
        apps: [
          {
            ...fixture.apps[0]!,
            subscriptions: [...fixture.apps[0]!.subscriptions, { eventType: 'deal.creation', active: true }],
          },
        ],
      };
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => admin.post(path, { eventType: 'deal.creation', active: true })),
        admin.post(`/_spoke/portals/${portalId}/seed`, withDeal),
        admin.post(`/_spoke/portals/${portalId}/seed`, withDeal),
      ]);
      const posts = results.slice(0, 4).map((r) => r.status);
      assert.ok(
        posts.every((s) => s === 201 || s === 409),
        `statuses ${posts.join(',')}: ${results.map((r) => r.text).join('\n')}`,
      );
      assert.ok(posts.filter((s) => s === 201).length <= 1);
      for (const seed of results.slice(4)) assert.equal(seed.status, 200, seed.text);
      const list = await admin.get(path);
      assert.deepEqual(
        list.body.results.map((s: any) => s.eventType).sort(),
        ['contact.creation', 'deal.creation'],
        `round ${round}`,
      );
    }
  });

  it('subscriptions paused, resumed and deleted while records are written: no failed write, no event twice', async () => {
    const appId = 971_000;
    const { api, key } = await portalWithApp(appId);
    const subs = (await admin.get(`/webhooks/v3/${appId}/subscriptions${key}`)).body.results;
    const id = subs[0].id as string;
    const writes: Array<Promise<{ status: number; text: string }>> = [];
    const changes: Array<Promise<{ status: number; text: string }>> = [];
    for (let i = 0; i < 20; i++) {
      writes.push(api.post('/crm/v3/objects/contacts', { properties: { email: `r${i}@race.example` } }));
      changes.push(admin.patch(`/webhooks/v3/${appId}/subscriptions/${id}${key}`, { active: i % 2 === 0 }));
      if (i === 15) changes.push(admin.delete(`/webhooks/v3/${appId}/subscriptions/${id}${key}`));
    }
    for (const w of await Promise.all(writes)) assert.equal(w.status, 201, w.text);
    for (const c of await Promise.all(changes)) assert.ok([200, 204, 404].includes(c.status), c.text);
    const events = (await admin.get(`/_spoke/webhooks/events?appId=${appId}`)).body.results;
    const objects = events.map((e: any) => e.event.objectId);
    assert.equal(new Set(objects).size, objects.length, 'each creation at most once');
    assert.ok(events.every((e: any) => e.event.subscriptionType === 'contact.creation'));
    const after = await api.post('/crm/v3/objects/contacts', { properties: { email: 'after@race.example' } });
    assert.equal(after.status, 201, after.text);
    const later = (await admin.get(`/_spoke/webhooks/events?appId=${appId}`)).body.results;
    assert.equal(later.length, events.length, 'a deleted subscription hears nothing');
  });

  it('an app never passes 1,000 subscriptions, however many creations race for the last places', async () => {
    const appId = 972_000;
    const { key } = await portalWithApp(appId);
    // The fixture made one subscription; 989 more leave 10 places for 40 concurrent creations.
    await server.store.transaction(async (tx) => {
      for (let i = 0; i < 989; i++) {
        await tx.webhooks.insertSubscription({
          appId,
          eventType: 'contact.propertyChange',
          objectTypeId: null,
          propertyName: `filler${i}`,
          eventTypeName: null,
          active: false,
          createdAt: 0,
          updatedAt: 0,
        });
      }
    });
    const path = `/webhooks/v3/${appId}/subscriptions${key}`;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        admin.post(path, { eventType: 'deal.propertyChange', propertyName: `race${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status);
    assert.deepEqual(
      [statuses.filter((s) => s === 201).length, statuses.filter((s) => s === 400).length],
      [10, 30],
      statuses.join(','),
    );
    const list = await admin.get(path);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.results.length, 1000);
  });
});
