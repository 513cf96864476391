/**
 * One bad write on every record write path gets the same HubSpot 400 list, exactly, and
 * writes nothing: create (v3 and 2026-03), update, batch create, batch update, batch upsert,
 * create with associations, fixtures. Each entry: an unknown property, a read-only one, an
 * owner the portal does not have, a deal stage outside its pipeline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const BAD = { nope: 'x', hs_object_id: '5', hubspot_owner_id: '123', dealstage: 'gone' };

const ENTRIES = [
  { name: 'nope', error: 'PROPERTY_DOESNT_EXIST', message: 'Property "nope" does not exist' },
  {
    name: 'hs_object_id',
    error: 'READ_ONLY_VALUE',
    message: '"hs_object_id" is a calculated property; its value cannot be set',
  },
];
/** What comes once the properties exist and are writable: references to owners and stages. */
const REFERENCES = [
  {
    name: 'hubspot_owner_id',
    error: 'INVALID_OPTION',
    message: '123 is not the ID of an owner of this portal',
  },
  {
    name: 'dealstage',
    error: 'INVALID_OPTION',
    message:
      'gone was not one of the allowed options: [appointmentscheduled, qualifiedtobuy, presentationscheduled, decisionmakerboughtin, contractsent, closedwon, closedlost]',
  },
];

const message = (entries: typeof ENTRIES) =>
  `Property values were not valid: ${JSON.stringify(
    entries.map((e) => ({
      isValid: false,
      message: e.message,
      error: e.error,
      name: e.name,
      localizedErrorMessage: e.message,
    })),
  )}`;

describe('every write path answers the same 400 and writes nothing', () => {
  let server: TestServer;
  let api: Client;
  let dealId: string;
  let snapshot: unknown;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    const deal = await api.post('/crm/v3/objects/deals', {
      properties: { dealname: 'Keep', dealstage: 'appointmentscheduled' },
    });
    assert.equal(deal.status, 201, deal.text);
    dealId = deal.body.id;
    snapshot = await state();
  });
  after(() => server.close());

  async function state() {
    const { exportedAt: _e, ...doc } = (await api.get('/_spoke/portals/4680000/export')).body;
    return doc;
  }

  async function unchanged() {
    assert.deepEqual(await state(), snapshot, 'nothing was written');
  }

  const cases: Array<[string, () => Promise<{ status: number; body: any; text: string }>, 'full' | 'refs']> =
    [
      [
        'create v3',
        () => api.post('/crm/v3/objects/deals', { properties: { dealname: 'D', ...BAD } }),
        'full',
      ],
      [
        'create 2026-03',
        () => api.post('/crm/objects/2026-03/deals', { properties: { dealname: 'D', ...BAD } }),
        'full',
      ],
      ['update', () => api.patch(`/crm/v3/objects/deals/${dealId}`, { properties: BAD }), 'full'],
      [
        'batch create',
        () =>
          api.post('/crm/v3/objects/deals/batch/create', {
            inputs: [{ properties: { dealname: 'D', ...BAD } }],
          }),
        'full',
      ],
      [
        'create with associations',
        () =>
          api.post('/crm/v3/objects/deals', {
            properties: { dealname: 'D', ...BAD },
            associations: [
              {
                to: { id: dealId },
                types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 451 }],
              },
            ],
          }),
        'full',
      ],
      [
        'references on update',
        () =>
          api.patch(`/crm/v3/objects/deals/${dealId}`, {
            properties: { hubspot_owner_id: '123', dealstage: 'gone' },
          }),
        'refs',
      ],
    ];

  for (const [name, send, kind] of cases) {
    it(`${name}: 400, HubSpot's list, nothing written`, async () => {
      const r = await send();
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.status, 'error');
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      const entries = kind === 'full' ? ENTRIES : REFERENCES;
      assert.equal(r.body.message, message(entries));
      assert.deepEqual(r.body.context, { propertyName: entries.map((e) => e.name) });
      assert.deepEqual(
        r.body.errors.map((e: any) => [e.code, e.message, e.context]),
        entries.map((e) => [e.error, e.message, { propertyName: [e.name] }]),
      );
      await unchanged();
    });
  }

  for (const path of ['update', 'upsert'] as const) {
    it(`batch ${path}: HubSpot's list in a 400 (a 207 with trace IDs), nothing written`, async () => {
      const input =
        path === 'update'
          ? { id: dealId, properties: BAD }
          : { id: 'x@example.com', idProperty: 'email', properties: BAD };
      const type = path === 'update' ? 'deals' : 'contacts';
      const whole = await api.post(`/crm/v3/objects/${type}/batch/${path}`, { inputs: [input] });
      assert.equal(whole.status, 400, whole.text);
      assert.equal(whole.body.category, 'VALIDATION_ERROR');
      const r = await api.post(`/crm/v3/objects/${type}/batch/${path}`, {
        inputs: [{ ...input, objectWriteTraceId: 'trace-1' }],
      });
      assert.equal(r.status, 207, r.text);
      assert.equal(r.body.numErrors, 1);
      assert.deepEqual(r.body.results, []);
      const error = r.body.errors[0];
      assert.equal(error.category, 'VALIDATION_ERROR', r.text);
      const entries =
        path === 'update'
          ? ENTRIES
          : [
              ...ENTRIES,
              {
                name: 'dealstage',
                error: 'PROPERTY_DOESNT_EXIST',
                message: 'Property "dealstage" does not exist',
              },
            ];
      assert.equal(error.message, message(entries));
      assert.equal(whole.body.message, message(entries));
      await unchanged();
    });
  }

  it('fixtures: the same list, prefixed, and nothing written', async () => {
    const r = await api.post('/_spoke/portals/4680000/seed', {
      records: { deals: [{ key: 'bad', properties: { dealname: 'D', ...BAD } }] },
    });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.message, `Invalid fixtures: ${message(ENTRIES)}`);
    await unchanged();
  });
});
