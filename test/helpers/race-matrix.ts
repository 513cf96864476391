/**
 * The race matrix (used by test/concurrency/race-matrix*.test.ts): every pair of write operations (each with itself too), run at the same
 * time on a fresh portal, then every invariant checked with `spoke check` and through the
 * API. On the PostgreSQL pass it runs on one instance and on two instances sharing the
 * database; on the SQLite pass on `spoke --workers 2` sharing one file.
 *
 *   MATRIX_ROUNDS=5 MATRIX_SEED=7 node scripts/run-tests.mjs test/concurrency/race-matrix
 *
 * Rounds per pair (default 1; each round runs both operations twice, four requests at
 * once), the seed, and how many pairs run at once (MATRIX_PARALLEL, default 8) are
 * configurable; MATRIX_ONLY="stage delete,owner archive" runs only the pairs with those
 * operations. Seeded: a failing pair names its seed and repeats with it.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { seededRandom } from './random.js';
import { client, type Client, type HttpResult } from './http.js';
import { CATALOG_OPS, catalogExpectation, checkCatalog, type Expectation } from './race-matrix-catalog.js';

const ROUNDS = Number(process.env.MATRIX_ROUNDS ?? 1);
const SEED = Number(process.env.MATRIX_SEED ?? 1);
const PARALLEL = Number(process.env.MATRIX_PARALLEL ?? 8);
/** Only the pairs with one of these operations (a comma-separated list), while working on them. */
const ONLY = process.env.MATRIX_ONLY?.split(',');

const random = seededRandom;

/** The starting state of each pair's portal (HubSpot default properties only). */
const WORLD = {
  schemas: [
    {
      name: 'cars',
      labels: { singular: 'Car', plural: 'Cars' },
      primaryDisplayProperty: 'model',
      requiredProperties: ['model'],
      associatedObjects: ['CONTACT'],
      properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }],
    },
  ],
  labels: [
    { from: 'contacts', to: 'companies', name: 'boss', label: 'Boss', inverseLabel: 'Staff' },
    { from: 'deals', to: 'contacts', name: 'approver', label: 'Approver', inverseLabel: 'Approves' },
  ],
  records: {
    contacts: [0, 1, 2, 3].map((i) => ({
      key: `c${i}`,
      properties: { email: `c${i}@matrix.example`, firstname: `C${i}` },
    })),
    companies: [0, 1, 2].map((i) => ({
      key: `m${i}`,
      properties: { name: `M${i}`, domain: `m${i}.example` },
    })),
    deals: [0, 1].map((i) => ({
      key: `d${i}`,
      properties: { dealname: `D${i}`, pipeline: 'default', dealstage: 'appointmentscheduled' },
    })),
    p_cars: [{ key: 'car0', properties: { model: 'T' } }],
  },
  // The catalog the catalog operations race on: a property with options, a pipeline whose
  // stages can be deleted, owners that can be archived.
  properties: {
    contacts: [
      {
        name: 'tier',
        label: 'Tier',
        type: 'enumeration',
        fieldType: 'select',
        groupName: 'contactinformation',
        options: [
          { label: 'Gold', value: 'gold', hidden: false },
          { label: 'Silver', value: 'silver', hidden: false },
        ],
      },
    ],
  },
  pipelines: {
    deals: [
      {
        pipelineId: 'partners',
        label: 'Partners',
        displayOrder: 1,
        stages: [
          { stageId: 'found', label: 'Found', displayOrder: 0, metadata: { probability: 0.1 } },
          { stageId: 'signed', label: 'Signed', displayOrder: 1, metadata: { probability: 1 } },
          { stageId: 'spare', label: 'Spare', displayOrder: 2, metadata: { probability: 0.5 } },
        ],
      },
    ],
  },
  owners: [{ email: 'o0@matrix.example' }, { email: 'o1@matrix.example' }],
  associations: [
    { from: 'c0', to: 'm0', types: ['primary', 'boss'] },
    { from: 'c1', to: 'm0' },
    { from: 'd0', to: 'c0' },
    { from: 'd0', to: 'c1', types: ['approver'] },
    { from: 'car0', to: 'c0' },
  ],
  limits: [
    { from: 'deals', to: 'contacts', type: 'unlabeled', max: 3 },
    { from: 'deals', to: 'contacts', type: 'approver', max: 2 },
  ],
};

