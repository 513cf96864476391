/**
 * The harness through the command line: serve --seed, --id-seed and --clock; export,
 * import and reset; --help for each command.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { client } from '../helpers/http.js';
import { runCli, startSpokeProcess } from '../helpers/process.js';
import { freshDatabaseUrl, onPostgres } from '../helpers/store.js';

const dir = mkdtempSync(join(tmpdir(), 'spoke-harness-'));
const drops: Array<() => Promise<void>> = [];
after(async () => {
  for (const drop of drops) await drop();
  rmSync(dir, { recursive: true, force: true });
});

/** A database for one test: a file on SQLite, a fresh schema on PostgreSQL. */
function database(name: string): string {
  if (!onPostgres()) return join(dir, `${name}.db`);
  const fresh = freshDatabaseUrl();
  drops.push(fresh.drop);
  return fresh.url;
}

const fixtures = {
  records: {
    contacts: [
      { key: 'ada', properties: { email: 'ada@example.com' } },
      { key: 'grace', properties: { email: 'grace@example.com' } },
    ],
    companies: [{ key: 'acme', properties: { name: 'Acme' } }],
  },
  associations: [
    { from: 'ada', to: 'acme', types: ['primary'] },
    { from: 'grace', to: 'acme' },
  ],
};

describe('the harness commands', () => {
  it('every command explains itself in --help', async () => {
    const expected: Record<string, string[]> = {
      serve: ['--seed', '--id-seed', '--clock', '--tokens', '--admin-token', '--workers'],
      export: ['--portal', '--database-url', 'atomically'],
      import: ['--portal', 'changes nothing'],
      reset: ['--portal', '--all'],
      check: ['--json'],
    };
    for (const [command, words] of Object.entries(expected)) {
      const { code, stdout } = await runCli([command, '--help']);
      assert.equal(code, 0, command);
      for (const word of words) assert.ok(stdout.includes(word), `${command} --help mentions ${word}`);
    }
  });

  it('serve --seed loads fixtures once, however often the server starts', async () => {
    const seed = join(dir, 'fixtures.json');
    writeFileSync(seed, JSON.stringify(fixtures));
    const url = database('seeded');
    for (let run = 0; run < 2; run++) {
      const spoke = await startSpokeProcess(['--port', '0', '--database-url', url, '--seed', seed]);
      const api = client(spoke.url, 'token', { contract: true });
      const contacts = await api.get('/crm/v3/objects/contacts?associations=companies');
      assert.equal(contacts.body.results.length, 2, `run ${run}`);
      assert.equal((await api.get('/crm/v3/objects/companies')).body.results.length, 1);
      const ada = contacts.body.results.find((c: any) => c.properties.email === 'ada@example.com');
      assert.ok(ada.associations.companies.results.some((r: any) => r.type === 'contact_to_company'));
      assert.equal(await spoke.stop(), 0);
    }
  });

  it('--id-seed and --clock make two runs identical', async () => {
    const bodies = [];
    for (let run = 0; run < 2; run++) {
      const spoke = await startSpokeProcess([
        '--port',
        '0',
        '--database-url',
        ':memory:',
        '--id-seed',
        'ci-run',
        '--clock',
        '2026-01-01T00:00:00Z',
        '--clock-step',
        '1',
      ]);
      const api = client(spoke.url, 'token', { contract: true });
      const created = await api.post('/crm/v3/objects/contacts/batch/create', {
        inputs: [{ properties: { email: 'a@example.com' } }, { properties: { email: 'b@example.com' } }],
      });
      bodies.push(created.body.results.map((r: any) => [r.id, r.createdAt]));
      await spoke.stop();
    }
    assert.deepEqual(bodies[0], bodies[1]);
    assert.ok(
      bodies[0]!.every(
        ([id, at]: [string, string]) => Number(id) > 2 ** 31 && at.startsWith('2026-01-01T00:00:00.'),
      ),
    );
    assert.notEqual(
      Number(bodies[0]![1][0]),
      Number(bodies[0]![0][0]) + 1,
      'seeded IDs are not the plain sequence',
    );
  });

  it('export writes a complete document, import loads it into another portal, reset empties it', async () => {
    const url = database('roundtrip');
    const seed = join(dir, 'fixtures-roundtrip.json');
    writeFileSync(seed, JSON.stringify(fixtures));
    const spoke = await startSpokeProcess(['--port', '0', '--database-url', url, '--seed', seed]);
    await spoke.stop();

    const file = join(dir, 'export.json');
    const exported = await runCli(['export', file, '--database-url', url]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(
      exported.stderr,
      `Exported 3 records and 6 association rows to ${file}\n`,
      'no progress bar without a terminal',
    );
    const document = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(document.format, 'spoke-portal-export');
    assert.deepEqual(Object.keys(document.fixtureKeys).sort(), ['acme', 'ada', 'grace']);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file is left behind',
    );

    const imported = await runCli(['import', file, '--database-url', url, '--portal', '55']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(imported.stderr, 'Imported 3 records and 6 association rows\n');
    const stdout = await runCli(['export', '--database-url', url, '--portal', '55']);
    const copy = JSON.parse(stdout.stdout);
    assert.deepEqual(copy.records, document.records);
    assert.deepEqual(copy.associations, document.associations);

    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...document, records: document.records.slice(1) }));
    const refused = await runCli(['import', broken, '--database-url', url, '--portal', '55']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Invalid export document/);
    const unchanged = JSON.parse((await runCli(['export', '--database-url', url, '--portal', '55'])).stdout);
    assert.equal(unchanged.records.length, 3, 'the failed import changed nothing');

    const reset = await runCli(['reset', '--database-url', url, '--portal', '55']);
    assert.equal(reset.code, 0);
    // A reset portal keeps nothing, so it is as unknown as one never used: export says so.
    const empty = await runCli(['export', '--database-url', url, '--portal', '55']);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /Portal 55 has nothing in this database \(it never existed, or was reset\)/);
    const original = JSON.parse((await runCli(['export', '--database-url', url])).stdout);
    assert.equal(original.records.length, 3, 'resetting portal 55 left the default portal alone');
    assert.equal((await runCli(['reset', '--all', '--database-url', url])).code, 0);
    assert.deepEqual(JSON.parse((await runCli(['export', '--database-url', url])).stdout).records, []);
  });

  it('a failed export leaves an earlier export file as it was', async () => {
    const file = join(dir, 'kept.json');
    writeFileSync(file, '{"kept":true}');
    const failed = await runCli(['export', file, '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
    assert.equal(failed.code, 1);
    assert.equal(readFileSync(file, 'utf8'), '{"kept":true}');
    assert.ok(existsSync(file));
  });
});
