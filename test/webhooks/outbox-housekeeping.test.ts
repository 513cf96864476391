/**
 * The outbox's housekeeping: an idle dispatcher reads and never opens a write transaction
 * (it wakes on this process's commits and polls with a read for other instances' events),
 * and delivered or given-up events and the attempt log are pruned after the retention
 * period on Spoke's clock, a bounded number per pass. Counts, never timings: the store is
 * wrapped to count write transactions, and the test waits for the dispatcher's own count of
 * checks to grow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createTestStore } from '../helpers/store.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

/** `store`, counting its write transactions. */
function counting(store: Store): { store: Store; transactions: () => number } {
  let transactions = 0;
  const wrapped = new Proxy(store, {
    get(target, property) {
      if (property === 'transaction') {
        return (fn: Parameters<Store['transaction']>[0]) => {
          transactions++;
          return target.transaction(fn);
        };
      }
      const value = (target as unknown as Record<PropertyKey, unknown>)[property];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: wrapped, transactions: () => transactions };
}

/** Resolves once `condition` holds, checking after each turn of the event loop's timers. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`never happened: ${what}`);
}

async function subscribedApp(server: TestServer, targetUrl: string, eventTypes: string[]) {
  const admin = client(server.url);
  const portal = await admin.post('/_spoke/portals', {});
  assert.equal(portal.status, 201, portal.text);
  const app = await admin.post('/_spoke/webhooks/apps', {
    portalId: portal.body.portalId,
    targetUrl,
  });
  assert.equal(app.status, 201, app.text);
  for (const eventType of eventTypes) {
    const sub = await admin.post(
      `/webhooks/v3/${app.body.appId}/subscriptions?hapikey=${app.body.developerApiKey}`,
      { eventType, active: true },
    );
    assert.equal(sub.status, 201, sub.text);
  }
  return {
    appId: app.body.appId as number,
    portalId: portal.body.portalId as number,
    api: client(server.url, portal.body.token),
  };
}

describe('an idle webhook dispatcher', () => {
  let server: TestServer;
  let admin: Client;
  let count: () => number;

  before(async () => {
    const wrapped = counting(await createTestStore());
    count = wrapped.transactions;
    server = await startTestServer({ store: wrapped.store, webhooks: { pollMs: 5 } });
    admin = client(server.url);
  });
  after(() => server.close());

  it('opens no write transaction while nothing is pending, and still finds other instances’ events', async () => {
    const receiver = await startReceiver();
    try {
      const s = await subscribedApp(server, receiver.url, ['contact.creation']);
      await s.api.post('/crm/v3/objects/contacts', { properties: { email: 'idle@example.com' } });
      await until(async () => {
        const events = await admin.get(`/_spoke/webhooks/events?appId=${s.appId}`);
        return events.body.results.length === 1 && events.body.results[0].status === 'delivered';
      }, 'the creation event was delivered');

      const stats = server.webhooks.stats;
      const [transactions, leases, prunes, checks] = [count(), stats.leases, stats.prunes, stats.checks];
      await until(() => stats.checks >= checks + 50, '50 polls');
      assert.equal(count(), transactions, 'no transaction in 50 idle polls');
      assert.deepEqual([stats.leases, stats.prunes], [leases, prunes]);

      // A write no app subscribed to writes no event; the polls after it only read.
      const company = await s.api.post('/crm/v3/objects/companies', { properties: { name: 'Quiet' } });
      assert.equal(company.status, 201, company.text);
      const afterWrite = count();
      const woken = stats.checks;
      await until(() => stats.checks >= woken + 10, '10 more polls');
      assert.equal(count(), afterWrite, 'the write’s own transaction only');
      assert.equal(stats.leases, leases);

      // An event another instance wrote to the shared outbox: found by the read-only poll.
      await server.store.transaction((tx) =>
        tx.webhooks.insertEvents([
          {
            appId: s.appId,
            portalId: s.portalId,
            subscriptionId: 1,
            subscriptionType: 'contact.creation',
            objectId: 42,
            occurredAt: server.domain.clock.now(),
            fields: { changeFlag: 'CREATED', changeSource: 'INTEGRATION', sourceId: String(s.appId) },
            nextAttemptAt: server.domain.clock.now(),
          },
        ]),
      );
      await until(() => receiver.received.length === 2, 'the other instance’s event was delivered');
      assert.equal(receiver.received[1]!.events[0]!.objectId, 42);
      assert.ok(stats.leases > leases);
    } finally {
      await receiver.close();
    }
  });
});

describe('outbox pruning', () => {
  const HOUR = 3_600_000;
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer({ webhooks: { paused: true, retentionMs: HOUR, pruneBatch: 100 } });
    admin = client(server.url);
  });
  after(async () => {
    await admin.delete('/_spoke/clock');
    await server.close();
  });

  async function flush() {
    const r = await admin.post('/_spoke/webhooks/flush', {});
    assert.equal(r.status, 200, r.text);
    return r.body as { tried: number; pruned: number; pending: number };
  }

  async function listed(appId: number) {
    const events = await admin.get(`/_spoke/webhooks/events?appId=${appId}`);
    const deliveries = await admin.get(`/_spoke/webhooks/deliveries?appId=${appId}`);
    assert.equal(events.status, 200, events.text);
    assert.equal(deliveries.status, 200, deliveries.text);
    return { events: events.body.results as any[], deliveries: deliveries.body.results as any[] };
  }

  it('prunes delivered events and their attempts after the retention period, at most a batch per pass', async () => {
    const receiver = await startReceiver();
    try {
      assert.equal((await admin.put('/_spoke/clock', { now: '2026-03-01T00:00:00.000Z' })).status, 200);
      const s = await subscribedApp(server, receiver.url, ['deal.creation']);
      for (const size of [100, 100, 50]) {
        const r = await s.api.post('/crm/v3/objects/deals/batch/create', {
          inputs: Array.from({ length: size }, (_, i) => ({
            properties: { dealname: `D${i}`, dealstage: 'appointmentscheduled' },
          })),
        });
        assert.equal(r.status, 201, r.text);
      }
      assert.deepEqual(await flush(), { tried: 250, pruned: 0, pending: 0, nextAttemptAt: null });
      assert.equal((await listed(s.appId)).deliveries.length, 3);

      await admin.post('/_spoke/clock/advance', { ms: HOUR - 60_000 });
      await s.api.post('/crm/v3/objects/deals', {
        properties: { dealname: 'Recent', dealstage: 'appointmentscheduled' },
      });
      const recent = await flush();
      assert.deepEqual([recent.tried, recent.pruned], [1, 0], 'nothing is older than an hour yet');
      assert.equal((await listed(s.appId)).events.length, 251);

      // A limited list shows the most recent: the one event delivered last.
      const recentOnly = await admin.get(`/_spoke/webhooks/deliveries?appId=${s.appId}&limit=1`);
      assert.deepEqual(
        recentOnly.body.results.map((d: any) => d.eventIds.length),
        [1],
      );
      await admin.post('/_spoke/clock/advance', { ms: 120_000 });
      assert.equal((await flush()).pruned, 100, 'one pass prunes at most the batch');
      let now = await listed(s.appId);
      assert.equal(now.events.length, 151);
      assert.equal(now.deliveries.length, 1, 'the three old attempts are pruned');
      assert.equal(now.deliveries[0].eventIds.length, 1);
      assert.equal((await flush()).pruned, 100);
      assert.equal((await flush()).pruned, 50);
      assert.equal((await flush()).pruned, 0);
      now = await listed(s.appId);
      assert.deepEqual(
        now.events.map((e) => [e.status, e.event.subscriptionType]),
        [['delivered', 'deal.creation']],
        'the recent event stays',
      );
      assert.equal(now.deliveries.length, 1, 'and so does its attempt');
    } finally {
      await receiver.close();
    }
  });

  it('prunes an event given up on after the retention period, never a pending one', async () => {
    const receiver = await startReceiver();
    const refused = await startReceiver();
    await refused.close();
    try {
      assert.equal((await admin.put('/_spoke/clock', { now: '2026-04-01T00:00:00.000Z' })).status, 200);
      const failing = await subscribedApp(server, refused.url, ['ticket.creation']);
      const created = await failing.api.post('/crm/v3/objects/tickets', {
        properties: { subject: 'Nobody home', hs_pipeline_stage: '1' },
      });
      assert.equal(created.status, 201, created.text);
      // The first attempt and ten retries, each after the clock reaches it.
      for (let attempt = 0; attempt <= 10; attempt++) {
        const r = await flush();
        assert.equal(r.tried, 1, `attempt ${attempt}`);
        if (attempt < 10) await admin.post('/_spoke/clock/advance', { ms: 8 * HOUR });
      }
      let now = await listed(failing.appId);
      assert.deepEqual(
        now.events.map((e) => [e.status, e.attempts]),
        [['failed', 11]],
      );
      // Attempts older than an hour went while the retries ran; the last ones remain.
      assert.ok(now.deliveries.length >= 1);
      await admin.post('/_spoke/clock/advance', { ms: HOUR - 1 });
      assert.equal((await flush()).pruned, 0, 'given up on less than an hour ago');
      await admin.post('/_spoke/clock/advance', { ms: 1 });
      assert.equal((await flush()).pruned, 1);
      now = await listed(failing.appId);
      assert.deepEqual([now.events.length, now.deliveries.length], [0, 0]);

      // A pending event is never pruned, however old; its old attempts are.
      const pending = await subscribedApp(server, refused.url, ['deal.creation']);
      await pending.api.post('/crm/v3/objects/deals', {
        properties: { dealname: 'Waiting', dealstage: 'appointmentscheduled' },
      });
      assert.equal((await flush()).tried, 1);
      await admin.post('/_spoke/clock/advance', { ms: 2 * HOUR });
      const later = await flush();
      assert.deepEqual([later.tried, later.pruned], [1, 0], 'the retry ran, the event stays');
      now = await listed(pending.appId);
      assert.deepEqual(
        now.events.map((e) => [e.status, e.attempts]),
        [['pending', 2]],
      );
      assert.deepEqual(
        now.deliveries.map((d) => d.attemptNumber),
        [1],
        'the first attempt, two hours old, is pruned',
      );
    } finally {
      await receiver.close();
    }
  });
});
