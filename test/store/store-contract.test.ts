/**
 * The Store contract, run against whichever adapter this pass uses (SQLite, or PostgreSQL
 * when TEST_DATABASE_URL is set). Every adapter must pass it unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UniqueViolationError } from '../../src/store/store-errors.js';
import type { AssociationRow, LockMode, ObjectRow, Store } from '../../src/store/store.js';
import { createSharedTestStores, createTestStore } from '../helpers/store.js';

const PORTAL = 1;
const OTHER_PORTAL = 2;

function record(id: number, objectTypeId: string, archivedAt: number | null = null): ObjectRow {
  return {
    id,
    objectTypeId,
    properties: { name: `r${id}`, empty: null },
    createdAt: 1,
    updatedAt: 2,
    archivedAt,
  };
}

function link(
  fromId: number,
  toId: number,
  typeId: number,
  fromType = '0-1',
  toType = '0-2',
): AssociationRow {
  return {
    fromObjectTypeId: fromType,
    fromId,
    toObjectTypeId: toType,
    toId,
    category: 'HUBSPOT_DEFINED',
    typeId,
  };
}

describe('Store contract', () => {
  let store: Store;

  before(async () => {
    store = await createTestStore();
    await store.transaction(async (tx) => {
      await tx.insertObjects(PORTAL, [
        record(1, '0-1'),
        ...Array.from({ length: 30 }, (_, i) => record(100 + i, '0-2')),
      ]);
      await tx.insertObjects(PORTAL, [record(200, '0-2', 5)]);
    });
  });
  after(() => store.close());

  it('reads back records with their properties, and nothing from another portal', async () => {
    assert.deepEqual(await store.getObject(PORTAL, 1), record(1, '0-1'));
    assert.equal(await store.getObject(OTHER_PORTAL, 1), undefined);
    const heads = await store.getObjectHeads(PORTAL, [1, 100, 200, 999]);
    assert.deepEqual(
      heads.sort((a, b) => a.id - b.id),
      [
        { id: 1, objectTypeId: '0-1', archivedAt: null },
        { id: 100, objectTypeId: '0-2', archivedAt: null },
        { id: 200, objectTypeId: '0-2', archivedAt: 5 },
      ],
    );
    assert.deepEqual(await store.getObjectHeads(OTHER_PORTAL, [1, 100]), []);
  });

  it('inserts associations once, however often they are written', async () => {
    const rows = [link(1, 100, 279), link(1, 100, 1)];
    assert.equal(await store.transaction((tx) => tx.insertAssociations(PORTAL, rows)), 2);
    assert.equal(await store.transaction((tx) => tx.insertAssociations(PORTAL, rows)), 0);
    const between = await store.associationsBetween(
      PORTAL,
      { objectTypeId: '0-1', id: 1 },
      { objectTypeId: '0-2', id: 100 },
    );
    assert.deepEqual(
      between.map((r) => r.typeId),
      [1, 279],
    );
  });

  it('inserts large batches once, and reads many pairs at once', async () => {
    // More rows than one multi-row statement takes, with duplicates inside the batch.
    const batch = Array.from({ length: 150 }, (_, i) => link(7, 500 + i, 4000, '0-1', '0-3'));
    assert.equal(await store.transaction((tx) => tx.insertAssociations(PORTAL, [...batch, batch[0]!])), 150);
    const more = Array.from({ length: 80 }, (_, i) => link(7, 600 + i, 4000, '0-1', '0-3'));
    assert.equal(await store.transaction((tx) => tx.insertAssociations(PORTAL, more)), 30);
    const found = await store.associationsBetweenMany(PORTAL, '0-3', [
      [7, 500],
      [7, 679],
      [7, 999],
      [8, 500],
    ]);
    assert.deepEqual(
      found.map((r) => [r.fromId, r.toId, r.typeId, r.toObjectTypeId]).sort((a, b) => +a[1]! - +b[1]!),
      [
        [7, 500, 4000, '0-3'],
        [7, 679, 4000, '0-3'],
      ],
    );
    assert.deepEqual(await store.associationsBetweenMany(PORTAL, '0-2', [[7, 500]]), []);
  });

  it('pages by record with a keyset cursor, skipping archived records', async () => {
    await store.transaction((tx) =>
      tx.insertAssociations(PORTAL, [
        ...Array.from({ length: 30 }, (_, i) => link(1, 100 + i, 279)),
        link(1, 200, 279),
      ]),
    );
    const [first] = await store.listAssociations(PORTAL, [{ fromId: 1, toObjectTypeId: '0-2', limit: 10 }]);
    const firstIds = [...new Set(first!.map((r) => r.toId))];
    assert.deepEqual(
      firstIds,
      Array.from({ length: 10 }, (_, i) => 100 + i),
    );
    assert.equal(first!.length, 11, 'record 100 has two types');
    const [last] = await store.listAssociations(PORTAL, [
      { fromId: 1, toObjectTypeId: '0-2', afterToId: 125, limit: 10 },
    ]);
    assert.deepEqual([...new Set(last!.map((r) => r.toId))], [126, 127, 128, 129], 'archived 200 is skipped');
  });

  it('pages whole records, however many types each one has', async () => {
    const from = 2;
    // Records 110..119 with 1 to 6 types each: pages must never split a record's types.
    const rows = Array.from({ length: 10 }, (_, i) =>
      Array.from({ length: (i % 6) + 1 }, (_, t) => link(from, 110 + i, 500 + t, '0-1', '0-2')),
    ).flat();
    await store.transaction(async (tx) => {
      await tx.insertObjects(PORTAL, [record(from, '0-1')]);
      await tx.insertAssociations(PORTAL, rows);
    });
    for (const limit of [1, 2, 3, 7, 10, 50]) {
      const seen: AssociationRow[] = [];
      let afterToId: number | undefined;
      for (;;) {
        const [page = []] = await store.listAssociations(PORTAL, [
          { fromId: from, toObjectTypeId: '0-2', limit, ...(afterToId !== undefined && { afterToId }) },
        ]);
        const ids = [...new Set(page.map((r) => r.toId))];
        assert.ok(ids.length <= limit, `limit ${limit}: ${ids.length} records`);
        seen.push(...page);
        if (ids.length < limit) break;
        afterToId = ids[ids.length - 1];
      }
      assert.deepEqual(
        seen.map((r) => [r.toId, r.typeId]),
        rows.map((r) => [r.toId, r.typeId]),
        `limit ${limit}`,
      );
    }
  });

  it('reads the pages of several records at once, each as if read alone', async () => {
    const queries = [
      { fromId: 2, toObjectTypeId: '0-2', limit: 3 }, // records with up to 6 types: several chunks
      { fromId: 1, toObjectTypeId: '0-2', afterToId: 126, limit: 2 },
      { fromId: 999, toObjectTypeId: '0-2', limit: 5 }, // nothing associated
      { fromId: 2, toObjectTypeId: '0-2', afterToId: 113, limit: 50 },
      { fromId: 1, toObjectTypeId: '0-3', limit: 5 }, // another type
    ];
    const together = await store.listAssociations(PORTAL, queries);
    const alone = [];
    for (const query of queries) alone.push(...(await store.listAssociations(PORTAL, [query])));
    assert.deepEqual(together, alone);
    assert.deepEqual(
      together.map((page) => [...new Set(page.map((r) => r.toId))]),
      [[110, 111, 112], [127, 128], [], [114, 115, 116, 117, 118, 119], []],
    );
    assert.equal(together[0]!.length, 1 + 2 + 3, 'every type of each record');
    // A batch read asks for every record with the same limit: SQLite reads those in one
    // statement, so the pages must still match one read per record.
    const sameLimit = queries.map((q) => ({ ...q, limit: 3 }));
    const batch = await store.listAssociations(PORTAL, sameLimit);
    const single = [];
    for (const query of sameLimit) single.push(...(await store.listAssociations(PORTAL, [query])));
    assert.deepEqual(batch, single);
    assert.deepEqual(
      batch.map((page) => [...new Set(page.map((r) => r.toId))]),
      [[110, 111, 112], [127, 128, 129], [], [114, 115, 116], []],
    );
  });

  it('pages past archived records wherever they fall, alone and in a batch read', async () => {
    // Records 3000, 3010, … 3390 are associated, two types each; archived ones at the start,
    // alone, in a long run and at the end. Between them are archived records nobody is
    // associated with, so a page's ID range holds more archived records than it has rows.
    const nth = (i: number) => 3000 + 10 * i;
    const archived = new Set([0, 2, 5, ...Array.from({ length: 21 }, (_, i) => 10 + i), 39].map(nth));
    const ids = Array.from({ length: 40 }, (_, i) => nth(i));
    const unassociated = ids.flatMap((id) =>
      Array.from({ length: 9 }, (_, k) => record(id + 1 + k, '0-4', 9)),
    );
    const rows = ids.flatMap((id) => [
      link(3000000, id, 7001, '0-1', '0-4'),
      link(3000000, id, 7002, '0-1', '0-4'),
    ]);
    await store.transaction(async (tx) => {
      await tx.insertObjects(PORTAL, [
        record(3000000, '0-1'),
        record(4000000, '0-1'),
        ...ids.map((id) => record(id, '0-4', archived.has(id) ? 9 : null)),
        ...unassociated,
      ]);
      await tx.insertAssociations(PORTAL, [
        ...rows,
        link(4000000, nth(5), 7001, '0-1', '0-4'),
        link(4000000, nth(6), 7001, '0-1', '0-4'),
      ]);
    });
    const live = rows.filter((r) => !archived.has(r.toId)).map((r) => [r.toId, r.typeId]);
    for (const limit of [1, 2, 3, 5, 50]) {
      const seen: AssociationRow[] = [];
      let afterToId: number | undefined;
      for (;;) {
        const query = {
          fromId: 3000000,
          toObjectTypeId: '0-4',
          limit,
          ...(afterToId !== undefined && { afterToId }),
        };
        const [page = []] = await store.listAssociations(PORTAL, [query]);
        // The same page read in a batch, beside another record's.
        const [batched, other] = await store.listAssociations(PORTAL, [
          query,
          { fromId: 4000000, toObjectTypeId: '0-4', limit },
        ]);
        assert.deepEqual(batched, page, `limit ${limit}, after ${afterToId}: batch read`);
        assert.deepEqual(
          other!.map((r) => r.toId),
          [nth(6)],
        );
        const pageIds = [...new Set(page.map((r) => r.toId))];
        assert.ok(pageIds.length <= limit);
        seen.push(...page);
        if (pageIds.length < limit) break;
        afterToId = pageIds[pageIds.length - 1];
      }
      assert.deepEqual(
        seen.map((r) => [r.toId, r.typeId]),
        live,
        `limit ${limit}`,
      );
    }
  });

  it('counts and finds associations of one type', async () => {
    assert.equal(await store.countAssociations(PORTAL, 1, 'HUBSPOT_DEFINED', 279), 31);
    assert.deepEqual(
      (await store.findAssociationsOfType(PORTAL, 1, 'HUBSPOT_DEFINED', 1)).map((r) => r.toId),
      [100],
    );
    const usage = await store.associationUsage(PORTAL, 'HUBSPOT_DEFINED', 279, 31);
    assert.deepEqual(usage, [{ fromId: 1, count: 31 }]);
  });

  it('deletes exact rows, and every row between two records', async () => {
    await store.transaction((tx) => tx.insertAssociations(PORTAL, [link(100, 1, 280, '0-2', '0-1')]));
    assert.equal(await store.transaction((tx) => tx.deleteAssociations(PORTAL, [link(1, 100, 1)])), 1);
    const removed = await store.transaction((tx) =>
      tx.deleteAssociationsBetween(PORTAL, { objectTypeId: '0-1', id: 1 }, { objectTypeId: '0-2', id: 100 }),
    );
    assert.equal(removed, 2);
  });

  it('rolls a failed transaction back completely', async () => {
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.insertObjects(PORTAL, [record(300, '0-3')]);
        await tx.insertAssociations(PORTAL, [link(300, 1, 3, '0-3', '0-1')]);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store.getObject(PORTAL, 300), undefined);
    assert.deepEqual(await store.findAssociationsOfType(PORTAL, 300, 'HUBSPOT_DEFINED', 3), []);
  });

  it('hands out counter values once each, per portal', async () => {
    const a = await store.transaction((tx) => tx.nextCounterValues(PORTAL, 'test', 3));
    const b = await store.transaction((tx) => tx.nextCounterValues(PORTAL, 'test', 2));
    const other = await store.transaction((tx) => tx.nextCounterValues(OTHER_PORTAL, 'test', 1));
    assert.deepEqual([...a, ...b], [1, 2, 3, 4, 5]);
    assert.deepEqual(other, [1]);
  });

  it('gives counter values back when a transaction rolls back, so a rejected request leaves no gap', async () => {
    const [first] = await store.transaction((tx) => tx.nextCounterValues(PORTAL, 'gapless', 1));
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.nextCounterValues(PORTAL, 'gapless', 5);
        throw new Error('rejected');
      }),
      /rejected/,
    );
    const [next] = await store.transaction((tx) => tx.nextCounterValues(PORTAL, 'gapless', 1));
    assert.equal(next, first! + 1);
  });

  it('keeps label names unique per pair of object types', async () => {
    const base = { category: 'USER_DEFINED' as const, name: 'boss', createdAt: 1 };
    await store.transaction((tx) =>
      tx.insertDefinitions(PORTAL, [
        {
          ...base,
          typeId: 1,
          fromObjectTypeId: '0-1',
          toObjectTypeId: '0-2',
          label: 'Boss',
          inverseTypeId: 2,
        },
        {
          ...base,
          typeId: 2,
          fromObjectTypeId: '0-2',
          toObjectTypeId: '0-1',
          label: 'Employee',
          inverseTypeId: 1,
        },
      ]),
    );
    await assert.rejects(
      store.transaction((tx) =>
        tx.insertDefinitions(PORTAL, [
          {
            ...base,
            typeId: 3,
            fromObjectTypeId: '0-2',
            toObjectTypeId: '0-1',
            label: 'Other',
            inverseTypeId: 4,
          },
          {
            ...base,
            typeId: 4,
            fromObjectTypeId: '0-1',
            toObjectTypeId: '0-2',
            label: 'Other',
            inverseTypeId: 3,
          },
        ]),
      ),
      UniqueViolationError,
    );
    const pair = await store.listDefinitions(PORTAL, '0-1', '0-2');
    assert.deepEqual(
      pair.map((d) => [d.typeId, d.label]),
      [[1, 'Boss']],
    );
    await store.transaction((tx) => tx.updateDefinitionLabel(PORTAL, 'USER_DEFINED', 1, 'Chief'));
    assert.equal((await store.getDefinition(PORTAL, 'USER_DEFINED', 1))?.label, 'Chief');
    await store.transaction((tx) => tx.deleteDefinitions(PORTAL, 'USER_DEFINED', [1, 2]));
    assert.deepEqual(await store.listDefinitions(PORTAL), []);
  });

  it('stores one limit per type and deletes it', async () => {
    const limit = {
      category: 'HUBSPOT_DEFINED' as const,
      typeId: 3,
      fromObjectTypeId: '0-3',
      toObjectTypeId: '0-1',
      maxToObjectIds: 5,
    };
    await store.transaction((tx) => tx.upsertLimit(PORTAL, limit));
    await store.transaction((tx) => tx.upsertLimit(PORTAL, { ...limit, maxToObjectIds: 7 }));
    assert.deepEqual(await store.listLimits(PORTAL, '0-3', '0-1'), [{ ...limit, maxToObjectIds: 7 }]);
    assert.equal(await store.transaction((tx) => tx.deleteLimit(PORTAL, 'HUBSPOT_DEFINED', 3)), true);
    assert.equal(await store.transaction((tx) => tx.deleteLimit(PORTAL, 'HUBSPOT_DEFINED', 3)), false);
  });

  it('reads the labels and limits between two object types, one direction then the other', async () => {
    const label = (typeId: number, from: string, to: string, createdAt: number) => ({
      category: 'USER_DEFINED' as const,
      name: `l${typeId}`,
      createdAt,
      typeId,
      fromObjectTypeId: from,
      toObjectTypeId: to,
      label: `L${typeId}`,
      inverseTypeId: null,
    });
    await store.transaction(async (tx) => {
      await tx.insertDefinitions(PORTAL, [
        label(31, '0-5', '0-3', 3),
        label(32, '0-3', '0-5', 1),
        label(33, '0-5', '0-3', 2),
        label(34, '0-5', '0-1', 1), // another pair
        label(35, '0-5', '0-5', 1), // a type with itself
      ]);
      for (const [typeId, from, to] of [
        [32, '0-3', '0-5'],
        [31, '0-5', '0-3'],
        [34, '0-5', '0-1'],
      ] as const) {
        await tx.upsertLimit(PORTAL, {
          category: 'USER_DEFINED',
          typeId,
          fromObjectTypeId: from,
          toObjectTypeId: to,
          maxToObjectIds: 2,
        });
      }
    });
    const ids = (rows: ReadonlyArray<{ typeId: number }>) => rows.map((r) => r.typeId);
    assert.deepEqual(ids(await store.definitionsBetween(PORTAL, '0-5', '0-3')), [33, 31, 32]);
    assert.deepEqual(ids(await store.definitionsBetween(PORTAL, '0-3', '0-5')), [32, 33, 31]);
    assert.deepEqual(ids(await store.definitionsBetween(PORTAL, '0-5', '0-5')), [35]);
    assert.deepEqual(ids(await store.limitsBetween(PORTAL, '0-3', '0-5')), [32, 31]);
    assert.deepEqual(ids(await store.limitsBetween(PORTAL, '0-5', '0-3')), [31, 32]);
    assert.deepEqual(ids(await store.limitsBetween(PORTAL, '0-5', '0-5')), []);
    await store.transaction(async (tx) => {
      for (const typeId of [31, 32, 34]) await tx.deleteLimit(PORTAL, 'USER_DEFINED', typeId);
      await tx.deleteDefinitions(PORTAL, 'USER_DEFINED', [31, 32, 33, 34, 35]);
    });
  });

  it('settles concurrent transactions on their own: a failing one undoes only its writes', async () => {
    const results = await Promise.allSettled(
      [400, 401, 402, 403].map((id) =>
        store.transaction(async (tx) => {
          await tx.insertObjects(PORTAL, [record(id, '0-3')]);
          if (id % 2 === 1) throw new Error(`fail ${id}`);
          return id;
        }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'rejected'],
    );
    assert.deepEqual(
      (await store.getObjectHeads(PORTAL, [400, 401, 402, 403])).map((r) => r.id).sort(),
      [400, 402],
    );
  });

  it('lets shared record locks overlap, and makes an exclusive lock wait for them', async () => {
    await store.transaction((tx) => tx.insertObjects(PORTAL, [record(410, '0-3')]));
    const events: string[] = [];
    const holdWith = (name: string, mode: LockMode, locked: () => void) =>
      store.transaction(async (tx) => {
        await tx.lockObjects(PORTAL, [410], mode);
        events.push(`${name} locked`);
        locked();
        await new Promise((r) => setTimeout(r, 150));
        events.push(`${name} done`);
      });
    let firstLocked!: () => void;
    const first = new Promise<void>((r) => (firstLocked = r));
    const shared1 = holdWith('shared 1', 'shared', firstLocked);
    // Where writes run one at a time, the second transaction only starts after the first.
    const shared2 = store.capabilities.serializedWrites
      ? holdWith('shared 2', 'shared', () => undefined)
      : first.then(() => holdWith('shared 2', 'shared', () => undefined));
    await first;
    const exclusive = holdWith('exclusive', 'exclusive', () => undefined);
    await Promise.all([shared1, shared2, exclusive]);
    const at = (event: string) => events.indexOf(event);
    assert.ok(at('exclusive locked') > at('shared 1 done'), events.join(', '));
    assert.ok(at('exclusive locked') > at('shared 2 done'), events.join(', '));
    if (store.capabilities.serializedWrites) {
      assert.ok(at('shared 2 locked') > at('shared 1 done'), events.join(', '));
    } else {
      assert.ok(at('shared 2 locked') < at('shared 1 done'), `shared locks overlap: ${events.join(', ')}`);
    }
  });

  it('never serves a label or limit from a transaction that rolled back', async () => {
    const definition = {
      category: 'USER_DEFINED' as const,
      name: 'ghost',
      createdAt: 1,
      typeId: 90,
      fromObjectTypeId: '0-5',
      toObjectTypeId: '0-1',
      label: 'Ghost',
      inverseTypeId: null,
    };
    const limit = { ...definition, maxToObjectIds: 2 };
    assert.deepEqual(await store.listDefinitions(PORTAL, '0-5', '0-1'), []);
    assert.deepEqual(await store.listLimits(PORTAL, '0-5', '0-1'), []);
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.insertDefinitions(PORTAL, [definition]);
        await tx.upsertLimit(PORTAL, limit);
        assert.equal((await tx.listDefinitions(PORTAL, '0-5', '0-1')).length, 1);
        assert.equal((await tx.getDefinition(PORTAL, 'USER_DEFINED', 90))?.label, 'Ghost');
        assert.equal((await tx.listLimits(PORTAL, '0-5', '0-1')).length, 1);
        throw new Error('undo');
      }),
      /undo/,
    );
    assert.deepEqual(await store.listDefinitions(PORTAL, '0-5', '0-1'), []);
    assert.equal(await store.getDefinition(PORTAL, 'USER_DEFINED', 90), undefined);
    assert.deepEqual(await store.listLimits(PORTAL, '0-5', '0-1'), []);
    await store.transaction(async (tx) => {
      await assert.rejects(
        tx.savepoint(async () => {
          await tx.insertDefinitions(PORTAL, [definition]);
          assert.equal((await tx.listDefinitions(PORTAL, '0-5', '0-1')).length, 1);
          throw new Error('undo savepoint');
        }),
        /undo savepoint/,
      );
      assert.deepEqual(await tx.listDefinitions(PORTAL, '0-5', '0-1'), []);
    });
    assert.deepEqual(await store.listDefinitions(PORTAL, '0-5', '0-1'), []);
  });

  it('sees labels and limits that another connection to the same database committed', async () => {
    const shared = await createSharedTestStores();
    try {
      const [a, b] = shared.stores;
      assert.deepEqual(await a.listDefinitions(PORTAL, '0-1', '0-3'), []);
      assert.deepEqual(await a.listLimits(PORTAL, '0-1', '0-3'), []);
      await b.transaction(async (tx) => {
        await tx.insertDefinitions(PORTAL, [
          {
            category: 'USER_DEFINED',
            name: 'seen',
            createdAt: 1,
            typeId: 91,
            fromObjectTypeId: '0-1',
            toObjectTypeId: '0-3',
            label: 'Seen',
            inverseTypeId: null,
          },
        ]);
        await tx.upsertLimit(PORTAL, {
          category: 'USER_DEFINED',
          typeId: 91,
          fromObjectTypeId: '0-1',
          toObjectTypeId: '0-3',
          maxToObjectIds: 3,
        });
      });
      assert.deepEqual(
        (await a.listDefinitions(PORTAL, '0-1', '0-3')).map((d) => d.label),
        ['Seen'],
      );
      assert.equal((await a.getDefinition(PORTAL, 'USER_DEFINED', 91))?.label, 'Seen');
      assert.deepEqual(
        (await a.listLimits(PORTAL, '0-1', '0-3')).map((l) => l.maxToObjectIds),
        [3],
      );
    } finally {
      await shared.close();
    }
  });
});
