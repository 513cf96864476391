/**
 * Imports and fixtures hold a catalog to what the APIs would have made: a pipeline that holds a
 * stage twice, a stage ID that another pipeline of the type holds (`closedwon` is the default
 * deal pipeline's), and a property in a group the catalog does not hold are refused with a 400
 * that changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('imported and seeded catalogs are consistent', () => {
  let server: TestServer;
  let admin: Client;
  let portalId: number;
  let api: Client;
  let document: any;

  before(async () => {
    server = await startTestServer();
    admin = client(server.url);
    const portal = await admin.post('/_spoke/portals', {});
    assert.equal(portal.status, 201, portal.text);
    portalId = portal.body.portalId;
    api = client(server.url, portal.body.token);
    const group = await api.post('/crm/v3/properties/contacts/groups', { name: 'club', label: 'Club' });
    assert.equal(group.status, 201, group.text);
    const property = await api.post('/crm/v3/properties/contacts', {
      name: 'tier',
      label: 'Tier',
      type: 'string',
      fieldType: 'text',
      groupName: 'club',
    });
    assert.equal(property.status, 201, property.text);
    const pipeline = await api.post('/crm/v3/pipelines/deals', {
      label: 'Partners',
      displayOrder: 2,
      stages: [
        { label: 'A', displayOrder: 0, metadata: { probability: '0.1' } },
        { label: 'B', displayOrder: 1, metadata: { probability: '0.2' } },
      ],
    });
    assert.equal(pipeline.status, 201, pipeline.text);
    const exported = await admin.get(`/_spoke/portals/${portalId}/export`);
    assert.equal(exported.status, 200, exported.text);
    document = exported.body;
  });
  after(() => server.close());

  const mutated = (change: (doc: any) => void) => {
    const doc = structuredClone(document);
    change(doc);
    return doc;
  };
  const pipelineRow = (doc: any) => doc.catalog.find((r: any) => r.kind === 'pipeline');

  for (const [what, change, message] of [
    [
      'a pipeline holding one stage twice',
      (doc: any) => {
        const row = pipelineRow(doc);
        row.value.stages = [row.value.stages[0], row.value.stages[0]];
      },
      /holds stage \d+ twice/,
    ],
    [
      'a stage ID another pipeline holds',
      (doc: any) => {
        pipelineRow(doc).value.stages[0].id = 'closedwon';
      },
      /stage closedwon of 0-3 is in pipelines default and \d+/,
    ],
    [
      'a property in a group the catalog does not hold',
      (doc: any) => {
        doc.catalog = doc.catalog.filter((r: any) => !(r.kind === 'group' && r.key === 'club'));
      },
      /property tier of 0-1 is in group "club", which the catalog does not hold/,
    ],
  ] as const) {
    it(`import: ${what} is a 400 and changes nothing`, async () => {
      const r = await admin.post(`/_spoke/portals/${portalId}/import`, mutated(change));
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      assert.match(r.body.message, message);
      const after = await admin.get(`/_spoke/portals/${portalId}/export`);
      assert.deepEqual(after.body.catalog, document.catalog);
    });
  }

  it('the unchanged document imports', async () => {
    const r = await admin.post(`/_spoke/portals/${portalId}/import`, document);
    assert.equal(r.status, 200, r.text);
  });

  it('fixtures: a pipeline stage ID another pipeline holds is refused, nothing made', async () => {
    const before = (await api.get('/crm/v3/pipelines/deals')).body.results.length;
    const r = await admin.post(`/_spoke/portals/${portalId}/seed`, {
      pipelines: {
        deals: [
          {
            label: 'Seeded',
            displayOrder: 5,
            stages: [
              { stageId: 'closedwon', label: 'Won again', displayOrder: 0, metadata: { probability: '1.0' } },
            ],
          },
        ],
      },
    });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.equal(r.body.message, 'Invalid fixtures: Stage closedwon already exists');
    assert.equal((await api.get('/crm/v3/pipelines/deals')).body.results.length, before);
  });
});
