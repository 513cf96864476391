/**
 * Store contract for unique values, on whichever adapter this pass uses: a claim of a value
 * another record holds raises UniqueViolationError and leaves the transaction usable, so the
 * caller can read the holder and answer 409 (on PostgreSQL a failed INSERT would abort it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UniqueViolationError } from '../../src/store/store-errors.js';
import type { ObjectRow, Store } from '../../src/store/store.js';
import { createTestStore } from '../helpers/store.js';

const PORTAL = 1;

function record(id: number): ObjectRow {
  return { id, objectTypeId: '0-1', properties: {}, createdAt: 1, updatedAt: 1, archivedAt: null };
}

describe('store contract: unique value claims', () => {
  let store: Store;
  before(async () => {
    store = await createTestStore();
  });
  after(() => store.close());

  it('a refused claim raises UniqueViolationError and the transaction goes on', async () => {
    const claim = (objectId: number) => ({
      objectTypeId: '0-1',
      property: 'email',
      value: 'a@example.com',
      objectId,
    });
    await store.transaction(async (tx) => {
      await tx.insertObjects(PORTAL, [record(1), record(2)]);
      await tx.claimUniqueValues(PORTAL, [claim(1)]);
    });
    const holder = await store.transaction(async (tx) => {
      await assert.rejects(tx.claimUniqueValues(PORTAL, [claim(2)]), UniqueViolationError);
      await tx.claimUniqueValues(PORTAL, [{ ...claim(2), value: 'b@example.com' }]);
      return tx.findByUniqueValue(PORTAL, '0-1', 'email', 'a@example.com');
    });
    assert.equal(holder, 1);
    assert.equal(await store.findByUniqueValue(PORTAL, '0-1', 'email', 'b@example.com'), 2);
  });
});
