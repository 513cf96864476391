/**
 * HubSpot's rules beyond a property's type (decision D33): a contact's email is an email
 * address (INVALID_EMAIL), and lifecyclestage moves forward only unless cleared first. Each
 * refusal is HubSpot's 400 and writes nothing.
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

describe('email format and lifecycle stage order', () => {
  let server: TestServer;
  let http: Client;
  const count = async () =>
    (await http.get('/crm/v3/objects/contacts?limit=100')).body.results.length as number;

  before(async () => {
    server = await startTestServer();
    http = client(server.url);
  });
  after(() => server.close());

  it('an email that is not an address is INVALID_EMAIL on create, update and upsert', async () => {
    for (const email of ['not an email', 123, 'a@b', '@example.com', 'a@@example.com']) {
      const r = await http.post('/crm/v3/objects/contacts', { properties: { email } });
      assert.equal(r.status, 400, `${email}: ${r.text}`);
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      assert.deepEqual(entries(r.body), [
        {
          isValid: false,
          message: `Email address ${email} is invalid`,
          error: 'INVALID_EMAIL',
          name: 'email',
          localizedErrorMessage: `Email address ${email} is invalid`,
        },
      ]);
    }
    assert.equal(await count(), 0);
    const ok = await http.post('/crm/v3/objects/contacts', {
      properties: { email: 'Ada.L+x@Example.co.uk' },
    });
    assert.equal(ok.status, 201, ok.text);
    const patch = await http.patch(`/crm/v3/objects/contacts/${ok.body.id}`, {
      properties: { email: 'nope' },
    });
    assert.equal(patch.status, 400, patch.text);
    const upsert = await http.post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ id: 'nope', idProperty: 'email', properties: { firstname: 'N' } }],
    });
    assert.equal(upsert.status, 400, upsert.text);
    assert.equal(entries(upsert.body)[0]!.error, 'INVALID_EMAIL');
    assert.equal(await count(), 1);
    const cleared = await http.patch(`/crm/v3/objects/contacts/${ok.body.id}`, { properties: { email: '' } });
    assert.equal(cleared.status, 200, cleared.text);
  });

  it('lifecyclestage moves forward; backwards only after clearing it', async () => {
    const c = await http.post('/crm/v3/objects/companies', {
      properties: { name: 'L', lifecyclestage: 'customer' },
    });
    assert.equal(c.status, 201, c.text);
    const back = await http.patch(`/crm/v3/objects/companies/${c.body.id}`, {
      properties: { lifecyclestage: 'lead', name: 'Changed' },
    });
    assert.equal(back.status, 400, back.text);
    assert.deepEqual(
      entries(back.body).map((e) => [e.name, e.error, e.message]),
      [
        [
          'lifecyclestage',
          'INVALID_OPTION',
          'lifecyclestage cannot move backwards from customer to lead: clear it ("") first, then set it',
        ],
      ],
    );
    const read = await http.get(`/crm/v3/objects/companies/${c.body.id}?properties=lifecyclestage,name`);
    assert.deepEqual([read.body.properties.lifecyclestage, read.body.properties.name], ['customer', 'L']);
    const forward = await http.patch(`/crm/v3/objects/companies/${c.body.id}`, {
      properties: { lifecyclestage: 'evangelist' },
    });
    assert.equal(forward.status, 200, forward.text);
    const clear = await http.patch(`/crm/v3/objects/companies/${c.body.id}`, {
      properties: { lifecyclestage: '' },
    });
    assert.equal(clear.status, 200, clear.text);
    const reset = await http.patch(`/crm/v3/objects/companies/${c.body.id}`, {
      properties: { lifecyclestage: 'lead' },
    });
    assert.equal(reset.status, 200, reset.text);
    assert.equal(reset.body.properties.lifecyclestage, 'lead');
  });
});
