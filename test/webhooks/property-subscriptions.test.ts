/**
 * propertyChange subscriptions and the portal's properties (decision D90): HubSpot takes a
 * subscription for a property an account does not have, and sends nothing for it from that
 * account ("If a customer's account doesn't have the property you specify in a subscription,
 * you will not get any webhooks from that customer for that property"). So Spoke accepts it
 * on create, update and batch update, sends nothing while the property does not exist, and
 * sends its events once the portal has the property.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

describe('propertyChange subscriptions for properties the portal does not have (D90)', () => {
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

  it('accepts them on create, update and batch update, and sends events once the property exists', async () => {
    const portal = await admin.post('/_spoke/portals', {});
    assert.equal(portal.status, 201, portal.text);
    const api = client(server.url, portal.body.token);
    const app = await admin.post('/_spoke/webhooks/apps', { portalId: portal.body.portalId, name: 'Props' });
    assert.equal(app.status, 201, app.text);
    const base = `/webhooks/v3/${app.body.appId}`;
    const key = `hapikey=${app.body.developerApiKey}`;
    const settings = await api.put(`${base}/settings?${key}`, {
      targetUrl: receiver.url,
      throttling: { maxConcurrentRequests: 10 },
    });
    assert.equal(settings.status, 200, settings.text);

    const created = await api.post(`${base}/subscriptions?${key}`, {
      eventType: 'contact.propertyChange',
      propertyName: 'favorite_boat',
      active: false,
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.propertyName, 'favorite_boat');
    const custom = await api.post(`${base}/subscriptions?${key}`, {
      eventType: 'contact.propertyChange',
      propertyName: 'no_such_property_either',
      active: false,
    });
    assert.equal(custom.status, 201, custom.text);
    const patched = await api.patch(`${base}/subscriptions/${created.body.id}?${key}`, { active: true });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.active, true);
    const batch = await api.post(`${base}/subscriptions/batch/update?${key}`, {
      inputs: [
        { id: Number(created.body.id), active: true },
        { id: Number(custom.body.id), active: true },
      ],
    });
    assert.equal(batch.status, 200, batch.text);
    assert.deepEqual(
      (batch.body.results as Array<{ active: boolean }>).map((s) => s.active),
      [true, true],
    );

    // While the portal has no such property, a write cannot set it (strict validation), and
    // writes of other properties send nothing for the subscription.
    const contact = await api.post('/crm/v3/objects/contacts', { properties: { email: 'p@example.com' } });
    assert.equal(contact.status, 201, contact.text);
    const refused = await api.patch(`/crm/v3/objects/contacts/${contact.body.id}`, {
      properties: { favorite_boat: 'Ketch' },
    });
    assert.equal(refused.status, 400, refused.text);
    assert.equal((await admin.post('/_spoke/webhooks/flush', {})).status, 200);
    assert.deepEqual(
      receiver.received.flatMap((r) => r.events),
      [],
    );

    // Once the portal has the property, its changes are sent.
    const property = await api.post('/crm/v3/properties/contacts', {
      name: 'favorite_boat',
      label: 'Favorite boat',
      type: 'string',
      fieldType: 'text',
      groupName: 'contactinformation',
    });
    assert.equal(property.status, 201, property.text);
    const set = await api.patch(`/crm/v3/objects/contacts/${contact.body.id}`, {
      properties: { favorite_boat: 'Ketch' },
    });
    assert.equal(set.status, 200, set.text);
    assert.equal((await admin.post('/_spoke/webhooks/flush', {})).status, 200);
    const events = receiver.received.flatMap((r) => r.events);
    assert.deepEqual(
      events.map((e) => [e.subscriptionType, e.subscriptionId, e.objectId, e.propertyName, e.propertyValue]),
      [
        [
          'contact.propertyChange',
          Number(created.body.id),
          Number(contact.body.id),
          'favorite_boat',
          'Ketch',
        ],
      ],
    );
  });
});