export interface World {
  portalId: number;
  token: string;
  contacts: string[];
  companies: string[];
  deals: string[];
  car: string;
  carType: string;
  boss: number;
  approver: number;
  /** The unlabeled type from cars to contacts. */
  carToContact: number;
  owners: string[];
}

export interface Context {
  /** The instance this operation goes to: the portal's client and the admin client. */
  api: Client;
  admin: Client;
  world: World;
  pick<T>(list: readonly T[]): T;
  n: number;
  /** What the operation chose, for the check of its outcome (race-matrix-catalog.ts). */
  note: Record<string, string>;
}

export type Op = (c: Context) => Promise<HttpResult>;
const spec = (category: string, typeId: number) => ({
  associationCategory: category,
  associationTypeId: typeId,
});

const OPS: Record<string, Op> = {
  'PUT default v4': (c) =>
    c.api.put(
      `/crm/v4/objects/contacts/${c.pick(c.world.contacts)}/associations/default/companies/${c.pick(c.world.companies)}`,
    ),
  'PUT default 2026-03': (c) =>
    c.api.put(
      `/crm/objects/2026-03/deals/${c.pick(c.world.deals)}/associations/default/contacts/${c.pick(c.world.contacts)}`,
    ),
  'PUT labeled v4': (c) =>
    c.api.put(
      `/crm/v4/objects/contacts/${c.pick(c.world.contacts)}/associations/companies/${c.pick(c.world.companies)}`,
      [c.pick([spec('USER_DEFINED', c.world.boss), spec('HUBSPOT_DEFINED', 1)])],
    ),
  'PUT labeled 2025-09': (c) =>
    c.api.put(
      `/crm/objects/2025-09/deals/${c.pick(c.world.deals)}/associations/contacts/${c.pick(c.world.contacts)}`,
      [spec('USER_DEFINED', c.world.approver)],
    ),
  'batch create': (c) =>
    c.api.post('/crm/v4/associations/contacts/companies/batch/create', {
      inputs: Array.from({ length: 3 }, () => ({
        from: { id: c.pick(c.world.contacts) },
        to: { id: c.pick(c.world.companies) },
        types: [
          c.pick([
            spec('USER_DEFINED', c.world.boss),
            spec('HUBSPOT_DEFINED', 1),
            spec('HUBSPOT_DEFINED', 279),
          ]),
        ],
      })),
    }),
  'batch associate default': (c) =>
    c.api.post('/crm/associations/2026-03/deals/contacts/batch/associate/default', {
      inputs: Array.from({ length: 3 }, () => ({
        from: { id: c.pick(c.world.deals) },
        to: { id: c.pick(c.world.contacts) },
      })),
    }),
  'batch archive': (c) =>
    c.api.post('/crm/v4/associations/deals/contacts/batch/archive', {
      inputs: [
        {
          from: { id: c.pick(c.world.deals) },
          to: [{ id: c.pick(c.world.contacts) }, { id: c.pick(c.world.contacts) }],
        },
      ],
    }),
  'batch labels archive': (c) =>
    c.api.post('/crm/v4/associations/contacts/companies/batch/labels/archive', {
      inputs: [
        {
          from: { id: c.pick(c.world.contacts) },
          to: { id: c.pick(c.world.companies) },
          types: [spec('USER_DEFINED', c.world.boss)],
        },
      ],
    }),
  'label create': (c) =>
    c.api.post('/crm/v4/associations/contacts/companies/labels', {
      name: c.pick(['la', 'lb', 'lc']),
      label: `Label ${c.n}`,
    }),
  'label update': (c) =>
    c.api.put('/crm/v4/associations/contacts/companies/labels', {
      associationTypeId: c.world.boss,
      label: `Boss ${c.n}`,
      inverseLabel: `Staff ${c.n}`,
    }),
  'label delete': (c) =>
    c.pick([
      () => c.api.delete(`/crm/v4/associations/contacts/companies/labels/${c.world.boss}`),
      () => c.api.delete(`/crm/v4/associations/deals/contacts/labels/${c.world.approver}`),
    ])(),
  'limit create': (c) =>
    c.api.post('/crm/v4/associations/definitions/configurations/deals/contacts/batch/create', {
      inputs: [
        c.pick([
          { category: 'HUBSPOT_DEFINED', typeId: 3, maxToObjectIds: c.pick([1, 2, 4]) },
          { category: 'USER_DEFINED', typeId: c.world.approver, maxToObjectIds: c.pick([1, 3]) },
        ]),
      ],
    }),
  'limit update': (c) =>
    c.api.post('/crm/v4/associations/definitions/configurations/deals/contacts/batch/update', {
      inputs: [
        c.pick([
          { category: 'HUBSPOT_DEFINED', typeId: 3, maxToObjectIds: c.pick([1, 2, 4]) },
          { category: 'USER_DEFINED', typeId: c.world.approver, maxToObjectIds: c.pick([1, 3]) },
        ]),
      ],
    }),
  'limit delete': (c) =>
    c.api.post('/crm/v4/associations/definitions/configurations/deals/contacts/batch/purge', {
      inputs: [
        c.pick([
          { category: 'HUBSPOT_DEFINED', typeId: 3 },
          { category: 'USER_DEFINED', typeId: c.world.approver },
        ]),
      ],
    }),
  'create with associations': (c) =>
    c.api.post('/crm/v3/objects/contacts', {
      properties: { email: `new${c.n}@matrix.example` },
      associations: [
        { to: { id: c.pick(c.world.companies) }, types: [spec('HUBSPOT_DEFINED', 279)] },
        { to: { id: c.pick(c.world.companies) }, types: [spec('USER_DEFINED', c.world.boss)] },
        { to: { id: c.pick(c.world.deals) }, types: [spec('HUBSPOT_DEFINED', 4)] },
      ],
    }),
  archive: (c) => c.api.delete(`/crm/v3/objects/contacts/${c.pick(c.world.contacts)}`),
  restore: (c) =>
    c.admin.post(`/_spoke/portals/${c.world.portalId}/objects/contacts/${c.pick(c.world.contacts)}/restore`),
  'merge A into B': (c) =>
    c.api.post('/crm/v3/objects/contacts/merge', {
      primaryObjectId: c.world.contacts[1],
      objectIdToMerge: c.world.contacts[0],
    }),
  'merge B into A': (c) =>
    c.api.post('/crm/v3/objects/contacts/merge', {
      primaryObjectId: c.world.contacts[0],
      objectIdToMerge: c.world.contacts[1],
    }),
  'GDPR delete': (c) =>
    c.api.post('/crm/v3/objects/contacts/gdpr-delete', { objectId: c.pick(c.world.contacts) }),
  'schema create': (c) =>
    c.api.post('/crm-object-schemas/v3/schemas', {
      name: c.pick(['boats', 'planes']),
      labels: { singular: 'Thing', plural: 'Things' },
      requiredProperties: [],
      associatedObjects: ['CONTACT', 'COMPANY'],
      properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }],
    }),
  'schema archive': async (c) => {
    await c.api.delete(`/crm/v3/objects/${c.world.carType}/${c.world.car}`);
    return c.api.delete(`/crm-object-schemas/v3/schemas/${c.world.carType}`);
  },
  'schema purge': (c) => c.api.delete(`/crm-object-schemas/v3/schemas/${c.world.carType}?archived=true`),
  'custom record create': (c) =>
    c.api.post(`/crm/v3/objects/${c.world.carType}`, {
      properties: { model: `M${c.n}` },
      associations: [
        { to: { id: c.pick(c.world.contacts) }, types: [spec('USER_DEFINED', c.world.carToContact)] },
      ],
    }),
  'portal create': (c) => c.admin.post('/_spoke/portals', { token: `matrix-${c.world.portalId}-${c.n % 2}` }),
  ...CATALOG_OPS,
  import: async (c) => {
    const exported = await c.admin.get(`/_spoke/portals/${c.world.portalId}/export`);
    return c.admin.post(`/_spoke/portals/${c.world.portalId}/import`, exported.body);
  },
};

