/**
 * `spoke check` and association limits, on either store (a SQLite file, or a PostgreSQL
 * schema of its own): a limit left behind without its definition is reported, and deleting a
 * custom object's association definition through the schemas API takes its limit with it,
 * so the limits API no longer lists it and `spoke check` finds nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createStore } from '../src/store/create-store.js';
import { client } from './helpers/http.js';
import { runCli, startSpokeProcess } from './helpers/process.js';
import { freshDatabaseUrl, onPostgres } from './helpers/store.js';

const dir = mkdtempSync(join(tmpdir(), 'spoke-check-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A database of its own for one test: a SQLite file, or a fresh PostgreSQL schema. */
function database(name: string): { url: string; drop(): Promise<void> } {
  return onPostgres() ? freshDatabaseUrl() : { url: join(dir, `${name}.db`), drop: async () => {} };
}

const definition = (typeId: number, inverseTypeId: number, from: string, to: string) => ({
  category: 'USER_DEFINED' as const,
  typeId,
  fromObjectTypeId: from,
  toObjectTypeId: to,
  name: 'signer',
  label: 'Signer',
  inverseTypeId,
  createdAt: 1,
});

describe('spoke check: association limits', () => {
  it('reports a limit whose definition is gone, and exits 1', async () => {
    const db = database('orphan');
    try {
      const store = await createStore(db.url);
      try {
        await store.transaction(async (tx) => {
          await tx.insertDefinitions(1, [definition(41, 42, '0-1', '0-2'), definition(42, 41, '0-2', '0-1')]);
          await tx.upsertLimit(1, {
            category: 'USER_DEFINED',
            typeId: 41,
            fromObjectTypeId: '0-1',
            toObjectTypeId: '0-2',
            maxToObjectIds: 2,
          });
        });
        const healthy = await runCli(['check', '--database-url', db.url]);
        assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
        // What deleting a definition once did: the definitions go, the limit stays behind.
        await store.transaction((tx) => tx.deleteDefinitions(1, 'USER_DEFINED', [41, 42]));
      } finally {
        await store.close();
      }
      const damaged = await runCli(['check', '--database-url', db.url]);
      assert.equal(damaged.code, 1, damaged.stdout + damaged.stderr);
      assert.match(
        damaged.stdout,
        /portal 1 orphan-limit: limit USER_DEFINED=41 \(0-1 → 0-2\) is on a type that is not defined for that direction/,
      );
      const json = await runCli(['check', '--json', '--database-url', db.url]);
      assert.equal(json.code, 1);
      const report = JSON.parse(json.stdout) as { problems: Array<{ portalId: number; kind: string }> };
      assert.deepEqual(
        report.problems.map((p) => [p.portalId, p.kind]),
        [[1, 'orphan-limit']],
      );
    } finally {
      await db.drop();
    }
  });

  it('deleting a custom object’s association definition removes its limit', async () => {
    const db = database('schema-association');
    try {
      const spoke = await startSpokeProcess(['--port', '0', '--database-url', db.url]);
      try {
        const api = client(spoke.url, 'test-token', { contract: true });
        const schema = await api.post('/crm-object-schemas/v3/schemas', {
          name: 'boats',
          labels: { singular: 'Boat', plural: 'Boats' },
          primaryDisplayProperty: 'hull',
          requiredProperties: ['hull'],
          properties: [{ name: 'hull', label: 'Hull', type: 'string', fieldType: 'text' }],
          associatedObjects: [],
        });
        assert.equal(schema.status, 201, schema.text);
        const id = schema.body.objectTypeId as string;
        const association = await api.post(`/crm-object-schemas/v3/schemas/${id}/associations`, {
          fromObjectTypeId: id,
          toObjectTypeId: '0-1',
          name: 'boat_to_contact',
        });
        assert.equal(association.status, 201, association.text);
        const typeId = Number(association.body.id);
        const configs = '/crm/v4/associations/definitions/configurations';
        const limit = await api.post(`${configs}/${id}/0-1/batch/create`, {
          inputs: [{ category: 'USER_DEFINED', typeId, maxToObjectIds: 2 }],
        });
        assert.equal(limit.status, 201, limit.text);
        const listed = async () =>
          ((await api.get(`${configs}/all`)).body.results as Array<{ typeId: number }>).filter(
            (l) => l.typeId === typeId,
          );
        assert.equal((await listed()).length, 1);
        const removed = await api.delete(`/crm-object-schemas/v3/schemas/${id}/associations/${typeId}`);
        assert.equal(removed.status, 204, removed.text);
        assert.deepEqual(await listed(), []);
      } finally {
        assert.equal(await spoke.stop(), 0);
      }
      const check = await runCli(['check', '--database-url', db.url]);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /no problems/);
    } finally {
      await db.drop();
    }
  });
});
