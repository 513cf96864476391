/**
 * The rate-limit role's contract, run against whichever adapter this pass uses (SQLite, or
 * PostgreSQL when TEST_DATABASE_URL is set): policies, the default, rolling windows, the day
 * in a time zone, refusals that count nothing, and concurrent counting from two stores.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RatePolicyRow, RateTake } from '../../src/store/rate-limit-store.js';
import type { Store } from '../../src/store/store.js';
import { createSharedTestStores, createTestStore } from '../helpers/store.js';

const T0 = Date.parse('2026-06-01T12:00:00Z');

function policy(portalId: number, overrides: Partial<RatePolicyRow> = {}): RatePolicyRow {
  return {
    portalId,
    tier: 'free',
    tenSecondly: 3,
    daily: 5,
    searchPerSecond: 2,
    timeZone: 'Asia/Tokyo',
    dailyHeaders: true,
    ...overrides,
  };
}

function take(portalId: number, now: number, overrides: Partial<RateTake> = {}): RateTake {
  return {
    portalId,
    caller: 'app-1',
    now,
    tenSecondly: true,
    search: false,
    tenSecondlyWindowMs: 10_000,
    searchWindowMs: 1_000,
    ...overrides,
  };
}

describe('rate-limit store contract', () => {
  let store: Store;
  before(async () => {
    store = await createTestStore();
  });
  after(() => store.close());
  beforeEach(async () => {
    for (const p of await store.rateLimits.listPolicies()) await store.rateLimits.deletePolicy(p.portalId);
    await store.rateLimits.clearUsage();
  });

  it('keeps policies; the default (portal 0) applies to portals without their own', async () => {
    assert.equal(await store.rateLimits.anyPolicy(), false);
    assert.equal(await store.rateLimits.take(take(7, T0)), undefined);
    await store.rateLimits.putPolicy(policy(0, { tier: 'enterprise', daily: null }));
    await store.rateLimits.putPolicy(policy(7));
    await store.rateLimits.putPolicy(policy(7, { tenSecondly: 4 }));
    assert.equal(await store.rateLimits.anyPolicy(), true);
    assert.deepEqual(await store.rateLimits.listPolicies(), [
      policy(0, { tier: 'enterprise', daily: null }),
      policy(7, { tenSecondly: 4 }),
    ]);
    assert.equal((await store.rateLimits.take(take(8, T0)))?.policy.tier, 'enterprise');
    assert.equal((await store.rateLimits.take(take(7, T0)))?.policy.tenSecondly, 4);
    assert.equal(await store.rateLimits.deletePolicy(7), true);
    assert.equal(await store.rateLimits.deletePolicy(7), false);
  });

  it('counts a rolling window per caller, and refuses without counting', async () => {
    await store.rateLimits.putPolicy(policy(7, { daily: null }));
    const used = [];
    for (const dt of [0, 4_000, 9_000])
      used.push((await store.rateLimits.take(take(7, T0 + dt)))!.tenSecondlyUsed);
    assert.deepEqual(used, [1, 2, 3]);
    const refused = await store.rateLimits.take(take(7, T0 + 9_999));
    assert.equal(refused?.refused, 'TEN_SECONDLY_ROLLING');
    assert.equal(refused?.tenSecondlyUsed, 3);
    const other = await store.rateLimits.take(take(7, T0 + 9_999, { caller: 'app-2' }));
    assert.equal(other?.refused, null);
    assert.equal(other?.tenSecondlyUsed, 1);
    const rolled = await store.rateLimits.take(take(7, T0 + 10_000)); // the first hit left
    assert.equal(rolled?.refused, null);
    assert.equal(rolled?.tenSecondlyUsed, 3);
  });

  it('counts the day per portal in its time zone, and search in its own window', async () => {
    await store.rateLimits.putPolicy(policy(7, { tenSecondly: null }));
    const tokyoLate = Date.parse('2026-06-01T14:59:59Z'); // 23:59:59 in Tokyo
    for (let i = 1; i <= 5; i++)
      assert.equal((await store.rateLimits.take(take(7, tokyoLate)))?.dailyUsed, i);
    assert.equal((await store.rateLimits.take(take(7, tokyoLate)))?.refused, 'DAILY');
    const nextDay = await store.rateLimits.take(
      take(7, tokyoLate + 1_000, { search: true, tenSecondly: false }),
    );
    assert.equal(nextDay?.refused, null);
    assert.equal(nextDay?.dailyUsed, 1);
    assert.equal(nextDay?.searchUsed, 1);
    await store.rateLimits.take(take(7, tokyoLate + 1_000, { search: true, tenSecondly: false }));
    const thirdSearch = await store.rateLimits.take(
      take(7, tokyoLate + 1_500, { search: true, tenSecondly: false }),
    );
    assert.equal(thirdSearch?.refused, 'SECONDLY');
    await store.rateLimits.setDailyUsage(7, '2026-06-02', 4);
    assert.equal((await store.rateLimits.take(take(7, tokyoLate + 1_500)))?.dailyUsed, 5);
    assert.equal((await store.rateLimits.take(take(7, tokyoLate + 1_500)))?.refused, 'DAILY');
    await store.rateLimits.clearUsage(7);
    assert.equal((await store.rateLimits.take(take(7, tokyoLate + 1_500)))?.dailyUsed, 1);
  });

  it('two stores on one database count concurrent requests exactly once', async () => {
    const shared = await createSharedTestStores();
    try {
      const [a, b] = shared.stores;
      await a.rateLimits.putPolicy(policy(9, { tenSecondly: 25, daily: null }));
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).rateLimits.take(take(9, T0 + (i % 5)))),
      );
      assert.equal(results.filter((r) => r?.refused === null).length, 25);
      assert.equal(results.filter((r) => r?.refused === 'TEN_SECONDLY_ROLLING').length, 35);
      const counts = results.filter((r) => r?.refused === null).map((r) => r!.tenSecondlyUsed);
      assert.deepEqual(
        [...counts].sort((x, y) => x - y),
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
    } finally {
      await shared.close();
    }
  });
});