const ALLOWED = new Set([200, 201, 204, 207, 400, 404, 409]);

export interface Instance {
  url: string;
  /** Check responses against HubSpot's spec in the client (servers in another process). */
  contract?: boolean;
}

const clientOf = (instance: Instance, token?: string) =>
  client(instance.url, token, { contract: instance.contract ?? false });

interface Figures {
  pairs: number;
  rounds: number;
  operations: number;
  checks: number;
  problems: string[];
}

/** Seeds a fresh portal with the world and reads back what the fixture keys became. */
async function newWorld(admin: Client): Promise<World> {
  const created = await admin.post('/_spoke/portals', {});
  assert.equal(created.status, 201, created.text);
  const { portalId, token } = created.body;
  const seeded = await admin.post(`/_spoke/portals/${portalId}/seed`, WORLD);
  assert.equal(seeded.status, 200, seeded.text);
  const doc = (await admin.get(`/_spoke/portals/${portalId}/export`)).body;
  const key = (k: string) => doc.fixtureKeys[k] as string;
  const label = (name: string, from: string) =>
    doc.labels.find((l: any) => l.name === name && l.fromObjectTypeId === from).typeId as number;
  return {
    portalId,
    token,
    contacts: [0, 1, 2, 3].map((i) => key(`c${i}`)),
    companies: [0, 1, 2].map((i) => key(`m${i}`)),
    deals: [0, 1].map((i) => key(`d${i}`)),
    car: key('car0'),
    carType: doc.schemas[0].objectTypeId,
    boss: label('boss', '0-1'),
    approver: label('approver', '0-3'),
    carToContact: doc.labels.find(
      (l: any) => l.fromObjectTypeId === doc.schemas[0].objectTypeId && l.label === null,
    ).typeId,
    owners: doc.catalog
      .filter((r: any) => r.kind === 'owner')
      .map((r: any) => r.key)
      .sort(),
  };
}

