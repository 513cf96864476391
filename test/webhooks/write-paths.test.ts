/**
 * Every event type from every write path, delivered to a real receiver on loopback: batch
 * creates, updates and archives, single writes, association writes (one associationChange
 * per side, with associationType, isPrimaryAssociation and associationRemoved), merge, GDPR
 * delete, restore and import, each with its changeSource and sourceId.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const WATCHED: Record<string, string> = {
  contact: 'email',
  company: 'name',
  deal: 'dealname',
  ticket: 'subject',
};

describe('webhook events from every write path', () => {
  let server: TestServer;
  let admin: Client;
  let receiver: Receiver;
  let api: Client;
  let portalId: number;
  let appId: number;

  before(async () => {
    server = await startTestServer({ webhooks: { paused: true } });
    admin = client(server.url);
    receiver = await startReceiver();
    const portal = await admin.post('/_spoke/portals', {});
    portalId = portal.body.portalId;
    api = client(server.url, portal.body.token);
    const subscriptions = Object.entries(WATCHED).flatMap(([object, property]) => [
      ...['creation', 'deletion', 'merge', 'restore', 'associationChange'].map((a) => ({
        eventType: `${object}.${a}`,
        active: true,
      })),
      { eventType: `${object}.propertyChange`, propertyName: property, active: true },
    ]);
    const seeded = await admin.post(`/_spoke/portals/${portalId}/seed`, {
      apps: [
        {
          targetUrl: receiver.url,
          subscriptions: [...subscriptions, { eventType: 'contact.privacyDeletion', active: true }],
        },
      ],
    });
    assert.equal(seeded.status, 200, seeded.text);
    appId = (await admin.get(`/_spoke/webhooks/apps?portalId=${portalId}`)).body.results[0].appId;
  });
  after(async () => {
    await receiver.close();
    await server.close();
  });

  /** Runs `write`, delivers, and returns the events it sent, in eventId order. */
  async function eventsOf(write: () => Promise<unknown>) {
    const from = receiver.received.length;
    await write();
    const flushed = await admin.post('/_spoke/webhooks/flush', {});
    assert.equal(flushed.status, 200, flushed.text);
    return receiver.received
      .slice(from)
      .flatMap((r) => r.events)
      .sort((a, b) => a.eventId - b.eventId);
  }

  /** An event in short: type, object, and the fields that tell events of a type apart. */
  const short = (e: Record<string, any>) =>
    [
      e.subscriptionType,
      e.objectId,
      e.propertyName && `${e.propertyName}=${e.propertyValue}`,
      e.associationType && `${e.associationType}:${e.fromObjectId}->${e.toObjectId}`,
      e.associationType && (e.associationRemoved ? 'removed' : 'added'),
      e.associationType && (e.isPrimaryAssociation ? 'primary' : 'plain'),
      e.mergedObjectIds && `merged ${e.mergedObjectIds.join(',')}`,
    ]
      .filter((x) => x !== undefined && x !== null && x !== '')
      .join(' ');
  const shortAll = (events: Array<Record<string, any>>) => events.map(short).sort();

  async function ok(r: Promise<{ status: number; text: string; body: any }>, status: number) {
    const response = await r;
    assert.equal(response.status, status, response.text);
    return response.body;
  }

  it('sends each event type with HubSpot’s fields', async () => {
    let contacts: string[] = [];
    let companies: string[] = [];
    let events = await eventsOf(async () => {
      const c = await ok(
        api.post('/crm/v3/objects/contacts/batch/create', {
          inputs: [
            { properties: { email: 'a@example.com' } },
            { properties: { email: 'b@example.com', firstname: 'B' } },
          ],
        }),
        201,
      );
      contacts = c.results.map((r: any) => r.id).sort();
      const co = await ok(
        api.post('/crm/v3/objects/companies/batch/create', {
          inputs: [{ properties: { name: 'Acme' } }, { properties: { name: 'Globex' } }],
        }),
        201,
      );
      companies = co.results.map((r: any) => r.id).sort();
    });
    const [c1, c2] = contacts.map(Number) as [number, number];
    const [co1, co2] = companies.map(Number) as [number, number];
    const emails = new Map(
      (await ok(api.get(`/crm/v3/objects/contacts?limit=10`), 200)).results.map((r: any) => [
        Number(r.id),
        r.properties.email,
      ]),
    );
    assert.deepEqual(
      shortAll(events),
      [
        `company.creation ${co1}`,
        `company.creation ${co2}`,
        `company.propertyChange ${co1} name=Acme`,
        `company.propertyChange ${co2} name=Globex`,
        `contact.creation ${c1}`,
        `contact.creation ${c2}`,
        `contact.propertyChange ${c1} email=${emails.get(c1)}`,
        `contact.propertyChange ${c2} email=${emails.get(c2)}`,
      ].sort(),
    );
    for (const e of events) {
      assert.deepEqual(
        [e.appId, e.portalId, e.attemptNumber, e.changeSource, e.sourceId],
        [appId, portalId, 0, 'INTEGRATION', String(appId)],
      );
      if (e.subscriptionType.endsWith('.creation')) assert.equal(e.changeFlag, 'CREATED');
    }

    // A batch update: only the subscribed property that changed.
    events = await eventsOf(() =>
      ok(
        api.post('/crm/v3/objects/contacts/batch/update', {
          inputs: [
            { id: String(c1), properties: { email: 'a2@example.com' } },
            { id: String(c2), properties: { firstname: 'Bea' } },
          ],
        }),
        200,
      ),
    );
    assert.deepEqual(shortAll(events), [`contact.propertyChange ${c1} email=a2@example.com`]);

    // Single creates of deals and tickets.
    let deal = 0;
    let ticket = 0;
    events = await eventsOf(async () => {
      deal = Number(
        (
          await ok(
            api.post('/crm/v3/objects/deals', {
              properties: { dealname: 'Big', dealstage: 'appointmentscheduled' },
            }),
            201,
          )
        ).id,
      );
      ticket = Number(
        (
          await ok(
            api.post('/crm/v3/objects/tickets', { properties: { subject: 'Help', hs_pipeline_stage: '1' } }),
            201,
          )
        ).id,
      );
    });
    assert.deepEqual(
      shortAll(events),
      [
        `deal.creation ${deal}`,
        `deal.propertyChange ${deal} dealname=Big`,
        `ticket.creation ${ticket}`,
        `ticket.propertyChange ${ticket} subject=Help`,
      ].sort(),
    );

    // Associations: one event per side; a primary one sends its pair beside the plain one.
    events = await eventsOf(async () => {
      await ok(
        api.post('/crm/v4/associations/contacts/companies/batch/associate/default', {
          inputs: [{ from: { id: String(c1) }, to: { id: String(co1) } }],
        }),
        200,
      );
      await ok(api.put(`/crm/v4/objects/deals/${deal}/associations/default/tickets/${ticket}`), 200);
    });
    assert.deepEqual(
      shortAll(events),
      [
        `contact.associationChange ${c1} CONTACT_TO_COMPANY:${c1}->${co1} added plain`,
        `company.associationChange ${co1} COMPANY_TO_CONTACT:${co1}->${c1} added plain`,
        `deal.associationChange ${deal} DEAL_TO_TICKET:${deal}->${ticket} added plain`,
        `ticket.associationChange ${ticket} TICKET_TO_DEAL:${ticket}->${deal} added plain`,
      ].sort(),
    );
    events = await eventsOf(() =>
      ok(
        api.post('/crm/v4/associations/contacts/companies/batch/create', {
          inputs: [
            {
              from: { id: String(c2) },
              to: { id: String(co2) },
              types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }],
            },
          ],
        }),
        201,
      ),
    );
    const sides = shortAll(events);
    assert.ok(
      sides.includes(`contact.associationChange ${c2} CONTACT_TO_COMPANY:${c2}->${co2} added primary`),
      sides.join('\n'),
    );
    assert.ok(
      sides.includes(`contact.associationChange ${c2} CONTACT_TO_COMPANY:${c2}->${co2} added plain`),
      sides.join('\n'),
    );
    assert.ok(
      sides.includes(`company.associationChange ${co2} COMPANY_TO_CONTACT:${co2}->${c2} added plain`),
      sides.join('\n'),
    );
    assert.equal(
      events.filter((e) => e.subscriptionType === 'company.associationChange').length,
      2,
      sides.join('\n'),
    );

    events = await eventsOf(() =>
      ok(
        api.post('/crm/v4/associations/contacts/companies/batch/archive', {
          inputs: [{ from: { id: String(c1) }, to: [{ id: String(co1) }] }],
        }),
        204,
      ),
    );
    assert.deepEqual(shortAll(events), [
      `company.associationChange ${co1} COMPANY_TO_CONTACT:${co1}->${c1} removed plain`,
      `contact.associationChange ${c1} CONTACT_TO_COMPANY:${c1}->${co1} removed plain`,
    ]);

    // Batch archive (HubSpot's delete), then the admin API's restore (the UI's recycle bin).
    events = await eventsOf(() =>
      ok(api.post('/crm/v3/objects/tickets/batch/archive', { inputs: [{ id: String(ticket) }] }), 204),
    );
    assert.ok(shortAll(events).includes(`ticket.deletion ${ticket}`), shortAll(events).join('\n'));
    assert.equal(events.find((e) => e.subscriptionType === 'ticket.deletion')!.changeFlag, 'DELETED');
    events = await eventsOf(() =>
      ok(admin.post(`/_spoke/portals/${portalId}/objects/tickets/${ticket}/restore`, {}), 200),
    );
    const restore = events.find((e) => e.subscriptionType === 'ticket.restore');
    assert.ok(restore, shortAll(events).join('\n'));
    assert.deepEqual(
      [restore.objectId, restore.changeSource, restore.sourceId],
      [ticket, 'CRM_UI', 'userId:1'],
    );

    // Merge: the primary record's merge event, no deletion for the one merged into it.
    events = await eventsOf(() =>
      ok(
        api.post('/crm/v3/objects/companies/merge', {
          primaryObjectId: String(co2),
          objectIdToMerge: String(co1),
        }),
        200,
      ),
    );
    const merge = events.find((e) => e.subscriptionType === 'company.merge');
    assert.ok(merge, shortAll(events).join('\n'));
    assert.deepEqual(
      [merge.objectId, merge.primaryObjectId, merge.mergedObjectIds, merge.newObjectId, merge.changeSource],
      [co2, co2, [co1], co2, 'INTEGRATION'],
    );
    assert.ok(!events.some((e) => e.subscriptionType === 'company.deletion'), shortAll(events).join('\n'));

    // GDPR delete: privacyDeletion and deletion, and the association removed on both sides.
    events = await eventsOf(() =>
      ok(api.post('/crm/v3/objects/contacts/gdpr-delete', { objectId: String(c2) }), 204),
    );
    const gdpr = shortAll(events);
    assert.ok(gdpr.includes(`contact.privacyDeletion ${c2}`), gdpr.join('\n'));
    assert.ok(gdpr.includes(`contact.deletion ${c2}`), gdpr.join('\n'));
    assert.ok(
      gdpr.includes(`company.associationChange ${co2} COMPANY_TO_CONTACT:${co2}->${c2} removed plain`),
      gdpr.join('\n'),
    );
    assert.ok(
      gdpr.includes(`contact.associationChange ${c2} CONTACT_TO_COMPANY:${c2}->${co2} removed plain`),
      gdpr.join('\n'),
    );

    // Import (without the document's apps): the portal's app hears of what the import changed
    // (D42), as IMPORT: the portal's own export minus the deal–ticket association removes it.
    const exported = await ok(admin.get(`/_spoke/portals/${portalId}/export`), 200);
    const { apps: _apps, ...data } = exported;
    const pair = (a: any) =>
      [String(a.fromId), String(a.toId)].sort().join() === [deal, ticket].map(String).sort().join();
    const without = { ...data, associations: data.associations.filter((a: any) => !pair(a)) };
    events = await eventsOf(() => ok(admin.post(`/_spoke/portals/${portalId}/import`, without), 200));
    let imported = shortAll(events);
    assert.ok(
      imported.includes(`deal.associationChange ${deal} DEAL_TO_TICKET:${deal}->${ticket} removed plain`),
      imported.join('\n'),
    );
    assert.ok(!imported.some((s) => s.includes('.creation ')), imported.join('\n'));
    assert.ok(events.every((e) => e.changeSource === 'IMPORT' && e.sourceId === 'userId:1'));
    // The export imported back: the association is added again, and no record is new.
    events = await eventsOf(() => ok(admin.post(`/_spoke/portals/${portalId}/import`, data), 200));
    imported = shortAll(events);
    assert.ok(
      imported.includes(`deal.associationChange ${deal} DEAL_TO_TICKET:${deal}->${ticket} added plain`),
      imported.join('\n'),
    );
    assert.ok(!imported.some((s) => s.includes('.creation ')), imported.join('\n'));
    assert.ok(events.every((e) => e.changeSource === 'IMPORT' && e.sourceId === 'userId:1'));
    assert.equal(
      new Set(receiver.events().map((e) => e.eventId)).size,
      receiver.events().length,
      'eventIds are unique',
    );
  });

  it('sends the generic object.* events for standard objects too, with objectTypeId', async () => {
    const app = (await admin.get(`/_spoke/webhooks/apps?portalId=${portalId}`)).body.results[0];
    const path = `/webhooks/v3/${appId}/subscriptions?hapikey=${app.developerApiKey}`;
    const byName = await admin.post(path, {
      eventType: 'object.creation',
      objectTypeId: 'company',
      active: true,
    });
    assert.equal(byName.status, 201, byName.text);
    assert.equal(byName.body.objectTypeId, '0-2');
    const byId = await admin.post(path, { eventType: 'object.creation', objectTypeId: '0-2', active: true });
    assert.equal(byId.status, 409, 'the same subscription by name or by ID');
    const change = await admin.post(path, {
      eventType: 'object.propertyChange',
      objectTypeId: '0-2',
      propertyName: 'domain',
      active: true,
    });
    assert.equal(change.status, 201, change.text);
    let company = 0;
    const events = await eventsOf(async () => {
      company = Number(
        (
          await ok(
            api.post('/crm/v3/objects/companies', {
              properties: { name: 'Initech', domain: 'initech.example' },
            }),
            201,
          )
        ).id,
      );
    });
    const generic = events.filter((e) => e.subscriptionType.startsWith('object.'));
    assert.deepEqual(
      generic.map((e) => [
        e.subscriptionType,
        e.objectId,
        e.objectTypeId,
        e.propertyValue ?? null,
        e.isSensitive ?? null,
      ]),
      [
        ['object.creation', company, '0-2', null, null],
        ['object.propertyChange', company, '0-2', 'initech.example', false],
      ],
    );
    assert.ok(
      events.some((e) => e.subscriptionType === 'company.creation'),
      'the legacy subscription still hears it',
    );
    assert.ok(
      events
        .filter((e) => e.subscriptionType === 'company.creation')
        .every((e) => e.objectTypeId === undefined),
    );
  });
});
