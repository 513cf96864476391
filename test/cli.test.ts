/**
 * The `spoke` command: configuration, the start-up line, clean shutdown, and data that
 * survives a restart on the same SQLite file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createStore } from '../src/store/create-store.js';
import { client } from './helpers/http.js';
import { runCli, startSpokeProcess } from './helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'spoke-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('spoke (the CLI)', () => {
  it('explains its options in --help', async () => {
    const { code, stdout } = await runCli(['serve', '--help']);
    assert.equal(code, 0);
    for (const text of [
      '--port',
      'PORT',
      '4680',
      '--host',
      'HOST',
      '127.0.0.1',
      '--database-url',
      'DATABASE_URL',
      ':memory:',
    ]) {
      assert.ok(stdout.includes(text), `--help mentions ${text}`);
    }
  });

  it('refuses a port that is not a number', async () => {
    const { code, stderr } = await runCli(['serve', '--port', 'abc']);
    assert.equal(code, 1);
    assert.match(stderr, /--port must be a port number/);
  });

  it('prints the URL with the store and the URL of the UI, and stops cleanly on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const spoke = await startSpokeProcess(['--port', '0', '--database-url', ':memory:']);
      assert.match(
        spoke.output(),
        /^Spoke listening on (http:\/\/127\.0\.0\.1:\d+) \(sqlite :memory:\)\nSpoke UI: \1\/_spoke\/ui\/\n$/,
      );
      assert.equal(await spoke.stop(signal), 0, spoke.output());
    }
  });

  it('reads PORT, HOST and DATABASE_URL from the environment', async () => {
    const file = join(dir, 'env.db');
    const spoke = await startSpokeProcess([], { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: file });
    assert.ok(spoke.output().includes(`(sqlite ${file})`));
    await spoke.stop();
  });

  it('keeps records and associations across a restart on the same file', async () => {
    const file = join(dir, 'restart.db');
    const first = await startSpokeProcess(['--port', '0', '--database-url', file]);
    let api = client(first.url, 'token', { contract: true });
    const contact = (
      await api.post('/crm/v3/objects/contacts', { properties: { email: 'kept@example.com' } })
    ).body.id;
    const company = (await api.post('/crm/v3/objects/companies', { properties: { name: 'Kept' } })).body.id;
    const put = await api.put(
      `/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`,
    );
    assert.equal(put.status, 200);
    assert.equal(await first.stop(), 0);

    const second = await startSpokeProcess(['--port', '0', '--database-url', file]);
    api = client(second.url, 'token', { contract: true });
    const read = await api.get(`/crm/v3/objects/contacts/${contact}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.properties.email, 'kept@example.com');
    const list = await api.get(`/crm/v4/objects/companies/${company}/associations/contacts`);
    assert.deepEqual(list.body.results, [
      { toObjectId: contact, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 280, label: null }] },
    ]);
    // New IDs continue the sequence instead of reusing one.
    const next = (
      await api.post('/crm/v3/objects/deals', {
        properties: { dealname: 'After restart', dealstage: 'appointmentscheduled' },
      })
    ).body.id;
    assert.equal(Number(next), Number(company) + 1);
    await second.stop();

    const healthy = await runCli(['check', '--database-url', file]);
    assert.equal(healthy.code, 0, healthy.stderr);
    assert.match(healthy.stdout, /Checked 1 portal\(s\), 3 records, 2 association rows: no problems/);
  });

  it('spoke check exits 1 and names the problem when an inverse is missing', async () => {
    const file = join(dir, 'damaged.db');
    const store = await createStore(file);
    await store.transaction(async (tx) => {
      await tx.insertObjects(1, [
        { id: 1, objectTypeId: '0-1', properties: {}, createdAt: 1, updatedAt: 1, archivedAt: null },
        { id: 2, objectTypeId: '0-2', properties: {}, createdAt: 1, updatedAt: 1, archivedAt: null },
      ]);
      await tx.insertAssociations(1, [
        {
          fromObjectTypeId: '0-1',
          fromId: 1,
          toObjectTypeId: '0-2',
          toId: 2,
          category: 'HUBSPOT_DEFINED',
          typeId: 279,
        },
      ]);
    });
    await store.close();
    const damaged = await runCli(['check', '--database-url', file]);
    assert.equal(damaged.code, 1);
    assert.match(
      damaged.stdout,
      /missing-inverse: 0-1:1 → 0-2:2 HUBSPOT_DEFINED=279: no HUBSPOT_DEFINED=280 back/,
    );
  });
});
