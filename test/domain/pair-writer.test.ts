/**
 * The association writer's rules, table-driven, on a SQLite store in memory (the writer is the
 * same on both databases; what it reads and writes goes through the store contract): the
 * unlabeled types both ways, Primary moving, labels replaced or kept, HubSpot-defined types
 * kept on replace, limits on unlabeled and labeled types, batches applied in order with a
 * refused input changing nothing, and removal of the unlabeled type removing the pair.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hubspotDefinedType, type AssociationType } from '../../src/domain/association-types.js';
import { PairTypes } from '../../src/domain/associations/pair-types.js';
import { PairWriter, type LabelMode, type PairOutcome } from '../../src/domain/associations/pair-writer.js';
import { standardObjectTypeById } from '../../src/domain/object-types.js';
import { createStore } from '../../src/store/create-store.js';
import type { LimitRow, RecordRef, Store } from '../../src/store/store.js';

const CONTACT = standardObjectTypeById('0-1')!;
const COMPANY = standardObjectTypeById('0-2')!;
const contact = (id: number): RecordRef => ({ objectTypeId: '0-1', id });
const company = (id: number): RecordRef => ({ objectTypeId: '0-2', id });

/** Contact ↔ company labels of the portal: "boss" (100/101) and "founder" (102/103). */
const LABELS = [
  { typeId: 100, inverse: 101, name: 'boss', from: '0-1', to: '0-2' },
  { typeId: 101, inverse: 100, name: 'boss', from: '0-2', to: '0-1' },
  { typeId: 102, inverse: 103, name: 'founder', from: '0-1', to: '0-2' },
  { typeId: 103, inverse: 102, name: 'founder', from: '0-2', to: '0-1' },
];

type TypeName = 'primary' | 'boss' | 'founder';

interface Write {
  readonly from: number;
  readonly to: number;
  readonly add: readonly TypeName[];
  readonly mode?: LabelMode;
}

interface Case {
  readonly name: string;
  readonly limits?: readonly { readonly type: 'unlabeled' | TypeName; readonly max: number }[];
  /** Written first, one batch each; every write must land. */
  readonly given?: readonly (readonly Write[])[];
  /** The batch under test. */
  readonly when: readonly Write[];
  /** For each input of `when`: accepted, or the start of the refusal's message. */
  readonly outcomes: readonly (true | string)[];
  /** Every stored row afterwards, as `from>to:typeId`, sorted. */
  readonly rows: readonly string[];
}

const UNLABELED = (c: number, co: number) => [`${c}>${co}:279`, `${co}>${c}:280`];
const PRIMARY = (c: number, co: number) => [`${c}>${co}:1`, `${co}>${c}:2`];
const BOSS = (c: number, co: number) => [`${c}>${co}:100`, `${co}>${c}:101`];
const FOUNDER = (c: number, co: number) => [`${c}>${co}:102`, `${co}>${c}:103`];

