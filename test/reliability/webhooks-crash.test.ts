/**
 * Webhooks are never lost: Spoke (the CLI, in its own process) is killed with SIGKILL while
 * clients create contacts and a receiver in this process takes the deliveries; after each
 * restart on the same database, every contact whose creation was acknowledged has its
 * `contact.creation` event delivered (duplicates allowed, as at HubSpot; losses not).
 * Then two instances on one database: each event is delivered once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '../helpers/fuzz.js';
import { startSpokeProcess, type SpokeProcess } from '../helpers/process.js';
import { freshDatabaseUrl, onPostgres } from '../helpers/store.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const KILLS = Number(process.env.CRASH_KILLS ?? 4);
const CLIENTS = 4;
const HEADERS = { authorization: 'Bearer crash-test', 'content-type': 'application/json' };
// The shortest lease (the 5 s timeout plus 5 s), so a delivery the killed process had leased
// is retried soon after restart.
const ARGS = ['--port', '0', '--webhook-lease-ms', '10000'];

async function call(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: HEADERS,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as any) : undefined };
}

/** Subscribes a new app of the default portal to contact creations, sending to `receiver`. */
async function subscribe(url: string, receiver: Receiver): Promise<number> {
  const app = await call(url, 'POST', '/_spoke/webhooks/apps', { targetUrl: receiver.url });
  assert.equal(app.status, 201);
  const sub = await call(url, 'POST', `/webhooks/v3/${app.body.appId}/subscriptions`, {
    eventType: 'contact.creation',
    active: true,
  });
  assert.equal(sub.status, 201);
  return app.body.appId as number;
}

/** Flushes until every wanted contact's creation has arrived, or a minute has passed. */
async function awaitDelivered(
  url: string,
  receiver: Receiver,
  wanted: ReadonlySet<string>,
): Promise<Set<string>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const seen = new Set(
      receiver
        .events()
        .filter((e) => e.subscriptionType === 'contact.creation')
        .map((e) => String(e.objectId)),
    );
    if ([...wanted].every((id) => seen.has(id)) || Date.now() > deadline) return seen;
    await call(url, 'POST', '/_spoke/webhooks/flush', {});
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Webhooks across crashes', () => {
  let directory: string;
  let databaseUrl: string;
  let drop: () => Promise<void>;
  let receiver: Receiver;
  const servers: SpokeProcess[] = [];

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'spoke-webhooks-crash-'));
    const fresh = freshDatabaseUrl();
    databaseUrl = onPostgres() ? fresh.url : join(directory, 'crash.db');
    drop = fresh.drop;
    receiver = await startReceiver();
  });

  after(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    await receiver.close();
    await drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('delivers the event of every acknowledged write after SIGKILL and restart', async () => {
    const random = seededRandom(18);
    let server = await startSpokeProcess([...ARGS, '--database-url', databaseUrl]);
    servers.push(server);
    await subscribe(server.url, receiver);
    const acknowledged = new Set<string>();
    let serial = 0;

    for (let kill = 0; kill < KILLS; kill++) {
      const url = server.url;
      const clients = Array.from({ length: CLIENTS }, async () => {
        for (;;) {
          try {
            const r = await call(url, 'POST', '/crm/v3/objects/contacts', {
              properties: { email: `crash-${serial++}@example.com` },
            });
            assert.equal(r.status, 201);
            acknowledged.add(String(r.body.id));
          } catch (error) {
            if (error instanceof assert.AssertionError) throw error;
            return; // the kill
          }
        }
      });
      // Kill once this round has had some writes acknowledged, at a random moment after.
      const goal = acknowledged.size + 5;
      while (acknowledged.size < goal) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, random() * 300));
      await server.stop('SIGKILL');
      await Promise.all(clients);
      server = await startSpokeProcess([...ARGS, '--database-url', databaseUrl]);
      servers.push(server);
    }
    assert.ok(acknowledged.size > KILLS, `only ${acknowledged.size} writes were acknowledged`);
    const seen = await awaitDelivered(server.url, receiver, acknowledged);
    const lost = [...acknowledged].filter((id) => !seen.has(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.size} acknowledged creations never arrived`);
  });

  it('delivers each event once with two instances on one database', async () => {
    // Leases longer than any delivery here: a second send would be a double delivery, not a retry.
    for (const server of servers) await server.stop('SIGKILL');
    const args = ['--port', '0', '--webhook-lease-ms', '30000', '--database-url', databaseUrl];
    const [first, second] = await Promise.all([startSpokeProcess(args), startSpokeProcess(args)]);
    servers.push(first, second);
    receiver.received.length = 0;
    const ids = new Set<string>();
    // Writes through both instances, each of which delivers on its own.
    await Promise.all(
      [first, second].map(async (server, n) => {
        for (let i = 0; i < 60; i++) {
          const r = await call(server.url, 'POST', '/crm/v3/objects/contacts', {
            properties: { email: `two-${n}-${i}@example.com` },
          });
          assert.equal(r.status, 201);
          ids.add(String(r.body.id));
        }
      }),
    );
    await awaitDelivered(second.url, receiver, ids);
    const creations = receiver.events().filter((e) => ids.has(String(e.objectId)));
    const counts = new Map<string, number>();
    for (const e of creations) counts.set(String(e.eventId), (counts.get(String(e.eventId)) ?? 0) + 1);
    assert.equal(counts.size, ids.size);
    assert.deepEqual(
      [...counts].filter(([, n]) => n > 1),
      [],
      'no event was delivered twice',
    );
  });
});
