/**
 * `startSpoke({ webhooks: { collect: true } })`: deliveries kept in-process, signed as they
 * would be sent, for tests with no HTTP server of their own; and events of imports and
 * fixtures carry their source.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Signature } from '@hubspot/api-client';
import { startSpoke, type Spoke } from '../../src/index.js';
import { client } from '../helpers/http.js';

describe('startSpoke() webhooks', () => {
  let spoke: Spoke;

  before(async () => {
    spoke = await startSpoke({ webhooks: { collect: true, paused: true } });
  });
  after(() => spoke.close());

  it('collects signed deliveries in-process, from API writes and fixtures', async () => {
    const admin = client(spoke.url, spoke.token);
    const app = await admin.post('/_spoke/webhooks/apps', {
      clientSecret: 'collect-secret',
      targetUrl: 'https://example.com/hooks',
    });
    assert.equal(app.status, 201, app.text);
    const subscribe = await admin.post(`/webhooks/v3/${app.body.appId}/subscriptions`, {
      eventType: 'company.propertyChange',
      propertyName: 'name',
      active: true,
    });
    assert.equal(subscribe.status, 201, subscribe.text);

    const created = await admin.post('/crm/v3/objects/companies', { properties: { name: 'Acme' } });
    const seeded = await admin.post(`/_spoke/portals/${spoke.portalId}/seed`, {
      records: { companies: [{ key: 'globex', properties: { name: 'Globex' } }] },
    });
    assert.ok(seeded.status < 300, seeded.text);
    assert.equal(spoke.webhooks.deliveries.length, 0, 'paused until flushed');
    await spoke.webhooks.flush();

    const events = spoke.webhooks.deliveries.flatMap((d) => d.events);
    assert.deepEqual(
      events.map((e) => [e.propertyValue, e.changeSource, e.sourceId]),
      [
        ['Acme', 'INTEGRATION', String(app.body.appId)],
        ['Globex', 'IMPORT', 'userId:1'],
      ],
    );
    assert.equal(String(events[0]!.objectId), created.body.id);
    for (const delivery of spoke.webhooks.deliveries) {
      assert.equal(delivery.url, 'https://example.com/hooks');
      assert.ok(
        Signature.isValid({
          signature: delivery.headers['x-hubspot-signature']!,
          clientSecret: 'collect-secret',
          requestBody: delivery.body,
        }),
      );
    }
  });

  it('marks the events of an import with changeSource IMPORT', async () => {
    const admin = client(spoke.url, spoke.token);
    const [app] = (await admin.get('/_spoke/webhooks/apps')).body.results;
    const subscribe = await admin.post(`/webhooks/v3/${app.appId}/subscriptions`, {
      eventType: 'company.creation',
      active: true,
    });
    assert.equal(subscribe.status, 201, subscribe.text);
    const exported = await admin.get(`/_spoke/portals/${spoke.portalId}/export`);
    assert.equal(exported.status, 200, exported.text);
    assert.equal(exported.body.apps.length, 1, 'the export carries the app');
    // Without the document's apps and without the companies: they are removed.
    const { apps: _apps, ...data } = exported.body;
    const company = (r: any) => r.objectTypeId === '0-2';
    const noCompanies = {
      ...data,
      records: data.records.filter((r: any) => !company(r)),
      fixtureKeys: Object.fromEntries(
        Object.entries(data.fixtureKeys ?? {}).filter(([, id]) =>
          data.records.some((r: any) => !company(r) && String(r.id) === String(id)),
        ),
      ),
      associations: data.associations.filter(
        (a: any) => a.fromObjectTypeId !== '0-2' && a.toObjectTypeId !== '0-2',
      ),
    };
    const removed = await admin.post(`/_spoke/portals/${spoke.portalId}/import`, noCompanies);
    assert.ok(removed.status < 300, removed.text);
    await spoke.webhooks.flush();
    spoke.webhooks.deliveries.length = 0;
    // The whole export, with the portal's same app: the companies are new again, and the app
    // (installed before, not by this document) hears of them, as IMPORT (D42).
    const imported = await admin.post(`/_spoke/portals/${spoke.portalId}/import`, exported.body);
    assert.ok(imported.status < 300, imported.text);
    await spoke.webhooks.flush();
    const events = spoke.webhooks.deliveries.flatMap((d) => d.events);
    assert.deepEqual(
      events.filter((e) => e.subscriptionType === 'company.creation').map((e) => e.changeSource),
      ['IMPORT', 'IMPORT'],
    );
    assert.ok(events.every((e) => e.changeSource === 'IMPORT'));
    // The same document again changes nothing, and sends nothing.
    spoke.webhooks.deliveries.length = 0;
    const whole = await admin.post(`/_spoke/portals/${spoke.portalId}/import`, exported.body);
    assert.ok(whole.status < 300, whole.text);
    await spoke.webhooks.flush();
    assert.equal(spoke.webhooks.deliveries.length, 0);
  });
});
