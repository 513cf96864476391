/**
 * The benchmark's outputs: a console table, a JSON file, two SVG charts, and the results
 * section of docs/benchmarks.md (between its bench:start and bench:end markers).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SearchResult } from './search.js';

export interface ScenarioResult {
  backend: string;
  scenario: string;
  unit: string;
  perRequest: number;
  spoke: { requestsPerSecond: number; p50: number; p99: number; errors: number; non2xx: number };
  baseline: { requestsPerSecond: number; p50: number; p99: number };
  ratio: number;
}

export interface ScaleResult {
  loadSeconds: number;
  associations: number;
  rowsPerSecond: number;
  at10k: { listP99: number; listP50: number; batchReadP99: number };
  at1m: { listP99: number; listP50: number; batchReadP99: number };
  rssMb: number;
}

export interface HarnessResult {
  coldStartMs: number;
  resetMs: number;
  restoreMs: number;
  snapshotMs: number;
  records: number;
  associations: number;
}

export interface Target {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}

export interface BenchReport {
  command: string;
  date: string;
  machine: string;
  durationSeconds: number;
  connections: number;
  scenarios: ScenarioResult[];
  scale?: ScaleResult;
  harness?: HarnessResult;
  /** Search at scale (bench/search.ts). */
  search?: SearchResult[];
  targets: Target[];
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function scenarioTable(results: readonly ScenarioResult[]): string {
  const lines = [
    '| Store | Scenario | Spoke req/s | Spoke p50 / p99 (ms) | Baseline req/s | Baseline p50 / p99 (ms) | Ratio | Items/s |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const items = r.perRequest > 1 ? `${fmt(r.spoke.requestsPerSecond * r.perRequest)} ${r.unit}` : '';
    const failures =
      r.spoke.errors + r.spoke.non2xx > 0 ? ` (${r.spoke.errors + r.spoke.non2xx} failed)` : '';
    lines.push(
      `| ${r.backend} | ${r.scenario} | ${fmt(r.spoke.requestsPerSecond)}${failures} | ${r.spoke.p50} / ${r.spoke.p99} | ` +
        `${fmt(r.baseline.requestsPerSecond)} | ${r.baseline.p50} / ${r.baseline.p99} | ${fmt(r.ratio, 2)} | ${items} |`,
    );
  }
  return lines.join('\n');
}

