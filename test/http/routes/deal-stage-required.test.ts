/**
 * A deal in a pipeline has a stage (decision D72): every write path that creates a deal
 * refuses one without `dealstage` with HubSpot's `Property values were not valid` 400 and
 * writes nothing; an update cannot clear the stage while the deal stays in its pipeline.
 * Every response is checked against the spec by the test server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client, type HttpResult } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const MISSING = /"error":"REQUIRED_PROPERTY","name":"dealstage"/;

describe('deals need a dealstage on every write path', () => {
  let server: TestServer;
  let http: Client;
  before(async () => {
    server = await startTestServer();
    http = client(server.url);
  });
  after(() => server.close());

  function refused(r: HttpResult) {
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.match(r.body.message, /^Property values were not valid: /);
    assert.match(r.body.message, MISSING);
    assert.match(r.body.message, /Property \\"dealstage\\" is required/);
  }

  async function dealCount(): Promise<number> {
    return (await http.get('/crm/v3/objects/deals?limit=100')).body.results.length;
  }

  it('refuses a create without dealstage, with or without a pipeline, and writes nothing', async () => {
    refused(await http.post('/crm/v3/objects/deals', { properties: { dealname: 'A', pipeline: 'default' } }));
    refused(await http.post('/crm/v3/objects/deals', { properties: { dealname: 'B' } }));
    refused(await http.post('/crm/v3/objects/deals', { properties: { dealname: 'C', dealstage: '' } }));
    refused(
      await http.post('/crm/v3/objects/deals/batch/create', {
        inputs: [
          { properties: { dealname: 'D', dealstage: 'appointmentscheduled' } },
          { properties: { dealname: 'E', pipeline: 'default' } },
        ],
      }),
    );
    refused(await upsertByUnique());
    const contact = await http.post('/crm/v3/objects/contacts', { properties: { email: 'd@example.com' } });
    refused(
      await http.post('/crm/v3/objects/deals', {
        properties: { dealname: 'G', pipeline: 'default' },
        associations: [
          {
            to: { id: contact.body.id },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }],
          },
        ],
      }),
    );
    assert.equal(await dealCount(), 0, 'nothing was written');
    const ok = await http.post('/crm/v3/objects/deals', {
      properties: { dealname: 'H', dealstage: 'qualifiedtobuy' },
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.properties.pipeline, 'default');
  });

  /** An upsert that creates by a unique property (a deal property made unique for it). */
  async function upsertByUnique(): Promise<HttpResult> {
    const made = await http.post('/crm/v3/properties/deals', {
      name: 'deal_ref',
      label: 'Deal ref',
      type: 'string',
      fieldType: 'text',
      groupName: 'dealinformation',
      hasUniqueValue: true,
    });
    assert.equal(made.status, 201, made.text);
    return http.post('/crm/v3/objects/deals/batch/upsert', {
      inputs: [{ id: 'ref-1', idProperty: 'deal_ref', properties: { dealname: 'F', pipeline: 'default' } }],
    });
  }

  it('an update cannot clear the stage of a deal in a pipeline; clearing both leaves pipelines (D32)', async () => {
    const deal = await http.post('/crm/v3/objects/deals', {
      properties: { dealname: 'U', dealstage: 'appointmentscheduled' },
    });
    assert.equal(deal.status, 201);
    refused(await http.patch(`/crm/v3/objects/deals/${deal.body.id}`, { properties: { dealstage: '' } }));
    const both = await http.patch(`/crm/v3/objects/deals/${deal.body.id}`, {
      properties: { dealstage: '', pipeline: '' },
    });
    assert.equal(both.status, 200, both.text);
    const fine = await http.patch(`/crm/v3/objects/deals/${deal.body.id}`, { properties: { dealname: 'V' } });
    assert.equal(fine.status, 200, 'a deal out of pipelines needs no stage');
  });

  it('fixtures are held to the same rule', async () => {
    const seeded = await http.post('/_spoke/portals/4680000/seed', {
      records: { deals: [{ key: 'd1', properties: { dealname: 'Seeded', pipeline: 'default' } }] },
    });
    assert.equal(seeded.status, 400, seeded.text);
    assert.match(seeded.body.message, /dealstage/);
    assert.match(seeded.body.message, /REQUIRED_PROPERTY/);
  });
});
