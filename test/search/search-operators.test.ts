/**
 * CRM search: every operator on every property type (number, date, datetime, bool,
 * enumeration, string and the record columns), the association pseudo-property, and `query`,
 * over real HTTP on the test store; every response is checked against HubSpot's spec.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface Seed {
  firstname: string;
  lastname: string;
  email: string;
  score?: string;
  birthday?: string;
  last_seen?: string;
  vip?: string;
  tier?: string;
}

const SEEDS: Seed[] = [
  {
    firstname: 'Alice',
    lastname: 'Archer',
    email: 'alice@hubspot.com',
    score: '9',
    birthday: '1990-01-15',
    last_seen: '2026-01-01T10:00:00.000Z',
    vip: 'true',
    tier: 'Gold',
  },
  {
    firstname: 'Bob',
    lastname: 'Baker',
    email: 'bob@example.com',
    score: '10',
    birthday: '1985-06-30',
    last_seen: '2026-02-01T10:00:00.000Z',
    vip: 'false',
    tier: 'silver',
  },
  {
    firstname: 'Carol',
    lastname: 'Smith Jones',
    email: 'carol@hubspot.com',
    score: '100',
    birthday: '2000-12-31',
    last_seen: '2026-03-01T10:00:00.000Z',
    tier: 'Silver',
  },
  { firstname: 'Dave', lastname: 'Doe', email: 'dave@example.org' },
];

describe('search: operators by property type', () => {
  let server: TestServer;
  let api: Client;
  const ids = new Map<string, string>();

  /** The first names of the contacts a search finds, in result order. */
  async function names(body: Record<string, unknown>): Promise<string[]> {
    const r = await api.post('/crm/v3/objects/contacts/search', {
      properties: ['firstname'],
      limit: 100,
      ...body,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.total, r.body.results.length);
    return r.body.results.map((x: { properties: { firstname: string } }) => x.properties.firstname);
  }
  const where = (propertyName: string, operator: string, more: Record<string, unknown> = {}) =>
    names({ filterGroups: [{ filters: [{ propertyName, operator, ...more }] }] });

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    const property = (name: string, type: string, fieldType: string, extra: object = {}) =>
      api.post('/crm/v3/properties/contacts', {
        name,
        label: name,
        type,
        fieldType,
        groupName: 'contactinformation',
        ...extra,
      });
    for (const r of [
      await property('score', 'number', 'number'),
      await property('birthday', 'date', 'date'),
      await property('last_seen', 'datetime', 'date'),
      await property('vip', 'bool', 'booleancheckbox', {
        options: [
          { label: 'Yes', value: 'true', hidden: false },
          { label: 'No', value: 'false', hidden: false },
        ],
      }),
      await property('tier', 'enumeration', 'select', {
        options: ['Gold', 'silver', 'Silver'].map((value) => ({ label: value, value, hidden: false })),
      }),
    ])
      assert.equal(r.status, 201, JSON.stringify(r.body));
    for (const seed of SEEDS) {
      const r = await api.post('/crm/v3/objects/contacts', { properties: seed });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.set(seed.firstname, r.body.id);
    }
  });
  after(() => server.close());

  it('numbers compare numerically (10 > 9, 100 > 10)', async () => {
    assert.deepEqual(await where('score', 'GT', { value: '9' }), ['Bob', 'Carol']);
    assert.deepEqual(await where('score', 'GTE', { value: 9 }), ['Alice', 'Bob', 'Carol']);
    assert.deepEqual(await where('score', 'LT', { value: '10' }), ['Alice']);
    assert.deepEqual(await where('score', 'LTE', { value: '10' }), ['Alice', 'Bob']);
    assert.deepEqual(await where('score', 'EQ', { value: '10.0' }), ['Bob']);
    assert.deepEqual(await where('score', 'NEQ', { value: '10' }), ['Alice', 'Carol', 'Dave']);
    assert.deepEqual(await where('score', 'BETWEEN', { value: '9', highValue: '10' }), ['Alice', 'Bob']);
    assert.deepEqual(await where('score', 'IN', { values: ['9', '100'] }), ['Alice', 'Carol']);
    assert.deepEqual(await where('score', 'NOT_IN', { values: ['9', '100'] }), ['Bob', 'Dave']);
    assert.deepEqual(await where('score', 'HAS_PROPERTY'), ['Alice', 'Bob', 'Carol']);
    assert.deepEqual(await where('score', 'NOT_HAS_PROPERTY'), ['Dave']);
  });

  it('dates and datetimes compare as instants, given as epoch milliseconds or ISO 8601', async () => {
    const feb = String(Date.parse('2026-02-01T10:00:00Z'));
    assert.deepEqual(await where('last_seen', 'GTE', { value: feb }), ['Bob', 'Carol']);
    assert.deepEqual(await where('last_seen', 'GT', { value: '2026-02-01T10:00:00Z' }), ['Carol']);
    assert.deepEqual(await where('last_seen', 'LT', { value: feb }), ['Alice']);
    assert.deepEqual(await where('last_seen', 'LTE', { value: feb }), ['Alice', 'Bob']);
    assert.deepEqual(await where('last_seen', 'EQ', { value: feb }), ['Bob']);
    assert.deepEqual(await where('last_seen', 'NEQ', { value: feb }), ['Alice', 'Carol', 'Dave']);
    assert.deepEqual(
      await where('last_seen', 'BETWEEN', {
        value: '2025-12-31',
        highValue: String(Date.parse('2026-02-15')),
      }),
      ['Alice', 'Bob'],
    );
    assert.deepEqual(await where('last_seen', 'IN', { values: [feb, '2026-03-01T10:00:00.000Z'] }), [
      'Bob',
      'Carol',
    ]);
    assert.deepEqual(await where('last_seen', 'NOT_IN', { values: [feb] }), ['Alice', 'Carol', 'Dave']);
    assert.deepEqual(await where('last_seen', 'HAS_PROPERTY'), ['Alice', 'Bob', 'Carol']);
    assert.deepEqual(await where('last_seen', 'NOT_HAS_PROPERTY'), ['Dave']);

    const jan1990 = String(Date.parse('1990-01-15'));
    assert.deepEqual(await where('birthday', 'EQ', { value: jan1990 }), ['Alice']);
    assert.deepEqual(await where('birthday', 'GT', { value: '1989-12-31' }), ['Alice', 'Carol']);
    assert.deepEqual(await where('birthday', 'LT', { value: jan1990 }), ['Bob']);
    assert.deepEqual(await where('birthday', 'LTE', { value: jan1990 }), ['Alice', 'Bob']);
    assert.deepEqual(await where('birthday', 'GTE', { value: '2000-12-31' }), ['Carol']);
    assert.deepEqual(await where('birthday', 'NEQ', { value: jan1990 }), ['Bob', 'Carol', 'Dave']);
    assert.deepEqual(await where('birthday', 'BETWEEN', { value: '1985-01-01', highValue: '1990-01-15' }), [
      'Alice',
      'Bob',
    ]);
    assert.deepEqual(await where('birthday', 'IN', { values: ['1985-06-30', '2000-12-31'] }), [
      'Bob',
      'Carol',
    ]);
    assert.deepEqual(await where('birthday', 'NOT_IN', { values: ['1985-06-30'] }), [
      'Alice',
      'Carol',
      'Dave',
    ]);
    assert.deepEqual(await where('birthday', 'HAS_PROPERTY'), ['Alice', 'Bob', 'Carol']);
    assert.deepEqual(await where('birthday', 'NOT_HAS_PROPERTY'), ['Dave']);
  });

  it('record columns: createdate, hs_lastmodifieddate and hs_object_id', async () => {
    const alice = Number(ids.get('Alice'));
    assert.deepEqual(await where('hs_object_id', 'GT', { value: String(alice) }), ['Bob', 'Carol', 'Dave']);
    assert.deepEqual(await where('hs_object_id', 'EQ', { value: String(alice) }), ['Alice']);
    assert.deepEqual(await where('hs_object_id', 'IN', { values: [String(alice), ids.get('Dave')] }), [
      'Alice',
      'Dave',
    ]);
    assert.deepEqual(await where('hs_object_id', 'LT', { value: ids.get('Bob') }), ['Alice']);
    const created = (await api.get(`/crm/v3/objects/contacts/${ids.get('Carol')}`)).body.createdAt as string;
    assert.ok((await where('createdate', 'LTE', { value: created })).includes('Carol'));
    assert.ok(!(await where('createdate', 'GT', { value: String(Date.parse(created)) })).includes('Carol'));
    assert.deepEqual(await where('createdate', 'HAS_PROPERTY'), ['Alice', 'Bob', 'Carol', 'Dave']);
    assert.deepEqual(await where('lastmodifieddate', 'GTE', { value: '0' }), [
      'Alice',
      'Bob',
      'Carol',
      'Dave',
    ]);
    assert.deepEqual(await where('hs_lastmodifieddate', 'LT', { value: '0' }), []);
  });

  it('booleans', async () => {
    assert.deepEqual(await where('vip', 'EQ', { value: 'true' }), ['Alice']);
    assert.deepEqual(await where('vip', 'EQ', { value: true }), ['Alice']);
    assert.deepEqual(await where('vip', 'EQ', { value: 'FALSE' }), ['Bob']);
    assert.deepEqual(await where('vip', 'NEQ', { value: 'true' }), ['Bob', 'Carol', 'Dave']);
    assert.deepEqual(await where('vip', 'IN', { values: ['true', 'false'] }), ['Alice', 'Bob']);
    assert.deepEqual(await where('vip', 'NOT_IN', { values: ['true'] }), ['Bob', 'Carol', 'Dave']);
    assert.deepEqual(await where('vip', 'HAS_PROPERTY'), ['Alice', 'Bob']);
    assert.deepEqual(await where('vip', 'NOT_HAS_PROPERTY'), ['Carol', 'Dave']);
  });

  it('enumerations are case-sensitive', async () => {
    assert.deepEqual(await where('tier', 'EQ', { value: 'Silver' }), ['Carol']);
    assert.deepEqual(await where('tier', 'EQ', { value: 'silver' }), ['Bob']);
    assert.deepEqual(await where('tier', 'EQ', { value: 'gold' }), []);
    assert.deepEqual(await where('tier', 'NEQ', { value: 'Gold' }), ['Bob', 'Carol', 'Dave']);
    assert.deepEqual(await where('tier', 'IN', { values: ['Gold', 'Silver'] }), ['Alice', 'Carol']);
    assert.deepEqual(await where('tier', 'NOT_IN', { values: ['Gold', 'Silver'] }), ['Bob', 'Dave']);
    assert.deepEqual(await where('tier', 'GT', { value: 'Gold' }), ['Bob', 'Carol']);
    assert.deepEqual(await where('tier', 'HAS_PROPERTY'), ['Alice', 'Bob', 'Carol']);
    assert.deepEqual(await where('tier', 'NOT_HAS_PROPERTY'), ['Dave']);
  });

  it('strings are case-insensitive; tokens take * wildcards', async () => {
    assert.deepEqual(await where('email', 'EQ', { value: 'ALICE@hubspot.com' }), ['Alice']);
    assert.deepEqual(await where('email', 'EQ', { value: ' alice@HUBSPOT.com ' }), ['Alice']);
    assert.deepEqual(await where('email', 'IN', { values: ['bob@example.com', 'DAVE@example.org'] }), [
      'Bob',
      'Dave',
    ]);
    assert.deepEqual(await where('email', 'NEQ', { value: 'bob@example.com' }), ['Alice', 'Carol', 'Dave']);
    // A contact's email is unique: EQ reads the unique values, which follow every change.
    const dave = ids.get('Dave')!;
    await api.patch(`/crm/v3/objects/contacts/${dave}`, { properties: { email: 'david@example.org' } });
    assert.deepEqual(await where('email', 'EQ', { value: 'dave@example.org' }), []);
    assert.deepEqual(await where('email', 'EQ', { value: 'david@example.org' }), ['Dave']);
    await api.patch(`/crm/v3/objects/contacts/${dave}`, { properties: { email: 'dave@example.org' } });
    assert.deepEqual(await where('firstname', 'NEQ', { value: 'alice' }), ['Bob', 'Carol', 'Dave']);
    assert.deepEqual(await where('firstname', 'IN', { values: ['alice', 'bob'] }), ['Alice', 'Bob']);
    assert.deepEqual(await where('firstname', 'NOT_IN', { values: ['alice', 'bob'] }), ['Carol', 'Dave']);
    assert.deepEqual(await where('firstname', 'LT', { value: 'c' }), ['Alice', 'Bob']);
    assert.deepEqual(await where('firstname', 'LTE', { value: 'carol' }), ['Alice', 'Bob', 'Carol']);
    assert.deepEqual(await where('firstname', 'GT', { value: 'c' }), ['Carol', 'Dave']);
    assert.deepEqual(await where('firstname', 'GTE', { value: 'Dave' }), ['Dave']);
    assert.deepEqual(await where('firstname', 'BETWEEN', { value: 'b', highValue: 'czz' }), ['Bob', 'Carol']);
    assert.deepEqual(await where('email', 'CONTAINS_TOKEN', { value: '*@hubspot.com' }), ['Alice', 'Carol']);
    assert.deepEqual(await where('email', 'NOT_CONTAINS_TOKEN', { value: '*@hubspot.com' }), ['Bob', 'Dave']);
    assert.deepEqual(await where('lastname', 'CONTAINS_TOKEN', { value: 'JONES' }), ['Carol']);
    assert.deepEqual(await where('lastname', 'CONTAINS_TOKEN', { value: 'jon' }), []);
    assert.deepEqual(await where('lastname', 'CONTAINS_TOKEN', { value: 'jon*' }), ['Carol']);
    assert.deepEqual(
      await where('email', 'CONTAINS_TOKEN', { value: 'bob_example.com' }),
      [],
      '_ is not a wildcard',
    );
    assert.deepEqual(await where('lastname', 'HAS_PROPERTY'), ['Alice', 'Bob', 'Carol', 'Dave']);
    assert.deepEqual(await where('salutation', 'NOT_HAS_PROPERTY'), ['Alice', 'Bob', 'Carol', 'Dave']);
  });

  it('groups are ORed, filters in a group ANDed, top-level filters are one more group', async () => {
    const byName = (v: string) => ({ propertyName: 'firstname', operator: 'EQ', value: v });
    assert.deepEqual(
      await names({
        filterGroups: [
          { filters: [byName('alice'), { propertyName: 'vip', operator: 'EQ', value: 'true' }] },
          { filters: [byName('dave')] },
        ],
      }),
      ['Alice', 'Dave'],
    );
    assert.deepEqual(
      await names({ filterGroups: [{ filters: [byName('alice'), byName('bob')] }] }),
      [],
      'filters in one group are ANDed',
    );
    assert.deepEqual(
      await names({
        filters: [
          { propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@hubspot.com' },
          byName('carol'),
        ],
      }),
      ['Carol'],
    );
  });

  it('query searches the default searchable properties by word prefix', async () => {
    assert.deepEqual(await names({ query: 'alice' }), ['Alice']);
    assert.deepEqual(await names({ query: 'ali' }), ['Alice']);
    assert.deepEqual(await names({ query: 'hubspot.com' }), ['Alice', 'Carol']);
    assert.deepEqual(await names({ query: 'carol@hubspot.com' }), ['Carol']);
    assert.deepEqual(await names({ query: 'smith jones' }), ['Carol']);
    assert.deepEqual(await names({ query: 'SMITH' }), ['Carol']);
    assert.deepEqual(await names({ query: 'gold' }), [], 'tier is not a searchable property');
    assert.deepEqual(await names({ query: 'zed' }), []);
    assert.deepEqual(
      await names({
        query: 'example',
        filterGroups: [{ filters: [{ propertyName: 'firstname', operator: 'EQ', value: 'bob' }] }],
      }),
      ['Bob'],
    );
    const renamed = await api.patch(`/crm/v3/objects/contacts/${ids.get('Dave')}`, {
      properties: { lastname: 'Zebra' },
    });
    assert.equal(renamed.status, 200);
    assert.deepEqual(await names({ query: 'zebra' }), ['Dave'], 'an update is searchable at once');
    assert.deepEqual(await names({ query: 'doe' }), []);
    await api.patch(`/crm/v3/objects/contacts/${ids.get('Dave')}`, { properties: { lastname: 'Doe' } });
  });

  it('associations.{objectType} finds records associated with given records', async () => {
    const company = await api.post('/crm/v3/objects/companies', {
      properties: { name: 'Acme', domain: 'acme.test' },
    });
    const other = await api.post('/crm/v3/objects/companies', { properties: { name: 'Other' } });
    for (const [who, to] of [
      ['Alice', company.body.id],
      ['Bob', company.body.id],
      ['Carol', other.body.id],
    ] as const) {
      const r = await api.put(
        `/crm/v4/objects/contacts/${ids.get(who)}/associations/default/companies/${to}`,
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    assert.deepEqual(await where('associations.company', 'EQ', { value: company.body.id }), ['Alice', 'Bob']);
    assert.deepEqual(
      await where('associations.companies', 'IN', { values: [company.body.id, other.body.id] }),
      ['Alice', 'Bob', 'Carol'],
    );
    assert.deepEqual(await where('associations.company', 'NEQ', { value: company.body.id }), [
      'Carol',
      'Dave',
    ]);
    assert.deepEqual(await where('associations.company', 'NOT_IN', { values: [other.body.id] }), [
      'Alice',
      'Bob',
      'Dave',
    ]);
    assert.deepEqual(await where('associations.company', 'HAS_PROPERTY'), ['Alice', 'Bob', 'Carol']);
    assert.deepEqual(await where('associations.company', 'NOT_HAS_PROPERTY'), ['Dave']);
    const back = await api.post('/crm/v3/objects/companies/search', {
      filterGroups: [
        { filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: ids.get('Carol') }] },
      ],
    });
    assert.equal(back.status, 200);
    assert.deepEqual(
      back.body.results.map((r: { id: string }) => r.id),
      [other.body.id],
    );
    const bad = await api.post('/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'associations.company', operator: 'GT', value: '1' }] }],
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.category, 'VALIDATION_ERROR');
    const unknown = await api.post('/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'associations.spaceship', operator: 'EQ', value: '1' }] }],
    });
    assert.equal(unknown.status, 400);
  });

  it('archived records never appear', async () => {
    const gone = await api.post('/crm/v3/objects/contacts', {
      properties: { firstname: 'Eve', email: 'eve@hubspot.com' },
    });
    assert.deepEqual(await where('firstname', 'EQ', { value: 'eve' }), ['Eve']);
    assert.equal((await api.delete(`/crm/v3/objects/contacts/${gone.body.id}`)).status, 204);
    assert.deepEqual(await where('firstname', 'EQ', { value: 'eve' }), []);
    assert.deepEqual(await names({ query: 'eve' }), []);
  });
});
