/**
 * Which app a write is credited to in webhook events (decision D91): a write made with a
 * token linked to an app (`accessToken` when the app is made, as an OAuth app's installation
 * has its own access token) carries that app's ID as `sourceId`, with `changeSource`
 * `INTEGRATION`; a write with a token linked to no app is the portal's first app's, as before.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

describe('webhook sourceId: the app whose token made the write (D91)', () => {
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

  async function app(portalId: number, extra: Record<string, unknown> = {}) {
    const r = await admin.post('/_spoke/webhooks/apps', { portalId, targetUrl: receiver.url, ...extra });
    assert.equal(r.status, 201, r.text);
    const created = r.body as { appId: number; developerApiKey: string };
    const sub = await client(server.url).post(
      `/webhooks/v3/${created.appId}/subscriptions?hapikey=${created.developerApiKey}`,
      { eventType: 'contact.creation', active: true },
    );
    assert.equal(sub.status, 201, sub.text);
    return created.appId;
  }

  /** Runs `write`, delivers, and returns each event's app, changeSource and sourceId. */
  async function credited(write: () => Promise<unknown>) {
    const from = receiver.received.length;
    await write();
    assert.equal((await admin.post('/_spoke/webhooks/flush', {})).status, 200);
    return receiver.received
      .slice(from)
      .flatMap((r) => r.events)
      .map((e) => [e.appId, e.changeSource, e.sourceId])
      .sort((a, b) => a[0] - b[0]);
  }

  it('credits a linked token’s app, and the portal’s first app otherwise', async () => {
    const portal = await admin.post('/_spoke/portals', {});
    assert.equal(portal.status, 201, portal.text);
    const portalId = portal.body.portalId as number;
    const first = await app(portalId);
    const accessToken = `oauth-${randomUUID()}`;
    const second = await app(portalId, { accessToken });
    const viaApp = client(server.url, accessToken, { contract: true });
    const viaPortal = client(server.url, portal.body.token, { contract: true });

    const byApp = await credited(async () => {
      const r = await viaApp.post('/crm/v3/objects/contacts', { properties: { email: 'app@example.com' } });
      assert.equal(r.status, 201, r.text);
    });
    assert.deepEqual(byApp, [
      [first, 'INTEGRATION', String(second)],
      [second, 'INTEGRATION', String(second)],
    ]);

    const batchByApp = await credited(async () => {
      const r = await viaApp.post('/crm/v3/objects/contacts/batch/create', {
        inputs: [{ properties: { email: 'batch@example.com' } }],
      });
      assert.equal(r.status, 201, r.text);
    });
    assert.deepEqual(batchByApp, [
      [first, 'INTEGRATION', String(second)],
      [second, 'INTEGRATION', String(second)],
    ]);

    const byPortal = await credited(async () => {
      const r = await viaPortal.post('/crm/v3/objects/contacts', { properties: { email: 'p@example.com' } });
      assert.equal(r.status, 201, r.text);
    });
    assert.deepEqual(byPortal, [
      [first, 'INTEGRATION', String(first)],
      [second, 'INTEGRATION', String(first)],
    ]);
  });

  it('refuses an access token that already names a portal', async () => {
    const portal = await admin.post('/_spoke/portals', {});
    assert.equal(portal.status, 201, portal.text);
    const taken = await admin.post('/_spoke/webhooks/apps', {
      portalId: portal.body.portalId,
      accessToken: portal.body.token,
    });
    assert.equal(taken.status, 409, taken.text);
    assert.match(taken.body.message, /already names portal/);
    const wrongType = await admin.post('/_spoke/webhooks/apps', {
      portalId: portal.body.portalId,
      accessToken: 5,
    });
    assert.equal(wrongType.status, 400, wrongType.text);
  });
});
