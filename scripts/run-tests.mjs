#!/usr/bin/env node
// Runs every test/**/*.test.ts with node:test (TypeScript through tsx): once on SQLite, and
// once more on the database TEST_DATABASE_URL names when it is set. A pass that fails,
// including one whose database cannot be reached, fails the run; nothing is skipped.
//
//   node scripts/run-tests.mjs [file-or-directory-filter ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = findTests('test')
  .map((f) => relative('.', f))
  .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No test files match ${filters.join(' ')}`);
  process.exit(1);
}

const passes = [{ name: 'sqlite', databaseUrl: '' }];
if (process.env.TEST_DATABASE_URL)
  passes.push({ name: 'postgres', databaseUrl: process.env.TEST_DATABASE_URL });

let failed = false;
for (const pass of passes) {
  console.log(`\n=== ${files.length} test files on ${pass.name} ===`);
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      `--test-concurrency=${availableParallelism()}`,
      '--test-timeout=600000',
      ...files,
    ],
    { stdio: 'inherit', env: { ...process.env, TEST_DATABASE_URL: pass.databaseUrl } },
  );
  console.log(
    `=== ${pass.name}: ${result.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`,
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
