/**
 * `startSpoke()`, the in-process entry point, used the way the README shows: with the
 * official client, a seed, reset, snapshots, and a pinned clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@hubspot/api-client';
import { startSpoke, type Spoke, type StartSpokeOptions } from '../src/index.js';
import type { ContractViolation } from './helpers/contract.js';
import { assertNoViolations, contractHook } from './helpers/server.js';

// Every response these servers send is checked against HubSpot's spec, as elsewhere.
const violations: ContractViolation[] = [];
const start = (options: StartSpokeOptions) => startSpoke({ ...options, onSend: contractHook(violations) });

describe('startSpoke()', () => {
  let spoke: Spoke;
  let hubspot: Client;

  before(async () => {
    spoke = await start({
      seed: {
        records: {
          contacts: [{ key: 'ada', properties: { email: 'ada@example.com' } }],
          companies: [{ key: 'acme', properties: { name: 'Acme' } }],
        },
        associations: [{ from: 'ada', to: 'acme', types: ['primary'] }],
      },
      clock: '2026-01-01T00:00:00Z',
      clockStepMs: 1,
    });
    hubspot = new Client({ accessToken: spoke.token, basePath: spoke.url });
  });
  after(async () => {
    await spoke.close();
    assertNoViolations(violations);
  });

  it('serves the seed to the official client on a free port', async () => {
    assert.match(spoke.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const contacts = await hubspot.crm.contacts.basicApi.getPage(10, undefined, ['email'], undefined, [
      'companies',
    ]);
    assert.equal(contacts.results.length, 1);
    assert.equal(contacts.results[0]!.properties.email, 'ada@example.com');
    assert.ok(
      contacts.results[0]!.associations!.companies!.results.some((r) => r.type === 'contact_to_company'),
    );
    assert.equal(contacts.results[0]!.createdAt.toISOString().slice(0, 10), '2026-01-01');
  });

  it('reset() returns to the seeded state, snapshot()/restore() to any saved one', async () => {
    const extra = await hubspot.crm.contacts.basicApi.create({
      properties: { email: 'extra@example.com' },
      associations: [],
    });
    await spoke.snapshot('with-extra');
    await spoke.reset();
    let all = await hubspot.crm.contacts.getAll();
    assert.deepEqual(
      all.map((c) => c.properties.email),
      ['ada@example.com'],
    );
    await spoke.restore('with-extra');
    all = await hubspot.crm.contacts.getAll();
    assert.deepEqual(all.map((c) => c.id).sort(), [all[0]!.id, extra.id].sort());
    assert.equal(all.length, 2);
  });

  it('gives the same IDs and times on every run', async () => {
    const again = await start({
      seed: { records: { contacts: [{ key: 'x', properties: {} }] } },
      clock: '2026-01-01T00:00:00Z',
      clockStepMs: 1,
      idSeed: 'run-1',
    });
    const twice = await start({
      seed: { records: { contacts: [{ key: 'x', properties: {} }] } },
      clock: '2026-01-01T00:00:00Z',
      clockStepMs: 1,
      idSeed: 'run-1',
    });
    try {
      const read = async (s: Spoke) =>
        (await fetch(`${s.url}/crm/v3/objects/contacts`, { headers: { authorization: 'Bearer t' } })).json();
      const [a, b] = await Promise.all([read(again), read(twice)]);
      assert.deepEqual(a, b);
      assert.ok(Number((a as any).results[0].id) > 2 ** 31);
    } finally {
      await Promise.all([again.close(), twice.close()]);
    }
  });
});
