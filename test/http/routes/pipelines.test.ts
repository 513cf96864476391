/**
 * The pipelines and owners APIs over HTTP on the date-versioned families, and ticket writes
 * validated against pipelines; every response checked against the spec.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('pipelines and owners (2026-03)', () => {
  let server: TestServer;
  let http: Client;
  before(async () => {
    server = await startTestServer();
    http = client(server.url);
  });
  after(() => server.close());

  it('tickets go into pipeline 0; an unknown stage or pipeline is INVALID_OPTION and writes nothing', async () => {
    const ticket = await http.post('/crm/objects/2026-03/tickets', {
      properties: { subject: 'Help', hs_pipeline_stage: '1' },
    });
    assert.equal(ticket.status, 201);
    assert.equal(ticket.body.properties.hs_pipeline, '0');
    const badStage = await http.patch(`/crm/v3/objects/tickets/${ticket.body.id}`, {
      properties: { hs_pipeline_stage: '9' },
    });
    assert.equal(badStage.status, 400);
    assert.match(badStage.body.message, /9 was not one of the allowed options: \[1, 2, 3, 4\]/);
    const badPipeline = await http.post('/crm/v3/objects/tickets', {
      properties: { subject: 'X', hs_pipeline: 'nope', hs_pipeline_stage: '1' },
    });
    assert.equal(badPipeline.status, 400);
    assert.match(badPipeline.body.message, /"name":"hs_pipeline"/);
    const read = await http.get(`/crm/v3/objects/tickets/${ticket.body.id}`);
    assert.equal(read.body.properties.hs_pipeline_stage, '1');
  });

  it('replaces a pipeline (PUT), audits stages, and deletes a used stage only when told not to check', async () => {
    const created = await http.post('/crm/pipelines/2026-03/tickets', {
      label: 'Escalations',
      displayOrder: 2,
      stages: [
        { label: 'Open', displayOrder: 0, metadata: { ticketState: 'OPEN' } },
        { label: 'Done', displayOrder: 1, metadata: { ticketState: 'CLOSED' } },
      ],
    });
    assert.equal(created.status, 201);
    const id = created.body.id;
    const [open, done] = created.body.stages;
    const ticket = await http.post('/crm/v3/objects/tickets', {
      properties: { subject: 'E', hs_pipeline: id, hs_pipeline_stage: open.id },
    });
    assert.equal(ticket.status, 201);
    const replaced = await http.put(`/crm/pipelines/2026-03/tickets/${id}`, {
      label: 'Escalated',
      displayOrder: 2,
      stages: [{ stageId: done.id, label: 'Closed', displayOrder: 0, metadata: { ticketState: 'CLOSED' } }],
    });
    assert.equal(replaced.status, 400, 'the replacement would drop a stage a ticket is in');
    const refused = await http.delete(`/crm/pipelines/2026-03/tickets/${id}/stages/${open.id}`);
    assert.equal(refused.status, 400);
    const forced = await http.delete(
      `/crm/pipelines/2026-03/tickets/${id}/stages/${open.id}?validateReferencesBeforeDelete=false`,
    );
    assert.equal(forced.status, 204);
    const audit = await http.get(`/crm/pipelines/2026-03/tickets/${id}/stages/${open.id}/audit`);
    assert.equal(audit.status, 404, 'the stage is gone');
    const doneAudit = await http.get(`/crm/v3/pipelines/tickets/${id}/audit`);
    assert.deepEqual(
      doneAudit.body.results.map((e: { action: string }) => e.action),
      ['CREATE', 'DELETE'],
    );
    assert.equal((await http.get('/crm/v3/pipelines/contacts')).status, 400, 'contacts have no pipelines');
  });

  it('owners on 2026-03: by id, by userId, archived ones apart', async () => {
    const owner = await http.post('/_spoke/portals/4680000/owners', { email: 'q@example.com', userId: 9 });
    assert.equal(owner.status, 201);
    const again = await http.post('/_spoke/portals/4680000/owners', {
      email: 'q@example.com',
      firstName: 'Q',
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, owner.body.id);
    assert.equal((await http.get(`/crm/owners/2026-03/${owner.body.id}`)).body.firstName, 'Q');
    assert.equal((await http.get('/crm/owners/2026-03/9?idProperty=userId')).body.id, owner.body.id);
    assert.equal((await http.delete(`/_spoke/portals/4680000/owners/${owner.body.id}`)).status, 204);
    assert.equal((await http.get(`/crm/owners/2026-03/${owner.body.id}`)).status, 404);
    const archived = await http.get('/crm/owners/2026-03?archived=true');
    assert.deepEqual(
      archived.body.results.map((o: { id: string }) => o.id),
      [owner.body.id],
    );
    const refused = await http.post('/crm/v3/objects/deals', {
      properties: { dealname: 'D', dealstage: 'appointmentscheduled', hubspot_owner_id: owner.body.id },
    });
    assert.equal(refused.status, 400, 'an archived owner takes no new records');
  });
});