/** Every invariant, through `spoke check` and the API; returns the problems found and how many checks ran. */
async function checkWorld(
  instances: Instance[],
  world: World,
  expectations: readonly Expectation[],
): Promise<{ problems: string[]; checks: number }> {
  const problems: string[] = [];
  let checks = 0;
  const expect = (ok: boolean, problem: string) => {
    checks++;
    if (!ok) problems.push(problem);
  };
  const admin = clientOf(instances[0]!);
  const api = clientOf(instances[0]!, world.token);
  const report = await admin.get(`/_spoke/check?portal=${world.portalId}`);
  expect(report.status === 200, `check answered ${report.status}`);
  for (const p of report.body.problems ?? []) problems.push(`spoke check: ${p.kind}: ${p.detail}`);
  checks++;

  const labels = await api.get('/crm/v4/associations/contacts/companies/labels');
  const own = labels.body.results.filter((l: any) => l.category === 'USER_DEFINED' && l.label !== null);
  expect(own.length <= 10, `${own.length} labels between contacts and companies`);
  // Every type the portal defines now, from its export (any pair, either direction).
  const exported = await admin.get(`/_spoke/portals/${world.portalId}/export`);
  const knownTypes = new Set(exported.body.labels.map((l: any) => l.typeId));
  const config = await api.get('/crm/v4/associations/definitions/configurations/deals/contacts');
  const limitOf = (typeId: number) =>
    config.body.results.find((l: any) => l.typeId === typeId)?.userEnforcedMaxToObjectIds as
      number | undefined;
  const unlabeledLimit = limitOf(3);
  const approverLimit = limitOf(world.approver);
  if (unlabeledLimit !== undefined && approverLimit !== undefined)
    expect(
      approverLimit <= unlabeledLimit,
      `approver limit ${approverLimit} > unlabeled limit ${unlabeledLimit}`,
    );

  for (const deal of world.deals) {
    const list = await api.get(`/crm/v4/objects/deals/${deal}/associations/contacts?limit=500`);
    if (list.status !== 200) continue;
    if (unlabeledLimit !== undefined)
      expect(
        list.body.results.length <= unlabeledLimit,
        `deal ${deal}: ${list.body.results.length} contacts, limit ${unlabeledLimit}`,
      );
    const approvers = list.body.results.filter((r: any) =>
      r.associationTypes.some((t: any) => t.typeId === world.approver),
    );
    if (approverLimit !== undefined)
      expect(
        approvers.length <= approverLimit,
        `deal ${deal}: ${approvers.length} approvers, limit ${approverLimit}`,
      );
    for (const r of list.body.results)
      for (const t of r.associationTypes)
        if (t.category === 'USER_DEFINED')
          expect(knownTypes.has(t.typeId), `deal ${deal}: type ${t.typeId} was deleted`);
  }
  for (const contact of world.contacts) {
    const list = await api.get(`/crm/v4/objects/contacts/${contact}/associations/companies?limit=500`);
    if (list.status !== 200) continue;
    const primaries = list.body.results.filter((r: any) =>
      r.associationTypes.some((t: any) => t.typeId === 1),
    );
    expect(primaries.length <= 1, `contact ${contact} has ${primaries.length} Primary companies`);
    for (const r of list.body.results)
      for (const t of r.associationTypes) {
        if (t.category === 'USER_DEFINED')
          expect(knownTypes.has(t.typeId), `contact ${contact}: type ${t.typeId} was deleted`);
        expect(
          r.associationTypes.some((u: any) => u.category === 'HUBSPOT_DEFINED' && u.typeId === 279),
          `contact ${contact} → ${r.toObjectId}: no unlabeled type`,
        );
      }
  }
  // Both instances read the same.
  for (const instance of instances.slice(1)) {
    const other = clientOf(instance, world.token);
    const mine = await api.get(`/crm/v4/objects/deals/${world.deals[0]}/associations/contacts?limit=500`);
    const theirs = await other.get(`/crm/v4/objects/deals/${world.deals[0]}/associations/contacts?limit=500`);
    expect(
      JSON.stringify(mine.body) === JSON.stringify(theirs.body),
      'the instances read different associations',
    );
    const myLabels = await other.get('/crm/v4/associations/contacts/companies/labels');
    expect(
      JSON.stringify(myLabels.body) === JSON.stringify(labels.body),
      'the instances read different labels',
    );
  }
  await checkCatalog(api, expectations, expect);
  return { problems, checks };
}

