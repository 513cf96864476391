/**
 * Compares builds of Spoke scenario by scenario, in alternating rounds, each against the raw
 * baseline measured in the same round (the machine's noise moves all of them together):
 *
 *   node --import tsx bench/ab.mts "PUT default (new pair);object create" 5 3 dist/before.cjs dist/spoke.cjs
 *
 * Each build runs as its own server on its own SQLite file (or AB_DATABASE_URL), with its own fixture.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBaseline } from './processes.js';
import { PairCounter, SCENARIOS, measure, prepare, type Fixture } from './scenarios.js';

const [names = 'PUT default (new pair)', seconds = '5', rounds = '3', ...bundles] = process.argv.slice(2);
const scenarios = names.split(';').map((name) => {
  const found = SCENARIOS.find((s) => s.name === name.trim());
  if (!found) throw new Error(`No scenario "${name}"; one of: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return found;
});
const dir = mkdtempSync(join(tmpdir(), 'spoke-ab-'));
const servers = await Promise.all(
  bundles.map(async (bundle, i) => {
    const child = spawn(
      process.execPath,
      [bundle, '--port', '0', '--database-url', process.env.AB_DATABASE_URL ?? join(dir, `${i}.db`)],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'error' } },
    );
    const url = await new Promise<string>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        const match = /listening on (http:\/\/\S+)/.exec(d.toString());
        if (match) resolve(match[1]!);
      });
    });
    return {
      bundle,
      child,
      url,
      fixture: undefined as Fixture | undefined,
      pairs: undefined as PairCounter | undefined,
    };
  }),
);
for (const server of servers) {
  server.fixture = await prepare(server.url);
  server.pairs = new PairCounter(server.fixture);
}
const baseline = await startBaseline();
const baseFixture = servers[0]!.fixture!;
const ratios = new Map<string, number[]>();
const options = { duration: Number(seconds), connections: 10 };
for (let round = 0; round < Number(rounds); round++) {
  for (const scenario of scenarios) {
    const base = await measure(
      [baseline.url],
      scenario.request(baseFixture, new PairCounter(baseFixture), { n: 0 }),
      options,
    );
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    const line: string[] = [];
    for (const server of order) {
      const counter = { n: round * 1_000_000 };
      const result = await measure(
        [server.url],
        scenario.request(server.fixture!, server.pairs!, counter),
        options,
      );
      const perSecond = result.requestsPerSecond * (scenario.perRequest ?? 1);
      const ratio = result.requestsPerSecond / base.requestsPerSecond;
      const key = `${scenario.name} | ${server.bundle}`;
      ratios.set(key, [...(ratios.get(key) ?? []), ratio]);
      line.push(
        `${server.bundle} ${perSecond.toFixed(0)}/s ratio ${ratio.toFixed(3)}${result.non2xx ? ` non2xx ${result.non2xx}` : ''}`,
      );
    }
    console.log(
      `round ${round + 1} ${scenario.name}: baseline ${base.requestsPerSecond.toFixed(0)} req/s; ${line.join('; ')}`,
    );
  }
}
console.log('\nMedian ratio to the baseline:');
for (const [key, values] of ratios) {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(
    `  ${key}: ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)} (${sorted.map((v) => v.toFixed(3)).join(', ')})`,
  );
}
await baseline.stop();
for (const server of servers) server.child.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
