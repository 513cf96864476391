#!/usr/bin/env node
// `npm start` runs this first: it builds only when a source is newer than what the last build
// wrote, so starting a built tree costs a few file stats instead of a full build.
// Sources: src/, ui/, package.json, package-lock.json and the tsconfig files. Built: the CLI
// bundle, the library's entry point and the UI, and dist/.built, touched after each build
// by `npm run build` (the UI build itself skips work when ui/ did not change).
//
//   node scripts/build-if-stale.mjs [--check | --stamp | --start [spoke arguments]]
//     --check: exit 1 when a build is due, build nothing; --stamp: record that a build just ran;
//     --start: then run the CLI in this process (`npm start`: one Node start, not two)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['src', 'ui', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const OUTPUTS = ['dist/spoke.cjs', 'dist/src/index.js', 'dist/ui/index.html'];
const STAMP = 'dist/.built';

/** The newest modification time under a file or directory (node_modules and dist skipped). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist') continue;
    latest = Math.max(latest, newest(join(path, name)));
  }
  return latest;
}

/** Why a build is due, or undefined when the build is current. */
export function staleReason(root = ROOT) {
  const missing = [...OUTPUTS, STAMP].find((output) => !existsSync(join(root, output)));
  if (missing) return `${missing} is missing`;
  const built = statSync(join(root, STAMP)).mtimeMs;
  const changed = SOURCES.find((source) => newest(join(root, source)) > built);
  return changed ? `${changed} changed since the last build` : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--stamp')) {
    writeFileSync(join(ROOT, STAMP), `${new Date().toISOString()}\n`);
    process.exit(0);
  }
  const reason = staleReason();
  if (process.argv.includes('--check')) process.exit(reason ? 1 : 0);
  if (reason) {
    process.stderr.write(`Building Spoke (${reason})…\n`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  const start = process.argv.indexOf('--start');
  if (start !== -1) {
    // The CLI reads its arguments, and `--workers` forks, from process.argv as if run directly.
    const cli = join(ROOT, 'dist/spoke.cjs');
    process.argv = [process.argv[0], cli, ...process.argv.slice(start + 1)];
    await import(pathToFileURL(cli).href);
  }
}
