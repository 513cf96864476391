/**
 * A merge fills the primary record's gaps with the merged record's values, and is checked
 * like any write: values the catalog no longer allows on a write (an archived property, an
 * archived owner, a stage outside the primary's pipeline) are not carried over (decision D30).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('merge is checked against the catalog', () => {
  let server: TestServer;
  let api: Client;
  let admin: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    admin = client(server.url);
  });
  after(() => server.close());

  const create = async (type: string, properties: Record<string, string>) => {
    const r = await api.post(`/crm/v3/objects/${type}`, { properties });
    assert.equal(r.status, 201, r.text);
    return r.body.id as string;
  };

  it('carries over what still validates, and drops archived properties and owners', async () => {
    for (const name of ['visits', 'tier'])
      assert.equal(
        (
          await api.post('/crm/v3/properties/contacts', {
            name,
            label: name,
            type: name === 'tier' ? 'enumeration' : 'number',
            fieldType: name === 'tier' ? 'select' : 'number',
            groupName: 'contactinformation',
            ...(name === 'tier' && { options: [{ label: 'Gold', value: 'gold', hidden: false }] }),
          })
        ).status,
        201,
      );
    const owner = await admin.post('/_spoke/portals/4680000/owners', { email: 'gone@example.com' });
    const primary = await create('contacts', { email: 'p@example.com' });
    const merged = await create('contacts', {
      email: 'm@example.com',
      visits: '3',
      tier: 'gold',
      jobtitle: 'Chef',
      hubspot_owner_id: owner.body.id,
    });
    assert.equal((await api.delete('/crm/v3/properties/contacts/visits')).status, 204);
    assert.equal((await admin.delete(`/_spoke/portals/4680000/owners/${owner.body.id}`)).status, 204);
    const r = await api.post('/crm/v3/objects/contacts/merge', {
      primaryObjectId: primary,
      objectIdToMerge: merged,
    });
    assert.equal(r.status, 200, r.text);
    const read = await api.get(
      `/crm/v3/objects/contacts/${r.body.id}?properties=visits,tier,jobtitle,hubspot_owner_id`,
    );
    assert.equal(read.body.properties.tier, 'gold');
    assert.equal(read.body.properties.jobtitle, 'Chef');
    assert.equal(read.body.properties.hubspot_owner_id ?? null, null, 'an archived owner is not assigned');
    assert.equal(read.body.properties.visits ?? null, null, 'an archived property is not written');
  });

  it('does not give the primary a stage of another pipeline than its own', async () => {
    const pipeline = await api.post('/crm/v3/pipelines/deals', {
      label: 'Partners',
      displayOrder: 1,
      stages: [{ label: 'Found', displayOrder: 0, metadata: { probability: '0.1' } }],
    });
    assert.equal(pipeline.status, 201, pipeline.text);
    const primary = await create('deals', {
      dealname: 'Keep',
      dealstage: 'appointmentscheduled',
      pipeline: 'default',
    });
    const merged = await create('deals', {
      dealname: 'Drop',
      pipeline: pipeline.body.id,
      dealstage: pipeline.body.stages[0].id,
    });
    const r = await api.post('/crm/v3/objects/deals/merge', {
      primaryObjectId: primary,
      objectIdToMerge: merged,
    });
    assert.equal(r.status, 200, r.text);
    const read = await api.get(`/crm/v3/objects/deals/${r.body.id}?properties=pipeline,dealstage`);
    assert.equal(read.body.properties.pipeline, 'default');
    // A deal in a pipeline always has a stage (D72), so the primary has no gap to fill: it
    // keeps its own, not the merged deal's stage of another pipeline.
    assert.equal(read.body.properties.dealstage, 'appointmentscheduled');
  });
});
