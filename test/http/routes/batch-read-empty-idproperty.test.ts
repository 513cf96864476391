/**
 * D75: a batch read whose idProperty is not unique answers the single read's 400 before any
 * record is read, also when `inputs` is empty (found by an attack: the check once ran only
 * for the idProperty of each input, so no inputs meant no check and a 200).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('batch read by a non-unique idProperty with no inputs (D75)', () => {
  let server: TestServer;
  let api: Client;
  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('is the same 400 as with inputs', async () => {
    for (const prefix of ['/crm/v3/objects', '/crm/objects/2026-03']) {
      const read = await api.post(`${prefix}/companies/batch/read`, {
        idProperty: 'name',
        inputs: [],
        properties: ['name'],
      });
      assert.equal(read.status, 400, read.text);
      assert.match(read.body.message, /cannot be used as idProperty/);
    }
  });
});
