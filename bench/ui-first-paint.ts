/// <reference lib="dom" />
/**
 * The web UI's first paint on a portal with 1,000,000 associations, on loopback: Spoke from
 * its build (`npm run build` first) on a SQLite file made by bench/large-portal.ts, and
 * Debian's Chromium. Each run opens /_spoke/ui/ in a fresh browser context (nothing cached)
 * and records the first contentful paint and the moment the portal's counts are on screen.
 *
 *   npm run build && node --import tsx bench/ui-first-paint.ts [runs]    (default 7)
 *
 * The database is kept in bench/results/ and reused by later runs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDomain } from '../src/domain/services.js';
import { createStore } from '../src/store/create-store.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { loadLargePortal } from './large-portal.js';
import { startSpoke } from './processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIRECTORY = join(ROOT, 'bench', 'results');
const DATABASE = join(DIRECTORY, 'ui-1m.db');
const ASSOCIATIONS = 1_000_000;
const runs = Number(process.argv[2] ?? 7);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

if (!existsSync(DATABASE)) {
  mkdirSync(DIRECTORY, { recursive: true });
  console.log(`Loading ${ASSOCIATIONS.toLocaleString('en-US')} associations into ${DATABASE}…`);
  const store = await createStore(DATABASE);
  await loadLargePortal(createDomain({ store }), ASSOCIATIONS);
  await store.close();
}

const server = await startSpoke(['--port', '0', '--database-url', DATABASE]);
const browser = await launchChromium();
const paints: number[] = [];
const counts: number[] = [];
try {
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/_spoke/ui/`);
    // The portal row shows its association count once /_spoke/overview has answered.
    await page.waitForFunction(
      () =>
        /\d/.test(
          document.querySelector('[data-testid^="portal-"] [data-testid="associations"]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 30_000 },
    );
    const timing = await page.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      counts: performance.now(),
      rows: document.querySelector('[data-testid^="portal-"] [data-testid="associations"]')?.textContent,
    }));
    paints.push(timing.paint);
    counts.push(timing.counts);
    console.log(
      `run ${run + 1}: first contentful paint ${timing.paint.toFixed(0)} ms, counts (${timing.rows} association rows) on screen at ${timing.counts.toFixed(0)} ms${run === 0 ? ' (cold server cache)' : ''}`,
    );
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
console.log(
  `median of ${runs}: first contentful paint ${median(paints).toFixed(0)} ms, portal counts on screen ${median(counts).toFixed(0)} ms`,
);
