/**
 * Spoke outside the clone: `npm pack` gives a tarball without the runtime database, which
 * installs into an empty folder and gives a working `spoke` (--version, then a PUT default
 * through the installed server). The lockfile is what `npm install` would write.
 *
 * The install runs with --ignore-scripts and takes better-sqlite3's compiled addon from this
 * clone: compiling it again from source takes minutes, and the addon is not what is tested.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { client } from './helpers/http.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'spoke-pack-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function npm(args: string[], cwd: string) {
  const run = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_fund: 'false' },
  });
  assert.equal(run.status, 0, `npm ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

describe('the npm package', () => {
  it('npm install would not rewrite package-lock.json', () => {
    const copy = join(dir, 'lock');
    rmSync(copy, { recursive: true, force: true });
    cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    cpSync(join(ROOT, 'package-lock.json'), join(copy, 'package-lock.json'));
    npm(['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--prefer-offline'], copy);
    assert.equal(
      readFileSync(join(copy, 'package-lock.json'), 'utf8'),
      readFileSync(join(ROOT, 'package-lock.json'), 'utf8'),
    );
  });

  it('packs without data/, installs into an empty folder, and its spoke answers --version and a PUT default', async () => {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT)) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const paths = packed[0]!.files.map((f) => f.path);
    assert.ok(paths.includes('dist/spoke.cjs'));
    assert.ok(paths.includes('dist/src/index.js'));
    assert.deepEqual(
      paths.filter((p) => p.startsWith('data/') || p.endsWith('.db')),
      [],
      'no database in the package',
    );

    const home = join(dir, 'app');
    rmSync(home, { recursive: true, force: true });
    cpSync(join(ROOT, 'README.md'), join(home, 'README.md'));
    writeFileSync(join(home, 'package.json'), '{"name":"app","private":true}\n');
    npm(
      ['install', '--no-audit', '--prefer-offline', '--ignore-scripts', join(dir, packed[0]!.filename)],
      home,
    );
    cpSync(join(ROOT, 'node_modules/better-sqlite3/build'), join(home, 'node_modules/better-sqlite3/build'), {
      recursive: true,
    });
    const bin = join(home, 'node_modules/.bin/spoke');
    const version = spawnSync(bin, ['--version'], { cwd: home, encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout.trim(), manifest.version);

    const child = spawn(bin, ['--port', '0', '--database-url', join(home, 'spoke.db')], { cwd: home });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (d: Buffer) => {
          output += d.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match) resolve(match[1]!);
        });
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        child.on('exit', (code) => reject(new Error(`spoke exited (${code}):\n${output}`)));
      });
      const api = client(url, 'any-token', { contract: true });
      const contact = await api.post('/crm/v3/objects/contacts', {
        properties: { email: 'pack@example.com' },
      });
      const company = await api.post('/crm/v3/objects/companies', { properties: { name: 'Pack' } });
      const put = await api.put(
        `/crm/v4/objects/contacts/${contact.body.id}/associations/default/companies/${company.body.id}`,
      );
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.status, 'COMPLETE');
    } finally {
      child.kill('SIGTERM');
    }
    assert.deepEqual(readdirSync(join(home, 'node_modules/spoke')).sort(), [
      'README.md',
      'dist',
      'package.json',
    ]);
  });
});
