/**
 * Pipeline and stage input HubSpot's pipelines API refuses: a pipeline without stages, a deal
 * probability off the 0.1 steps, metadata that is not text, two stages with one label. Each is
 * a 400 with the pipelines API's body, and nothing is written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_PORTAL_ID } from '../../../src/domain/portals.js';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const stage = (label: string, metadata: Record<string, unknown> = { probability: '0.5' }) => ({
  label,
  displayOrder: 0,
  metadata,
});

describe('pipeline input', () => {
  let server: TestServer;
  let http: Client;
  const count = async () => (await http.get('/crm/v3/pipelines/deals')).body.results.length as number;

  before(async () => {
    server = await startTestServer();
    http = client(server.url);
  });
  after(() => server.close());

  for (const [what, stages, message] of [
    ['no stages', [], 'A pipeline needs at least one stage'],
    ['probability 0.15', [stage('A', { probability: '0.15' })], /in steps of 0\.1/],
    ['probability ""', [stage('A', { probability: '' })], /in steps of 0\.1/],
    [
      'object metadata',
      [stage('A', { probability: '0.5', foo: { x: 1 } })],
      'metadata.foo must be a string, a number or a boolean',
    ],
    ['two stages labeled alike', [stage('Same'), stage('same')], 'Two stages are labeled "same"'],
  ] as const) {
    it(`a deal pipeline with ${what} is a 400, nothing made`, async () => {
      const before = await count();
      const r = await http.post('/crm/v3/pipelines/deals', { label: `P ${what}`, displayOrder: 1, stages });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      if (typeof message === 'string') assert.equal(r.body.message, message);
      else assert.match(r.body.message, message);
      assert.equal(await count(), before);
    });
  }

  it('valid input is kept; a stage added or renamed to a taken label, or the last stage deleted, is a 400', async () => {
    const made = await http.post('/crm/v3/pipelines/deals', {
      label: 'Good',
      displayOrder: 1,
      stages: [stage('One', { probability: 0.3 })],
    });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.stages[0].metadata.probability, '0.3');
    const id = made.body.id;
    const dup = await http.post(`/crm/v3/pipelines/deals/${id}/stages`, stage('ONE'));
    assert.equal(dup.status, 400, dup.text);
    const two = await http.post(`/crm/v3/pipelines/deals/${id}/stages`, stage('Two'));
    assert.equal(two.status, 201, two.text);
    const rename = await http.patch(`/crm/v3/pipelines/deals/${id}/stages/${two.body.id}`, { label: 'One' });
    assert.equal(rename.status, 400, rename.text);
    assert.equal((await http.delete(`/crm/v3/pipelines/deals/${id}/stages/${two.body.id}`)).status, 204);
    const last = await http.delete(`/crm/v3/pipelines/deals/${id}/stages/${made.body.stages[0].id}`);
    assert.equal(last.status, 400, last.text);
    assert.equal((await http.get(`/crm/v3/pipelines/deals/${id}`)).body.stages.length, 1);
  });

  it('a displayOrder outside int32 is a 400, nothing made (the spec answers int32)', async () => {
    const before = await count();
    for (const [displayOrder, stageOrder] of [
      [2 ** 31, 0],
      [0, -(2 ** 31) - 1],
      [1e300, 0],
    ]) {
      const r = await http.post('/crm/v3/pipelines/deals', {
        label: `Order ${displayOrder} ${stageOrder}`,
        displayOrder,
        stages: [{ ...stage('A'), displayOrder: stageOrder }],
      });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.category, 'VALIDATION_ERROR');
    }
    assert.equal(await count(), before);
    const patched = await http.patch('/crm/v3/pipelines/deals/default', { displayOrder: 2 ** 31 });
    assert.equal(patched.status, 400, patched.text);
    const staged = await http.patch('/crm/v3/pipelines/deals/default/stages/closedwon', {
      displayOrder: 2 ** 40,
    });
    assert.equal(staged.status, 400, staged.text);
    // Fixtures reach the pipelines without the route's schema: held to the same rule.
    const seeded = await http.post(`/_spoke/portals/${DEFAULT_PORTAL_ID}/seed`, {
      pipelines: { deals: [{ label: 'Seeded order', displayOrder: 1e300, stages: [stage('A')] }] },
    });
    assert.equal(seeded.status, 400, seeded.text);
    assert.match(seeded.body.message, /displayOrder must be a 32-bit integer/);
    assert.equal(await count(), before);
  });

  it("a PATCH or PUT cannot empty a pipeline label or take another pipeline's, as a create cannot", async () => {
    const made = await http.post('/crm/v3/pipelines/deals', {
      label: 'Renamed later',
      displayOrder: 9,
      stages: [stage('A')],
    });
    assert.equal(made.status, 201, made.text);
    const path = `/crm/v3/pipelines/deals/${made.body.id}`;
    for (const label of ['', null]) {
      const r = await http.patch(path, { label });
      assert.equal(r.status, 400, `${JSON.stringify(label)}: ${r.text}`);
      assert.match(r.body.message, /A pipeline needs a label/);
    }
    const taken = await http.patch(path, { label: 'Sales Pipeline' });
    assert.equal(taken.status, 409, taken.text);
    assert.equal(taken.body.category, 'CONFLICT');
    const put = await http.put(path, { label: 'Sales Pipeline', displayOrder: 9, stages: [stage('A')] });
    assert.equal(put.status, 409, put.text);
    assert.equal((await http.get(path)).body.label, 'Renamed later', 'unchanged');
    const own = await http.patch(path, { label: 'Renamed later', displayOrder: 3 });
    assert.equal(own.status, 200, own.text);
  });
});
