/**
 * The race matrix's catalog operations (test/helpers/race-matrix.ts): property create, update
 * and archive, pipeline stage delete and owner archive, and the record writes that use what
 * they change. After each pair, the catalog invariants:
 *  - every live deal is in a live pipeline, at a live stage of it (a stage in use cannot be
 *    deleted, and a write cannot move a deal to a stage being deleted);
 *  - a record holds an archived owner only if the write that assigned it came before the
 *    archive (decision D28): the assignment's history entry is no later than the archive;
 *  - no lost catalog update: what a catalog write answered success for is there afterwards.
 */
import type { Client, HttpResult } from './http.js';
import type { Context, Op } from './race-matrix.js';

/** A check of one operation's outcome, run after the pair; answers a problem or undefined. */
export type Expectation = (api: Client) => Promise<string | undefined>;

const TIER_OPTIONS = [
  [
    { label: 'Gold', value: 'gold', hidden: false },
    { label: 'Silver', value: 'silver', hidden: false },
  ],
  [
    { label: 'Gold', value: 'gold', hidden: false },
    { label: 'Silver', value: 'silver', hidden: false },
    { label: 'Bronze', value: 'bronze', hidden: false },
  ],
];

export const CATALOG_OPS: Record<string, Op> = {
  'property create': (c) => {
    c.note.name = c.pick(['pa', 'pb']);
    return c.api.post('/crm/v3/properties/contacts', {
      name: c.note.name,
      label: `P ${c.n}`,
      type: 'string',
      fieldType: 'text',
      groupName: 'contactinformation',
    });
  },
  'property update': (c) =>
    c.api.patch('/crm/v3/properties/contacts/tier', { label: `Tier ${c.n}`, options: c.pick(TIER_OPTIONS) }),
  'property archive': (c) => c.api.delete('/crm/v3/properties/contacts/tier'),
  'contact catalog write': (c) =>
    c.api.patch(`/crm/v3/objects/contacts/${c.pick(c.world.contacts)}`, {
      properties: {
        tier: c.pick(['gold', 'silver', 'bronze']),
        hubspot_owner_id: c.pick(c.world.owners),
        ...(c.pick([true, false]) && { pa: `v${c.n}` }),
      },
    }),
  'deal stage move': (c) =>
    c.api.patch(`/crm/v3/objects/deals/${c.pick(c.world.deals)}`, {
      properties: { pipeline: 'partners', dealstage: c.pick(['found', 'signed', 'spare']) },
    }),
  'stage delete': (c) => {
    c.note.stage = c.pick(['found', 'spare']);
    return c.api.delete(`/crm/v3/pipelines/deals/partners/stages/${c.note.stage}`);
  },
  'owner archive': (c) => {
    c.note.owner = c.pick(c.world.owners);
    return c.admin.delete(`/_spoke/portals/${c.world.portalId}/owners/${c.note.owner}`);
  },
};

/** What must hold after the pair, given what the operation answered (undefined: nothing to check). */
export function catalogExpectation(name: string, r: HttpResult, c: Context): Expectation | undefined {
  switch (name) {
    case 'property create': {
      if (r.status !== 201) return undefined;
      const property = c.note.name!;
      return async (api) => {
        const live = await api.get(`/crm/v3/properties/contacts/${property}`);
        const archived = await api.get(`/crm/v3/properties/contacts/${property}?archived=true`);
        return live.status === 200 || archived.status === 200
          ? undefined
          : `property ${property} was created (201) and is gone`;
      };
    }
    case 'property update': {
      if (r.status !== 200) return undefined;
      const label = r.body.label as string;
      return async (api) => {
        const now = await api.get('/crm/v3/properties/contacts/tier?archived=true');
        const live = now.status === 200 ? now : await api.get('/crm/v3/properties/contacts/tier');
        return live.status === 200 && !/^Tier \d+$/.test(live.body.label)
          ? `tier's label ${live.body.label} lost the update to ${label}`
          : undefined;
      };
    }
    case 'property archive':
      if (r.status !== 204) return undefined;
      return async (api) =>
        (await api.get('/crm/v3/properties/contacts/tier')).status === 404
          ? undefined
          : 'tier was archived (204) and is live';
    case 'stage delete': {
      if (r.status !== 204) return undefined;
      const stage = c.note.stage!;
      return async (api) => {
        const pipeline = await api.get('/crm/v3/pipelines/deals/partners');
        return pipeline.body.stages?.some((s: { id: string }) => s.id === stage)
          ? `stage ${stage} was deleted (204) and is live`
          : undefined;
      };
    }
    case 'owner archive': {
      if (r.status !== 204) return undefined;
      const owner = c.note.owner!;
      return async (api) =>
        (await api.get(`/crm/v3/owners/${owner}`)).status === 404
          ? undefined
          : `owner ${owner} was archived (204) and is live`;
    }
    default:
      return undefined;
  }
}

/** The catalog invariants, and each operation's expectation, each through `expect`. */
export async function checkCatalog(
  api: Client,
  expectations: readonly Expectation[],
  expect: (ok: boolean, problem: string) => void,
): Promise<void> {
  const pipelines = (await api.get('/crm/v3/pipelines/deals')).body.results as Array<{
    id: string;
    stages: Array<{ id: string }>;
  }>;
  const deals = await api.get('/crm/v3/objects/deals?limit=100&properties=pipeline,dealstage');
  for (const deal of deals.body.results ?? []) {
    const { pipeline, dealstage } = deal.properties;
    const live = pipelines.find((p) => p.id === pipeline);
    expect(live !== undefined, `deal ${deal.id} is in pipeline ${pipeline}, which is not live`);
    if (live && dealstage)
      expect(
        live.stages.some((s) => s.id === dealstage),
        `deal ${deal.id} is at stage ${dealstage}, which ${pipeline} no longer has`,
      );
  }
  const archived = new Map<string, number>(
    (await api.get('/crm/v3/owners?archived=true&limit=100')).body.results.map(
      (o: { id: string; updatedAt: string }) => [o.id, Date.parse(o.updatedAt)],
    ),
  );
  if (archived.size > 0) {
    const contacts = await api.get('/crm/v3/objects/contacts?limit=100&properties=hubspot_owner_id');
    for (const contact of contacts.body.results ?? []) {
      const archivedAt = archived.get(contact.properties.hubspot_owner_id);
      if (archivedAt === undefined) continue;
      const read = await api.get(
        `/crm/v3/objects/contacts/${contact.id}?propertiesWithHistory=hubspot_owner_id`,
      );
      const history = (read.body.propertiesWithHistory?.hubspot_owner_id ?? []) as Array<{
        value: string;
        timestamp: string;
      }>;
      // The entry that set the value it holds now: the newest one.
      const newest = history.reduce<{ value: string; timestamp: string } | undefined>(
        (a, b) => (a === undefined || Date.parse(b.timestamp) > Date.parse(a.timestamp) ? b : a),
        undefined,
      );
      expect(
        newest !== undefined && Date.parse(newest.timestamp) <= archivedAt,
        `contact ${contact.id} was given owner ${contact.properties.hubspot_owner_id} at ${newest?.timestamp}, after its archive at ${new Date(archivedAt).toISOString()}`,
      );
    }
  }
  for (const expectation of expectations) {
    const problem = await expectation(api);
    expect(problem === undefined, problem ?? '');
  }
}
