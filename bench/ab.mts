/**
 * Compares builds of Spoke scenario by scenario, in alternating rounds, each against the raw
 * baseline measured in the same round (the machine's noise moves all of them together):
 *
 *   node --import tsx bench/ab.mts "PUT default (new pair);object create" 5 3 dist/before.cjs dist/spoke.cjs
 *
 * Each build runs as its own server on its own SQLite file (or AB_DATABASE_URL), with its own fixture.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
const cpuRatios = new Map<string, number[]>();
// AB_AMOUNT=n sends n requests per measurement instead of running for `seconds`.
const options = process.env.AB_AMOUNT
  ? { duration: 0, amount: Number(process.env.AB_AMOUNT), connections: 10 }
  : { duration: Number(seconds), connections: 10 };
/** CPU time (user + system) of a process so far, in µs: what a request costs however busy the machine is. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}
async function measured(pid: number, urls: string[], request: Parameters<typeof measure>[1]) {
  const before = cpuMicros(pid);
  const result = await measure(urls, request, options);
  return { result, cpuPerRequest: (cpuMicros(pid) - before) / result.requests };
}
for (let round = 0; round < Number(rounds); round++) {
  for (const scenario of scenarios) {
    const { result: base, cpuPerRequest: baseCpu } = await measured(
      baseline.child.pid!,
      [baseline.url],
      scenario.request(baseFixture, new PairCounter(baseFixture), { n: 0 }),
    );
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    const line: string[] = [];
    for (const server of order) {
      const counter = { n: round * 1_000_000 };
      const { result, cpuPerRequest } = await measured(
        server.child.pid!,
        [server.url],
        scenario.request(server.fixture!, server.pairs!, counter),
      );
      const perSecond = result.requestsPerSecond * (scenario.perRequest ?? 1);
      const ratio = result.requestsPerSecond / base.requestsPerSecond;
      const key = `${scenario.name} | ${server.bundle}`;
      ratios.set(key, [...(ratios.get(key) ?? []), ratio]);
      cpuRatios.set(key, [...(cpuRatios.get(key) ?? []), baseCpu / cpuPerRequest]);
      line.push(
        `${server.bundle} ${perSecond.toFixed(0)}/s ratio ${ratio.toFixed(3)} cpu ${cpuPerRequest.toFixed(0)} µs/req${result.non2xx ? ` non2xx ${result.non2xx}` : ''}`,
      );
    }
    console.log(
      `round ${round + 1} ${scenario.name}: baseline ${base.requestsPerSecond.toFixed(0)} req/s cpu ${baseCpu.toFixed(0)} µs/req; ${line.join('; ')}`,
    );
  }
}
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)} (${sorted.map((v) => v.toFixed(3)).join(', ')})`;
};
console.log("\nMedian ratio of the baseline's CPU time per request to the build's:");
for (const [key, values] of cpuRatios) console.log(`  ${key}: ${median(values)}`);
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
