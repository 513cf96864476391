/**
 * CRM search at its edges (the outside attack on issue 17): huge IN lists, non-ASCII case,
 * punctuation in custom-object queries, multi-checkbox options and invalid dates, over real
 * HTTP on the test store, every response checked against HubSpot's spec by the test server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SEARCH = '/crm/v3/objects/contacts/search';

describe('search: edges', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('a huge IN or NOT_IN list is a 400 naming the limit, on every store', async () => {
    const values = Array.from({ length: 70_000 }, (_, i) => `v${i}@x.test`);
    for (const [propertyName, operator] of [
      ['email', 'IN'],
      ['lastname', 'NOT_IN'],
      ['associations.company', 'IN'],
    ] as const) {
      const ids = propertyName.startsWith('associations') ? values.map((_, i) => String(i + 1)) : values;
      const r = await api.post(SEARCH, {
        filterGroups: [{ filters: [{ propertyName, operator, values: ids }] }],
      });
      assert.equal(r.status, 400, JSON.stringify(r.body).slice(0, 300));
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      assert.match(r.body.message, /at most 5000 values/);
    }
    const split = Array.from({ length: 3 }, () => ({
      filters: [{ propertyName: 'email', operator: 'IN', values: values.slice(0, 2000) }],
    }));
    const r = await api.post(SEARCH, { filterGroups: split });
    assert.equal(r.status, 400, 'the limit counts the values of every filter');
    const fine = await api.post(SEARCH, {
      filterGroups: [{ filters: [{ propertyName: 'email', operator: 'IN', values: values.slice(0, 5000) }] }],
    });
    assert.equal(fine.status, 200, JSON.stringify(fine.body).slice(0, 300));
  });

  it('strings compare case-insensitively beyond ASCII, in the same order on every store', async () => {
    const ids: string[] = [];
    for (const lastname of ['Apple', 'Ünïcode', 'émile Zola', 'Zed'])
      ids.push(
        (await api.post('/crm/v3/objects/contacts', { properties: { lastname, jobtitle: 'unicode-case' } }))
          .body.id,
      );
    const names = async (filter: object, sorts?: unknown) => {
      const r = await api.post(SEARCH, {
        filterGroups: [
          { filters: [{ propertyName: 'jobtitle', operator: 'EQ', value: 'unicode-case' }, filter] },
        ],
        properties: ['lastname'],
        ...(sorts !== undefined && { sorts }),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.results.map((x: { properties: { lastname: string } }) => x.properties.lastname);
    };
    const has = { propertyName: 'lastname', operator: 'HAS_PROPERTY' };
    assert.deepEqual(await names({ propertyName: 'lastname', operator: 'EQ', value: 'ÜNÏCODE' }), [
      'Ünïcode',
    ]);
    assert.deepEqual(await names({ propertyName: 'lastname', operator: 'EQ', value: 'Ünïcode' }), [
      'Ünïcode',
    ]);
    assert.deepEqual(await names({ propertyName: 'lastname', operator: 'IN', values: ['ünïcode'] }), [
      'Ünïcode',
    ]);
    assert.deepEqual(await names({ propertyName: 'lastname', operator: 'CONTAINS_TOKEN', value: 'Émile' }), [
      'émile Zola',
    ]);
    assert.deepEqual(await names({ propertyName: 'lastname', operator: 'NEQ', value: 'ÜNÏCODE' }), [
      'Apple',
      'émile Zola',
      'Zed',
    ]);
    assert.deepEqual(
      await names({ propertyName: 'lastname', operator: 'NOT_IN', values: ['ünïcode', 'ÉMILE ZOLA'] }),
      ['Apple', 'Zed'],
    );
    assert.deepEqual(
      await names({ propertyName: 'lastname', operator: 'NOT_CONTAINS_TOKEN', value: 'ÉMILE' }),
      ['Apple', 'Ünïcode', 'Zed'],
    );
    // Lower-cased, by code point: a < z < é (U+00E9) < ü (U+00FC).
    assert.deepEqual(await names(has, ['lastname']), ['Apple', 'Zed', 'émile Zola', 'Ünïcode']);
    assert.deepEqual(await names(has, ['-lastname']), ['Ünïcode', 'émile Zola', 'Zed', 'Apple']);
    assert.deepEqual(await names({ propertyName: 'lastname', operator: 'GT', value: 'ZZZ' }), [
      'Ünïcode',
      'émile Zola',
    ]);
  });

  it('query on a custom object matches words with punctuation as typed', async () => {
    const schema = await api.post('/crm-object-schemas/v3/schemas', {
      name: 'vehicles',
      labels: { singular: 'Vehicle', plural: 'Vehicles' },
      primaryDisplayProperty: 'vin',
      requiredProperties: ['vin'],
      searchableProperties: ['vin', 'model'],
      properties: [
        { name: 'vin', label: 'VIN', type: 'string', fieldType: 'text' },
        { name: 'model', label: 'Model', type: 'string', fieldType: 'text' },
      ],
      associatedObjects: [],
    });
    assert.equal(schema.status, 201, JSON.stringify(schema.body));
    const type = schema.body.objectTypeId as string;
    for (const [vin, model] of [
      ['ABC-123', 'Ünimog'],
      ['xyz_999', 'Beetle'],
      ['abc123', 'Golf'],
    ]) {
      const r = await api.post(`/crm/v3/objects/${type}`, { properties: { vin, model } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const vins = async (query: string) => {
      const r = await api.post(`/crm/v3/objects/${type}/search`, { query, properties: ['vin'] });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.results.map((x: { properties: { vin: string } }) => x.properties.vin);
    };
    assert.deepEqual(await vins('ABC-123'), ['ABC-123']);
    assert.deepEqual(await vins('abc'), ['ABC-123', 'abc123']);
    assert.deepEqual(await vins('z_9'), ['xyz_999']);
    assert.deepEqual(await vins('c-1'), ['ABC-123']);
    assert.deepEqual(await vins('ünimog abc'), ['ABC-123'], 'every word, in any searchable property');
    assert.deepEqual(await vins('123 golf'), ['abc123']);
    assert.deepEqual(await vins('%'), [], 'a % is a character, not a wildcard');
  });

  it('a multiple checkbox matches each selected option; NOT_IN never returns a record holding a value', async () => {
    const property = await api.post('/crm/v3/properties/contacts', {
      name: 'interests',
      label: 'Interests',
      type: 'enumeration',
      fieldType: 'checkbox',
      groupName: 'contactinformation',
      options: ['a', 'b', 'ab', 'C'].map((value) => ({ label: value, value, hidden: false })),
    });
    assert.equal(property.status, 201, JSON.stringify(property.body));
    for (const [firstname, interests] of [
      ['AB', 'a;b'],
      ['Bonly', 'b'],
      ['ABword', 'ab'],
      ['Cap', 'C'],
      ['None', undefined],
    ] as const) {
      const r = await api.post('/crm/v3/objects/contacts', {
        properties: { firstname, jobtitle: 'checkbox-test', ...(interests && { interests }) },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const names = async (filter: object) => {
      const r = await api.post(SEARCH, {
        filterGroups: [
          { filters: [{ propertyName: 'jobtitle', operator: 'EQ', value: 'checkbox-test' }, filter] },
        ],
        properties: ['firstname'],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.results.map((x: { properties: { firstname: string } }) => x.properties.firstname);
    };
    const on = (operator: string, more: object) => names({ propertyName: 'interests', operator, ...more });
    assert.deepEqual(await on('EQ', { value: 'a' }), ['AB']);
    assert.deepEqual(await on('EQ', { value: 'b' }), ['AB', 'Bonly']);
    assert.deepEqual(await on('IN', { values: ['b'] }), ['AB', 'Bonly']);
    assert.deepEqual(await on('IN', { values: ['ab', 'C'] }), ['ABword', 'Cap']);
    assert.deepEqual(await on('EQ', { value: 'c' }), [], 'options compare case-sensitively');
    assert.deepEqual(await on('NEQ', { value: 'a' }), ['Bonly', 'ABword', 'Cap', 'None']);
    assert.deepEqual(await on('NOT_IN', { values: ['a'] }), ['Bonly', 'ABword', 'Cap', 'None']);
    assert.deepEqual(await on('NOT_IN', { values: ['b', 'C'] }), ['ABword', 'None']);
    assert.deepEqual(await on('CONTAINS_TOKEN', { value: 'b' }), ['AB', 'Bonly']);
    assert.deepEqual(await on('NOT_CONTAINS_TOKEN', { value: 'b' }), ['ABword', 'Cap', 'None']);
    assert.deepEqual(await on('HAS_PROPERTY', {}), ['AB', 'Bonly', 'ABword', 'Cap']);
  });

  it('a day the calendar lacks is a 400, not the next month', async () => {
    for (const [propertyName, value] of [
      ['createdate', '2026-02-30'],
      ['createdate', '2026-02-29T10:00:00Z'],
      ['lastmodifieddate', '2025-04-31'],
      ['createdate', '2026-13-01'],
      ['createdate', '2026-00-10'],
    ]) {
      const r = await api.post(SEARCH, {
        filterGroups: [{ filters: [{ propertyName, operator: 'GT', value }] }],
      });
      assert.equal(r.status, 400, `${propertyName} ${value}`);
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      assert.match(r.body.message, /is not a valid datetime/);
    }
    const leap = await api.post(SEARCH, {
      filterGroups: [{ filters: [{ propertyName: 'createdate', operator: 'GT', value: '2028-02-29' }] }],
    });
    assert.equal(leap.status, 200, 'February 29 of a leap year is a date');
  });

  it('an unknown sort property is ignored: creation order, oldest first (decision D55)', async () => {
    const filters = [{ propertyName: 'jobtitle', operator: 'EQ', value: 'unicode-case' }];
    const plain = await api.post(SEARCH, { filterGroups: [{ filters }] });
    for (const sorts of [['nosuch'], [{ propertyName: 'nosuch', direction: 'DESCENDING' }], ['-nosuch']]) {
      const r = await api.post(SEARCH, { filterGroups: [{ filters }], sorts });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        r.body.results.map((x: { id: string }) => x.id),
        plain.body.results.map((x: { id: string }) => x.id),
      );
    }
  });

  it('a query of punctuation only finds nothing; an unknown requested property is left out', async () => {
    for (const query of ['%', '*', ':', "'", '-- ,']) {
      const r = await api.post(SEARCH, { query });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.total, 0, query);
    }
    const r = await api.post(SEARCH, {
      filterGroups: [{ filters: [{ propertyName: 'jobtitle', operator: 'EQ', value: 'unicode-case' }] }],
      properties: ['nosuch', 'lastname', 'firstname'],
    });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.results[0].properties).sort(), ['firstname', 'lastname']);
    assert.equal(r.body.results[0].properties.firstname, null, 'a known unset property is null');
  });

  it('CONTAINS_TOKEN splits tokens at punctuation as well as whitespace', async () => {
    for (const [firstname, company, email] of [
      ['Acme', 'Acme Inc.', 'alice@example.com'],
      ['Incy', 'Incognito Ltd', 'bob@example.org'],
    ]) {
      const r = await api.post('/crm/v3/objects/contacts', {
        properties: { firstname, company, email, jobtitle: 'token-test' },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const names = async (propertyName: string, operator: string, value: string) => {
      const r = await api.post(SEARCH, {
        filterGroups: [
          {
            filters: [
              { propertyName: 'jobtitle', operator: 'EQ', value: 'token-test' },
              { propertyName, operator, value },
            ],
          },
        ],
        properties: ['firstname'],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.results.map((x: { properties: { firstname: string } }) => x.properties.firstname);
    };
    assert.deepEqual(await names('company', 'CONTAINS_TOKEN', 'inc'), ['Acme']);
    assert.deepEqual(await names('company', 'CONTAINS_TOKEN', 'INC.'), ['Acme']);
    assert.deepEqual(await names('company', 'CONTAINS_TOKEN', 'inc*'), ['Acme', 'Incy']);
    assert.deepEqual(await names('company', 'NOT_CONTAINS_TOKEN', 'inc'), ['Incy']);
    assert.deepEqual(await names('email', 'CONTAINS_TOKEN', 'alice'), ['Acme']);
    assert.deepEqual(await names('email', 'CONTAINS_TOKEN', 'example.com'), ['Acme']);
    assert.deepEqual(await names('email', 'CONTAINS_TOKEN', '*@example.com'), ['Acme']);
    assert.deepEqual(await names('email', 'CONTAINS_TOKEN', 'alice@example.com'), ['Acme']);
    assert.deepEqual(await names('email', 'CONTAINS_TOKEN', 'example'), ['Acme', 'Incy']);
    assert.deepEqual(await names('email', 'CONTAINS_TOKEN', 'ali'), [], 'whole tokens, not prefixes');
  });
});
