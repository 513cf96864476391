/**
 * The admin API's apps: made with the appId and developer API key given (refused when
 * taken), only in a portal that exists, with fields of the right JSON type; changed with
 * PATCH and deleted with DELETE (its subscriptions and pending events with it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('admin API: webhook apps', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer({ webhooks: { paused: true } });
    admin = client(server.url);
  });
  after(() => server.close());

  async function refused(
    r: Promise<{ status: number; text: string; body: any }>,
    status: number,
    message: RegExp,
  ) {
    const response = await r;
    assert.equal(response.status, status, response.text);
    assert.equal(response.body.status, 'error');
    assert.match(response.body.message, message);
  }

  it('makes an app with the appId and developer API key given, in a portal that exists', async () => {
    const made = await admin.post('/_spoke/webhooks/apps', {
      appId: 960_001,
      developerApiKey: 'mine-960001',
      clientSecret: 'shh',
    });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual(
      [made.body.appId, made.body.developerApiKey, made.body.clientSecret],
      [960_001, 'mine-960001', 'shh'],
    );
    await refused(
      admin.post('/_spoke/webhooks/apps', { appId: 960_001 }),
      409,
      /An app with ID 960001 exists/,
    );
    await refused(
      admin.post('/_spoke/webhooks/apps', { developerApiKey: 'mine-960001' }),
      409,
      /developer API key mine-960001/,
    );
    await refused(admin.post('/_spoke/webhooks/apps', { portalId: 999 }), 404, /No portal with ID 999/);
    await refused(
      admin.post('/_spoke/webhooks/apps', { clientSecret: 123 }),
      400,
      /clientSecret must be a string/,
    );
    await refused(admin.post('/_spoke/webhooks/apps', { appid: 5 }), 400, /appid must be absent/);
    await refused(admin.post('/_spoke/webhooks/apps', { signatureVersion: 'v3' }), 400, /signatureVersion/);
  });

  it('changes an app with PATCH and deletes it with DELETE', async () => {
    const made = await admin.post('/_spoke/webhooks/apps', { targetUrl: 'http://127.0.0.1:9/a' });
    assert.equal(made.status, 201, made.text);
    const { appId, developerApiKey } = made.body;
    const key = `?hapikey=${developerApiKey}`;
    const sub = await admin.post(`/webhooks/v3/${appId}/subscriptions${key}`, {
      eventType: 'contact.creation',
      active: true,
    });
    assert.equal(sub.status, 201, sub.text);
    const changed = await admin.patch(`/_spoke/webhooks/apps/${appId}`, {
      name: 'Renamed',
      clientSecret: 'new-secret',
      maxConcurrentRequests: 3,
      signatureVersion: 'v2',
    });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual(
      [
        changed.body.name,
        changed.body.clientSecret,
        changed.body.maxConcurrentRequests,
        changed.body.signatureVersion,
      ],
      ['Renamed', 'new-secret', 3, 'v2'],
    );
    const listed = (await admin.get('/_spoke/webhooks/apps')).body.results.find(
      (a: any) => a.appId === appId,
    );
    assert.equal(listed.clientSecret, 'new-secret');
    await refused(
      admin.patch(`/_spoke/webhooks/apps/${appId}`, { developerApiKey: 'x' }),
      400,
      /developerApiKey/,
    );
    await refused(admin.patch(`/_spoke/webhooks/apps/${appId}`, { targetUrl: 'ftp://x' }), 400, /targetUrl/);
    const cleared = await admin.patch(`/_spoke/webhooks/apps/${appId}`, { targetUrl: null });
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.body.targetUrl, null);

    // An event pending for the app goes with it.
    await admin.patch(`/_spoke/webhooks/apps/${appId}`, { targetUrl: 'http://127.0.0.1:9/a' });
    const contact = await client(server.url).post('/crm/v3/objects/contacts', { properties: {} });
    assert.equal(contact.status, 201, contact.text);
    assert.ok((await admin.get(`/_spoke/webhooks/events?appId=${appId}`)).body.results.length > 0);
    const deleted = await admin.delete(`/_spoke/webhooks/apps/${appId}`);
    assert.equal(deleted.status, 204, deleted.text);
    assert.ok(!(await admin.get('/_spoke/webhooks/apps')).body.results.some((a: any) => a.appId === appId));
    await refused(admin.get(`/webhooks/v3/${appId}/subscriptions${key}`), 404, /No app with ID/);
    await refused(admin.delete(`/_spoke/webhooks/apps/${appId}`), 404, /No app with ID/);
    await refused(admin.patch(`/_spoke/webhooks/apps/${appId}`, { name: 'x' }), 404, /No app with ID/);
    const pending = await admin.post('/_spoke/webhooks/flush', {});
    assert.equal(pending.status, 200, pending.text);
    assert.equal(pending.body.pending, 0);
  });
});
