/**
 * The README, top to bottom, on a fresh database: every curl example and every client
 * snippet runs in the order a reader meets them, against a Spoke whose every response is
 * checked against HubSpot's spec, and every request must succeed (curl --fail-with-body).
 * Blocks a reader runs in a shell of their own (npm, spoke with other options, a stream that
 * never ends) are listed below by their first line, so none is left out without a word.
 * The in-process example is a test file of its own (test/readme.test.ts).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './helpers/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** First lines of blocks that are not run here, and why. */
const NOT_RUN: Record<string, string> = {
  'npm install          # builds once (dist/)': 'installs and starts the server this test stands in for',
  'npm pack                          # spoke-0.1.0.tgz': 'test/package.test.ts packs and installs',
  'npm test': 'the test suite itself',
  'spoke --database-url postgres://postgres@127.0.0.1:5432/crm --port 4680 &': 'starts other servers',
  "spoke --tokens tokens.json          # or SPOKE_TOKENS='pat-ci-worker-1=101,pat-ci-worker-2=102'":
    'starts a server with other options',
  '// test/crm.test.js — node --test; works the same with any test framework': 'test/readme.test.ts runs it',
  'spoke --rate-limits professional@America/New_York          # every portal; or 4680001=free,4680002=public-app':
    'starts a server with other options',
  '// test/webhooks.test.js — node --test: subscribe, make a change, receive and verify the signed event':
    'a node --test file of its own, on startSpoke(), not a step of the walk-through',
  'const stop = spoke.server.domain.changes.subscribe((set) => {': 'needs an in-process startSpoke()',
};

interface Block {
  lang: 'sh' | 'js' | 'json';
  code: string;
}

/** Shell and client blocks, and JSON blocks that are fixtures for a portal of their own. */
function blocks(markdown: string): Block[] {
  return [...markdown.matchAll(/```(sh|js|json)\n([\s\S]*?)```/g)]
    .map((m) => ({ lang: m[1] as Block['lang'], code: m[2]! }))
    .filter((b) => b.lang !== 'json' || /^\{\s*"portalId":/.test(b.code));
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const child = spawn(command, args, { cwd, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('README, every example in order on a fresh database', () => {
  let server: TestServer;
  const dir = mkdtempSync(join(root, 'test', '.readme-walk-'));

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  });

  it('runs every curl example and client snippet without an error', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const all = blocks(readme);
    const skipped = all.filter((b) => NOT_RUN[b.code.split('\n')[0]!] !== undefined);
    assert.deepEqual(
      skipped.map((b) => b.code.split('\n')[0]).sort(),
      Object.keys(NOT_RUN).sort(),
      'every block listed as not run is in the README',
    );
    const at = (code: string) => code.replaceAll('http://127.0.0.1:4680', server.url);
    let curls = 0;
    let snippets = 0;
    // Client snippets share one module, in README order: the first defines `hubspot`,
    // `contact` and `company`, the later ones run in blocks of their own.
    const script: string[] = [
      "import { execFileSync } from 'node:child_process';",
      "import { Client } from '@hubspot/api-client';",
    ];
    let fixtures = 0;
    for (const block of all) {
      if (skipped.includes(block)) continue;
      if (block.lang === 'json') {
        // A fixture, loaded where the reader is: after the examples before it, twice (a second
        // load must change nothing that fails).
        const portalId = (JSON.parse(block.code) as { portalId: number }).portalId;
        const seed = `${server.url}/_spoke/portals/${portalId}/seed`;
        const load = `await (async () => { const r = await fetch(${JSON.stringify(seed)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(block.code)} }); if (r.status !== 200) throw new Error('fixture for portal ${portalId}: ' + r.status + ' ' + (await r.text())); })();`;
        script.push(load, load);
        fixtures++;
        continue;
      }
      if (block.lang === 'sh') {
        // The block as written (quoted JSON may span lines), but a stream that never ends.
        const code = block.code
          .split('\n')
          .filter((line) => !line.startsWith('curl -sN'))
          .join('\n');
        assert.doesNotMatch(code, /^(npm|spoke|node) /m, 'a shell example run here only calls curl');
        curls += (code.match(/^curl /gm) ?? []).length;
        const shell = ['set -e', failOnError(at(code))];
        // One shell session for the reader: $TOKEN, set in the first block, holds in the later ones.
        script.push(
          `execFileSync('bash', ['-c', ${JSON.stringify(shell.join('\n'))}], { stdio: 'inherit', env: { ...process.env, TOKEN: 'any-token' } });`,
        );
      } else {
        const code = at(block.code)
          .split('\n')
          .filter((line) => !line.startsWith('import '))
          .join('\n');
        script.push(snippets === 0 ? code : `{\n${code}\n}`);
        snippets++;
      }
    }
    assert.ok(curls >= 15, `ran ${curls} curl commands`);
    assert.ok(snippets >= 3, `ran ${snippets} client snippets`);
    assert.ok(fixtures >= 3, `loaded ${fixtures} fixtures`);
    const file = join(dir, 'walkthrough.mjs');
    writeFileSync(file, script.join('\n'));
    const result = await run(process.execPath, [file], root);
    assert.equal(result.code, 0, result.output);
  });
});

/**
 * Every curl must succeed, except one the README shows answering an error: its output, the
 * first comment after the command, starts with the status (`# 400 {…}`), and then it must
 * answer exactly that status.
 */
function failOnError(code: string): string {
  const lines = code.split('\n');
  const checks = new Map<number, string>();
  lines.forEach((line, i) => {
    if (!line.startsWith('curl -s ')) return;
    const shown = lines.slice(i + 1).find((next) => next.startsWith('#') || next.startsWith('curl '));
    const status = /^#\s*(4\d\d)\b/.exec(shown ?? '')?.[1];
    if (status === undefined) {
      lines[i] = line.replace(/^curl -s /, 'curl -sS --fail-with-body ');
      return;
    }
    lines[i] = line.replace(/^curl -s /, "curl -sS -o /dev/stderr -w '%{http_code}' ");
    let end = i; // a command over several lines: the check follows its last line
    while (lines[end]!.endsWith('\\')) end++;
    checks.set(end, status);
  });
  return lines.map((line, i) => (checks.has(i) ? `${line} | grep -qx ${checks.get(i)}` : line)).join('\n');
}
