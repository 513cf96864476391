/**
 * A record's stage always belongs to a pipeline it names, and records created without a
 * pipeline always have one to go into: clearing the pipeline while the stage stays is refused
 * (so the pipeline cannot then be deleted under the record), and a type's default pipeline
 * cannot be deleted (decision D32). Refusals are HubSpot's 400 and write nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_PORTAL_ID } from '../../../src/domain/portals.js';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

function entries(body: { message: string }) {
  const prefix = 'Property values were not valid: ';
  assert.ok(body.message.startsWith(prefix), body.message);
  return JSON.parse(body.message.slice(prefix.length)) as Array<Record<string, unknown>>;
}

describe('pipeline invariants', () => {
  let server: TestServer;
  let http: Client;
  let pipelineId: string;
  let stageId: string;

  before(async () => {
    server = await startTestServer();
    http = client(server.url);
    const made = await http.post('/crm/v3/pipelines/deals', {
      label: 'Partners',
      displayOrder: 3,
      stages: [{ label: 'Talk', displayOrder: 0, metadata: { probability: '0.5' } }],
    });
    assert.equal(made.status, 201, made.text);
    pipelineId = made.body.id;
    stageId = made.body.stages[0].id;
  });
  after(() => server.close());

  for (const cleared of ['', null]) {
    it(`clearing the pipeline (${JSON.stringify(cleared)}) while the stage stays is a 400, nothing written`, async () => {
      const deal = await http.post('/crm/v3/objects/deals', {
        properties: { dealname: 'D', pipeline: pipelineId, dealstage: stageId },
      });
      assert.equal(deal.status, 201, deal.text);
      for (const [path, body] of [
        [`/crm/v3/objects/deals/${deal.body.id}`, { properties: { pipeline: cleared } }],
        [
          '/crm/v3/objects/deals/batch/update',
          { inputs: [{ id: deal.body.id, properties: { pipeline: cleared } }] },
        ],
      ] as const) {
        const r = path.endsWith('update') ? await http.post(path, body) : await http.patch(path, body);
        if (r.status === 207) {
          assert.equal(r.body.errors[0].category, 'VALIDATION_ERROR', r.text);
          assert.equal(r.body.errors[0].errors[0].code, 'INVALID_OPTION', r.text);
        } else {
          assert.equal(r.status, 400, r.text);
          assert.equal(r.body.category, 'VALIDATION_ERROR');
          assert.deepEqual(
            entries(r.body).map((e) => [e.name, e.error, e.message]),
            [
              [
                'pipeline',
                'INVALID_OPTION',
                `dealstage needs a pipeline: set pipeline to one of [default, ${pipelineId}], or clear dealstage too`,
              ],
            ],
          );
        }
      }
      const read = await http.get(`/crm/v3/objects/deals/${deal.body.id}?properties=pipeline,dealstage`);
      assert.deepEqual(
        [read.body.properties.pipeline, read.body.properties.dealstage],
        [pipelineId, stageId],
      );
      const both = await http.patch(`/crm/v3/objects/deals/${deal.body.id}`, {
        properties: { pipeline: cleared, dealstage: cleared },
      });
      assert.equal(both.status, 200, both.text);
      const stageOnly = await http.patch(`/crm/v3/objects/deals/${deal.body.id}`, {
        properties: { dealstage: stageId },
      });
      assert.equal(stageOnly.status, 400, 'a stage without a pipeline is refused too');
      assert.equal(entries(stageOnly.body)[0]!.name, 'pipeline');
    });
  }

  it('so the pipeline cannot be deleted under a record in it, and check stays clean', async () => {
    const deal = await http.post('/crm/v3/objects/deals', {
      properties: { dealname: 'Kept', pipeline: pipelineId, dealstage: stageId },
    });
    assert.equal(deal.status, 201, deal.text);
    const cleared = await http.patch(`/crm/v3/objects/deals/${deal.body.id}`, {
      properties: { pipeline: '' },
    });
    assert.equal(cleared.status, 400, cleared.text);
    const r = await http.delete(`/crm/v3/pipelines/deals/${pipelineId}`);
    assert.equal(r.status, 400, r.text);
    const check = await http.get('/_spoke/check');
    assert.deepEqual(check.body.problems, []);
  });

  for (const [objectType, id, property] of [
    ['deals', 'default', 'pipeline'],
    ['tickets', '0', 'hs_pipeline'],
  ] as const) {
    it(`the default ${objectType} pipeline cannot be deleted or archived; records still go into it`, async () => {
      const removed = await http.delete(`/crm/v3/pipelines/${objectType}/${id}`);
      assert.equal(removed.status, 400, removed.text);
      assert.equal(removed.body.category, 'VALIDATION_ERROR');
      assert.match(removed.body.message, new RegExp(`^Pipeline ${id} is the default .* pipeline`));
      const unchecked = await http.delete(
        `/crm/v3/pipelines/${objectType}/${id}?validateReferencesBeforeDelete=false`,
      );
      assert.equal(unchecked.status, 400, unchecked.text);
      const archived = await http.patch(`/crm/v3/pipelines/${objectType}/${id}`, { archived: true });
      assert.equal(archived.status, 400, archived.text);
      assert.equal((await http.get(`/crm/v3/pipelines/${objectType}/${id}`)).status, 200);
      const record = await http.post(`/crm/v3/objects/${objectType}`, {
        properties:
          objectType === 'deals'
            ? { dealname: 'New', dealstage: 'appointmentscheduled' }
            : { subject: 'New' },
      });
      assert.equal(record.status, 201, record.text);
      assert.equal(record.body.properties[property], id);
    });
  }

  it('an archived deal whose stage or pipeline was deleted is not restored into it (400, stays archived)', async () => {
    const made = await http.post('/crm/v3/pipelines/deals', {
      label: 'Bin',
      displayOrder: 4,
      stages: [
        { label: 'Kept', displayOrder: 0, metadata: { probability: '0.1' } },
        { label: 'Gone', displayOrder: 1, metadata: { probability: '0.2' } },
      ],
    });
    assert.equal(made.status, 201, made.text);
    const [kept, gone] = made.body.stages.map((s: { id: string }) => s.id);
    const archivedIn = async (stage: string) => {
      const deal = await http.post('/crm/v3/objects/deals', {
        properties: { dealname: 'Binned', pipeline: made.body.id, dealstage: stage },
      });
      assert.equal(deal.status, 201, deal.text);
      assert.equal((await http.delete(`/crm/v3/objects/deals/${deal.body.id}`)).status, 204);
      return deal.body.id as string;
    };
    const restore = (id: string) =>
      http.post(`/_spoke/portals/${DEFAULT_PORTAL_ID}/objects/deals/${id}/restore`);
    const inGone = await archivedIn(gone);
    // Only live records count when a stage is deleted (D32): the archived one does not stop it.
    assert.equal((await http.delete(`/crm/v3/pipelines/deals/${made.body.id}/stages/${gone}`)).status, 204);
    const refused = await restore(inGone);
    assert.equal(refused.status, 400, refused.text);
    assert.deepEqual(
      entries(refused.body).map((e) => [e.name, e.error]),
      [['dealstage', 'INVALID_OPTION']],
    );
    assert.equal((await http.get(`/crm/v3/objects/deals/${inGone}`)).status, 404, 'still archived');

    const inKept = await archivedIn(kept);
    assert.equal((await http.delete(`/crm/v3/pipelines/deals/${made.body.id}`)).status, 204);
    const noPipeline = await restore(inKept);
    assert.equal(noPipeline.status, 400, noPipeline.text);
    assert.deepEqual(
      entries(noPipeline.body).map((e) => [e.name, e.error]),
      [['pipeline', 'INVALID_OPTION']],
    );
    assert.equal((await http.get(`/crm/v3/objects/deals/${inKept}`)).status, 404, 'still archived');
    const check = await http.get('/_spoke/check');
    assert.deepEqual(check.body.problems, []);
  });
});
