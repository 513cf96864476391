/**
 * Where a scenario's time goes: runs one benchmark scenario against Spoke started with
 * `node --cpu-prof`, then prints the functions with the most self time.
 *
 *   npm run build && node --import tsx bench/profile.mts "batch create, 2,000 pairs" [seconds]
 *
 * PROFILE_DATABASE_URL points it at another store (a PostgreSQL URL with `?schema=…`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PairCounter, SCENARIOS, measure, prepare } from './scenarios.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const name = process.argv[2] ?? 'PUT default (new pair)';
const seconds = Number(process.argv[3] ?? 10);
const scenario = SCENARIOS.find((s) => s.name === name);
if (!scenario) throw new Error(`No scenario "${name}"; one of: ${SCENARIOS.map((s) => s.name).join(', ')}`);

const dir = mkdtempSync(join(tmpdir(), 'spoke-profile-'));
const child = spawn(
  process.execPath,
  [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    `${ROOT}dist/spoke.cjs`,
    '--port',
    '0',
    '--database-url',
    process.env.PROFILE_DATABASE_URL ?? join(dir, 'p.db'),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve) => {
  child.stdout!.on('data', (d: Buffer) => {
    const match = /listening on (http:\/\/\S+)/.exec(d.toString());
    if (match) resolve(match[1]!);
  });
});
const fixture = await prepare(url);
// Only the measured part counts: V8's sample times and hrtime are both the monotonic clock, in µs.
const measuredFrom = Number(process.hrtime.bigint() / 1000n);
const result = await measure([url], scenario.request(fixture, new PairCounter(fixture), { n: 0 }), {
  duration: seconds,
  connections: 10,
});
console.log(`${name}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99} ms`);
child.kill('SIGINT');
await new Promise((r) => child.on('exit', r));

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
const selfTime = new Map<number, number>();
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  if (at >= measuredFrom) selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
});
const top = Number(process.env.PROFILE_TOP ?? 30);
const byFunction = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const time = selfTime.get(node.id) ?? 0;
  total += time;
  const where = node.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/');
  const key = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + time);
}
for (const [key, time] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((time / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
}

// Inclusive time: a function's own samples plus its callees', counted once per stack.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const nodesById = new Map(profile.nodes.map((node) => [node.id, node]));
const inclusive = new Map<string, number>();
for (const [id, time] of selfTime) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = nodesById.get(at)!.callFrame;
    if (!frame.url.includes(process.env.PROFILE_ALL ? '' : '/dist/') || !frame.url) continue;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/dist\//, '')}:${frame.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + time);
  }
}
console.log('\nInclusive time in Spoke code:');
for (const [key, time] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((time / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
}
rmSync(dir, { recursive: true, force: true });
