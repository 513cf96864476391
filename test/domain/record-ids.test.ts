/**
 * Record IDs: the documented sequence, seeded IDs, and the parsing rules for IDs clients send.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseRecordId,
  RECORD_ID_BASE,
  seededRecordIds,
  sequentialRecordIds,
} from '../../src/domain/record-ids.js';

describe('record IDs', () => {
  it('follow the documented sequence: 10000000001, 10000000002, …', () => {
    assert.deepEqual([1, 2, 3].map(sequentialRecordIds.recordId), [10000000001, 10000000002, 10000000003]);
  });

  it('from a seed: the same seed gives the same IDs, all distinct, above 2^31 and below 2^53', () => {
    const a = seededRecordIds('suite-42');
    const b = seededRecordIds('suite-42');
    const c = seededRecordIds('suite-43');
    const ids = Array.from({ length: 50_000 }, (_, i) => a.recordId(i + 1));
    assert.deepEqual(
      ids.slice(0, 100),
      Array.from({ length: 100 }, (_, i) => b.recordId(i + 1)),
    );
    assert.notDeepEqual(
      ids.slice(0, 10),
      Array.from({ length: 10 }, (_, i) => c.recordId(i + 1)),
    );
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.every((id) => id > 2 ** 31 && id >= RECORD_ID_BASE && id < Number.MAX_SAFE_INTEGER));
    assert.ok(
      ids.some((id, i) => i > 0 && id < ids[i - 1]!),
      'not sequential',
    );
  });

  it('parse decimal strings and integers; refuse the rest', () => {
    assert.equal(parseRecordId('10000000001'), 10000000001);
    assert.equal(parseRecordId(42), 42);
    assert.equal(parseRecordId('0'), 0);
    for (const bad of ['abc', '-5', '1.5', '', ' 1', '99999999999999999999', -1, 1.5, null, {}]) {
      assert.throws(() => parseRecordId(bad), /Invalid object ID/, String(bad));
    }
  });
});
