/**
 * The README's in-process example is a real test: it is cut out of README.md and run as
 * written (with `spoke` resolved to this checkout's source), so the README cannot drift.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const root = fileURLToPath(new URL('..', import.meta.url));

function codeBlockAfter(markdown: string, heading: string): string {
  const start = markdown.indexOf(heading);
  assert.ok(start >= 0, `README has "${heading}"`);
  const match = /```js\n([\s\S]*?)```/.exec(markdown.slice(start));
  assert.ok(match, `a js block follows "${heading}"`);
  return match[1]!;
}

/** Cuts the js block after `heading` out of README.md and runs it with node --test. */
function runExample(heading: string, fileName: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const code = codeBlockAfter(readme, heading).replace(
    "from 'spoke'",
    `from ${JSON.stringify(join(root, 'src/index.ts'))}`,
  );
  const dir = mkdtempSync(join(root, 'test', '.readme-'));
  try {
    const file = join(dir, fileName);
    writeFileSync(file, code);
    // A nested node --test must not report to this runner's protocol.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', file], {
      cwd: root,
      encoding: 'utf8',
      env,
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    return run.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('README', () => {
  it('the in-process example runs and passes', () => {
    const stdout = runExample('### In-process start', 'crm.test.mjs');
    assert.match(stdout, /a contact has its primary company/);
    assert.match(stdout, /pass 1/);
  });

  it('the webhooks example runs and passes', () => {
    const stdout = runExample('### Webhooks', 'webhooks.test.mjs');
    assert.match(stdout, /signed contact.creation event/);
    assert.match(stdout, /pass 1/);
  });
});
