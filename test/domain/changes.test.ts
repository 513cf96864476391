/**
 * The change feed: a subscriber sees exactly what committed, once per transaction, and
 * nothing of a rollback; concurrent writes over real HTTP, on SQLite (group commit) and on
 * PostgreSQL (truly concurrent transactions, reruns).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChangeSet } from '../../src/domain/changes.js';
import { TransactionRetry } from '../../src/store/store-errors.js';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('change feed', () => {
  let server: TestServer;
  let admin: Client;
  let sets: ChangeSet[] = [];
  let unsubscribe: () => void;

  before(async () => {
    server = await startTestServer();
    admin = client(server.url);
    unsubscribe = server.domain.changes.subscribe((set) => sets.push(set));
  });
  after(async () => {
    unsubscribe();
    await server.close();
  });

  async function portal(): Promise<{ api: Client; portalId: number }> {
    const created = await admin.post('/_spoke/portals', {});
    assert.equal(created.status, 201, created.text);
    return { api: client(server.url, created.body.token), portalId: created.body.portalId };
  }

  const of = (portalId: number) =>
    sets.filter(
      (s) =>
        s.records.some((r) => r.portalId === portalId) || s.associations.some((a) => a.portalId === portalId),
    );

  it('reports each of many concurrent creates once, with its properties, after commit', async () => {
    const { api, portalId } = await portal();
    sets = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.post('/crm/v3/objects/contacts', {
          properties: { email: `c${i}@example.com`, firstname: `C${i}` },
        }),
      ),
    );
    const ids = results.map((r) => {
      assert.equal(r.status, 201, r.text);
      return Number(r.body.id);
    });
    const created = of(portalId).flatMap((s) => s.records.filter((r) => r.action === 'created'));
    assert.deepEqual(
      created.map((r) => r.id).sort((a, b) => a - b),
      [...ids].sort((a, b) => a - b),
    );
    for (const change of created) {
      assert.equal(change.objectTypeId, '0-1');
      assert.match(change.properties.email ?? '', /^c\d+@example.com$/);
    }
    assert.equal(of(portalId).length, 20, 'one change set per transaction');
    assert.ok(of(portalId).every((s) => s.source === 'API'));
  });

  it('reports associations added and removed, both directions, exactly as stored', async () => {
    const { api, portalId } = await portal();
    const contacts = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        api.post('/crm/v3/objects/contacts', { properties: { email: `a${i}@example.com` } }),
      ),
    );
    const company = await api.post('/crm/v3/objects/companies', { properties: { name: 'Acme' } });
    sets = [];
    // The same association written four times at once: only the insert that landed reports it.
    const contact = contacts[0]!.body.id;
    const puts = await Promise.all(
      [0, 1, 2, 3].map(() =>
        api.put(`/crm/v4/objects/contacts/${contact}/associations/default/companies/${company.body.id}`),
      ),
    );
    for (const put of puts) assert.equal(put.status, 200, put.text);
    const added = of(portalId).flatMap((s) => s.associations.filter((a) => a.action === 'added'));
    const keys = added.map((a) => `${a.row.fromId}>${a.row.toId}:${a.row.category}:${a.row.typeId}`).sort();
    // Exactly the rows stored: the unlabeled type both ways (279, 280), each once.
    const stored = [
      ...(await server.store.allAssociationsOf(portalId, Number(contact))),
      ...(await server.store.allAssociationsOf(portalId, Number(company.body.id))),
    ].map((r) => `${r.fromId}>${r.toId}:${r.category}:${r.typeId}`);
    assert.deepEqual(keys, stored.sort());
    assert.deepEqual(
      keys,
      [
        `${company.body.id}>${contact}:HUBSPOT_DEFINED:280`,
        `${contact}>${company.body.id}:HUBSPOT_DEFINED:279`,
      ].sort(),
    );

    sets = [];
    const removed = await api.delete(
      `/crm/v4/objects/contacts/${contact}/associations/companies/${company.body.id}`,
    );
    assert.equal(removed.status, 204, removed.text);
    const gone = of(portalId).flatMap((s) => s.associations.filter((a) => a.action === 'removed'));
    assert.deepEqual(
      gone.map((a) => `${a.row.fromId}>${a.row.toId}:${a.row.typeId}`).sort(),
      [`${company.body.id}>${contact}:280`, `${contact}>${company.body.id}:279`].sort(),
    );
  });

  it('reports a merge once when two opposite merges race, and the merged record as deleted', async () => {
    const { api, portalId } = await portal();
    const [a, b] = await Promise.all(
      ['x', 'y'].map((n) =>
        api.post('/crm/v3/objects/contacts', { properties: { email: `${n}@example.com` } }),
      ),
    );
    sets = [];
    const merges = await Promise.all([
      api.post('/crm/v3/objects/contacts/merge', {
        primaryObjectId: a!.body.id,
        objectIdToMerge: b!.body.id,
      }),
      api.post('/crm/v3/objects/contacts/merge', {
        primaryObjectId: b!.body.id,
        objectIdToMerge: a!.body.id,
      }),
    ]);
    const won = merges.filter((m) => m.status === 200);
    assert.equal(won.length, 1, merges.map((m) => m.text).join('\n'));
    const merged = of(portalId).flatMap((s) => s.records.filter((r) => r.action === 'merged'));
    assert.equal(merged.length, 1);
    const deleted = of(portalId).flatMap((s) => s.records.filter((r) => r.action === 'deleted'));
    assert.deepEqual(
      deleted.map((r) => r.id),
      merged[0]!.mergedIds,
    );
  });

  it('reports archive, restore and GDPR delete with what they mean', async () => {
    const { api, portalId } = await portal();
    const c = await api.post('/crm/v3/objects/contacts', { properties: { email: 'g@example.com' } });
    sets = [];
    assert.equal((await api.delete(`/crm/v3/objects/contacts/${c.body.id}`)).status, 204);
    const restored = await admin.post(
      `/_spoke/portals/${portalId}/objects/contacts/${c.body.id}/restore`,
      {},
    );
    assert.equal(restored.status, 200, restored.text);
    const gdpr = await api.post('/crm/v3/objects/contacts/gdpr-delete', { objectId: c.body.id });
    assert.equal(gdpr.status, 204, gdpr.text);
    const actions = of(portalId).flatMap((s) => s.records.map((r) => r.action));
    assert.deepEqual(actions, ['archived', 'restored', 'deleted', 'privacyDeleted']);
  });

  it('publishes nothing for a rollback, and a rerun transaction once', async () => {
    const { portalId } = await portal();
    sets = [];
    const row = (id: number) => ({
      id,
      objectTypeId: '0-2',
      properties: { name: `n${id}` },
      createdAt: 1,
      updatedAt: 1,
      archivedAt: null,
    });
    await assert.rejects(
      server.domain.store.transaction(async (tx) => {
        await tx.insertObjects(portalId, [row(900001)]);
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    // A savepoint that fails inside a transaction that commits: its writes are not reported.
    await server.domain.store.transaction(async (tx) => {
      await tx.savepoint(() => tx.insertObjects(portalId, [row(900002)])).catch(() => undefined);
      await tx
        .savepoint(async () => {
          await tx.insertObjects(portalId, [row(900003)]);
          throw new Error('undone');
        })
        .catch(() => undefined);
    });
    let attempts = 0;
    await server.domain.store.transaction(async (tx) => {
      await tx.insertObjects(portalId, [row(900004 + attempts)]);
      if (attempts++ === 0) throw new TransactionRetry('test rerun');
    });
    assert.equal(attempts, 2);
    const created = of(portalId).map((s) => s.records.map((r) => r.id));
    assert.deepEqual(created, [[900002], [900005]]);
    const stored = await Promise.all(
      [900001, 900002, 900003, 900004, 900005].map((id) => server.store.getObject(portalId, id)),
    );
    assert.deepEqual(
      stored.map((r) => r !== undefined),
      [false, true, false, false, true],
    );
  });

  it('hands a large transaction to the hooks in parts, and publishes them only after commit', async () => {
    const { portalId } = await portal();
    const page = (from: number) =>
      Array.from({ length: 1000 }, (_, i) => ({
        id: from + i,
        objectTypeId: '0-2',
        properties: { name: `n${from + i}` },
        createdAt: 1,
        updatedAt: 1,
        archivedAt: null,
      }));
    const hooked: number[] = [];
    const unhook = server.domain.changes.inTransaction(async (_tx, set) => {
      hooked.push(set.records.filter((r) => r.portalId === portalId && r.properties.name).length);
    });
    try {
      sets = [];
      await assert.rejects(
        server.domain.store.transaction(async (tx) => {
          for (let at = 800000; at < 812000; at += 1000) await tx.insertObjects(portalId, page(at));
          throw new Error('rolled back');
        }),
      );
      assert.deepEqual(of(portalId), [], 'nothing of a rollback, in parts or whole');
      hooked.length = 0;
      await server.domain.store.transaction(async (tx) => {
        for (let at = 800000; at < 812000; at += 1000) await tx.insertObjects(portalId, page(at));
      });
    } finally {
      unhook();
    }
    assert.deepEqual(hooked, [5000, 5000, 2000], 'the hooks see each part whole');
    assert.deepEqual(
      of(portalId).map((s) => s.records.length),
      [5000, 5000, 2000],
    );
    const ids = of(portalId).flatMap((s) => s.records.map((r) => r.id));
    assert.equal(new Set(ids).size, 12000);
  });

  it('publishes change events into the activity feed', async () => {
    const { api, portalId } = await portal();
    const before = server.domain.activity.lastSeq;
    const c = await api.post('/crm/v3/objects/deals', {
      properties: { dealname: 'D', dealstage: 'appointmentscheduled' },
    });
    const events = server.domain.activity.recent(before).filter((e) => e.kind === 'change');
    assert.deepEqual(
      events.map((e) => e.kind === 'change' && [e.portalId, e.changes]),
      [[portalId, [{ entity: '0-3', action: 'created', recordIds: [c.body.id] }]]],
    );
  });
});
