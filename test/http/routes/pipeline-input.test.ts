/**
 * Pipeline and stage input HubSpot's pipelines API refuses: a pipeline without stages, a deal
 * probability off the 0.1 steps, metadata that is not text, two stages with one label. Each is
 * a 400 with the pipelines API's body, and nothing is written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
});
