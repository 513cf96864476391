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

  it('a field sent as null counts as not sent, on create, batch create and update (D74)', async () => {
    const nulls = {
      description: null,
      options: null,
      displayOrder: null,
      hidden: null,
      formField: null,
      externalOptions: null,
      hasUniqueValue: null,
      referencedObjectType: null,
      dataSensitivity: null,
      numberDisplayHint: null,
      textDisplayHint: null,
      showCurrencySymbol: null,
      currencyPropertyName: null,
      calculationFormula: null,
      propertyValidation: null,
    };
    const input = { name: 'nullish', type: 'number', fieldType: 'number', ...base, ...nulls };
    const created = await http.post('/crm/v3/properties/contacts', input);
    assert.equal(created.status, 201, created.text);
    const plain = await http.post('/crm/v3/properties/contacts', {
      name: 'plain',
      type: 'number',
      fieldType: 'number',
      ...base,
    });
    const { name, createdAt, updatedAt, ...rest } = created.body;
    assert.equal(name, 'nullish');
    assert.ok(createdAt && updatedAt);
    const { name: _n, createdAt: _c, updatedAt: _u, ...plainRest } = plain.body;
    assert.deepEqual(rest, plainRest, 'reads as if the null fields were not sent');
    for (const field of [
      'numberDisplayHint',
      'dataSensitivity',
      'referencedObjectType',
      'calculationFormula',
    ])
      assert.ok(!(field in created.body), `${field} is absent, not ""`);
    const read = await http.get('/crm/properties/2026-03/contacts/nullish');
    assert.deepEqual(read.body, created.body);
    const batch = await http.post('/crm/v3/properties/contacts/batch/create', {
      inputs: [{ ...input, name: 'nullish_batch' }],
    });
    assert.equal(batch.status, 201, batch.text);
    assert.equal(batch.body.results[0].hasUniqueValue, false);
    assert.ok(!('textDisplayHint' in batch.body.results[0]));
    const described = await http.patch('/crm/v3/properties/contacts/nullish', {
      description: 'Visits',
      numberDisplayHint: 'formatted',
    });
    assert.equal(described.status, 200, described.text);
    const patched = await http.patch('/crm/v3/properties/contacts/nullish', { ...nulls, label: 'Renamed' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.label, 'Renamed');
    assert.equal(patched.body.description, 'Visits', 'null leaves a field as it was');
    assert.equal(patched.body.numberDisplayHint, 'formatted');
  });
});
