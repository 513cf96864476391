/**
 * A small portal with something for every view of the web UI, made through the API: two
 * contacts and two companies with a Primary, a label and a limit between them, a deal, a
 * ticket, a property changed once (history), and a "hub" company with `hubContacts`
 * contacts. Only HubSpot's default properties are used.
 */
import assert from 'node:assert/strict';
import type { Client } from './http.js';

export interface UiPortal {
  readonly ada: string;
  readonly grace: string;
  readonly acme: string;
  readonly globex: string;
  readonly hub: string;
  readonly deal: string;
  readonly ticket: string;
  readonly hubContacts: string[];
  /** The "Decision maker" label, contacts → companies. */
  readonly labelTypeId: number;
}

async function created(api: Client, type: string, properties: Record<string, string>): Promise<string> {
  const r = await api.post(`/crm/v3/objects/${type}`, { properties });
  assert.equal(r.status, 201, `create ${type}: ${r.text}`);
  return r.body.id;
}

export async function buildUiPortal(api: Client, hubContacts = 30): Promise<UiPortal> {
  const ada = await created(api, 'contacts', {
    email: 'ada@example.com',
    firstname: 'Ada',
    lastname: 'Lovelace',
  });
  const grace = await created(api, 'contacts', {
    email: 'grace@example.com',
    firstname: 'Grace',
    lastname: 'Hopper',
  });
  const acme = await created(api, 'companies', { name: 'Acme', domain: 'acme.example' });
  const globex = await created(api, 'companies', { name: 'Globex', domain: 'globex.example' });
  const hub = await created(api, 'companies', { name: 'Hub', domain: 'hub.example' });
  const deal = await created(api, 'deals', {
    dealname: 'Big deal',
    amount: '5000',
    pipeline: 'default',
    dealstage: 'appointmentscheduled',
  });
  const ticket = await created(api, 'tickets', {
    subject: 'Printer on fire',
    content: 'It is on fire',
    hs_pipeline: '0',
    hs_pipeline_stage: '1',
  });

  const label = await api.post('/crm/v4/associations/contacts/companies/labels', {
    label: 'Decision maker',
    inverseLabel: 'Decided by',
    name: 'decision_maker',
  });
  assert.equal(label.status, 200, label.text);
  const labelTypeId: number = label.body.results.find((r: any) => r.label === 'Decision maker').typeId;
  const limit = await api.post(
    '/crm/v4/associations/definitions/configurations/contacts/companies/batch/create',
    {
      inputs: [{ category: 'HUBSPOT_DEFINED', typeId: 279, maxToObjectIds: 2 }],
    },
  );
  assert.equal(limit.status, 201, limit.text);

  const labeled = await api.put(`/crm/v4/objects/contacts/${ada}/associations/companies/${acme}`, [
    { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 },
    { associationCategory: 'USER_DEFINED', associationTypeId: labelTypeId },
  ]);
  assert.equal(labeled.status, 201, labeled.text);
  for (const [from, fromType, to, toType] of [
    [ada, 'contacts', globex, 'companies'],
    [grace, 'contacts', acme, 'companies'],
    [deal, 'deals', acme, 'companies'],
    [ticket, 'tickets', ada, 'contacts'],
  ] as const) {
    const r = await api.put(`/crm/v4/objects/${fromType}/${from}/associations/default/${toType}/${to}`);
    assert.equal(r.status, 200, r.text);
  }
  const patched = await api.patch(`/crm/v3/objects/contacts/${ada}`, {
    properties: { firstname: 'Augusta Ada' },
  });
  assert.equal(patched.status, 200, patched.text);

  const members: string[] = [];
  for (let start = 0; start < hubContacts; start += 100) {
    const inputs = [];
    for (let i = start; i < Math.min(start + 100, hubContacts); i++)
      inputs.push({
        properties: { email: `member${i}@hub.example`, firstname: 'Member', lastname: String(i) },
      });
    const r = await api.post('/crm/v3/objects/contacts/batch/create', { inputs });
    assert.equal(r.status, 201, r.text);
    members.push(...r.body.results.map((x: any) => x.id));
  }
  members.sort((a, b) => Number(a) - Number(b));
  for (let start = 0; start < members.length; start += 2000) {
    const r = await api.post('/crm/v4/associations/companies/contacts/batch/associate/default', {
      inputs: members.slice(start, start + 2000).map((id) => ({ from: { id: hub }, to: { id } })),
    });
    assert.equal(r.status, 200, r.text);
  }
  return { ada, grace, acme, globex, hub, deal, ticket, hubContacts: members, labelTypeId };
}
