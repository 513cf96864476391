/**
 * The options of pipeline, stage and owner properties come from the pipelines API and the
 * owners (decision D73): the properties API lists exactly the values writes accept, marks
 * them `readOnlyOptions`, and refuses a PATCH of them. Responses are checked against the spec
 * by the test server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const values = (p: { options: Array<{ value: string }> }) => p.options.map((o) => o.value);

describe('pipeline, stage and owner properties show managed options', () => {
  let server: TestServer;
  let http: Client;
  before(async () => {
    server = await startTestServer();
    http = client(server.url);
  });
  after(() => server.close());

  it('dealstage and pipeline list the pipelines and stages, and follow a new pipeline', async () => {
    const stage = await http.get('/crm/v3/properties/deals/dealstage');
    assert.equal(stage.status, 200);
    assert.deepEqual(values(stage.body), [
      'appointmentscheduled',
      'qualifiedtobuy',
      'presentationscheduled',
      'decisionmakerboughtin',
      'contractsent',
      'closedwon',
      'closedlost',
    ]);
    assert.equal(stage.body.options[0].label, 'Appointment Scheduled');
    assert.equal(stage.body.modificationMetadata.readOnlyOptions, true);
    const made = await http.post('/crm/v3/pipelines/deals', {
      label: 'Renewals',
      displayOrder: 1,
      stages: [{ label: 'Due', displayOrder: 0, metadata: { probability: '0.5' } }],
    });
    assert.equal(made.status, 201);
    const pipeline = await http.get('/crm/properties/2026-03/deals/pipeline');
    assert.deepEqual(values(pipeline.body), ['default', made.body.id]);
    const listed = await http.get('/crm/v3/properties/deals');
    const listedStage = listed.body.results.find((p: { name: string }) => p.name === 'dealstage');
    assert.ok(values(listedStage).includes(made.body.stages[0].id));
    const batch = await http.post('/crm/v3/properties/deals/batch/read', {
      inputs: [{ name: 'dealstage' }],
      archived: false,
    });
    assert.deepEqual(values(batch.body.results[0]), values(listedStage));
    const tickets = await http.get('/crm/v3/properties/tickets/hs_pipeline_stage');
    assert.deepEqual(values(tickets.body), ['1', '2', '3', '4']);
  });

  it('hubspot_owner_id lists the live owners', async () => {
    const empty = await http.get('/crm/v3/properties/contacts/hubspot_owner_id');
    assert.deepEqual(empty.body.options, []);
    const owner = await http.post('/_spoke/portals/4680000/owners', {
      email: 'o@example.com',
      firstName: 'Olga',
      lastName: 'Ortiz',
    });
    assert.equal(owner.status, 201);
    const shown = await http.get('/crm/v3/properties/contacts/hubspot_owner_id');
    assert.deepEqual(shown.body.options, [
      { label: 'Olga Ortiz', value: owner.body.id, hidden: false, displayOrder: 0 },
    ]);
    assert.equal(shown.body.externalOptions, true);
    await http.delete(`/_spoke/portals/4680000/owners/${owner.body.id}`);
    assert.deepEqual((await http.get('/crm/v3/properties/contacts/hubspot_owner_id')).body.options, []);
  });

  it('refuses a PATCH of their options, and writes still take the pipelines values', async () => {
    for (const [type, name, source] of [
      ['deals', 'dealstage', 'pipelines API'],
      ['deals', 'pipeline', 'pipelines API'],
      ['tickets', 'hs_pipeline_stage', 'pipelines API'],
      ['companies', 'hubspot_owner_id', 'owners'],
    ] as const) {
      const r = await http.patch(`/crm/v3/properties/${type}/${name}`, {
        options: [{ label: 'X', value: 'x', hidden: false, displayOrder: 0 }],
      });
      assert.equal(r.status, 400, `${type}.${name}`);
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      assert.equal(
        r.body.message,
        `The options of ${name} are managed by HubSpot: change them through the ${source}`,
      );
    }
    const stage = await http.get('/crm/v3/properties/deals/dealstage');
    assert.ok(!values(stage.body).includes('x'));
    const deal = await http.post('/crm/v3/objects/deals', {
      properties: { dealname: 'D', dealstage: 'x' },
    });
    assert.equal(deal.status, 400, 'x is no stage');
  });
});
