/**
 * Batch update and upsert follow batch/create's rule: without an `objectWriteTraceId` on every
 * input, one bad input fails the whole batch with HubSpot's 400 and nothing is written; with
 * them, each failure is reported per input (207) and the good inputs are written. A missing
 * record stays a per-input error, as HubSpot reports it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

function entries(body: { message: string }) {
  const prefix = 'Property values were not valid: ';
  assert.ok(body.message.startsWith(prefix), body.message);
  return JSON.parse(body.message.slice(prefix.length)) as Array<Record<string, unknown>>;
}

describe('batch update and upsert are all-or-nothing without trace IDs', () => {
  let server: TestServer;
  let http: Client;
  let ids: string[];

  before(async () => {
    server = await startTestServer();
    http = client(server.url);
    const made = await http.post('/crm/v3/objects/deals/batch/create', {
      inputs: [
        { properties: { dealname: 'A', dealstage: 'appointmentscheduled', amount: '1' } },
        { properties: { dealname: 'B', dealstage: 'appointmentscheduled', amount: '2' } },
      ],
    });
    assert.equal(made.status, 201, made.text);
    ids = made.body.results.map((r: { id: string }) => r.id).sort();
  });
  after(() => server.close());

  const amounts = async () => {
    const read = await http.post('/crm/v3/objects/deals/batch/read', {
      inputs: ids.map((id) => ({ id })),
      properties: ['amount'],
    });
    return Object.fromEntries(read.body.results.map((r: any) => [r.id, r.properties.amount]));
  };

  it('batch/update: a bad value fails the batch (400), the good input is not written', async () => {
    const before = await amounts();
    const r = await http.post('/crm/v3/objects/deals/batch/update', {
      inputs: [
        { id: ids[0], properties: { amount: '10' } },
        { id: ids[1], properties: { amount: 'lots' } },
      ],
    });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.deepEqual(
      entries(r.body).map((e) => [e.name, e.error]),
      [['amount', 'INVALID_NUMBER']],
    );
    assert.deepEqual(await amounts(), before);
  });

  it('batch/upsert: a bad value fails the batch (400), nothing created or updated', async () => {
    const before = await amounts();
    const r = await http.post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { id: 'fresh@example.com', idProperty: 'email', properties: { firstname: 'F' } },
        { id: 'bad@example.com', idProperty: 'email', properties: { lifecyclestage: 'boss' } },
      ],
    });
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(
      entries(r.body).map((e) => [e.name, e.error]),
      [['lifecyclestage', 'INVALID_OPTION']],
    );
    assert.equal((await http.get('/crm/v3/objects/contacts/fresh@example.com?idProperty=email')).status, 404);
    assert.deepEqual(await amounts(), before);
  });

  it('with a trace ID on every input, failures are per input and the good inputs are written', async () => {
    const r = await http.post('/crm/v3/objects/deals/batch/update', {
      inputs: [
        { id: ids[0], properties: { amount: '11' }, objectWriteTraceId: 't1' },
        { id: ids[1], properties: { amount: 'lots' }, objectWriteTraceId: 't2' },
      ],
    });
    assert.equal(r.status, 207, r.text);
    assert.equal(r.body.numErrors, 1);
    assert.deepEqual(r.body.errors[0].context.objectWriteTraceId, ['t2']);
    assert.equal((await amounts())[ids[0]!], '11');
    const upsert = await http.post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        {
          id: 'traced@example.com',
          idProperty: 'email',
          properties: { firstname: 'T' },
          objectWriteTraceId: 'a',
        },
        {
          id: 'bad@example.com',
          idProperty: 'email',
          properties: { lifecyclestage: 'boss' },
          objectWriteTraceId: 'b',
        },
      ],
    });
    assert.equal(upsert.status, 207, upsert.text);
    assert.equal(
      (await http.get('/crm/v3/objects/contacts/traced@example.com?idProperty=email')).status,
      200,
    );
  });

  it('a missing record is still reported per input', async () => {
    const r = await http.post('/crm/v3/objects/deals/batch/update', {
      inputs: [
        { id: ids[0], properties: { amount: '12' } },
        { id: '404', properties: { amount: '1' } },
      ],
    });
    assert.equal(r.status, 207, r.text);
    assert.equal(r.body.errors[0].category, 'OBJECT_NOT_FOUND');
    assert.equal((await amounts())[ids[0]!], '12');
  });
});