const CASES: readonly Case[] = [
  {
    name: 'a write with no type stores the unlabeled type in both directions',
    when: [{ from: 1, to: 11, add: [] }],
    outcomes: [true],
    rows: UNLABELED(1, 11),
  },
  {
    name: 'a labeled write stores the label, its inverse and the unlabeled types',
    when: [{ from: 1, to: 11, add: ['boss'] }],
    outcomes: [true],
    rows: [...UNLABELED(1, 11), ...BOSS(1, 11)],
  },
  {
    name: 'Primary set elsewhere moves: the old company keeps only the unlabeled type',
    given: [[{ from: 1, to: 11, add: ['primary'] }]],
    when: [{ from: 1, to: 12, add: ['primary'] }],
    outcomes: [true],
    rows: [...UNLABELED(1, 11), ...UNLABELED(1, 12), ...PRIMARY(1, 12)],
  },
  {
    name: 'Primary moves within one batch: the last input wins',
    when: [
      { from: 1, to: 11, add: ['primary'] },
      { from: 1, to: 12, add: ['primary'] },
      { from: 1, to: 13, add: ['primary'] },
    ],
    outcomes: [true, true, true],
    rows: [...UNLABELED(1, 11), ...UNLABELED(1, 12), ...UNLABELED(1, 13), ...PRIMARY(1, 13)],
  },
  {
    name: 'a company may be Primary for many contacts (the contact side owns Primary)',
    when: [
      { from: 1, to: 11, add: ['primary'] },
      { from: 2, to: 11, add: ['primary'] },
    ],
    outcomes: [true, true],
    rows: [...UNLABELED(1, 11), ...PRIMARY(1, 11), ...UNLABELED(2, 11), ...PRIMARY(2, 11)],
  },
  {
    name: 'a labeled write in replace mode replaces the pair’s labels',
    given: [[{ from: 1, to: 11, add: ['boss'] }]],
    when: [{ from: 1, to: 11, add: ['founder'], mode: 'replace' }],
    outcomes: [true],
    rows: [...UNLABELED(1, 11), ...FOUNDER(1, 11)],
  },
  {
    name: 'replace keeps HubSpot-defined types (Primary) and drops user-defined ones',
    given: [[{ from: 1, to: 11, add: ['primary', 'boss'] }]],
    when: [{ from: 1, to: 11, add: ['founder'], mode: 'replace' }],
    outcomes: [true],
    rows: [...UNLABELED(1, 11), ...PRIMARY(1, 11), ...FOUNDER(1, 11)],
  },
  {
    name: 'keep mode adds a label next to the ones the pair has',
    given: [[{ from: 1, to: 11, add: ['boss'] }]],
    when: [{ from: 1, to: 11, add: ['founder'], mode: 'keep' }],
    outcomes: [true],
    rows: [...UNLABELED(1, 11), ...BOSS(1, 11), ...FOUNDER(1, 11)],
  },
  {
    name: 'replace touches only its own pair',
    given: [[{ from: 1, to: 12, add: ['boss'] }]],
    when: [{ from: 1, to: 11, add: ['founder'], mode: 'replace' }],
    outcomes: [true],
    rows: [...UNLABELED(1, 11), ...FOUNDER(1, 11), ...UNLABELED(1, 12), ...BOSS(1, 12)],
  },
  {
    name: 'an unlabeled limit refuses the write past it, and only that one',
    limits: [{ type: 'unlabeled', max: 2 }],
    when: [
      { from: 1, to: 11, add: [] },
      { from: 1, to: 12, add: [] },
      { from: 1, to: 13, add: [] },
      { from: 2, to: 13, add: [] },
    ],
    outcomes: [
      true,
      true,
      'Association limit exceeded: contact 1 can be associated with at most 2 company records',
      true,
    ],
    rows: [...UNLABELED(1, 11), ...UNLABELED(1, 12), ...UNLABELED(2, 13)],
  },
  {
    name: 'a limit counts what was stored before the batch',
    limits: [{ type: 'unlabeled', max: 1 }],
    given: [[{ from: 1, to: 11, add: [] }]],
    when: [
      { from: 1, to: 11, add: ['boss'] },
      { from: 1, to: 12, add: [] },
    ],
    outcomes: [
      true,
      'Association limit exceeded: contact 1 can be associated with at most 1 company record ',
    ],
    rows: [...UNLABELED(1, 11), ...BOSS(1, 11)],
  },
  {
    name: 'a label’s limit refuses the label past it; a refused input writes nothing, not even the unlabeled type',
    limits: [{ type: 'boss', max: 1 }],
    when: [
      { from: 1, to: 11, add: ['boss'] },
      { from: 1, to: 12, add: ['boss'] },
      { from: 1, to: 12, add: ['founder'] },
    ],
    outcomes: [
      true,
      'Association limit exceeded: contact 1 can be associated with at most 1 company record with association type USER_DEFINED=100 ("Boss")',
      true,
    ],
    rows: [...UNLABELED(1, 11), ...BOSS(1, 11), ...UNLABELED(1, 12), ...FOUNDER(1, 12)],
  },
  {
    name: 'replacing a label frees its place under the label’s limit',
    limits: [{ type: 'boss', max: 1 }],
    given: [[{ from: 1, to: 11, add: ['boss'] }]],
    when: [
      { from: 1, to: 11, add: ['founder'], mode: 'replace' },
      { from: 1, to: 12, add: ['boss'], mode: 'replace' },
    ],
    outcomes: [true, true],
    rows: [...UNLABELED(1, 11), ...FOUNDER(1, 11), ...UNLABELED(1, 12), ...BOSS(1, 12)],
  },
  {
    name: 'a limit holds on the inverse side too (a company’s contacts)',
    limits: [{ type: 'unlabeled', max: 1 }],
    when: [
      { from: 1, to: 11, add: [] },
      { from: 2, to: 11, add: [] },
    ],
    outcomes: [true, true],
    // The limit is contact→company: a company's contacts are not counted against it.
    rows: [...UNLABELED(1, 11), ...UNLABELED(2, 11)],
  },
];

