/**
 * The store methods the main contract (store-contract.test.ts) does not name, by role: records
 * (updates, archives, deletes, paging, history, unique values), associations (all of a record,
 * pairs, scans, definitions in use), the catalog's custom object schemas, portal administration
 * (tokens, counters, fixture keys, snapshots, portal IDs) and maintenance (scans, consistent
 * reads). Exported, so one process runs it against every adapter (store-roles-contract.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UniqueViolationError } from '../../src/store/store-errors.js';
import type { AssociationRow, LockMode, ObjectRow, SchemaRow, Store } from '../../src/store/store.js';

const record = (id: number, objectTypeId = '0-1', archivedAt: number | null = null): ObjectRow => ({
  id,
  objectTypeId,
  properties: { name: `r${id}` },
  createdAt: 1,
  updatedAt: 1,
  archivedAt,
});

const link = (fromId: number, toId: number, typeId = 279, from = '0-1', to = '0-2'): AssociationRow => ({
  fromObjectTypeId: from,
  fromId,
  toObjectTypeId: to,
  toId,
  category: 'HUBSPOT_DEFINED',
  typeId,
});

const key = (r: AssociationRow) => `${r.fromId}>${r.toId}:${r.typeId}`;

export function runStoreRolesContract(adapter: string, open: () => Promise<Store>): void {
  describe(`Store roles contract (${adapter})`, () => {
    let store: Store;
    let portal = 500;
    before(async () => {
      store = await open();
    });
    after(() => store.close());

    it('records: updates, archives and deletes, paged by ID and by archived state', async () => {
      const p = ++portal;
      await store.transaction((tx) =>
        tx.insertObjects(
          p,
          [1, 2, 3, 4, 5].map((id) => record(id)),
        ),
      );
      await store.transaction(async (tx) => {
        await tx.updateObject(p, 2, { name: 'two', extra: 'x' }, 9);
        await tx.setArchived(p, [3, 4], 7);
        await tx.deleteObjects(p, [{ objectTypeId: '0-1', id: 5 }]);
      });
      assert.deepEqual(await store.getObject(p, 2), {
        ...record(2),
        properties: { name: 'two', extra: 'x' },
        updatedAt: 9,
      });
      assert.equal(await store.getObject(p, 5), undefined);
      const live = await store.listObjects(p, { objectTypeId: '0-1', limit: 10, archived: false });
      assert.deepEqual(
        live.map((r) => r.id),
        [1, 2],
      );
      const archived = await store.listObjects(p, { objectTypeId: '0-1', limit: 1, archived: true });
      assert.deepEqual(
        archived.map((r) => [r.id, r.archivedAt]),
        [[3, 7]],
      );
      const next = await store.listObjects(p, { objectTypeId: '0-1', limit: 5, archived: true, afterId: 3 });
      assert.deepEqual(
        next.map((r) => r.id),
        [4],
      );
      await store.transaction((tx) => tx.setArchived(p, [3], null));
      assert.equal((await store.getObject(p, 3))?.archivedAt, null);
      assert.deepEqual(
        (await store.scanObjects(p, undefined, 2)).map((r) => r.id),
        [1, 2],
      );
      assert.deepEqual(
        (await store.scanObjects(p, 2, 10)).map((r) => r.id),
        [3, 4],
      );
    });

    it('records: property history newest first per record, oldest first across records', async () => {
      const p = ++portal;
      await store.transaction(async (tx) => {
        await tx.insertObjects(p, [record(1), record(2)]);
        await tx.appendHistory(p, [
          { objectId: 1, name: 'name', value: 'a', timestamp: 10, sourceType: 'API' },
          { objectId: 1, name: 'name', value: 'b', timestamp: 20, sourceType: 'API' },
          { objectId: 1, name: 'other', value: null, timestamp: 15, sourceType: 'IMPORT' },
          { objectId: 2, name: 'name', value: 'c', timestamp: 5, sourceType: 'API' },
        ]);
      });
      const newest = await store.getPropertyHistory(p, 1, ['name']);
      assert.deepEqual(
        newest.map((h) => h.value),
        ['b', 'a'],
      );
      const all = await store.historyOf(p, [1, 2]);
      const byRecordAndName = (id: number, name: string) =>
        all.filter((h) => h.objectId === id && h.name === name).map((h) => h.value);
      assert.deepEqual(byRecordAndName(1, 'name'), ['a', 'b']);
      assert.deepEqual(byRecordAndName(1, 'other'), [null]);
      assert.deepEqual(byRecordAndName(2, 'name'), ['c']);
      assert.equal(all.find((h) => h.name === 'other')?.sourceType, 'IMPORT');
    });

    it('records: a unique value is held by one record until released', async () => {
      const p = ++portal;
      const email = (objectId: number, value: string) => ({
        objectTypeId: '0-1',
        property: 'email',
        value,
        objectId,
      });
      await store.transaction(async (tx) => {
        await tx.insertObjects(p, [record(1), record(2)]);
        await tx.claimUniqueValues(p, [email(1, 'a@x.com'), { ...email(1, 'A1'), property: 'code' }]);
      });
      assert.equal(await store.findByUniqueValue(p, '0-1', 'email', 'a@x.com'), 1);
      assert.equal(await store.findByUniqueValue(p + 1000, '0-1', 'email', 'a@x.com'), undefined);
      await assert.rejects(
        store.transaction((tx) => tx.claimUniqueValues(p, [email(2, 'a@x.com')])),
        UniqueViolationError,
      );
      await store.transaction((tx) => tx.releaseUniqueValues(p, 1, ['email']));
      assert.equal(await store.findByUniqueValue(p, '0-1', 'email', 'a@x.com'), undefined);
      assert.equal(await store.findByUniqueValue(p, '0-1', 'code', 'A1'), 1, 'only the named property');
      await store.transaction((tx) => tx.claimUniqueValues(p, [email(2, 'a@x.com')]));
      assert.equal(await store.findByUniqueValue(p, '0-1', 'email', 'a@x.com'), 2);
      await store.transaction((tx) => tx.releaseUniqueValues(p, 1));
      assert.equal(await store.findByUniqueValue(p, '0-1', 'code', 'A1'), undefined, 'all of the record');
    });

    it('associations: all of a record, pairs deleted both ways, scans in key order, definitions in use', async () => {
      const p = ++portal;
      await store.transaction(async (tx) => {
        await tx.insertObjects(p, [record(1), record(2), record(11, '0-2'), record(12, '0-2')]);
        await tx.insertAssociations(p, [
          link(1, 11),
          link(11, 1, 280, '0-2', '0-1'),
          link(1, 12),
          link(12, 1, 280, '0-2', '0-1'),
          link(2, 11),
          link(11, 2, 280, '0-2', '0-1'),
          { ...link(1, 11, 100), category: 'USER_DEFINED' },
        ]);
      });
      assert.deepEqual((await store.allAssociationsOf(p, 1)).map(key).sort(), [
        '1>11:100',
        '1>11:279',
        '1>12:279',
      ]);
      assert.equal(await store.transaction((tx) => tx.isDefinitionInUse(p, 'USER_DEFINED', 100)), true);
      assert.equal(await store.transaction((tx) => tx.isDefinitionInUse(p, 'USER_DEFINED', 101)), false);
      assert.equal(
        await store.transaction((tx) => tx.isDefinitionInUse(p + 1000, 'USER_DEFINED', 100)),
        false,
      );

      const scanned: AssociationRow[] = [];
      let after: AssociationRow | undefined;
      for (;;) {
        const page = await store.scanAssociations(p, after, 2);
        if (page.length === 0) break;
        scanned.push(...page);
        after = page.at(-1);
      }
      assert.equal(scanned.length, 7, 'every row once across pages');
      assert.deepEqual(scanned.map(key).sort(), (await allRows(store, p)).sort());

      const deleted = await store.transaction((tx) =>
        tx.deleteAssociationsOfPairs(p, '0-1', '0-2', [[1, 11]]),
      );
      assert.equal(deleted, 3, 'both directions and every type of the pair');
      assert.deepEqual((await store.allAssociationsOf(p, 1)).map(key), ['1>12:279']);
      assert.deepEqual((await store.allAssociationsOf(p, 11)).map(key), ['11>2:280']);
    });

    it('catalog: custom object schemas inserted, read, updated and deleted per portal', async () => {
      const p = ++portal;
      const schema: SchemaRow = {
        objectTypeId: '2-900',
        name: 'cars',
        definition: { labels: { singular: 'Car', plural: 'Cars' } },
        createdAt: 1,
        updatedAt: 1,
        archivedAt: null,
      };
      await store.transaction((tx) => tx.insertSchema(p, schema));
      assert.deepEqual(await store.getSchema(p, '2-900'), schema);
      assert.equal(await store.getSchema(p + 1000, '2-900'), undefined);
      const updated = {
        ...schema,
        definition: { labels: { singular: 'Auto' } },
        updatedAt: 5,
        archivedAt: 5,
      };
      await store.transaction((tx) => tx.updateSchema(p, updated));
      assert.deepEqual(await store.listSchemas(p), [updated]);
      await store.transaction((tx) => tx.deleteSchema(p, '2-900'));
      assert.deepEqual(await store.listSchemas(p), []);
    });

    it('portal administration: tokens, counters, fixture keys, snapshots and portal IDs', async () => {
      const p = ++portal;
      const token = {
        token: `t-${adapter}-${p}`,
        portalId: p,
        user: 'u@x.com',
        userId: 7,
        scopes: ['crm'],
        createdAt: 3,
      };
      await store.transaction(async (tx) => {
        await tx.insertToken(token);
        await tx.setCounter(p, 'objects', 41);
        await tx.setFixtureKey(p, 'alice', 1);
        await tx.setFixtureKey(p, 'bob', 2);
        await tx.insertObjects(p, [record(1), record(2)]);
      });
      assert.deepEqual(await store.findToken(token.token), token);
      assert.equal(await store.findToken('nope'), undefined);
      assert.deepEqual(await store.listTokens(p), [token]);
      assert.ok((await store.listTokens()).some((t) => t.token === token.token));
      assert.equal((await store.getCounters(p)).objects, 41);
      assert.equal(await store.findFixtureKey(p, 'bob'), 2);
      assert.equal(await store.findFixtureKey(p, 'carol'), undefined);
      assert.deepEqual((await store.listFixtureKeys(p)).sort(), [
        ['alice', 1],
        ['bob', 2],
      ]);
      assert.ok((await store.listPortalIds()).includes(p));

      const made = await store.transaction((tx) => tx.createSnapshot(p, 'one', 10));
      assert.deepEqual(made, { name: 'one', createdAt: 10, records: 2, associations: 0 });
      assert.deepEqual(await store.listSnapshots(p), [made]);
      assert.equal(await store.transaction((tx) => tx.deleteSnapshot(p, 'one')), true);
      assert.equal(await store.transaction((tx) => tx.deleteSnapshot(p, 'one')), false);
      assert.deepEqual(await store.listSnapshots(p), []);
    });

    it('locks: catalog locks of one key exclude an exclusive holder; other keys do not wait', async () => {
      const p = ++portal;
      const events: string[] = [];
      const hold = (name: string, key: string, mode: LockMode, locked: () => void) =>
        store.transaction(async (tx) => {
          await tx.lock(p, [{ scope: 'pair', key, mode }]);
          events.push(`${name} locked`);
          locked();
          await new Promise((r) => setTimeout(r, 150));
          events.push(`${name} done`);
        });
      let firstLocked!: () => void;
      const first = new Promise<void>((r) => (firstLocked = r));
      const shared = hold('shared', '0-1|0-2', 'shared', firstLocked);
      await first;
      const [exclusive, other] = [
        hold('exclusive', '0-1|0-2', 'exclusive', () => undefined),
        hold('other', '0-1|0-3', 'exclusive', () => undefined),
      ];
      await Promise.all([shared, exclusive, other]);
      const at = (event: string) => events.indexOf(event);
      assert.ok(at('exclusive locked') > at('shared done'), events.join(', '));
      if (!store.capabilities.serializedWrites)
        assert.ok(at('other locked') < at('shared done'), `another key does not wait: ${events.join(', ')}`);
    });

    it('maintenance: a consistent read sees one moment while writes go on', async () => {
      const p = ++portal;
      await store.transaction((tx) => tx.insertObjects(p, [record(1)]));
      const seen = await store.readSnapshot(async (reader) => {
        const before = await reader.getObject(p, 1);
        return before?.properties.name;
      });
      assert.equal(seen, 'r1');
    });
  });
}

async function allRows(store: Store, portalId: number): Promise<string[]> {
  const ids = [1, 2, 11, 12];
  return (await Promise.all(ids.map((id) => store.allAssociationsOf(portalId, id)))).flat().map(key);
}
