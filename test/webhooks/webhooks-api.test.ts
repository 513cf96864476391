/**
 * The webhooks v3 API over real HTTP, every response checked against HubSpot's spec: with
 * the official client (both versions, developer API key), with raw requests for errors and
 * credentials, and HubSpot's published signature examples as test vectors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signatureV1, signatureV2, signatureV3 } from '../../src/domain/webhooks/signatures.js';
import { client, type Client } from '../helpers/http.js';
import { OFFICIAL_CLIENTS } from '../helpers/official-clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('webhooks v3 API', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer({ webhooks: { paused: true } });
    admin = client(server.url);
  });
  after(() => server.close());

  async function newApp(portalId?: number) {
    const r = await admin.post('/_spoke/webhooks/apps', { ...(portalId && { portalId }), name: 'Test app' });
    assert.equal(r.status, 201, r.text);
    return r.body as { appId: number; developerApiKey: string; clientSecret: string; portalId: number };
  }

  for (const { version, module } of OFFICIAL_CLIENTS) {
    it(`works with the official client ${version}: settings, subscriptions, batch update`, async () => {
      const app = await newApp();
      const hubspot = new module.Client({ developerApiKey: app.developerApiKey, basePath: server.url });
      const settings = await hubspot.webhooks.settingsApi.configure(app.appId, {
        targetUrl: 'https://example.com/hooks',
        throttling: { maxConcurrentRequests: 7 },
      } as any);
      assert.equal(settings.targetUrl, 'https://example.com/hooks');
      assert.equal(settings.throttling.maxConcurrentRequests, 7);
      assert.equal(
        (await hubspot.webhooks.settingsApi.getAll(app.appId)).targetUrl,
        'https://example.com/hooks',
      );

      const created = await hubspot.webhooks.subscriptionsApi.create(app.appId, {
        eventType: 'contact.propertyChange' as any,
        propertyName: 'email',
        active: true,
      });
      assert.equal(created.eventType, 'contact.propertyChange');
      assert.equal(created.propertyName, 'email');
      assert.equal(created.active, true);
      const paused = await hubspot.webhooks.subscriptionsApi.create(app.appId, {
        eventType: 'company.creation' as any,
      });
      assert.equal(paused.active, false, 'active defaults to false');

      const listed = await hubspot.webhooks.subscriptionsApi.getAll(app.appId);
      assert.deepEqual(
        listed.results.map((s) => s.id),
        [created.id, paused.id],
      );
      const one = await hubspot.webhooks.subscriptionsApi.getById(Number(paused.id), app.appId);
      assert.equal(one.eventType, 'company.creation');
      const patched = await hubspot.webhooks.subscriptionsApi.update(Number(paused.id), app.appId, {
        active: true,
      });
      assert.equal(patched.active, true);
      const batch = await hubspot.webhooks.subscriptionsApi.updateBatch(app.appId, {
        inputs: [
          { id: Number(created.id), active: false },
          { id: Number(paused.id), active: false },
        ],
      });
      assert.deepEqual(
        batch.results.map((s) => s.active),
        [false, false],
      );
      await hubspot.webhooks.subscriptionsApi.archive(Number(created.id), app.appId);
      const after = await hubspot.webhooks.subscriptionsApi.getAll(app.appId);
      assert.deepEqual(
        after.results.map((s) => s.id),
        [paused.id],
      );
      await hubspot.webhooks.settingsApi.clear(app.appId);
      await assert.rejects(hubspot.webhooks.settingsApi.getAll(app.appId), (e: any) => e.code === 404);
    });
  }

  it('accepts a token of the app’s portal, and refuses other credentials', async () => {
    const portal = await admin.post('/_spoke/portals', {});
    const app = await newApp(portal.body.portalId);
    const owner = client(server.url, portal.body.token);
    assert.equal((await owner.get(`/webhooks/v3/${app.appId}/subscriptions`)).status, 200);
    const other = await admin.post('/_spoke/portals', {});
    const stranger = client(server.url, other.body.token);
    const refused = await stranger.get(`/webhooks/v3/${app.appId}/subscriptions`);
    assert.equal(refused.status, 401, refused.text);
    assert.equal(refused.body.category, 'INVALID_AUTHENTICATION');
    const wrongKey = await client(server.url).get(`/webhooks/v3/${app.appId}/subscriptions?hapikey=nope`, {
      anonymous: true,
    });
    assert.equal(wrongKey.status, 401);
    const missing = await owner.get('/webhooks/v3/999999/subscriptions');
    assert.equal(missing.status, 404);
  });

  it('refuses an active that is not a boolean on PATCH and batch update too, and leaves the subscription as it was', async () => {
    const app = await newApp();
    const base = `/webhooks/v3/${app.appId}/subscriptions`;
    const key = `?hapikey=${app.developerApiKey}`;
    const made = await admin.post(
      `${base}${key}`,
      { eventType: 'deal.creation', active: true },
      { anonymous: true },
    );
    assert.equal(made.status, 201, made.text);
    const id = made.body.id as string;
    for (const active of [null, 'false', 0]) {
      const patched = await admin.patch(`${base}/${id}${key}`, { active }, { anonymous: true });
      assert.equal(patched.status, 400, `PATCH ${JSON.stringify(active)}: ${patched.text}`);
      assert.match(patched.body.message, /active must be/);
      const batch = await admin.post(
        `${base}/batch/update${key}`,
        { inputs: [{ id: Number(id), active }] },
        { anonymous: true },
      );
      assert.equal(batch.status, 400, `batch ${JSON.stringify(active)}: ${batch.text}`);
      assert.match(batch.body.message, /active must be/);
    }
    const read = await admin.get(`${base}/${id}${key}`, { anonymous: true });
    assert.equal(read.body.active, true, 'still active');
  });

  it('answers bad input with HubSpot’s error envelope', async () => {
    const app = await newApp();
    const base = `/webhooks/v3/${app.appId}`;
    const key = `?hapikey=${app.developerApiKey}`;
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', `${base}/subscriptions${key}`, { eventType: 'contact.teleported' }, 400, /Unknown eventType/],
      [
        'POST',
        `${base}/subscriptions${key}`,
        { eventType: 'object.creation', objectTypeId: '2-999999' },
        400,
        /objectTypeId must be an object type of portal/,
      ],
      [
        'POST',
        `${base}/subscriptions${key}`,
        { eventType: 'contact.propertyChange' },
        400,
        /needs a propertyName/,
      ],
      ['POST', `${base}/subscriptions${key}`, { eventType: 'object.creation' }, 400, /objectTypeId/],
      ['POST', `${base}/subscriptions${key}`, {}, 400, /eventType/],
      [
        'PUT',
        `${base}/settings${key}`,
        { targetUrl: 'ftp://x', throttling: { maxConcurrentRequests: 5 } },
        400,
        /http/,
      ],
      [
        'PUT',
        `${base}/settings${key}`,
        { targetUrl: 'https://x.test', throttling: { maxConcurrentRequests: 0 } },
        400,
        /maxConcurrentRequests/,
      ],
      [
        'POST',
        `${base}/subscriptions${key}`,
        { eventType: 'deal.creation', active: null },
        400,
        /active must be/,
      ],
      [
        'PUT',
        `${base}/settings${key}`,
        { targetUrl: 'https://x.test', throttling: { maxConcurrentRequests: 5, period: 'ROLLING_MINUTE' } },
        400,
        /throttling.period/,
      ],
      [
        'PUT',
        `${base}/settings${key}`,
        { targetUrl: 'https://user:pw@x.test/hook', throttling: { maxConcurrentRequests: 5 } },
        400,
        /user:password/,
      ],
      [
        'PUT',
        `${base}/settings${key}`,
        { targetUrl: 'https://x.test/hook#part', throttling: { maxConcurrentRequests: 5 } },
        400,
        /fragment/,
      ],
      ['GET', `${base}/subscriptions/12345${key}`, undefined, 404, /No subscription/],
      ['DELETE', `${base}/subscriptions/12345${key}`, undefined, 404, /No subscription/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const r = await admin.request(method, path, { ...(body !== undefined && { body }), anonymous: true });
      assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
      assert.match(r.body.message, message);
      assert.equal(r.body.status, 'error');
    }
    const partial = await admin.post(`${base}/subscriptions/batch/update${key}`, {
      inputs: [{ id: 424242, active: true }],
    });
    assert.equal(partial.status, 207, partial.text);
    assert.equal(partial.body.numErrors, 1);
    // The same ID twice: one subscription, set as the last input says, one row back.
    const firstSub = (await admin.post(`${base}/subscriptions${key}`, { eventType: 'deal.deletion' })).body;
    const twice = await admin.post(`${base}/subscriptions/batch/update${key}`, {
      inputs: [
        { id: Number(firstSub.id), active: true },
        { id: Number(firstSub.id), active: false },
      ],
    });
    assert.equal(twice.status, 200, twice.text);
    assert.deepEqual(
      twice.body.results.map((r: any) => [r.id, r.active]),
      [[firstSub.id, false]],
    );
  });

  it('refuses the 1,001st subscription of an app with HubSpot’s message', async () => {
    const app = await newApp();
    const path = `/webhooks/v3/${app.appId}/subscriptions?hapikey=${app.developerApiKey}`;
    await server.store.transaction(async (tx) => {
      for (let i = 0; i < 1000; i++) {
        await tx.webhooks.insertSubscription({
          appId: app.appId,
          eventType: 'contact.propertyChange',
          objectTypeId: null,
          propertyName: `p${i}`,
          eventTypeName: null,
          active: false,
          createdAt: 0,
          updatedAt: 0,
        });
      }
    });
    const r = await admin.post(path, { eventType: 'contact.creation' });
    assert.equal(r.status, 400);
    assert.equal(
      r.body.message,
      "Couldn't create another subscription. You've reached the maximum number allowed per application (1000).",
    );
  });

  it('refuses a second subscription for the same event, property and object type (409), so nothing is sent twice', async () => {
    const app = await newApp();
    const path = `/webhooks/v3/${app.appId}/subscriptions?hapikey=${app.developerApiKey}`;
    const first = await admin.post(path, { eventType: 'contact.propertyChange', propertyName: 'email' });
    assert.equal(first.status, 201, first.text);
    const again = await admin.post(path, {
      eventType: 'contact.propertyChange',
      propertyName: 'email',
      active: true,
    });
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.category, 'CONFLICT');
    assert.equal(again.body.status, 'error');
    assert.match(
      again.body.message,
      /already has a subscription for contact\.propertyChange, property email/,
    );
    assert.deepEqual(again.body.context, { subscriptionId: [first.body.id] });
    // Another property, another event type, or the same one on another object type: allowed.
    const inputs = [
      { eventType: 'contact.propertyChange', propertyName: 'firstname' },
      { eventType: 'contact.creation', eventTypeName: 'created' },
      { eventType: 'object.creation', objectTypeId: '0-3' },
      { eventType: 'object.creation', objectTypeId: '0-5' },
    ];
    for (const input of inputs) {
      const r = await admin.post(path, input);
      assert.equal(r.status, 201, r.text);
      if (input.eventTypeName) assert.equal(r.body.eventTypeName, 'created');
    }
    const dup = await admin.post(path, { eventType: 'object.creation', objectTypeId: '0-3' });
    assert.equal(dup.status, 409, dup.text);
    // Concurrent requests for one subscription: exactly one lands.
    const racing = await Promise.all(
      Array.from({ length: 6 }, () => admin.post(path, { eventType: 'deal.creation' })),
    );
    assert.deepEqual(racing.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
    const list = await admin.get(path);
    assert.equal(list.body.results.length, 6);
    // Deleting the subscription frees its place.
    const id = first.body.id as string;
    const del = await admin.delete(
      `/webhooks/v3/${app.appId}/subscriptions/${id}?hapikey=${app.developerApiKey}`,
    );
    assert.equal(del.status, 204);
    const recreated = await admin.post(path, { eventType: 'contact.propertyChange', propertyName: 'email' });
    assert.equal(recreated.status, 201, recreated.text);
  });

  it('computes HubSpot’s published signature examples', () => {
    // The v3 example of HubSpot's "Validating requests" page.
    assert.equal(
      signatureV3(
        'cfc68c0b-4b4e-4ef8-b764-95350e4ea479',
        'POST',
        'https://webhook.site/335453f5-94b3-49d9-b684-a55354d4b8df',
        '[{"eventId":531833541,"subscriptionId":3923621,"portalId":48807704,"appId":16111050,"occurredAt":1752613920733,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":138017612137,"changeFlag":"CREATED","changeSource":"CRM_UI","sourceId":"userId:76023669"}]',
        1752613922216,
      ),
      'gbj1XPRvUt0noT7i7fXfTzOD4sLzQmf0VT28ZYq0EYg=',
    );
    const secret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
    const body =
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    assert.equal(
      signatureV1(secret, body),
      '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
    );
    assert.equal(
      signatureV2(secret, 'GET', 'https://www.example.com/webhook_uri', ''),
      'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e',
    );
    const url = 'https://example.com/hooks?x=1';
    const timestamp = Date.now();
    const v3 = signatureV3(secret, 'POST', url, body, timestamp);
    for (const { module } of OFFICIAL_CLIENTS) {
      const check = {
        signatureVersion: 'v3',
        clientSecret: secret,
        requestBody: body,
        url,
        method: 'POST',
        timestamp,
      };
      assert.ok(module.Signature.isValid({ ...check, signature: v3 }));
      assert.ok(
        !module.Signature.isValid({
          ...check,
          signature: signatureV3(secret, 'POST', url, body, timestamp + 1),
        }),
      );
    }
  });
});
