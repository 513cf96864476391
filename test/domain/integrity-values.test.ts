/**
 * `spoke check` reports record values the portal's catalog does not allow stored (decision
 * D29): a property never defined, a value not of its type, a live record at a stage its
 * pipeline never held; and passes what HubSpot itself leaves behind (an archived record in a
 * deleted stage, a value of an archived property).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkIntegrity } from '../../src/domain/integrity.js';
import { ObjectTypeResolver } from '../../src/domain/objects/object-type-resolver.js';
import type { ObjectRow, Store } from '../../src/store/store.js';
import { createTestStore } from '../helpers/store.js';

const PORTAL = 9;
const deal = (
  id: number,
  properties: Record<string, string>,
  archivedAt: number | null = null,
): ObjectRow => ({
  id,
  objectTypeId: '0-3',
  properties: { dealname: `D${id}`, dealstage: 'appointmentscheduled', pipeline: 'default', ...properties },
  createdAt: 1,
  updatedAt: 1,
  archivedAt,
});

describe('checkIntegrity: record values against the catalog', () => {
  let store: Store;
  const check = async () =>
    (await checkIntegrity(store, new ObjectTypeResolver(store), { portalIds: [PORTAL] })).problems;

  before(async () => {
    store = await createTestStore();
  });
  after(() => store.close());

  it('passes values the catalog allows, and reports each that it does not', async () => {
    await store.transaction((tx) =>
      tx.insertObjects(PORTAL, [
        deal(1, { dealstage: 'closedwon', amount: '1500.5', closedate: '2024-03-01T00:00:00.000Z' }),
        deal(2, { dealstage: 'gone' }, 5),
      ]),
    );
    assert.deepEqual(await check(), [], 'a healthy deal, and an archived one in a stage no longer there');
    await store.transaction((tx) =>
      tx.insertObjects(PORTAL, [deal(3, { dealstage: 'gone', amount: 'lots', nope: 'x' })]),
    );
    assert.deepEqual(
      (await check()).map((p) => [p.kind, p.detail]),
      [
        [
          'invalid-value',
          'record 3: amount: lots is not a valid number: use digits, an optional - and an optional decimal point',
        ],
        ['invalid-value', 'record 3: nope: Property "nope" does not exist'],
        [
          'invalid-value',
          'record 3: dealstage: gone was not one of the allowed options: [appointmentscheduled, qualifiedtobuy, presentationscheduled, decisionmakerboughtin, contractsent, closedwon, closedlost]',
        ],
      ],
    );
  });
});
