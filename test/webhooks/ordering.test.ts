/**
 * What HubSpot does not promise, Spoke does not either: events arrive out of order when a
 * retry interleaves with newer events, and an event is sent again when its receiver handled
 * it but failed to answer 2xx. A receiver that orders by `occurredAt` and deduplicates by
 * `eventId` (what HubSpot tells integrators to do) ends with the right state; one that
 * trusts arrival order does not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

/** The state a receiver builds from propertyChange events: per object, property value. */
function byArrival(events: Array<Record<string, any>>): Map<string, string> {
  const state = new Map<string, string>();
  for (const e of events) state.set(`${e.objectId}:${e.propertyName}`, e.propertyValue);
  return state;
}

/** The state a careful receiver builds: each event once, the latest `occurredAt` wins. */
function byOccurredAt(events: Array<Record<string, any>>): Map<string, string> {
  const seen = new Set<number>();
  const latest = new Map<string, { at: number; value: string }>();
  for (const e of events) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    const key = `${e.objectId}:${e.propertyName}`;
    const known = latest.get(key);
    if (!known || e.occurredAt >= known.at) latest.set(key, { at: e.occurredAt, value: e.propertyValue });
  }
  return new Map([...latest].map(([k, v]) => [k, v.value]));
}

describe('webhook ordering and duplicates', () => {
  let server: TestServer;
  let admin: Client;
  let receiver: Receiver;
  let api: Client;

  before(async () => {
    server = await startTestServer({ webhooks: { paused: true } });
    admin = client(server.url);
    receiver = await startReceiver();
    const portal = await admin.post('/_spoke/portals', {});
    api = client(server.url, portal.body.token);
    const seeded = await admin.post(`/_spoke/portals/${portal.body.portalId}/seed`, {
      apps: [
        {
          targetUrl: receiver.url,
          subscriptions: [{ eventType: 'contact.propertyChange', propertyName: 'firstname', active: true }],
        },
      ],
    });
    assert.equal(seeded.status, 200, seeded.text);
    assert.equal((await admin.put('/_spoke/clock', { now: '2026-05-01T00:00:00.000Z' })).status, 200);
  });
  after(async () => {
    await admin.delete('/_spoke/clock');
    await receiver.close();
    await server.close();
  });

  const flush = async () => assert.equal((await admin.post('/_spoke/webhooks/flush', {})).status, 200);
  const advance = async (ms: number) =>
    assert.equal((await admin.post('/_spoke/clock/advance', { ms })).status, 200);

  it('delivers a retried event after a newer one; ordering by occurredAt gives the final state', async () => {
    const contact = await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Ann' } });
    assert.equal(contact.status, 201, contact.text);
    const id = contact.body.id as string;
    receiver.answers.push(503); // the receiver is down for the first delivery
    await flush();
    await advance(1_000);
    assert.equal(
      (await api.patch(`/crm/v3/objects/contacts/${id}`, { properties: { firstname: 'Bea' } })).status,
      200,
    );
    await flush(); // Bea is due now; Ann's retry waits a minute
    await advance(60_000);
    await flush(); // Ann's retry arrives after Bea

    const events = receiver.events();
    assert.deepEqual(
      events.map((e) => [e.propertyValue, e.attemptNumber]),
      [
        ['Ann', 0],
        ['Bea', 0],
        ['Ann', 1],
      ],
      'arrival order: the retry of the older change comes last',
    );
    assert.ok(events[2]!.occurredAt < events[1]!.occurredAt, 'the late event is the older one');
    const truth = (await api.get(`/crm/v3/objects/contacts/${id}?properties=firstname`)).body.properties
      .firstname;
    assert.equal(truth, 'Bea');
    assert.equal(byArrival(events).get(`${id}:firstname`), 'Ann', 'trusting arrival order goes wrong');
    assert.equal(byOccurredAt(events).get(`${id}:firstname`), truth, 'ordering by occurredAt is right');
  });

  it('sends an event again when the receiver handled it but failed to answer, with the same eventId', async () => {
    const from = receiver.received.length;
    const contact = await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Cy' } });
    receiver.answers.push(500); // handled, then answered with an error
    await flush();
    await advance(60_000);
    await flush();
    const events = receiver.received.slice(from).flatMap((r) => r.events);
    assert.equal(events.length, 2, 'the same event twice');
    assert.equal(events[0]!.eventId, events[1]!.eventId);
    assert.deepEqual(
      events.map((e) => e.attemptNumber),
      [0, 1],
    );
    assert.deepEqual(events[0]!.occurredAt, events[1]!.occurredAt);
    // Deduplicated by eventId, the receiver applies it once.
    const applied = [...new Map(events.map((e) => [e.eventId, e])).values()];
    assert.equal(applied.length, 1);
    assert.equal(byOccurredAt(events).get(`${contact.body.id}:firstname`), 'Cy');
  });
});