export function markdown(report: BenchReport): string {
  const parts = [
    `Measured ${report.date} on ${report.machine}; ${report.durationSeconds} s per scenario, ${report.connections} connections, ` +
      'autocannon in the bench process, each server in its own process, all on loopback.',
    '',
    '### Targets',
    '',
    '| Target | Goal | Measured | Met |',
    '|---|---|---|---|',
    ...report.targets.map((t) => `| ${t.name} | ${t.goal} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`),
    '',
    '### Throughput against the baseline',
    '',
    '![Throughput as a share of the raw node:http baseline](benchmarks/throughput.svg)',
    '',
    scenarioTable(report.scenarios),
  ];
  if (report.scale) {
    const s = report.scale;
    parts.push(
      '',
      '### Scale (SQLite)',
      '',
      '![List and batch-read latency at 10,000 and 1,000,000 associations](benchmarks/scale.svg)',
      '',
      `Loaded ${fmt(s.associations)} associations (${fmt(s.associations * 2)} rows, both directions) through ` +
        `\`batch/create\` in ${fmt(s.loadSeconds, 1)} s (${fmt(s.rowsPerSecond)} associations/s). Server RSS afterwards: ${fmt(s.rssMb)} MB.`,
      '',
      '| Associations in the store | GET list page of 100: p50 / p99 (ms) | batch read of 10 records: p99 (ms) |',
      '|---:|---:|---:|',
      `| 10,000 | ${s.at10k.listP50} / ${s.at10k.listP99} | ${s.at10k.batchReadP99} |`,
      `| 1,000,000 | ${s.at1m.listP50} / ${s.at1m.listP99} | ${s.at1m.batchReadP99} |`,
    );
  }
  if (report.harness) {
    const h = report.harness;
    parts.push(
      '',
      '### Test harness (SQLite file)',
      '',
      `A portal with ${fmt(h.records)} records and ${fmt(h.associations)} associations; times are HTTP round trips to the admin API (median of 5).`,
      '',
      '| Operation | Time (ms) |',
      '|---|---:|',
      `| Cold start: process start to first 200 | ${fmt(h.coldStartMs)} |`,
      `| Reset the portal | ${fmt(h.resetMs, 1)} |`,
      `| Take a snapshot | ${fmt(h.snapshotMs, 1)} |`,
      `| Restore the snapshot | ${fmt(h.restoreMs, 1)} |`,
    );
  }
  return parts.join('\n');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** Horizontal bars: each scenario's throughput as a share of the baseline, per store. */
export function throughputSvg(results: readonly ScenarioResult[]): string {
  const rowHeight = 18;
  const left = 330;
  const width = 820;
  const barWidth = width - left - 70;
  const max = Math.max(1, ...results.map((r) => r.ratio));
  const rows = results.map((r, i) => {
    const y = 40 + i * rowHeight;
    const w = (r.ratio / max) * barWidth;
    const colour = r.backend.startsWith('PostgreSQL') ? '#3b6ea5' : '#d9822b';
    return (
      `<text x="${left - 8}" y="${y + 12}" text-anchor="end">${escape(`${r.backend}: ${r.scenario}`)}</text>` +
      `<rect x="${left}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowHeight - 5}" fill="${colour}"/>` +
      `<text x="${left + w + 6}" y="${y + 12}">${r.ratio.toFixed(2)}×</text>`
    );
  });
  const half = left + (0.5 / max) * barWidth;
  const one = left + (1 / max) * barWidth;
  const height = 50 + results.length * rowHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">
<text x="10" y="20" font-size="14" font-weight="bold">Spoke throughput as a share of a raw node:http server (same requests, same run)</text>
<line x1="${half}" y1="30" x2="${half}" y2="${height - 5}" stroke="#999" stroke-dasharray="4 3"/><text x="${half + 3}" y="36" fill="#666">0.5×</text>
<line x1="${one}" y1="30" x2="${one}" y2="${height - 5}" stroke="#666"/><text x="${one + 3}" y="36" fill="#666">1×</text>
${rows.join('\n')}
</svg>
`;
}

/** Grouped bars: latency at 10,000 and 1,000,000 associations. */
export function scaleSvg(scale: ScaleResult): string {
  const groups = [
    { name: 'list p50', a: scale.at10k.listP50, b: scale.at1m.listP50 },
    { name: 'list p99', a: scale.at10k.listP99, b: scale.at1m.listP99 },
    { name: 'batch read p99', a: scale.at10k.batchReadP99, b: scale.at1m.batchReadP99 },
  ];
  const max = Math.max(1, ...groups.flatMap((g) => [g.a, g.b]));
  const chartHeight = 180;
  const bars = groups.map((g, i) => {
    const x = 60 + i * 150;
    const h = (v: number) => (v / max) * chartHeight;
    return (
      `<rect x="${x}" y="${220 - h(g.a)}" width="45" height="${h(g.a)}" fill="#d9822b"/>` +
      `<text x="${x + 22}" y="${215 - h(g.a)}" text-anchor="middle">${g.a}</text>` +
      `<rect x="${x + 50}" y="${220 - h(g.b)}" width="45" height="${h(g.b)}" fill="#8c4a12"/>` +
      `<text x="${x + 72}" y="${215 - h(g.b)}" text-anchor="middle">${g.b}</text>` +
      `<text x="${x + 47}" y="238" text-anchor="middle">${g.name}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="520" height="270" font-family="sans-serif" font-size="11">
<text x="10" y="20" font-size="14" font-weight="bold">Latency (ms) at 10,000 and 1,000,000 associations (SQLite)</text>
<rect x="60" y="252" width="12" height="10" fill="#d9822b"/><text x="76" y="261">10,000</text>
<rect x="140" y="252" width="12" height="10" fill="#8c4a12"/><text x="156" y="261">1,000,000</text>
<line x1="50" y1="220" x2="500" y2="220" stroke="#666"/>
${bars.join('\n')}
</svg>
`;
}

export function writeFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Replaces the generated section of docs/benchmarks.md. */
export function updateDocs(path: string, section: string): void {
  const doc = readFileSync(path, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`${path} has no ${start} … ${end} section`);
  writeFileSync(path, `${doc.slice(0, from + start.length)}\n${section}\n${doc.slice(to)}`);
}
