/**
 * Webhook delivery to a real HTTP receiver on loopback: the events of each write path in
 * HubSpot's shape, signatures checked independently and with the official client, batches
 * of at most 100, the concurrency limit, retries on the controllable clock, the 5 s timeout,
 * and the admin API's delivery log. Delivery is paused, so the test decides when it runs
 * (POST /_spoke/webhooks/flush).
 */
import assert from 'node:assert/strict';
import { RETRY_DELAYS_MS } from '../../src/domain/webhooks/webhook-dispatcher.js';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Signature } from '@hubspot/api-client';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

describe('webhook delivery', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer({ webhooks: { paused: true } });
    admin = client(server.url);
  });
  after(() => server.close());

  /** A fresh portal with an app sending to a new receiver, subscribed to `eventTypes`. */
  async function setup(eventTypes: Array<string | [string, string]>, maxConcurrentRequests = 10) {
    const portal = await admin.post('/_spoke/portals', {});
    assert.equal(portal.status, 201, portal.text);
    const receiver = await startReceiver();
    const app = await admin.post('/_spoke/webhooks/apps', { portalId: portal.body.portalId });
    assert.equal(app.status, 201, app.text);
    const key = `?hapikey=${app.body.developerApiKey}`;
    const settings = await admin.put(`/webhooks/v3/${app.body.appId}/settings${key}`, {
      targetUrl: receiver.url,
      throttling: { maxConcurrentRequests },
    });
    assert.equal(settings.status, 200, settings.text);
    const subscriptions: Record<string, string> = {};
    for (const type of eventTypes) {
      const [eventType, propertyName] = Array.isArray(type) ? type : [type, undefined];
      const created = await admin.post(`/webhooks/v3/${app.body.appId}/subscriptions${key}`, {
        eventType,
        ...(propertyName && { propertyName }),
        active: true,
      });
      assert.equal(created.status, 201, created.text);
      subscriptions[propertyName ? `${eventType}:${propertyName}` : eventType] = created.body.id;
    }
    const api = client(server.url, portal.body.token);
    return {
      api,
      receiver,
      portalId: portal.body.portalId as number,
      appId: app.body.appId as number,
      secret: app.body.clientSecret as string,
      subscriptions,
    };
  }

  async function flush() {
    const r = await admin.post('/_spoke/webhooks/flush', {});
    assert.equal(r.status, 200, r.text);
    return r.body;
  }

  it('sends each write path’s events in HubSpot’s shape, one associationChange per side', async () => {
    const s = await setup([
      'contact.creation',
      ['contact.propertyChange', 'firstname'],
      'contact.associationChange',
      'company.associationChange',
      'contact.deletion',
      'contact.restore',
      'contact.merge',
      'contact.privacyDeletion',
    ]);
    try {
      const c1 = await s.api.post('/crm/v3/objects/contacts', { properties: { email: 'a@example.com' } });
      const c2 = await s.api.post('/crm/v3/objects/contacts', { properties: { email: 'b@example.com' } });
      const co = await s.api.post('/crm/v3/objects/companies', { properties: { name: 'Acme' } });
      await s.api.patch(`/crm/v3/objects/contacts/${c1.body.id}`, {
        properties: { firstname: 'Ann', lastname: 'X' },
      });
      const put = await s.api.put(
        `/crm/v4/objects/contacts/${c1.body.id}/associations/default/companies/${co.body.id}`,
      );
      assert.equal(put.status, 200, put.text);
      assert.equal((await s.api.delete(`/crm/v3/objects/contacts/${c2.body.id}`)).status, 204);
      const restore = await admin.post(
        `/_spoke/portals/${s.portalId}/objects/contacts/${c2.body.id}/restore`,
        {},
      );
      assert.equal(restore.status, 200, restore.text);
      const merge = await s.api.post('/crm/v3/objects/contacts/merge', {
        primaryObjectId: c1.body.id,
        objectIdToMerge: c2.body.id,
      });
      assert.equal(merge.status, 200, merge.text);
      const gdpr = await s.api.post('/crm/v3/objects/contacts/gdpr-delete', { objectId: c1.body.id });
      assert.equal(gdpr.status, 204, gdpr.text);

      assert.equal(s.receiver.received.length, 0, 'paused: nothing is sent before the flush');
      await flush();
      const events = s.receiver.events().sort((a, b) => a.eventId - b.eventId);
      const summary = events.map((e) => `${e.subscriptionType}:${e.objectId}`);
      const [id1, id2, company] = [c1.body.id, c2.body.id, co.body.id].map(Number);
      assert.deepEqual(summary, [
        `contact.creation:${id1}`,
        `contact.creation:${id2}`,
        `contact.propertyChange:${id1}`,
        `contact.associationChange:${id1}`,
        `company.associationChange:${company}`,
        `contact.deletion:${id2}`,
        `contact.restore:${id2}`,
        `contact.merge:${id1}`,
        `contact.deletion:${id1}`,
        `contact.privacyDeletion:${id1}`,
        `contact.associationChange:${id1}`,
        `company.associationChange:${company}`,
      ]);
      for (const e of events) {
        assert.equal(e.portalId, s.portalId);
        assert.equal(e.appId, s.appId);
        assert.equal(e.attemptNumber, 0);
        // The admin API's restore stands for HubSpot's UI; every other write came through the API.
        const ui = e.subscriptionType === 'contact.restore';
        assert.equal(e.changeSource, ui ? 'CRM_UI' : 'INTEGRATION');
        assert.equal(e.sourceId, ui ? 'userId:1' : String(s.appId));
        assert.equal(typeof e.occurredAt, 'number');
        assert.equal(
          String(e.subscriptionId),
          s.subscriptions[
            e.subscriptionType === 'contact.propertyChange'
              ? 'contact.propertyChange:firstname'
              : e.subscriptionType
          ],
        );
      }
      assert.deepEqual(Object.keys(events[0]!).slice(0, 8), [
        'eventId',
        'subscriptionId',
        'portalId',
        'appId',
        'occurredAt',
        'subscriptionType',
        'attemptNumber',
        'objectId',
      ]);
      const change = events[2]!;
      assert.equal(change.propertyName, 'firstname');
      assert.equal(change.propertyValue, 'Ann');
      const [contactSide, companySide] = [events[3]!, events[4]!];
      assert.deepEqual(
        [
          contactSide.associationType,
          contactSide.fromObjectId,
          contactSide.toObjectId,
          contactSide.associationRemoved,
          contactSide.isPrimaryAssociation,
        ],
        ['CONTACT_TO_COMPANY', id1, company, false, false],
      );
      assert.deepEqual(
        [companySide.associationType, companySide.fromObjectId, companySide.toObjectId],
        ['COMPANY_TO_CONTACT', company, id1],
      );
      assert.equal(events[10]!.associationRemoved, true, 'the GDPR delete removed the association');
      assert.deepEqual([events[7]!.primaryObjectId, events[7]!.mergedObjectIds], [id1, [id2]]);
      assert.equal(new Set(events.map((e) => e.eventId)).size, events.length);
    } finally {
      await s.receiver.close();
    }
  });

  it('signs every request (v1 and v3) so that independent checks and the official client accept it', async () => {
    const s = await setup(['company.creation']);
    try {
      await s.api.post('/crm/v3/objects/companies', { properties: { name: 'Signed' } });
      await flush();
      const [request] = s.receiver.received;
      assert.ok(request);
      const h = request.headers;
      assert.equal(h['content-type'], 'application/json');
      assert.equal(h['x-hubspot-signature-version'], 'v1');
      assert.equal(request.body, JSON.stringify(JSON.parse(request.body)), 'compact JSON');
      assert.equal(
        h['x-hubspot-signature'],
        createHash('sha256')
          .update(s.secret + request.body)
          .digest('hex'),
      );
      const timestamp = Number(h['x-hubspot-request-timestamp']);
      const v3 = createHmac('sha256', s.secret)
        .update(`POST${s.receiver.url}${request.body}${timestamp}`)
        .digest('base64');
      assert.equal(h['x-hubspot-signature-v3'], v3);
      assert.ok(
        Signature.isValid({
          signature: String(h['x-hubspot-signature']),
          clientSecret: s.secret,
          requestBody: request.body,
        }),
      );
      assert.ok(
        Signature.isValid({
          signatureVersion: 'v3',
          signature: String(h['x-hubspot-signature-v3']),
          clientSecret: s.secret,
          requestBody: request.body,
          url: s.receiver.url,
          method: 'POST',
          timestamp,
        }),
      );
      assert.ok(
        !Signature.isValid({
          signature: String(h['x-hubspot-signature']),
          clientSecret: 'wrong',
          requestBody: request.body,
        }),
      );
    } finally {
      await s.receiver.close();
    }
  });

  it('sends at most 100 events per request and keeps to the concurrency limit', async () => {
    const s = await setup(['deal.creation'], 2);
    try {
      for (let i = 0; i < 5; i++) {
        const r = await s.api.post('/crm/v3/objects/deals/batch/create', {
          inputs: Array.from({ length: 100 }, (_, j) => ({
            properties: { dealname: `D${i}-${j}`, dealstage: 'appointmentscheduled' },
          })),
        });
        assert.equal(r.status, 201, r.text);
      }
      s.receiver.answers.push(...Array.from({ length: 5 }, () => ({ status: 200, delayMs: 50 })));
      await flush();
      assert.ok(s.receiver.received.every((r) => r.events.length <= 100 && r.events.length > 0));
      assert.equal(s.receiver.received.length, 5);
      assert.equal(s.receiver.events().length, 500);
      assert.equal(new Set(s.receiver.events().map((e) => e.objectId)).size, 500);
      assert.ok(s.receiver.maxInFlight <= 2, `in flight at once: ${s.receiver.maxInFlight}`);
    } finally {
      await s.receiver.close();
    }
  });

  it('retries a failed delivery when the clock reaches the next attempt, with attemptNumber counting up', async () => {
    const s = await setup(['ticket.creation']);
    try {
      const clock = await admin.put('/_spoke/clock', { now: '2026-01-01T00:00:00.000Z' });
      assert.equal(clock.status, 200, clock.text);
      await s.api.post('/crm/v3/objects/tickets', {
        properties: { subject: 'Retry', hs_pipeline_stage: '1' },
      });
      s.receiver.answers.push(500, 404);
      await flush();
      await flush(); // nothing is due until the clock moves
      assert.equal(s.receiver.received.length, 1);
      await admin.post('/_spoke/clock/advance', { ms: 59_000 });
      await flush();
      assert.equal(s.receiver.received.length, 1, 'the first retry waits a minute');
      await admin.post('/_spoke/clock/advance', { ms: 1_000 });
      await flush();
      await admin.post('/_spoke/clock/advance', { ms: 120_000 });
      await flush();
      assert.deepEqual(
        s.receiver.events().map((e) => e.attemptNumber),
        [0, 1, 2],
      );
      assert.equal(new Set(s.receiver.events().map((e) => e.eventId)).size, 1, 'the same event each time');
      const log = await admin.get(`/_spoke/webhooks/deliveries?appId=${s.appId}`);
      assert.deepEqual(
        log.body.results.map((a: any) => [a.attemptNumber, a.statusCode, a.ok]),
        [
          [0, 500, false],
          [1, 404, false],
          [2, 200, true],
        ],
      );
      assert.equal(log.body.results[0].responseBody, 'nope');
      const events = await admin.get(`/_spoke/webhooks/events?appId=${s.appId}`);
      assert.deepEqual(
        events.body.results.map((e: any) => [e.status, e.attempts]),
        [['delivered', 2]],
      );
    } finally {
      await admin.delete('/_spoke/clock');
      await s.receiver.close();
    }
  });

  it('gives up after the 10th retry: failed, no next attempt, the last attemptNumber sent (10)', async () => {
    const s = await setup(['ticket.creation']);
    try {
      const clock = await admin.put('/_spoke/clock', { now: '2026-01-01T00:00:00.000Z' });
      assert.equal(clock.status, 200, clock.text);
      await s.api.post('/crm/v3/objects/tickets', {
        properties: { subject: 'Give up', hs_pipeline_stage: '1' },
      });
      s.receiver.answers.push(...Array.from({ length: 11 }, () => 500));
      await flush();
      for (const delay of RETRY_DELAYS_MS) {
        await admin.post('/_spoke/clock/advance', { ms: delay });
        await flush();
      }
      assert.deepEqual(
        s.receiver.events().map((e) => e.attemptNumber),
        Array.from({ length: 11 }, (_, i) => i),
      );
      const events = await admin.get(`/_spoke/webhooks/events?appId=${s.appId}`);
      assert.deepEqual(
        events.body.results.map((e: any) => [e.status, e.attempts, e.nextAttemptAt, e.event.attemptNumber]),
        [['failed', 11, null, 10]],
      );
    } finally {
      await admin.delete('/_spoke/clock');
      await s.receiver.close();
    }
  });

  it('gives up on a receiver that does not answer within 5 seconds, and retries it', async () => {
    const s = await setup(['company.creation']);
    try {
      s.receiver.answers.push('hang');
      await s.api.post('/crm/v3/objects/companies', { properties: { name: 'Slow' } });
      await flush();
      const log = await admin.get(`/_spoke/webhooks/deliveries?appId=${s.appId}`);
      const [attempt] = log.body.results;
      assert.equal(attempt.statusCode, null);
      assert.equal(attempt.ok, false);
      assert.match(attempt.error, /timeout|aborted/i);
      const pending = await admin.get(`/_spoke/webhooks/events?appId=${s.appId}`);
      assert.deepEqual(
        pending.body.results.map((e: any) => [e.status, e.attempts]),
        [['pending', 1]],
      );
    } finally {
      await s.receiver.close();
    }
  });

  it('sends object.* events for a custom object, with its objectTypeId, and associationChange for its types', async () => {
    const s = await setup(['contact.associationChange']);
    try {
      const schema = await s.api.post('/crm-object-schemas/v3/schemas', {
        name: 'cars',
        labels: { singular: 'Car', plural: 'Cars' },
        primaryDisplayProperty: 'model',
        requiredProperties: ['model'],
        properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }],
        associatedObjects: ['CONTACT'],
      });
      assert.equal(schema.status, 201, schema.text);
      const typeId = schema.body.objectTypeId as string;
      // The portal's own token may manage its app's subscriptions.
      const sub = await s.api.post(`/webhooks/v3/${s.appId}/subscriptions`, {
        eventType: 'object.creation',
        objectTypeId: typeId,
        active: true,
      });
      assert.equal(sub.status, 201, sub.text);
      const car = await s.api.post(`/crm/v3/objects/${typeId}`, { properties: { model: 'T' } });
      assert.equal(car.status, 201, car.text);
      const contact = await s.api.post('/crm/v3/objects/contacts', {
        properties: { email: 'car@example.com' },
      });
      const put = await s.api.put(
        `/crm/v4/objects/contacts/${contact.body.id}/associations/default/${typeId}/${car.body.id}`,
      );
      assert.equal(put.status, 200, put.text);
      await flush();
      const events = s.receiver.events().sort((a, b) => a.eventId - b.eventId);
      assert.deepEqual(
        events.map((e) => [e.subscriptionType, e.objectTypeId ?? null, e.associationType ?? null]),
        [
          ['object.creation', typeId, null],
          ['contact.associationChange', null, `CONTACT_TO_${typeId}`],
        ],
      );
    } finally {
      await s.receiver.close();
    }
  });

  it('retries when the receiver cannot be reached', async () => {
    const s = await setup(['deal.creation']);
    await s.receiver.close();
    await s.api.post('/crm/v3/objects/deals', {
      properties: { dealname: 'Nobody home', dealstage: 'appointmentscheduled' },
    });
    await flush();
    const [attempt] = (await admin.get(`/_spoke/webhooks/deliveries?appId=${s.appId}`)).body.results;
    assert.deepEqual([attempt.statusCode, attempt.ok, attempt.attemptNumber], [null, false, 0]);
    assert.ok(attempt.error);
    const events = await admin.get(`/_spoke/webhooks/events?appId=${s.appId}`);
    assert.deepEqual(
      events.body.results.map((e: any) => [e.status, e.attempts]),
      [['pending', 1]],
    );
  });
});
