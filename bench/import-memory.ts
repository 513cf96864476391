/**
 * How much memory an import takes as the document grows: writes export documents of
 * increasing size to a temporary file (without holding them), imports each through the
 * domain as `spoke import` does, and reports the peak RSS above the process's RSS before it.
 * Each size runs in a fresh process, so one size's peak does not hide the next one's.
 *
 *   node --import tsx bench/import-memory.ts [records ...]        (default 50000 200000 400000)
 *   DATABASE_URL=postgres://… node --import tsx bench/import-memory.ts
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createDomain } from '../src/domain/services.js';
import { createStore } from '../src/store/create-store.js';

const PORTAL = 4680000;

/** A document of `records` contacts, each with two history entries, and one association per pair. */
async function writeDocument(file: string, records: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const at = '2026-01-01T00:00:00.000Z';
  await write(
    `{"format":"spoke-portal-export","version":1,"portalId":${PORTAL},"exportedAt":"${at}","counters":{},` +
      '"schemas":[],"labels":[],"limits":[],"records":[',
  );
  const id = (i: number) => String(10_000_000_000 + i);
  for (let i = 0; i < records; i++) {
    const type = i % 2 === 0 ? '0-1' : '0-2';
    const properties =
      type === '0-1'
        ? { email: `c${i}@example.com`, firstname: `First ${i}`, lastname: `Last ${i}` }
        : { name: `Company ${i}`, domain: `c${i}.example.com` };
    const history = Object.fromEntries(
      Object.entries(properties).map(([k, v]) => [k, [{ value: v, timestamp: at, sourceType: 'API' }]]),
    );
    await write(
      `${i ? ',' : ''}${JSON.stringify({ id: id(i), objectTypeId: type, properties, createdAt: at, updatedAt: at, archivedAt: null, history })}`,
    );
  }
  await write('],"associations":[');
  for (let i = 0; i + 1 < records; i += 2) {
    const pair = [
      { fromObjectTypeId: '0-1', fromId: id(i), toObjectTypeId: '0-2', toId: id(i + 1), typeId: 279 },
      { fromObjectTypeId: '0-2', fromId: id(i + 1), toObjectTypeId: '0-1', toId: id(i), typeId: 280 },
    ].map((a) => JSON.stringify({ ...a, category: 'HUBSPOT_DEFINED' }));
    await write(`${i ? ',' : ''}${pair.join(',')}`);
  }
  await write('],"fixtureKeys":{}}');
  out.end();
  await once(out, 'finish');
}

async function measureOne(records: number, databaseUrl: string | undefined): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spoke-import-bench-'));
  try {
    const file = join(dir, 'portal.json');
    await writeDocument(file, records);
    const store = await createStore(databaseUrl ?? join(dir, 'spoke.db'));
    const domain = createDomain({ store });
    if (global.gc) global.gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = Date.now();
    const counts = await domain.harness.importPortal(PORTAL, () => createReadStream(file));
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    await store.close();
    console.log(
      JSON.stringify({
        records: counts.records,
        associations: counts.associations,
        documentMiB: +(statSync(file).size / 2 ** 20).toFixed(1),
        peakRssAboveStartMiB: +((peak - before) / 2 ** 20).toFixed(1),
        seconds: +((Date.now() - started) / 1000).toFixed(1),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--one') {
  await measureOne(Number(process.argv[3]), process.env.DATABASE_URL);
} else {
  const sizes = process.argv.slice(2).map(Number);
  for (const records of sizes.length > 0 ? sizes : [50_000, 200_000, 400_000]) {
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', import.meta.filename, '--one', String(records)],
      { stdio: 'inherit', env: process.env },
    );
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}
