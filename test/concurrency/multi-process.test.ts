/**
 * Several Spoke processes on one database under concurrent load: on PostgreSQL, two
 * separate processes; on SQLite, one `--workers 2` cluster sharing a file. 64 clients mix,
 * on the same few pairs: default and labeled PUTs, DELETEs, batch creates, batch archives
 * and label archives, label creation racing on names, writes against a limit of 5, and
 * writes with a label whose definition is deleted mid-run. Afterwards the invariants hold
 * and both instances read the same.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkIntegrity } from '../../src/domain/integrity.js';
import { ObjectTypeResolver } from '../../src/domain/objects/object-type-resolver.js';
import { createStore } from '../../src/store/create-store.js';
import { seededRandom } from '../helpers/random.js';
import { client, type Client } from '../helpers/http.js';
import { startSpokeProcess, type SpokeProcess } from '../helpers/process.js';
import { freshDatabaseUrl, onPostgres } from '../helpers/store.js';
import { namedProperties } from '../helpers/records.js';

const CLIENTS = 64;
const OPS_PER_CLIENT = 20;
const LIMIT = 5;

const random = seededRandom;

describe(`${onPostgres() ? 'two Spoke processes on one PostgreSQL database' : 'spoke --workers 2 on one SQLite file'}`, () => {
  let databaseUrl: string;
  let cleanup: () => Promise<void>;
  const processes: SpokeProcess[] = [];
  let apis: Client[];

  before(async () => {
    if (onPostgres()) {
      const fresh = freshDatabaseUrl();
      databaseUrl = fresh.url;
      cleanup = fresh.drop;
      processes.push(await startSpokeProcess(['--port', '0', '--database-url', databaseUrl]));
      processes.push(await startSpokeProcess(['--port', '0', '--database-url', databaseUrl]));
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'spoke-workers-'));
      databaseUrl = join(dir, 'shared.db');
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
      processes.push(
        await startSpokeProcess(['--port', '0', '--database-url', databaseUrl, '--workers', '2']),
      );
    }
    apis = processes.map((p) => client(p.url, 'token', { contract: true }));
  });

  after(async () => {
    for (const p of processes) assert.equal(await p.stop(), 0, p.output());
    await cleanup();
  });

  it('keeps every invariant under 64 concurrent clients', async (t) => {
    const api = apis[0]!;
    const batch = async (type: string, count: number) =>
      (
        await api.post(`/crm/v3/objects/${type}/batch/create`, {
          inputs: Array.from({ length: count }, (_, i) => ({
            properties: namedProperties(type, `${type}-${i}`),
          })),
        })
      ).body.results.map((r: any) => r.id as string);
    const contacts = await batch('contacts', 20);
    const companies = await batch('companies', 20);
    const deals = await batch('deals', 4);
    const label = await api.post('/crm/v4/associations/contacts/companies/labels', {
      label: 'Partner',
      name: 'partner',
    });
    const partner = label.body.results[0].typeId;
    const doomed = (
      await api.post('/crm/v4/associations/contacts/companies/labels', { label: 'Doomed', name: 'doomed' })
    ).body.results[0].typeId;
    const labelSpec = (typeId: number) => ({
      associationCategory: 'USER_DEFINED',
      associationTypeId: typeId,
    });
    const limit = await api.post(
      '/crm/v4/associations/definitions/configurations/deals/contacts/batch/create',
      {
        inputs: [{ category: 'HUBSPOT_DEFINED', typeId: 3, maxToObjectIds: LIMIT }],
      },
    );
    assert.equal(limit.status, 201);

    const statuses = new Map<number, number>();
    let doomedDeleted = false;
    const labelNames = new Set<string>();
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);

    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, clientIndex) => {
        const rand = random(clientIndex + 1);
        const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
        // Alternate instances; on a cluster the primary spreads connections anyway.
        const api = apis[clientIndex % apis.length]!;
        for (let op = 0; op < OPS_PER_CLIENT; op++) {
          const kind = Math.floor(rand() * 10);
          let status: number;
          if (clientIndex === 0 && op % 5 === 4 && !doomedDeleted) {
            // While others keep writing with it: take the Doomed label off every pair, then
            // delete its definition (refused with 400 while any association still uses it).
            const inputs = contacts.flatMap((c: string) =>
              companies.map((m: string) => ({ from: { id: c }, to: { id: m }, types: [labelSpec(doomed)] })),
            );
            count(
              (await api.post('/crm/v4/associations/contacts/companies/batch/labels/archive', { inputs }))
                .status,
            );
            const removal = await api.delete(`/crm/v4/associations/contacts/companies/labels/${doomed}`);
            if (removal.status === 204) doomedDeleted = true;
            count(removal.status);
          }
          if (kind === 0) {
            status = (
              await api.put(
                `/crm/v4/objects/contacts/${pick(contacts)}/associations/default/companies/${pick(companies)}`,
              )
            ).status;
          } else if (kind === 1) {
            const types =
              rand() < 0.4
                ? [labelSpec(partner)]
                : rand() < 0.5
                  ? [labelSpec(doomed)]
                  : [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }];
            status = (
              await api.put(
                `/crm/v4/objects/contacts/${pick(contacts)}/associations/companies/${pick(companies)}`,
                types,
              )
            ).status;
          } else if (kind === 2) {
            const inputs = Array.from({ length: 10 }, () => ({
              from: { id: pick(contacts) },
              to: { id: pick(companies) },
              types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }],
            }));
            status = (await api.post('/crm/v4/associations/contacts/companies/batch/create', { inputs }))
              .status;
          } else if (kind === 3) {
            // Every client races for the same few names: one create per name wins.
            const name = `race_${Math.floor(rand() * 3)}`;
            const r = await api.post('/crm/v4/associations/deals/companies/labels', { label: name, name });
            if (r.status === 200) labelNames.add(name);
            status = r.status;
          } else if (kind === 4) {
            status = (
              await api.put(
                `/crm/v4/objects/deals/${pick(deals)}/associations/default/contacts/${pick(contacts)}`,
              )
            ).status;
          } else if (kind === 5 || kind === 6) {
            status = (
              await api.delete(
                `/crm/v4/objects/contacts/${pick(contacts)}/associations/companies/${pick(companies)}`,
              )
            ).status;
          } else if (kind === 7) {
            const inputs = Array.from({ length: 3 }, () => ({
              from: { id: pick(contacts) },
              to: [{ id: pick(companies) }, { id: pick(companies) }],
            }));
            status = (await api.post('/crm/v4/associations/contacts/companies/batch/archive', { inputs }))
              .status;
          } else {
            const inputs = Array.from({ length: 3 }, () => ({
              from: { id: pick(contacts) },
              to: { id: pick(companies) },
              types: [labelSpec(rand() < 0.5 ? partner : doomed)],
            }));
            status = (
              await api.post('/crm/v4/associations/contacts/companies/batch/labels/archive', { inputs })
            ).status;
          }
          count(status);
        }
      }),
    );

    const unexpected = [...statuses.keys()].filter((s) => ![200, 201, 204, 400, 409].includes(s));
    assert.deepEqual(unexpected, [], `statuses: ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(400) ?? 0) > 0, 'the limit refused some writes');
    assert.ok((statuses.get(409) ?? 0) > 0, 'duplicate label names were refused');
    assert.ok((statuses.get(204) ?? 0) > 0, 'removals ran');
    const operations = [...statuses.values()].reduce((a, b) => a + b, 0);

    // Label type IDs are unique, and each raced name exists once.
    const labels = await api.get('/crm/v4/associations/deals/companies/labels');
    const own = labels.body.results.filter((r: any) => r.category === 'USER_DEFINED');
    assert.deepEqual(own.map((r: any) => r.label).sort(), [...labelNames].sort());
    const allIds = [
      ...own,
      ...(await api.get('/crm/v4/associations/companies/deals/labels')).body.results.filter(
        (r: any) => r.category === 'USER_DEFINED',
      ),
    ].map((r: any) => r.typeId);
    assert.equal(
      new Set([...allIds, partner, partner + 1]).size,
      allIds.length + 2,
      'no type ID was handed out twice',
    );

    // Limits held; at most one Primary company per contact; identical reads on every instance.
    for (const deal of deals) {
      const list = await api.get(`/crm/v4/objects/deals/${deal}/associations/contacts`);
      assert.ok(list.body.results.length <= LIMIT, `deal ${deal} has ${list.body.results.length} contacts`);
    }
    for (const contact of contacts) {
      const reads = await Promise.all(
        apis.map((a) => a.get(`/crm/v4/objects/contacts/${contact}/associations/companies`)),
      );
      for (const read of reads.slice(1)) assert.deepEqual(read.body, reads[0]!.body);
      const ids = reads[0]!.body.results.map((r: any) => r.toObjectId);
      assert.equal(new Set(ids).size, ids.length, 'no record appears twice');
      const primaries = reads[0]!.body.results.filter((r: any) =>
        r.associationTypes.some((t: any) => t.category === 'HUBSPOT_DEFINED' && t.typeId === 1),
      );
      assert.ok(primaries.length <= 1, `contact ${contact} has ${primaries.length} primary companies`);
      if (doomedDeleted) {
        const orphans = reads[0]!.body.results.filter((r: any) =>
          r.associationTypes.some((t: any) => t.category === 'USER_DEFINED' && t.typeId === doomed),
        );
        assert.deepEqual(orphans, [], `contact ${contact} keeps the deleted label ${doomed}`);
      }
    }

    // The store itself: inverses, unlabeled types, limits, no dangling rows.
    const store = await createStore(databaseUrl);
    try {
      const report = await checkIntegrity(store, new ObjectTypeResolver(store));
      assert.deepEqual(report.problems, []);
      assert.ok(report.associations > 100, `${report.associations} association rows`);
      t.diagnostic(
        `${operations} concurrent operations from ${CLIENTS} clients on ${processes.length === 1 ? 'a 2-worker cluster' : '2 processes'}` +
          ` (the contested label ${doomedDeleted ? 'was deleted' : 'stayed in use'}); ` +
          `statuses ${JSON.stringify([...statuses].sort())}; ${report.associations} rows checked, 0 problems`,
      );
    } finally {
      await store.close();
    }
  });
});
