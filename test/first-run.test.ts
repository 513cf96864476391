/**
 * What a new user trips over first: the version, mistyped commands and options, database
 * URLs, read-only commands, fixtures files, seeded portals, --workers on a busy port, the
 * admin token across restarts, and `npm start` on a built tree.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultGrant } from '../src/domain/portals.js';
import { startSpoke } from '../src/index.js';
import { startTestServer } from './helpers/server.js';
import { client } from './helpers/http.js';
import { runCli, startSpokeProcess } from './helpers/process.js';
// @ts-expect-error: a plain ES module script without types
import { staleReason } from '../scripts/build-if-stale.mjs';

const dir = mkdtempSync(join(tmpdir(), 'spoke-first-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('spoke: clear answers to a new user', () => {
  it('prints its version', async () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await runCli([flag]);
      assert.equal(code, 0);
      assert.equal(stdout.trim(), manifest.version);
    }
  });

  it('names a mistyped command and suggests the nearest', async () => {
    const { code, stderr } = await runCli(['exprot']);
    assert.equal(code, 1);
    assert.match(stderr, /unknown command "exprot" \(did you mean "export"\?\)/);
    assert.match(stderr, /serve, export, import, reset, check/);
  });

  it('refuses a log level the logger does not have', async () => {
    const { code, stderr } = await runCli(['serve', '--log-level', 'verbose', '-d', ':memory:']);
    assert.equal(code, 1);
    assert.match(
      stderr,
      /--log-level must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"/,
    );
  });

  it('refuses database URLs with a scheme it has no store for, creating no file', async () => {
    for (const args of [['serve'], ['check'], ['export']]) {
      const { code, stderr } = await runCli([...args, '-d', 'mysql://root@localhost/crm'], { PORT: '0' });
      assert.equal(code, 1, args.join(' '));
      assert.match(stderr, /scheme "mysql:\/\/"/);
    }
    assert.equal(existsSync('mysql:'), false);
  });

  it('export and check of a path with no database fail and create nothing', async () => {
    const missing = join(dir, 'typo', 'spoke.db');
    for (const command of ['export', 'check']) {
      const { code, stderr } = await runCli([command, '-d', missing]);
      assert.equal(code, 1, command);
      assert.match(stderr, new RegExp(`No database at ${missing.replace(/[.]/g, '\\.')}`));
    }
    assert.equal(existsSync(missing), false);
    assert.equal(existsSync(join(dir, 'typo')), false);
  });

  it('export --portal of a portal that does not exist fails, naming the portals there are', async () => {
    const db = join(dir, 'portals.db');
    const spoke = await startSpokeProcess(['--port', '0', '-d', db]);
    await spoke.stop();
    const { code, stderr } = await runCli(['export', '-d', db, '--portal', '999']);
    assert.equal(code, 1);
    assert.match(
      stderr,
      /Portal 999 has nothing in this database \(it never existed, or was reset\); its portals are 4680000/,
    );
    assert.equal((await runCli(['export', '-d', db])).code, 0);
  });

  it('rejects a fixtures file with an unknown key or bad JSON, naming the file and the place', async () => {
    const unknown = join(dir, 'unknown-key.json');
    writeFileSync(unknown, JSON.stringify({ records: {}, asociations: [] }));
    const first = await runCli(['--port', '0', '-d', ':memory:', '--seed', unknown]);
    assert.equal(first.code, 1);
    assert.ok(first.stderr.includes(unknown), first.stderr);
    assert.match(first.stderr, /unknown key "asociations"/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "records": {\n    "contacts": [,]\n  }\n}');
    const second = await runCli(['--port', '0', '-d', ':memory:', '--seed', broken]);
    assert.equal(second.code, 1);
    assert.ok(second.stderr.includes(broken), second.stderr);
    assert.match(second.stderr, /line 3, column 18/);
  });

  it('a seeded portal of its own is reachable with its token, through the CLI and startSpoke', async () => {
    const fixtures = {
      portalId: 101,
      records: { contacts: [{ key: 'ada', properties: { email: 'ada@seeded.example' } }] },
    };
    const file = join(dir, 'portal-101.json');
    writeFileSync(file, JSON.stringify(fixtures));
    const spoke = await startSpokeProcess(['--port', '0', '-d', join(dir, 'seeded.db'), '--seed', file]);
    try {
      assert.match(spoke.output(), /Spoke seeded portal 101; its token: spoke-portal-101\n/);
      const list = await client(spoke.url, 'spoke-portal-101').get('/crm/v3/objects/contacts');
      assert.deepEqual(
        list.body.results.map((r: any) => r.properties.email),
        ['ada@seeded.example'],
      );
    } finally {
      await spoke.stop();
    }
    const inProcess = await startSpoke({ seed: { ...fixtures, token: 'pat-101' } });
    try {
      assert.equal(inProcess.token, 'pat-101');
      const list = await client(inProcess.url, inProcess.token).get('/crm/v3/objects/contacts');
      assert.equal(list.body.results.length, 1);
    } finally {
      await inProcess.close();
    }
  });

  it('--workers on a port in use exits with the error one process gives', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = String((busy.address() as { port: number }).port);
    try {
      const one = await runCli(['--port', port, '-d', join(dir, 'busy.db')]);
      const four = await runCli(['--port', port, '-d', join(dir, 'busy.db'), '--workers', '2']);
      assert.equal(one.code, 1);
      assert.equal(four.code, 1);
      assert.match(one.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
      const errorLine = (text: string) => text.split('\n').find((l) => l.startsWith('spoke:'));
      assert.equal(errorLine(four.stderr), errorLine(one.stderr));
      assert.doesNotMatch(four.stderr, /starting another/);
    } finally {
      busy.close();
    }
  });

  it('--host 0.0.0.0 keeps its generated admin token across restarts', async () => {
    const db = join(dir, 'open', 'spoke.db');
    mkdirSync(join(dir, 'open'));
    const tokenFile = join(dir, 'open', 'admin-token');
    const first = await startSpokeProcess(['--host', '0.0.0.0', '--port', '0', '-d', db]);
    await first.stop();
    const token = readFileSync(tokenFile, 'utf8').trim();
    assert.match(first.output(), /written to/);
    const second = await startSpokeProcess(['--host', '0.0.0.0', '--port', '0', '-d', db]);
    try {
      assert.match(second.output(), /kept in/);
      assert.equal(readFileSync(tokenFile, 'utf8').trim(), token);
      const url = second.url.replace('0.0.0.0', '127.0.0.1');
      assert.equal((await client(url, token).get('/_spoke/portals')).status, 200);
      assert.equal((await client(url, 'wrong').get('/_spoke/portals')).status, 401);
    } finally {
      await second.stop();
    }
  });
});

describe('clear errors over HTTP and in configuration', () => {
  it('SPOKE_TOKENS given a file name says to use --tokens', async () => {
    const { code, stderr } = await runCli(['-d', ':memory:', '--port', '0'], { SPOKE_TOKENS: 'tokens.json' });
    assert.equal(code, 1);
    assert.match(
      stderr,
      /SPOKE_TOKENS holds tokens .* not a file name \("tokens\.json"\): for a file, use --tokens tokens\.json/,
    );
  });

  it('a token the configured tokens lack gets a 401 that says so; a body over the limit names the limit', async () => {
    const server = await startTestServer({
      tokens: new Map([['pat-known', { ...defaultGrant(101) }]]),
      bodyLimit: 1024,
    });
    try {
      const unknown = await client(server.url, 'pat-unknown').get('/crm/v3/objects/contacts');
      assert.equal(unknown.status, 401);
      assert.match(
        unknown.body.message,
        /^The token pat-un… is not one this Spoke knows: with --tokens or SPOKE_TOKENS/,
      );
      const none = await client(server.url).get('/crm/v3/objects/contacts', { anonymous: true });
      assert.match(none.body.message, /^Authentication credentials not found/);
      const big = await client(server.url, 'pat-known').post('/crm/v3/objects/contacts', {
        properties: { email: 'big@example.com', note: 'x'.repeat(2000) },
      });
      assert.equal(big.status, 413);
      assert.equal(big.body.message, 'Request body is too large: this endpoint takes at most 1024 bytes');
    } finally {
      await server.close();
    }
  });
});

describe('the request log', () => {
  it("at info: one readable line per request, with status, time, portal, and an error's message and correlationId", async () => {
    const spoke = await startSpokeProcess(['--port', '0', '-d', ':memory:', '--log-level', 'info']);
    const api = client(spoke.url);
    await api.post('/crm/v3/objects/contacts', { properties: { email: 'log@example.com' } });
    const conflict = await api.post('/crm/v3/objects/contacts', { properties: { email: 'log@example.com' } });
    assert.equal(conflict.status, 409);
    await spoke.stop();
    const lines = spoke
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; correlationId?: string });
    const requests = lines.filter((l) => l.msg.startsWith('POST /crm/v3/objects/contacts'));
    assert.equal(requests.length, 2, 'one line per request');
    assert.match(requests[0]!.msg, /^POST \/crm\/v3\/objects\/contacts 201 [\d.]+ ms portal 4680000$/);
    assert.equal(
      requests[1]!.msg.replace(/ [\d.]+ ms /, ' … ms '),
      `POST /crm/v3/objects/contacts 409 … ms portal 4680000: ${conflict.body.message} (correlationId ${conflict.body.correlationId})`,
    );
    assert.equal(requests[1]!.correlationId, conflict.body.correlationId);
  });
});

describe('npm start on a built tree', () => {
  it('builds only when a source is newer than the last build', () => {
    const root = join(dir, 'tree');
    for (const path of ['src', 'ui', 'dist/src', 'dist/ui']) mkdirSync(join(root, path), { recursive: true });
    const old = new Date(Date.now() - 60_000);
    for (const file of ['src/cli.ts', 'ui/main.tsx', 'package.json']) {
      writeFileSync(join(root, file), 'x');
      utimesSync(join(root, file), old, old);
    }
    for (const path of ['src', 'ui']) utimesSync(join(root, path), old, old);
    assert.match(staleReason(root), /missing/);
    const built = new Date(Date.now() - 30_000);
    for (const file of ['dist/spoke.cjs', 'dist/src/index.js', 'dist/ui/index.html', 'dist/.built']) {
      writeFileSync(join(root, file), 'built');
      utimesSync(join(root, file), built, built);
    }
    assert.equal(staleReason(root), undefined);
    writeFileSync(join(root, 'src/cli.ts'), 'changed');
    assert.equal(staleReason(root), 'src changed since the last build');
  });
});
