/**
 * Exports carry the catalog (a portal's own properties and groups, pipelines and stages,
 * owners, and its lenient-mode setting), an import reproduces the portal, and imported records
 * are checked against the imported catalog like API writes: a bad document is a 400 that
 * changes nothing. Version 1 documents (no catalog) still import. Snapshots and resets carry
 * the catalog too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const withoutTimes = (doc: any) => {
  const { exportedAt: _e, portalId: _p, ...rest } = doc;
  return rest;
};

describe('export and import carry the catalog', () => {
  let server: TestServer;
  let admin: Client;
  let source: number;
  let api: Client;
  let document: any;
  let ownerId: string;
  let carType: string;

  async function newPortal(): Promise<{ portalId: number; api: Client }> {
    const portal = await admin.post('/_spoke/portals', {});
    assert.equal(portal.status, 201, portal.text);
    return { portalId: portal.body.portalId, api: client(server.url, portal.body.token) };
  }

  before(async () => {
    server = await startTestServer();
    admin = client(server.url);
    ({ portalId: source, api } = await newPortal());
    const ok = (r: { status: number; text: string }, status: number) =>
      assert.equal(r.status, status, r.text);
    ok(await api.post('/crm/v3/properties/contacts/groups', { name: 'club', label: 'Club' }), 201);
    ok(
      await api.post('/crm/v3/properties/contacts', {
        name: 'tier',
        label: 'Tier',
        type: 'enumeration',
        fieldType: 'select',
        groupName: 'club',
        options: [
          { label: 'Gold', value: 'gold', hidden: false },
          { label: 'Silver', value: 'silver', hidden: false },
        ],
      }),
      201,
    );
    ok(
      await api.post('/crm/v3/properties/contacts', {
        name: 'member_no',
        label: 'Member number',
        type: 'string',
        fieldType: 'text',
        groupName: 'club',
        hasUniqueValue: true,
      }),
      201,
    );
    ok(
      await api.post('/crm/v3/properties/contacts', {
        name: 'visits',
        label: 'Visits',
        type: 'number',
        fieldType: 'number',
        groupName: 'club',
      }),
      201,
    );
    const schema = await api.post('/crm-object-schemas/v3/schemas', {
      name: 'cars',
      labels: { singular: 'Car', plural: 'Cars' },
      primaryDisplayProperty: 'model',
      requiredProperties: ['model'],
      associatedObjects: ['CONTACT'],
      properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }],
    });
    ok(schema, 201);
    carType = schema.body.objectTypeId;
    ok(
      await api.post(`/crm/v3/properties/${carType}`, {
        name: 'doors',
        label: 'Doors',
        type: 'number',
        fieldType: 'number',
        groupName: 'custom_object_information',
      }),
      201,
    );
    ok(
      await api.post('/crm/v3/pipelines/deals', {
        label: 'Partners',
        displayOrder: 1,
        stages: [
          { label: 'Found', displayOrder: 0, metadata: { probability: '0.1' } },
          { label: 'Signed', displayOrder: 1, metadata: { probability: '1.0' } },
        ],
      }),
      201,
    );
    const owner = await admin.post(`/_spoke/portals/${source}/owners`, {
      email: 'olga@example.com',
      firstName: 'Olga',
      userId: 4242,
    });
    ok(owner, 201);
    ownerId = owner.body.id;
    const retired = await admin.post(`/_spoke/portals/${source}/owners`, { email: 'rex@example.com' });
    ok(retired, 201);
    ok(
      await api.post('/crm/v3/objects/contacts', {
        properties: { email: 'r@example.com', hubspot_owner_id: retired.body.id },
      }),
      201,
    );
    ok(await admin.delete(`/_spoke/portals/${source}/owners/${retired.body.id}`), 204);
    ok(await admin.put(`/_spoke/portals/${source}/settings`, { propertyValidation: 'lenient' }), 200);
    const pipelines = await api.get('/crm/v3/pipelines/deals');
    const partners = pipelines.body.results.find((p: any) => p.label === 'Partners');
    ok(
      await api.post('/crm/v3/objects/contacts', {
        properties: {
          email: 'a@example.com',
          tier: 'gold',
          member_no: 'M-1',
          visits: '3',
          hubspot_owner_id: ownerId,
          shoe_size: '44',
        },
      }),
      201,
    );
    ok(
      await api.post('/crm/v3/objects/deals', {
        properties: { dealname: 'D', pipeline: partners.id, dealstage: partners.stages[1].id },
      }),
      201,
    );
    ok(await api.post(`/crm/v3/objects/${carType}`, { properties: { model: 'T', doors: '4' } }), 201);
    const exported = await admin.get(`/_spoke/portals/${source}/export`);
    ok(exported, 200);
    document = exported.body;
  });
  after(() => server.close());

  it('the export holds the settings and every catalog entry the portal made', () => {
    assert.equal(document.version, 2);
    assert.deepEqual(document.settings, { propertyValidation: 'lenient' });
    const keys = document.catalog.map((r: any) => `${r.kind}:${r.scope}:${r.key}`);
    for (const key of [
      'group:0-1:club',
      'property:0-1:tier',
      'property:0-1:member_no',
      'property:0-1:shoe_size',
      `owner::${ownerId}`,
    ])
      assert.ok(keys.includes(key), `${key} in ${keys.join(', ')}`);
    assert.ok(document.catalog.some((r: any) => r.kind === 'pipeline' && r.value.label === 'Partners'));
  });

  it('an import reproduces the portal: the same export, and the APIs read the same catalog', async () => {
    const target = await newPortal();
    const imported = await admin.post(`/_spoke/portals/${target.portalId}/import`, document);
    assert.equal(imported.status, 200, imported.text);
    const again = (await admin.get(`/_spoke/portals/${target.portalId}/export`)).body;
    assert.deepEqual(withoutTimes(again), withoutTimes(document));
    const targetCar = `2-${carType.slice(2)}`;
    assert.equal((await target.api.get('/crm/v3/properties/contacts/tier')).body.options.length, 2);
    assert.equal((await target.api.get(`/crm/v3/properties/${targetCar}/doors`)).body.type, 'number');
    const pipelines = (await target.api.get('/crm/v3/pipelines/deals')).body.results;
    assert.deepEqual(
      pipelines.map((p: any) => p.label),
      ['Sales Pipeline', 'Partners'],
    );
    assert.equal((await target.api.get(`/crm/v3/owners/4242?idProperty=userId`)).body.id, ownerId);
    assert.deepEqual((await admin.get(`/_spoke/portals/${target.portalId}/settings`)).body, {
      propertyValidation: 'lenient',
    });
    const byMember = await target.api.get('/crm/v3/objects/contacts/M-1?idProperty=member_no');
    assert.equal(byMember.status, 200, 'a hasUniqueValue property is an idProperty after import');
    const taken = await target.api.post('/crm/v3/objects/contacts', { properties: { member_no: 'm-1' } });
    assert.equal(taken.status, 409, 'the imported unique value is claimed');
    const bad = await target.api.post('/crm/v3/objects/contacts', { properties: { tier: 'bronze' } });
    assert.equal(bad.status, 400, 'writes are checked against the imported options');
  });

  /** Imports `doc` into a fresh portal holding one contact; asserts a 400 naming `expected` and no change. */
  async function refused(doc: unknown, expected: RegExp) {
    const target = await newPortal();
    await target.api.post('/crm/v3/objects/contacts', { properties: { email: 'keep@example.com' } });
    const before = (await admin.get(`/_spoke/portals/${target.portalId}/export`)).body;
    const r = await admin.post(`/_spoke/portals/${target.portalId}/import`, doc);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.match(r.body.message, expected);
    const after = (await admin.get(`/_spoke/portals/${target.portalId}/export`)).body;
    assert.deepEqual(withoutTimes(after), withoutTimes(before), 'nothing changed');
  }

  const strict = (doc: any) => ({ ...doc, settings: {} });
  const contactIndex = () => document.records.findIndex((r: any) => r.properties.email === 'a@example.com');
  const withContact = (doc: any, properties: Record<string, string>) => {
    const copy = structuredClone(doc);
    Object.assign(copy.records[contactIndex()].properties, properties);
    return copy;
  };

  it('refuses records whose values the imported catalog does not allow, with HubSpot entries', async () => {
    const entry = (name: string, error: string) => new RegExp(`"error":"${error}","name":"${name}"`);
    await refused(
      strict(withContact(document, { nope: 'x' })),
      new RegExp(
        `^Invalid export document: records\\[${contactIndex()}\\]: Property values were not valid: ` +
          escape(
            JSON.stringify([
              {
                isValid: false,
                message: 'Property "nope" does not exist',
                error: 'PROPERTY_DOESNT_EXIST',
                name: 'nope',
                localizedErrorMessage: 'Property "nope" does not exist',
              },
            ]),
          ) +
          '$',
      ),
    );
    await refused(withContact(document, { visits: 'lots' }), entry('visits', 'INVALID_NUMBER'));
    await refused(
      withContact(document, { hubspot_owner_id: '99999999' }),
      entry('hubspot_owner_id', 'INVALID_OPTION'),
    );
    const deal = structuredClone(document);
    deal.records.find((r: any) => r.objectTypeId === '0-3').properties.dealstage = 'gone';
    await refused(deal, entry('dealstage', 'INVALID_OPTION'));
    const noStage = structuredClone(document);
    delete noStage.records.find((r: any) => r.objectTypeId === '0-3').properties.dealstage;
    await refused(noStage, entry('dealstage', 'REQUIRED_PROPERTY'));
    const noPipeline = structuredClone(document);
    noPipeline.catalog = noPipeline.catalog.filter((r: any) => r.kind !== 'pipeline');
    await refused(noPipeline, entry('pipeline', 'INVALID_OPTION'));
    const noProperty = structuredClone(document);
    noProperty.catalog = noProperty.catalog.filter((r: any) => r.key !== 'tier');
    await refused(
      strict(noProperty),
      /records\[\d+\]: Property values were not valid: .*PROPERTY_DOESNT_EXIST/,
    );
    const twice = structuredClone(document);
    const copy = structuredClone(twice.records[contactIndex()]);
    twice.records.push({ ...copy, id: '99999', properties: { ...copy.properties, email: 'b@example.com' } });
    await refused(twice, /member_no "M-1" is also held by record/);
  });

  it('a lenient document makes the properties its catalog lacks, as lenient writes do', async () => {
    const target = await newPortal();
    const doc = withContact(document, { hat_size: '7' });
    const r = await admin.post(`/_spoke/portals/${target.portalId}/import`, doc);
    assert.equal(r.status, 200, r.text);
    const made = await target.api.get('/crm/v3/properties/contacts/hat_size');
    assert.equal(made.status, 200, made.text);
    assert.equal(made.body.type, 'string');
    assert.equal(made.body.groupName, 'spoke_created');
  });

  it('refuses a catalog the services could not read', async () => {
    const withRow = (row: unknown) => ({ ...document, catalog: [...document.catalog, row] });
    const row = { kind: 'property', scope: '0-1', key: 'x', updatedAt: '2024-01-01T00:00:00.000Z' };
    await refused(withRow({ ...row, kind: 'widget', value: {} }), /catalog\[\d+\]\.kind must be one of/);
    await refused(
      withRow({
        ...row,
        value: {
          name: 'x',
          label: 'X',
          type: 'colour',
          fieldType: 'text',
          options: [],
          modificationMetadata: {},
        },
      }),
      /Invalid property type "colour"/,
    );
    await refused(withRow({ ...row, scope: '2-999', value: {} }), /unknown object type "2-999"/);
    await refused(
      withRow({ ...row, kind: 'owner', scope: '', key: '5', value: { email: 'x' } }),
      /email address/,
    );
    await refused(
      withRow({
        ...row,
        kind: 'pipeline',
        scope: '0-1',
        key: 'p',
        value: { id: 'p', label: 'P', stages: [] },
      }),
      /contacts have no pipelines/,
    );
    await refused({ ...document, catalog: [...document.catalog, document.catalog[0]] }, /twice/);
    await refused({ ...document, settings: { propertyValidation: 'loose' } }, /settings\.propertyValidation/);
    const { catalog: _c, ...noCatalog } = document;
    await refused(noCatalog, /needs "settings" and "catalog"/);
  });

  it('a version 1 document (no catalog) still imports: its unknown properties become strings', async () => {
    const target = await newPortal();
    const { settings: _s, catalog: _c, ...rest } = document;
    const old = structuredClone({ ...rest, version: 1 });
    for (const record of old.records) {
      // What a version 1 export of this portal could hold: values of the properties it made.
      if (record.objectTypeId === '0-3') delete record.properties.dealstage;
      if (record.objectTypeId === '0-3') delete record.properties.pipeline;
      delete record.properties.hubspot_owner_id;
    }
    const r = await admin.post(`/_spoke/portals/${target.portalId}/import`, old);
    assert.equal(r.status, 200, r.text);
    const tier = await target.api.get('/crm/v3/properties/contacts/tier');
    assert.equal(tier.body.type, 'string');
    assert.equal(tier.body.groupName, 'spoke_created');
    const read = await target.api.get('/crm/v3/objects/contacts/M-1?idProperty=email');
    assert.equal(read.status, 404, 'member_no is no longer unique: it was not in the document');
    const bad = structuredClone(old);
    bad.records[contactIndex()].properties.createdate = 'yesterday';
    const other = await newPortal();
    assert.equal((await admin.post(`/_spoke/portals/${other.portalId}/import`, bad)).status, 200);
    const wrong = structuredClone(old);
    wrong.records.find((r: any) => r.objectTypeId === '0-3').properties.amount = 'lots';
    const third = await newPortal();
    const refusedOld = await admin.post(`/_spoke/portals/${third.portalId}/import`, wrong);
    assert.equal(refusedOld.status, 400, 'values of known properties are still checked');
    assert.match(refusedOld.body.message, /INVALID_NUMBER/);
  });

  it('round trips what HubSpot lets stored data hold: forced deletes, removed options, archived properties', async () => {
    const portal = await newPortal();
    const pipeline = await portal.api.post('/crm/v3/pipelines/tickets', {
      label: 'Escalations',
      displayOrder: 1,
      stages: [
        { label: 'Open', displayOrder: 0, metadata: { ticketState: 'OPEN' } },
        { label: 'Done', displayOrder: 1, metadata: { ticketState: 'CLOSED' } },
      ],
    });
    assert.equal(pipeline.status, 201, pipeline.text);
    const [open, done] = pipeline.body.stages;
    for (const stage of [open.id, done.id]) {
      const ticket = await portal.api.post('/crm/v3/objects/tickets', {
        properties: { subject: stage, hs_pipeline: pipeline.body.id, hs_pipeline_stage: stage },
      });
      assert.equal(ticket.status, 201, ticket.text);
    }
    const base = `/crm/v3/pipelines/tickets/${pipeline.body.id}`;
    const forced = await portal.api.delete(`${base}/stages/${open.id}?validateReferencesBeforeDelete=false`);
    assert.equal(forced.status, 204);
    assert.equal((await portal.api.delete(`${base}?validateReferencesBeforeDelete=false`)).status, 204);
    await portal.api.post('/crm/v3/properties/contacts', {
      name: 'size',
      label: 'Size',
      type: 'enumeration',
      fieldType: 'select',
      groupName: 'contactinformation',
      options: [
        { label: 'S', value: 's', hidden: false },
        { label: 'M', value: 'm', hidden: false },
      ],
    });
    await portal.api.post('/crm/v3/properties/contacts', {
      name: 'old_note',
      label: 'Old note',
      type: 'number',
      fieldType: 'number',
      groupName: 'contactinformation',
    });
    await portal.api.post('/crm/v3/objects/contacts', { properties: { size: 's', old_note: '7' } });
    await portal.api.patch('/crm/v3/properties/contacts/size', {
      options: [{ label: 'M', value: 'm', hidden: false }],
    });
    assert.equal((await portal.api.delete('/crm/v3/properties/contacts/old_note')).status, 204);
    const exported = (await admin.get(`/_spoke/portals/${portal.portalId}/export`)).body;
    const target = await newPortal();
    const imported = await admin.post(`/_spoke/portals/${target.portalId}/import`, exported);
    assert.equal(imported.status, 200, imported.text);
    const again = (await admin.get(`/_spoke/portals/${target.portalId}/export`)).body;
    assert.deepEqual(withoutTimes(again), withoutTimes(exported));
  });

  it('snapshots and resets carry the catalog', async () => {
    const target = await newPortal();
    assert.equal((await admin.post(`/_spoke/portals/${target.portalId}/import`, document)).status, 200);
    const snapshot = await admin.post(`/_spoke/portals/${target.portalId}/snapshots`, { name: 'before' });
    assert.equal(snapshot.status, 201, snapshot.text);
    await target.api.delete('/crm/v3/properties/contacts/visits');
    await target.api.post('/crm/v3/properties/contacts', {
      name: 'later',
      label: 'Later',
      type: 'string',
      fieldType: 'text',
      groupName: 'club',
    });
    await admin.delete(`/_spoke/portals/${target.portalId}/owners/${ownerId}`);
    const restored = await admin.post(`/_spoke/portals/${target.portalId}/snapshots/before/restore`);
    assert.equal(restored.status, 204, restored.text);
    assert.deepEqual(
      withoutTimes((await admin.get(`/_spoke/portals/${target.portalId}/export`)).body),
      withoutTimes(document),
    );
    assert.equal((await admin.post(`/_spoke/portals/${target.portalId}/reset`)).status, 204);
    assert.equal((await target.api.get('/crm/v3/properties/contacts/tier')).status, 404);
    assert.equal((await target.api.get('/crm/v3/properties/contacts/email')).status, 200);
    assert.equal((await target.api.get('/crm/v3/owners')).body.results.length, 0);
  });
});
