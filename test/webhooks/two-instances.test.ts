/**
 * Delivery by two instances on one database (two stores on one PostgreSQL database or one
 * SQLite file, each with its own dispatcher): a lease covers the work of the batch being
 * sent, so a slow receiver never gets one event from both instances and a success is never
 * discarded; an app's maxConcurrentRequests holds across instances; a lease shorter than a
 * delivery can take is refused. Wall-clock time for leases is a variable the test moves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ControllableClock } from '../../src/domain/clock.js';
import {
  WebhookDispatcher,
  type WebhookRequest,
  type WebhookResponse,
} from '../../src/domain/webhooks/webhook-dispatcher.js';
import type { Store } from '../../src/store/store.js';
import { createSharedTestStores } from '../helpers/store.js';

const LEASE_MS = 10_000;

describe('webhook delivery by two instances on one database', () => {
  let stores: [Store, Store];
  let close: () => Promise<void>;
  const clock = new ControllableClock();
  let portalId = 7_100;

  before(async () => {
    ({ stores, close } = await createSharedTestStores());
  });
  after(() => close());

  /** An app of a new portal with `count` pending events; their IDs. */
  async function appWithEvents(maxConcurrentRequests: number, count: number) {
    portalId++;
    return stores[0].transaction(async (tx) => {
      const app = await tx.webhooks.insertApp({
        portalId,
        name: `app of ${portalId}`,
        clientSecret: 'secret',
        developerApiKey: `key-${portalId}-${Math.random()}`,
        targetUrl: 'http://127.0.0.1:9/unused',
        maxConcurrentRequests,
        signatureVersion: 'v1',
        settingsCreatedAt: 0,
        settingsUpdatedAt: 0,
        createdAt: 0,
      });
      const events = Array.from({ length: count }, (_, i) => ({
        appId: app.appId,
        portalId,
        subscriptionId: 1,
        subscriptionType: 'contact.creation',
        objectId: i + 1,
        occurredAt: clock.now(),
        fields: { changeSource: 'CRM' },
        nextAttemptAt: 0,
      }));
      await tx.webhooks.insertEvents(events);
      return app.appId;
    });
  }

  async function addEvents(appId: number, count: number) {
    await stores[0].transaction((tx) =>
      tx.webhooks.insertEvents(
        Array.from({ length: count }, (_, i) => ({
          appId,
          portalId,
          subscriptionId: 1,
          subscriptionType: 'contact.creation',
          objectId: 10_000 + i,
          occurredAt: clock.now(),
          fields: { changeSource: 'CRM' },
          nextAttemptAt: 0,
        })),
      ),
    );
  }

  const ids = (request: WebhookRequest) =>
    (JSON.parse(request.body) as Array<{ eventId: number }>).map((e) => e.eventId);

  async function statuses(appId: number) {
    const events = await stores[1].transaction((tx) => tx.webhooks.listEvents(appId, 10_000));
    return [...new Set(events.map((e) => e.status))];
  }

  it('refuses a lease that cannot cover a delivery (the timeout plus a margin)', () => {
    assert.throws(
      () =>
        new WebhookDispatcher(stores[0], clock, async () => ({ status: 200, body: '' }), { leaseMs: 5_000 }),
      /must be at least 10000 ms/,
    );
  });

  it('sends each event once when sending outlasts the first lease, and keeps every success', async () => {
    // One request at a time, each taking 4.9 s of wall-clock time: the third batch starts
    // after the lease taken for all three (10 s) has run out.
    const appId = await appWithEvents(1, 300);
    let wall = 1_000_000;
    const sent = new Map<number, number>();
    const record = (request: WebhookRequest) => {
      for (const id of ids(request)) sent.set(id, (sent.get(id) ?? 0) + 1);
    };
    const second = new WebhookDispatcher(
      stores[1],
      clock,
      async (request) => {
        record(request);
        return { status: 200, body: '' };
      },
      { leaseMs: LEASE_MS, wallClock: () => wall },
    );
    let calls = 0;
    const first = new WebhookDispatcher(
      stores[0],
      clock,
      async (request): Promise<WebhookResponse> => {
        calls++;
        wall += 4_900;
        // The other instance looks for due events while this request is in flight.
        if (calls === 3) await second.flush();
        record(request);
        return { status: 200, body: '' };
      },
      { leaseMs: LEASE_MS, wallClock: () => wall },
    );
    await first.flush();
    await second.flush();
    assert.equal(sent.size, 300);
    assert.deepEqual([...new Set(sent.values())], [1], 'an event was sent more than once');
    assert.deepEqual(await statuses(appId), ['delivered']);
    await first.stop();
    await second.stop();
  });

  it('keeps at most maxConcurrentRequests requests in flight per app across both instances', async () => {
    const appId = await appWithEvents(2, 200);
    let inFlight = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    let secondCalled = false;
    let blocking = true;
    const sent: number[] = [];
    const transport =
      (which: number) =>
      async (request: WebhookRequest): Promise<WebhookResponse> => {
        inFlight++;
        most = Math.max(most, inFlight);
        if (which === 1) secondCalled = true;
        sent.push(...ids(request));
        if (which === 0 && blocking) await new Promise<void>((resolve) => releases.push(resolve));
        inFlight--;
        return { status: 200, body: '' };
      };
    const first = new WebhookDispatcher(stores[0], clock, transport(0), { leaseMs: LEASE_MS });
    const second = new WebhookDispatcher(stores[1], clock, transport(1), { leaseMs: LEASE_MS });
    const firstDone = first.flush();
    while (releases.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    // Both of the app's slots are held by the first instance; the second has events of its own.
    await addEvents(appId, 200);
    const secondDone = second.flush();
    while (!secondCalled && second.stats.slotWaits === 0)
      await new Promise((resolve) => setTimeout(resolve, 5));
    blocking = false;
    while (releases.length > 0 || inFlight > 0) {
      releases.splice(0).forEach((release) => release());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all([firstDone, secondDone]);
    await first.flush();
    await second.flush();
    assert.ok(most <= 2, `${most} requests were in flight at once`);
    assert.equal(sent.length, 400);
    assert.equal(new Set(sent).size, 400);
    assert.deepEqual(await statuses(appId), ['delivered']);
    await first.stop();
    await second.stop();
  });
});