describe('association writer rules', () => {
  let store: Store;
  let portal = 100;

  before(async () => {
    store = await createStore(':memory:');
  });
  after(() => store.close());

  async function setUp(portalId: number, limits: Case['limits']): Promise<PairTypes> {
    await store.transaction(async (tx) => {
      await tx.insertObjects(
        portalId,
        [1, 2, 3, 11, 12, 13].map((id) => ({
          id,
          objectTypeId: id < 10 ? '0-1' : '0-2',
          properties: {},
          createdAt: 1,
          updatedAt: 1,
          archivedAt: null,
        })),
      );
      await tx.insertDefinitions(
        portalId,
        LABELS.map((l) => ({
          category: 'USER_DEFINED' as const,
          typeId: l.typeId,
          fromObjectTypeId: l.from,
          toObjectTypeId: l.to,
          name: l.name,
          label: l.name[0]!.toUpperCase() + l.name.slice(1),
          inverseTypeId: l.inverse,
          createdAt: 1,
        })),
      );
    });
    const types = await PairTypes.load(store, portalId, CONTACT, COMPANY);
    for (const limit of limits ?? []) {
      const type = typeNamed(types, limit.type === 'unlabeled' ? undefined : limit.type);
      const row: LimitRow = {
        category: type.category,
        typeId: type.typeId,
        fromObjectTypeId: '0-1',
        toObjectTypeId: '0-2',
        maxToObjectIds: limit.max,
      };
      await store.transaction((tx) => tx.upsertLimit(portalId, row));
    }
    return types;
  }

  function typeNamed(types: PairTypes, name: TypeName | undefined): AssociationType {
    if (name === undefined) return types.unlabeled('0-1')!;
    if (name === 'primary') return hubspotDefinedType(1)!;
    return types.find('0-1', 'USER_DEFINED', name === 'boss' ? 100 : 102)!;
  }

  async function write(portalId: number, types: PairTypes, batch: readonly Write[]): Promise<PairOutcome[]> {
    const modes = new Set(batch.map((w) => w.mode ?? 'keep'));
    assert.equal(modes.size, 1, 'a batch has one label mode');
    return store.transaction(async (tx) => {
      const writer = await PairWriter.create(tx, portalId, types);
      return writer.writeMany(
        batch.map((w) => ({
          from: contact(w.from),
          to: company(w.to),
          add: w.add.map((n) => typeNamed(types, n)),
        })),
        [...modes][0]!,
      );
    });
  }

  async function storedRows(portalId: number): Promise<string[]> {
    const rows = (
      await Promise.all([1, 2, 3, 11, 12, 13].map((id) => store.allAssociationsOf(portalId, id)))
    ).flat();
    return rows.map((r) => `${r.fromId}>${r.toId}:${r.typeId}`).sort();
  }

  for (const c of CASES) {
    it(c.name, async () => {
      const portalId = ++portal;
      const types = await setUp(portalId, c.limits);
      for (const batch of c.given ?? []) {
        const outcomes = await write(portalId, types, batch);
        assert.ok(
          outcomes.every((o) => 'rows' in o),
          `given writes land: ${JSON.stringify(outcomes)}`,
        );
      }
      const outcomes = await write(portalId, types, c.when);
      // A refusal matches when its message starts with the expected text.
      const seen = outcomes.map((o, i) => {
        if ('rows' in o) return true;
        const wanted = c.outcomes[i];
        return typeof wanted === 'string' && o.error.message.startsWith(wanted) ? wanted : o.error.message;
      });
      assert.deepEqual(seen, c.outcomes);
      assert.deepEqual(await storedRows(portalId), [...c.rows].sort());
    });
  }

  it('removing the unlabeled type removes every type between the pair, and only that pair', async () => {
    const portalId = ++portal;
    const types = await setUp(portalId, []);
    await write(portalId, types, [
      { from: 1, to: 11, add: ['primary', 'boss'] },
      { from: 1, to: 12, add: ['founder'] },
    ]);
    await store.transaction(async (tx) => {
      const writer = await PairWriter.create(tx, portalId, types);
      await writer.remove(contact(1), company(11), [typeNamed(types, undefined)]);
    });
    assert.deepEqual(await storedRows(portalId), [...UNLABELED(1, 12), ...FOUNDER(1, 12)].sort());
  });

  it('removing a label removes it and its inverse, and keeps the unlabeled types', async () => {
    const portalId = ++portal;
    const types = await setUp(portalId, []);
    await write(portalId, types, [{ from: 1, to: 11, add: ['boss', 'founder'] }]);
    await store.transaction(async (tx) => {
      const writer = await PairWriter.create(tx, portalId, types);
      await writer.remove(contact(1), company(11), [typeNamed(types, 'boss')]);
    });
    assert.deepEqual(await storedRows(portalId), [...UNLABELED(1, 11), ...FOUNDER(1, 11)].sort());
  });
});