export async function runMatrix(instances: Instance[]): Promise<Figures> {
  const names = Object.keys(OPS);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < names.length; i++)
    for (let j = i; j < names.length; j++)
      if (!ONLY || ONLY.includes(names[i]!) || ONLY.includes(names[j]!)) pairs.push([names[i]!, names[j]!]);
  const figures: Figures = { pairs: pairs.length, rounds: 0, operations: 0, checks: 0, problems: [] };
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < pairs.length; index = next++) {
      const [first, second] = pairs[index]!;
      const seed = SEED * 100_003 + index;
      const rand = random(seed);
      const admin = clientOf(instances[0]!);
      const world = await newWorld(admin);
      const expectations: Expectation[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const runs = [first, second, first, second].map((name, k) => {
          const instance = instances[k % instances.length]!;
          const context: Context = {
            api: clientOf(instance, world.token),
            admin: clientOf(instance),
            world,
            pick: (list) => list[Math.floor(rand() * list.length)]!,
            n: index * 100 + round * 4 + k,
            note: {},
          };
          return OPS[name]!(context).then((r) => ({ name, r, context }));
        });
        for (const { name, r, context } of await Promise.all(runs)) {
          figures.operations++;
          // An import puts back an earlier export: what the other operation did may be gone.
          const expectation =
            first === 'import' || second === 'import' ? undefined : catalogExpectation(name, r, context);
          if (expectation) expectations.push(expectation);
          if (!ALLOWED.has(r.status))
            figures.problems.push(
              `${first} × ${second} (seed ${seed}): ${name} answered ${r.status} ${r.text.slice(0, 300)}`,
            );
        }
        figures.rounds++;
      }
      const { problems, checks } = await checkWorld(instances, world, expectations);
      figures.checks += checks;
      for (const p of problems) figures.problems.push(`${first} × ${second} (seed ${seed}): ${p}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return figures;
}

export function reportFigures(
  t: { diagnostic(message: string): void },
  what: string,
  figures: Figures,
  ms: number,
) {
  t.diagnostic(
    `${what}: ${Object.keys(OPS).length} operations, ${figures.pairs} pairs × ${ROUNDS} round(s) = ${figures.rounds} rounds, ` +
      `${figures.operations} requests, ${figures.checks} invariant checks, ${figures.problems.length} problems, ${(ms / 1000).toFixed(1)} s (seed ${SEED})`,
  );
  if (figures.problems.length > 0 && process.env.MATRIX_PROBLEMS)
    writeFileSync(process.env.MATRIX_PROBLEMS, figures.problems.join('\n'));
  assert.deepEqual(figures.problems.slice(0, 20), [], `${figures.problems.length} problems`);
}
