/**
 * Fair admission: heavy requests share a budget, and waiting portals take turns, so one
 * portal's many heavy requests never make another portal wait behind all of them; a batch
 * read costs one unit per input, which bounds how many association pages are in memory.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ADMISSION_UNITS,
  FairAdmission,
  HEAVY_REQUEST_UNITS,
  MAX_WAITING_PER_PORTAL,
} from '../../src/http/admission.js';

describe('FairAdmission', () => {
  it("admits a second portal's request before the first portal's backlog", async () => {
    const admission = new FairAdmission();
    const order: string[] = [];
    const releases: Array<() => void> = [];
    const ask = (portal: number, name: string) =>
      admission.acquire(portal, HEAVY_REQUEST_UNITS).then((release) => {
        order.push(name);
        releases.push(release);
      });
    const heavy = Array.from({ length: 10 }, (_, i) => ask(1, `a${i}`));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, ['a0', 'a1', 'a2', 'a3'], 'four heavy requests at once');
    const other = ask(2, 'b0');
    await new Promise((r) => setImmediate(r));
    releases.shift()!();
    await other;
    assert.deepEqual(order, ['a0', 'a1', 'a2', 'a3', 'b0'], "the other portal's request goes next");
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(heavy);
    assert.equal(order.length, 11);
  });

  it('holds batch reads to 1,000 inputs at once, whatever arrives', async () => {
    const admission = new FairAdmission();
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const release = await admission.acquire(1 + (i % 3), 1000);
        inFlight += 1000;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight -= 1000;
        release();
      }),
    );
    assert.equal(most, ADMISSION_UNITS);
  });

  it('answers 429 past the waiting limit of a portal, and releasing twice frees once', async () => {
    const admission = new FairAdmission(1);
    const first = await admission.acquire(1, 1);
    const waiting = Array.from({ length: MAX_WAITING_PER_PORTAL }, () => admission.acquire(1, 1));
    await assert.rejects(
      admission.acquire(1, 1),
      (e: any) => e.statusCode === 429 && e.category === 'RATE_LIMITS',
    );
    first();
    first();
    let admitted = 0;
    for (const w of waiting) {
      (await w)();
      admitted++;
    }
    assert.equal(admitted, MAX_WAITING_PER_PORTAL);
  });
});
