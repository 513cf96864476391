/**
 * The change feed under concurrency: a subscriber sees exactly the committed changes of
 * concurrent writes, each once, and nothing of a transaction rolled back among them; on both
 * stores. With two Spoke instances on one database, a subscriber of either sees both
 * instances' commits once sharing is on: on PostgreSQL through NOTIFY (delivered at COMMIT,
 * never for a rollback). SQLite has no relay between processes, which the store says
 * (`capabilities.sharedChanges`) and the last test checks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/app.js';
import { shareChanges } from '../../src/domain/change-sharing.js';
import type { ChangeSet } from '../../src/domain/changes.js';
import type { Domain } from '../../src/domain/services.js';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createSharedTestStores, onPostgres } from '../helpers/store.js';

const created = (sets: readonly ChangeSet[], portalId: number) =>
  sets.flatMap((s) =>
    s.records.filter((r) => r.portalId === portalId && r.action === 'created').map((r) => r.id),
  );

const sorted = (ids: readonly number[]) => [...ids].sort((a, b) => a - b);

/** Waits for a condition another process makes true (a notification in flight), then returns. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(condition(), what);
}

async function rolledBack(domain: Domain, portalId: number, id: number): Promise<void> {
  await assert.rejects(
    domain.store.transaction(async (tx) => {
      await tx.insertObjects(portalId, [
        {
          id,
          objectTypeId: '0-2',
          properties: { name: 'never' },
          createdAt: 1,
          updatedAt: 1,
          archivedAt: null,
        },
      ]);
      // Let the concurrent writes commit while this one holds its insert.
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('rolled back');
    }),
    /rolled back/,
  );
}

describe('change feed: concurrent writes and a rollback among them', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer();
    admin = client(server.url);
  });
  after(() => server.close());

  it('publishes each committed create once and nothing of the rolled-back transaction', async () => {
    const portal = await admin.post('/_spoke/portals', {});
    assert.equal(portal.status, 201, portal.text);
    const { portalId, token } = portal.body as { portalId: number; token: string };
    const api = client(server.url, token);
    const sets: ChangeSet[] = [];
    const unsubscribe = server.domain.changes.subscribe((set) => sets.push(set));
    try {
      const [results] = await Promise.all([
        Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            api.post('/crm/v3/objects/companies', { properties: { name: `Co ${i}` } }),
          ),
        ),
        rolledBack(server.domain, portalId, 990_001),
        rolledBack(server.domain, portalId, 990_002),
      ]);
      const ids = results.map((r) => {
        assert.equal(r.status, 201, r.text);
        return Number(r.body.id);
      });
      assert.deepEqual(sorted(created(sets, portalId)), sorted(ids));
      assert.equal(sets.filter((s) => s.records.some((r) => r.portalId === portalId)).length, 12);
      assert.equal(await server.store.getObject(portalId, 990_001), undefined);
    } finally {
      unsubscribe();
    }
  });
});

describe('change feed across two instances on one database', () => {
  it(
    onPostgres()
      ? 'shows each instance every commit of both, once, and nothing of a rollback (NOTIFY)'
      : 'says that SQLite stores have no relay between processes',
    async () => {
      const shared = await createSharedTestStores();
      const [storeA, storeB] = shared.stores;
      if (!onPostgres()) {
        assert.equal(storeA.capabilities.sharedChanges, false);
        assert.equal(storeA.changeRelay, undefined);
        await shared.close();
        return;
      }
      assert.equal(storeA.capabilities.sharedChanges, true);
      const apps = [createApp({ store: storeA }), createApp({ store: storeB })];
      const stops: (() => Promise<void>)[] = [];
      try {
        const urls = await Promise.all(
          apps.map(async ({ app }) => {
            await app.listen({ port: 0, host: '127.0.0.1' });
            const address = app.server.address();
            return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
          }),
        );
        const [domainA, domainB] = apps.map((a) => a.domain) as [Domain, Domain];
        stops.push(await shareChanges(domainA.changes, storeA.changeRelay!));
        stops.push(await shareChanges(domainB.changes, storeB.changeRelay!));
        const seenByA: ChangeSet[] = [];
        const seenByB: ChangeSet[] = [];
        domainA.changes.subscribe((set) => seenByA.push(set), { everywhere: true });
        domainB.changes.subscribe((set) => seenByB.push(set), { everywhere: true });

        const portal = await client(urls[0]!).post('/_spoke/portals', {});
        assert.equal(portal.status, 201, portal.text);
        const { portalId, token } = portal.body as { portalId: number; token: string };
        const [a, b] = urls.map((url) => client(url, token)) as [Client, Client];
        const [results] = await Promise.all([
          Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              (i % 2 ? a : b).post('/crm/v3/objects/companies', { properties: { name: `Co ${i}` } }),
            ),
          ),
          rolledBack(domainA, portalId, 990_003),
          rolledBack(domainB, portalId, 990_004),
        ]);
        const ids = results.map((r) => {
          assert.equal(r.status, 201, r.text);
          return Number(r.body.id);
        });
        // Each instance hears its own commits at once and the other's when NOTIFY arrives.
        await until(() => created(seenByA, portalId).length >= 20, 'A hears all 20 creates');
        await until(() => created(seenByB, portalId).length >= 20, 'B hears all 20 creates');
        // A last write on A, then one on B: once B has heard A's, nothing earlier is in flight.
        const last = await a.post('/crm/v3/objects/companies', { properties: { name: 'last' } });
        await until(() => created(seenByB, portalId).includes(Number(last.body.id)), 'B hears the last');
        const all = sorted([...ids, Number(last.body.id)]);
        assert.deepEqual(sorted(created(seenByB, portalId)), all, 'B: every commit once, no rollback');
        assert.deepEqual(sorted(created(seenByA, portalId)), all, 'A: every commit once, no rollback');
        for (const set of seenByB) assert.equal(typeof set.occurredAt, 'number');
      } finally {
        for (const stop of stops) await stop();
        for (const { app } of apps) await app.close();
        await shared.close();
      }
    },
  );
});
