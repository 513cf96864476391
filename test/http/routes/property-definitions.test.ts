/**
 * Property definitions HubSpot's properties API refuses: a fieldType that does not fit the type,
 * an option value that is empty or holds ";" (a checkbox's separator), a label beyond 1,000
 * characters. Each is a 400 and nothing is made.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('property definitions', () => {
  let server: TestServer;
  let http: Client;
  before(async () => {
    server = await startTestServer();
    http = client(server.url);
  });
  after(() => server.close());

  const base = { label: 'L', groupName: 'contactinformation' };
  const option = (value: string) => ({ label: value || 'Empty', value, hidden: false });

  for (const [what, input, message] of [
    [
      'number with select',
      { type: 'number', fieldType: 'select' },
      /fieldType "select" does not fit type "number"/,
    ],
    [
      'datetime with text',
      { type: 'datetime', fieldType: 'text' },
      /fieldType "text" does not fit type "datetime"/,
    ],
    [
      'an empty option value',
      { type: 'enumeration', fieldType: 'select', options: [option('')] },
      /Option value "" is empty or holds ";"/,
    ],
    [
      'an option value with ";"',
      { type: 'enumeration', fieldType: 'checkbox', options: [option('a;b')] },
      /Option value "a;b" is empty or holds ";"/,
    ],
    [
      'a 300 KB label',
      { type: 'string', fieldType: 'text', label: 'x'.repeat(300_000) },
      /at most 1000 characters/,
    ],
  ] as const) {
    it(`${what} is a 400, nothing made`, async () => {
      const name = `p_${what.replace(/\W+/g, '_').toLowerCase()}`;
      const r = await http.post('/crm/v3/properties/contacts', { ...base, name, ...input });
      assert.equal(r.status, 400, r.text.slice(0, 500));
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      assert.match(r.body.message, message);
      assert.equal((await http.get(`/crm/v3/properties/contacts/${name}`)).status, 404);
    });
  }

  it('a fitting fieldType is accepted', async () => {
    const r = await http.post('/crm/v3/properties/contacts', {
      ...base,
      name: 'visits',
      type: 'number',
      fieldType: 'number',
    });
    assert.equal(r.status, 201, r.text);
    const change = await http.patch('/crm/v3/properties/contacts/visits', { fieldType: 'text' });
    assert.equal(change.status, 400, change.text);
  });
});
