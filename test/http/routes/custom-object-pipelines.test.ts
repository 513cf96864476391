/**
 * Pipelines on custom objects and leads (decision D70): the `hs_pipeline` and
 * `hs_pipeline_stage` properties, records written into a pipeline, HubSpot's 400 for an
 * unknown pipeline or stage, and a stage in use that cannot be deleted. Every response is
 * checked against the spec by the test server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_PORTAL_ID } from '../../../src/domain/portals.js';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const boatSchema = {
  name: 'boats',
  labels: { singular: 'Boat', plural: 'Boats' },
  primaryDisplayProperty: 'hull',
  requiredProperties: ['hull'],
  properties: [{ name: 'hull', label: 'Hull', type: 'string', fieldType: 'text' }],
  associatedObjects: ['CONTACT'],
};

describe('pipelines on custom objects and leads', () => {
  let server: TestServer;
  let http: Client;
  let typeId: string;
  before(async () => {
    server = await startTestServer();
    http = client(server.url);
    const schema = await http.post('/crm/v3/schemas', boatSchema);
    assert.equal(schema.status, 201);
    typeId = schema.body.objectTypeId;
  });
  after(() => server.close());

  it('a custom object has hs_pipeline and hs_pipeline_stage, with no pipeline until the portal makes one', async () => {
    for (const name of ['hs_pipeline', 'hs_pipeline_stage']) {
      const property = await http.get(`/crm/v3/properties/${typeId}/${name}`);
      assert.equal(property.status, 200, name);
      assert.equal(property.body.type, 'enumeration');
      assert.equal(property.body.hubspotDefined, true);
      assert.equal(property.body.modificationMetadata.readOnlyValue, false);
    }
    assert.deepEqual((await http.get(`/crm/v3/pipelines/${typeId}`)).body.results, []);
    const record = await http.post(`/crm/v3/objects/${typeId}`, { properties: { hull: 'plain' } });
    assert.equal(record.status, 201);
    assert.equal(record.body.properties.hs_pipeline, undefined, 'no default pipeline for a custom object');
  });

  it('records go into a pipeline the portal made; unknown pipelines and stages are INVALID_OPTION', async () => {
    const pipeline = await http.post(`/crm/v3/pipelines/${typeId}`, {
      label: 'Refit',
      displayOrder: 0,
      stages: [
        { label: 'Docked', displayOrder: 0, metadata: {} },
        { label: 'Afloat', displayOrder: 1, metadata: {} },
      ],
    });
    assert.equal(pipeline.status, 201);
    const [docked, afloat] = pipeline.body.stages;
    const record = await http.post(`/crm/v3/objects/${typeId}`, {
      properties: { hull: 'steel', hs_pipeline: pipeline.body.id, hs_pipeline_stage: docked.id },
    });
    assert.equal(record.status, 201);
    assert.equal(record.body.properties.hs_pipeline, pipeline.body.id);
    assert.equal(record.body.properties.hs_pipeline_stage, docked.id);
    const moved = await http.patch(`/crm/v3/objects/${typeId}/${record.body.id}`, {
      properties: { hs_pipeline_stage: afloat.id },
    });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.properties.hs_pipeline_stage, afloat.id);

    const badStage = await http.patch(`/crm/v3/objects/${typeId}/${record.body.id}`, {
      properties: { hs_pipeline_stage: 'sunk' },
    });
    assert.equal(badStage.status, 400);
    assert.equal(badStage.body.category, 'VALIDATION_ERROR');
    assert.match(badStage.body.message, /sunk was not one of the allowed options/);
    assert.match(badStage.body.message, /"name":"hs_pipeline_stage"/);
    const badPipeline = await http.post(`/crm/v3/objects/${typeId}/batch/create`, {
      inputs: [{ properties: { hull: 'x', hs_pipeline: 'nope', hs_pipeline_stage: docked.id } }],
    });
    assert.equal(badPipeline.status, 400);
    assert.match(badPipeline.body.message, /"name":"hs_pipeline"/);
    const stageOnly = await http.post(`/crm/v3/objects/${typeId}`, {
      properties: { hull: 'y', hs_pipeline_stage: docked.id },
    });
    assert.equal(stageOnly.status, 400, 'a stage needs its pipeline (D32)');

    const refused = await http.delete(`/crm/v3/pipelines/${typeId}/${pipeline.body.id}/stages/${afloat.id}`);
    assert.equal(refused.status, 400, 'a record is in the stage');
    const unused = await http.delete(`/crm/v3/pipelines/${typeId}/${pipeline.body.id}/stages/${docked.id}`);
    assert.equal(unused.status, 204);
    const read = await http.get(
      `/crm/v3/objects/${typeId}/${record.body.id}?properties=hs_pipeline,hs_pipeline_stage`,
    );
    assert.equal(read.body.properties.hs_pipeline_stage, afloat.id);
  });

  it("leads start in HubSpot's lead pipeline", async () => {
    const pipelines = await http.get('/crm/v3/pipelines/leads');
    assert.equal(pipelines.status, 200);
    const lead = pipelines.body.results.find((p: { id: string }) => p.id === 'lead-pipeline-id');
    assert.ok(lead, 'the default lead pipeline');
    assert.deepEqual(
      lead.stages.map((s: { id: string }) => s.id),
      [
        'new-stage-id',
        'attempting-stage-id',
        'connected-stage-id',
        'qualified-stage-id',
        'unqualified-stage-id',
      ],
    );
    const contact = await http.post('/crm/v3/objects/contacts', {
      properties: { email: 'lead@example.com' },
    });
    const created = await http.post('/crm/v3/objects/leads', {
      properties: { hs_lead_name: 'Jane Doe', hs_pipeline_stage: 'new-stage-id' },
      associations: [
        {
          to: { id: contact.body.id },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 578 }],
        },
      ],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.properties.hs_pipeline, 'lead-pipeline-id');
    const bad = await http.patch(`/crm/v3/objects/leads/${created.body.id}`, {
      properties: { hs_pipeline_stage: '1' },
    });
    assert.equal(bad.status, 400);
  });

  it("a purged custom object takes its pipelines and properties along: the portal's export imports again", async () => {
    const schema = await http.post('/crm/v3/schemas', {
      ...boatSchema,
      name: 'rafts',
      associatedObjects: [],
    });
    assert.equal(schema.status, 201, schema.text);
    const raft = schema.body.objectTypeId as string;
    const pipeline = await http.post(`/crm/v3/pipelines/${raft}`, {
      label: 'Launch',
      displayOrder: 0,
      stages: [{ label: 'Built', displayOrder: 0 }],
    });
    assert.equal(pipeline.status, 201, pipeline.text);
    const property = await http.post(`/crm/v3/properties/${raft}`, {
      name: 'deck',
      label: 'Deck',
      type: 'string',
      fieldType: 'text',
      groupName: schema.body.properties[0]?.groupName ?? 'rafts_information',
    });
    assert.equal(property.status, 201, property.text);
    assert.equal((await http.delete(`/crm/v3/schemas/${raft}`)).status, 204);
    assert.equal((await http.delete(`/crm/v3/schemas/${raft}?archived=true`)).status, 204);
    const exported = await http.get(`/_spoke/portals/${DEFAULT_PORTAL_ID}/export`);
    assert.equal(exported.status, 200);
    const catalog = (JSON.parse(exported.text) as { catalog: Array<{ scope: string }> }).catalog;
    assert.deepEqual(
      catalog.filter((entry) => entry.scope === raft),
      [],
    );
    const imported = await http.request('POST', `/_spoke/portals/${DEFAULT_PORTAL_ID}/import`, {
      raw: exported.text,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(imported.status, 200, imported.text);
  });
});
