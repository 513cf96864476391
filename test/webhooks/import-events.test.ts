/**
 * Webhook events of a portal import (POST /_spoke/portals/{id}/import) of the portal's own
 * export, changed: events for what the import changed and nothing else, whether or not the
 * document carries the portal's (same) apps. A record dropped from the document sends
 * deletion; a changed value sends propertyChange; a new record creation; a dropped
 * association associationChange removed; unchanged records (live or archived) and
 * associations send nothing. An app the document installs anew hears nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('webhook events of an import', () => {
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
    const api = client(server.url, portal.body.token);
    const seeded = await admin.post(`/_spoke/portals/${portalId}/seed`, {
      apps: [
        {
          appId,
          developerApiKey: `import-key-${appId}`,
          targetUrl: 'http://127.0.0.1:9/never',
          subscriptions: [
            { eventType: 'contact.creation', active: true },
            { eventType: 'contact.deletion', active: true },
            { eventType: 'contact.restore', active: true },
            { eventType: 'contact.propertyChange', propertyName: 'firstname', active: true },
            { eventType: 'contact.associationChange', active: true },
          ],
        },
      ],
    });
    assert.equal(seeded.status, 200, seeded.text);
    const ids: string[] = [];
    for (const name of ['Ada', 'Bea', 'Cy', 'Dee']) {
      const r = await api.post('/crm/v3/objects/contacts', { properties: { firstname: name } });
      assert.equal(r.status, 201, r.text);
      ids.push(r.body.id as string);
    }
    const company = await api.post('/crm/v3/objects/companies', { properties: { name: 'Acme' } });
    assert.equal(company.status, 201, company.text);
    for (const contact of [ids[0], ids[1]]) {
      const r = await api.put(
        `/crm/v4/objects/contacts/${contact}/associations/default/companies/${company.body.id}`,
        undefined,
      );
      assert.equal(r.status, 200, r.text);
    }
    assert.equal((await api.delete(`/crm/v3/objects/contacts/${ids[3]}`)).status, 204);
    return { portalId, api, ids, companyId: company.body.id as string };
  }

  async function eventsOf(appId: number): Promise<Array<Record<string, any>>> {
    const r = await admin.get(`/_spoke/webhooks/events?appId=${appId}&limit=1000`);
    assert.equal(r.status, 200, r.text);
    return r.body.results.map((row: any) => row.event);
  }

  const summary = (events: Array<Record<string, any>>) =>
    events
      .map((e) =>
        [
          e.subscriptionType,
          String(e.objectId),
          e.propertyName === undefined ? '' : `${e.propertyName}=${e.propertyValue}`,
          e.associationRemoved === undefined ? '' : `removed=${e.associationRemoved}:${e.toObjectId}`,
        ].join(' '),
      )
      .sort();

  for (const withApps of [true, false]) {
    it(`reports what the import changed, ${withApps ? 'with' : 'without'} the portal's apps in the document`, async () => {
      const appId = withApps ? 975_001 : 975_002;
      const { portalId, ids, companyId } = await portalWithApp(appId);
      const exported = await admin.get(`/_spoke/portals/${portalId}/export`);
      assert.equal(exported.status, 200, exported.text);
      const document = structuredClone(exported.body);
      if (!withApps) delete document.apps;
      const [ada, bea, cy] = ids as [string, string, string];
      // Bea dropped (with her association), Ada renamed, Cy unchanged, Dee still archived, Eve new.
      document.records = document.records.filter((r: any) => String(r.id) !== bea);
      const adaRecord = document.records.find((r: any) => String(r.id) === ada);
      adaRecord.properties.firstname = 'Ada L.';
      // Eve is new: a copy of Cy under a new ID.
      const cyRecord = document.records.find((r: any) => String(r.id) === cy);
      const eve = String(Number(cy) + 1_000);
      document.records.push({
        ...cyRecord,
        id: eve,
        properties: { ...cyRecord.properties, firstname: 'Eve' },
      });
      document.associations = document.associations.filter(
        (a: any) => String(a.fromId) !== bea && String(a.toId) !== bea,
      );
      const before = (await eventsOf(appId)).length;
      const imported = await admin.post(`/_spoke/portals/${portalId}/import`, document);
      assert.equal(imported.status, 200, imported.text);
      const events = (await eventsOf(appId)).slice(before);
      assert.deepEqual(
        summary(events),
        [
          `contact.associationChange ${bea}  removed=true:${companyId}`,
          `contact.creation ${eve}  `,
          // A creation sends propertyChange for the subscribed properties it sets (decisions).
          `contact.propertyChange ${eve} firstname=Eve `,
          `contact.deletion ${bea}  `,
          `contact.propertyChange ${ada} firstname=Ada L. `,
        ].sort(),
      );
      assert.ok(events.every((e) => e.changeSource === 'IMPORT'));
      assert.ok(!events.some((e) => String(e.objectId) === cy));
    });
  }

  it('an app the document installs anew hears nothing of its records', async () => {
    const appId = 975_003;
    const { portalId } = await portalWithApp(appId);
    const exported = await admin.get(`/_spoke/portals/${portalId}/export`);
    const copy = await admin.post('/_spoke/portals', {});
    const imported = await admin.post(`/_spoke/portals/${copy.body.portalId}/import`, exported.body);
    assert.equal(imported.status, 200, imported.text);
    const [app] = (await admin.get(`/_spoke/webhooks/apps?portalId=${copy.body.portalId}`)).body.results;
    assert.deepEqual(await eventsOf(app.appId as number), []);
  });
});
