/**
 * Limits hold under concurrency: many writers racing for the last free slots of a limited
 * label, over HTTP, end with exactly the limit (decision D20).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedRecords } from '../helpers/fixtures.js';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('limit enforcement under concurrent writes', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('50 simultaneous labeled PUTs against a label limited to 5 end with exactly 5', async () => {
    const label = await api.post('/crm/v4/associations/deals/contacts/labels', {
      label: 'Approver',
      name: 'approver',
    });
    const typeId = label.body.results[0].typeId;
    const limit = await api.post(
      '/crm/v4/associations/definitions/configurations/deals/contacts/batch/create',
      {
        inputs: [{ category: 'USER_DEFINED', typeId, maxToObjectIds: 5 }],
      },
    );
    assert.equal(limit.status, 201);
    const [deal] = await seedRecords(server, 'deals', 1);
    const contacts = await seedRecords(server, 'contacts', 50);

    const responses = await Promise.all(
      contacts.map((contact) =>
        api.put(`/crm/v4/objects/deals/${deal}/associations/contacts/${contact}`, [
          { associationCategory: 'USER_DEFINED', associationTypeId: typeId },
        ]),
      ),
    );
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 5);
    assert.equal(statuses.filter((s) => s === 400).length, 45);
    assert.ok(responses.filter((r) => r.status === 400).every((r) => /at most 5/.test(r.body.message)));

    const list = await api.get(`/crm/v4/objects/deals/${deal}/associations/contacts`);
    const labeled = list.body.results.filter((r: any) =>
      r.associationTypes.some((t: any) => t.typeId === typeId),
    );
    assert.equal(labeled.length, 5);
    assert.equal(list.body.results.length, 5, 'a refused PUT leaves no unlabeled association behind either');
  });
});
