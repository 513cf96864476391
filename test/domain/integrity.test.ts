/**
 * The invariant checker finds each kind of damage it promises to find, and nothing in a
 * healthy store. (The concurrency tests rely on it.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deleteDefinitionsAndLimits } from '../../src/domain/associations/definition-catalog.js';
import { checkIntegrity } from '../../src/domain/integrity.js';
import type { AssociationRow, ObjectRow, Store } from '../../src/store/store.js';
import { createTestStore } from '../helpers/store.js';
import { ObjectTypeResolver } from '../../src/domain/objects/object-type-resolver.js';

const PORTAL = 7;
const record = (id: number, objectTypeId: string): ObjectRow => ({
  id,
  objectTypeId,
  properties: {},
  createdAt: 1,
  updatedAt: 1,
  archivedAt: null,
});
const row = (
  fromId: number,
  fromType: string,
  toId: number,
  toType: string,
  typeId: number,
): AssociationRow => ({
  fromId,
  fromObjectTypeId: fromType,
  toId,
  toObjectTypeId: toType,
  category: 'HUBSPOT_DEFINED',
  typeId,
});

describe('checkIntegrity', () => {
  let store: Store;
  const check = () => checkIntegrity(store, new ObjectTypeResolver(store));

  before(async () => {
    store = await createTestStore();
    await store.transaction((tx) =>
      tx.insertObjects(PORTAL, [record(1, '0-1'), record(2, '0-2'), record(3, '0-2'), record(4, '0-3')]),
    );
  });
  after(() => store.close());

  it('finds nothing wrong with a healthy pair', async () => {
    await store.transaction((tx) =>
      tx.insertAssociations(PORTAL, [
        row(1, '0-1', 2, '0-2', 279),
        row(2, '0-2', 1, '0-1', 280),
        row(1, '0-1', 2, '0-2', 1),
        row(2, '0-2', 1, '0-1', 2),
      ]),
    );
    const report = await check();
    assert.deepEqual(report.problems, []);
    assert.equal(report.records, 4);
    assert.equal(report.associations, 4);
  });

  it('finds a missing inverse, a missing unlabeled type, an unknown type, a dangling row and an exceeded limit', async () => {
    await store.transaction(async (tx) => {
      // Missing inverse: 279 without 280.
      await tx.insertAssociations(PORTAL, [row(1, '0-1', 3, '0-2', 279)]);
      // Missing unlabeled: Primary both ways, no 279/280.
      await tx.insertAssociations(PORTAL, [row(4, '0-3', 3, '0-2', 5), row(3, '0-2', 4, '0-3', 6)]);
      // Unknown type for the direction, and a record that does not exist.
      await tx.insertAssociations(PORTAL, [
        row(4, '0-3', 1, '0-1', 999),
        row(4, '0-3', 99, '0-1', 3),
        row(99, '0-1', 4, '0-3', 4),
      ]);
      await tx.upsertLimit(PORTAL, {
        category: 'HUBSPOT_DEFINED',
        typeId: 279,
        fromObjectTypeId: '0-1',
        toObjectTypeId: '0-2',
        maxToObjectIds: 1,
      });
    });
    const kinds = (await check()).problems.map((p) => p.kind).sort();
    for (const kind of [
      'missing-inverse',
      'missing-unlabeled',
      'unknown-type',
      'dangling',
      'over-limit',
    ] as const) {
      assert.ok(kinds.includes(kind), `found ${kind} in ${kinds.join(', ')}`);
    }
  });

  it('finds a limit left behind by its deleted definition, and none once both go together', async () => {
    const portalId = PORTAL + 1;
    const definition = (typeId: number, inverseTypeId: number, from: string, to: string) => ({
      category: 'USER_DEFINED' as const,
      typeId,
      fromObjectTypeId: from,
      toObjectTypeId: to,
      name: 'signer',
      label: 'Signer',
      inverseTypeId,
      createdAt: 1,
    });
    const limit = {
      category: 'USER_DEFINED' as const,
      typeId: 41,
      fromObjectTypeId: '0-1',
      toObjectTypeId: '0-2',
      maxToObjectIds: 2,
    };
    await store.transaction(async (tx) => {
      await tx.insertDefinitions(portalId, [
        definition(41, 42, '0-1', '0-2'),
        definition(42, 41, '0-2', '0-1'),
      ]);
      await tx.upsertLimit(portalId, limit);
    });
    const problems = async () =>
      (await checkIntegrity(store, new ObjectTypeResolver(store), { portalIds: [portalId] })).problems;
    assert.deepEqual(await problems(), []);

    // What deleting a schema association definition used to do: the definitions go, the limit stays.
    await store.transaction((tx) => tx.deleteDefinitions(portalId, 'USER_DEFINED', [41, 42]));
    const found = await problems();
    assert.deepEqual(
      found.map((p) => p.kind),
      ['orphan-limit'],
    );
    assert.match(found[0]!.detail, /USER_DEFINED=41 .*not defined/);

    await store.transaction(async (tx) => {
      await tx.insertDefinitions(portalId, [
        definition(41, 42, '0-1', '0-2'),
        definition(42, 41, '0-2', '0-1'),
      ]);
      await deleteDefinitionsAndLimits(tx, portalId, 'USER_DEFINED', [41, 42]);
    });
    assert.deepEqual(await problems(), []);
    assert.deepEqual(await store.listLimits(portalId), []);
  });
});
