/**
 * The catalog role's contract (catalog-store.ts), on whichever adapter this pass uses: entries
 * keyed by kind, scope and key, per portal; settings that survive a reset; snapshots and
 * rollbacks that include the catalog.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CatalogRow } from '../../src/store/catalog-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestStore } from '../helpers/store.js';

const entry = (key: string, value: Record<string, unknown>, scope = '0-1'): CatalogRow => ({
  kind: 'property',
  scope,
  key,
  value,
  updatedAt: 10,
});

describe('Store contract: catalog', () => {
  let store: Store;
  before(async () => {
    store = await createTestStore();
  });
  after(() => store.close());

  it('stores, replaces, lists and deletes entries per portal, kind and scope', async () => {
    await store.transaction(async (tx) => {
      await tx.putCatalog(1, entry('b', { n: 1 }));
      await tx.putCatalog(1, entry('a', { n: 2, nested: { x: [1, 'two'] } }));
      await tx.putCatalog(1, entry('c', { n: 3 }, '0-2'));
      await tx.putCatalog(2, entry('a', { other: true }));
      await tx.putCatalog(1, { ...entry('a', { n: 4 }), kind: 'group' });
    });
    assert.deepEqual(
      (await store.listCatalog(1, 'property', '0-1')).map((r) => [r.key, r.value]),
      [
        ['a', { n: 2, nested: { x: [1, 'two'] } }],
        ['b', { n: 1 }],
      ],
    );
    assert.deepEqual(
      (await store.listCatalog(1, 'property')).map((r) => `${r.scope}/${r.key}`),
      ['0-1/a', '0-1/b', '0-2/c'],
    );
    await store.transaction((tx) => tx.putCatalog(1, { ...entry('b', { n: 5 }), updatedAt: 20 }));
    const replaced = await store.getCatalog(1, 'property', '0-1', 'b');
    assert.deepEqual([replaced?.value, replaced?.updatedAt], [{ n: 5 }, 20]);
    assert.equal(await store.transaction((tx) => tx.deleteCatalog(1, 'property', '0-1', 'b')), true);
    assert.equal(await store.transaction((tx) => tx.deleteCatalog(1, 'property', '0-1', 'b')), false);
    assert.equal(await store.getCatalog(1, 'property', '0-1', 'b'), undefined);
    assert.deepEqual((await store.getCatalog(2, 'property', '0-1', 'a'))?.value, { other: true });
    assert.deepEqual((await store.getCatalog(1, 'group', '0-1', 'a'))?.value, { n: 4 });
  });

  it('rolls catalog writes back with their transaction', async () => {
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.putCatalog(3, entry('gone', {}));
        await tx.setPortalSetting(3, 'propertyValidation', 'lenient');
        throw new Error('boom');
      }),
    );
    assert.equal(await store.getCatalog(3, 'property', '0-1', 'gone'), undefined);
    assert.equal(await store.getPortalSetting(3, 'propertyValidation'), undefined);
  });

  it('snapshots include the catalog; a reset clears it and keeps settings', async () => {
    await store.transaction(async (tx) => {
      await tx.putCatalog(4, entry('kept', { v: 1 }));
      await tx.setPortalSetting(4, 'propertyValidation', 'lenient');
      await tx.createSnapshot(4, 'snap', 1);
      await tx.putCatalog(4, entry('later', { v: 2 }));
      await tx.resetPortal(4);
    });
    assert.deepEqual(await store.listCatalog(4, 'property'), []);
    assert.equal(await store.getPortalSetting(4, 'propertyValidation'), 'lenient');
    await store.transaction((tx) => tx.restoreSnapshot(4, 'snap'));
    assert.deepEqual(
      (await store.listCatalog(4, 'property')).map((r) => r.key),
      ['kept'],
    );
    await store.transaction((tx) => tx.setPortalSetting(4, 'propertyValidation', undefined));
    assert.equal(await store.getPortalSetting(4, 'propertyValidation'), undefined);
  });
});
