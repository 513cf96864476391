/**
 * Inputs at the edges, answered the same on both stores and never with a 500: IDs, cursors
 * and type IDs beyond what the columns hold, long strings in indexed columns, property names
 * that are also names of Object.prototype, `to` lists without end, documents that break
 * invariants, and a merge next to a record at its limit.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { client, type Client } from '../helpers/http.js';
import { createRecord } from '../helpers/records.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { onPostgres } from '../helpers/store.js';

const INT64_MAX = 2n ** 63n - 1n;

describe('edges of the input space', () => {
  let server: TestServer;
  let admin: Client;
  let api: Client;
  let portalId: number;

  before(async () => {
    server = await startTestServer();
    admin = client(server.url);
    const created = await admin.post('/_spoke/portals', {});
    portalId = created.body.portalId;
    api = client(server.url, created.body.token);
  });
  after(() => server.close());

  it('IDs from 2^63-512 to 2^63-1 are "not found", beyond 2^63-1 malformed, on every path', async () => {
    const contact = await createRecord(api, 'contacts', { email: 'ids@example.com' });
    const ids = [INT64_MAX - 511n, INT64_MAX - 1n, INT64_MAX, 2n ** 53n, 2n ** 53n + 1n].map(String);
    for (const id of ids) {
      assert.equal((await api.get(`/crm/v3/objects/contacts/${id}`)).status, 404, id);
      const put = await api.put(`/crm/v4/objects/contacts/${contact}/associations/default/companies/${id}`);
      assert.equal(put.status, 400, `${id}: ${put.text}`);
      assert.ok(put.body.context.INVALID_OBJECT_IDS);
      const list = await api.get(`/crm/v4/objects/contacts/${id}/associations/companies`);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.results, []);
      const read = await api.post('/crm/v4/associations/contacts/companies/batch/read', { inputs: [{ id }] });
      assert.ok([200, 207].includes(read.status), read.text);
      const archive = await api.post('/crm/v4/associations/contacts/companies/batch/archive', {
        inputs: [{ from: { id }, to: [{ id: contact }] }],
      });
      assert.equal(archive.status, 204, archive.text);
    }
    for (const id of [String(INT64_MAX + 1n), '99999999999999999999']) {
      assert.equal((await api.get(`/crm/v3/objects/contacts/${id}`)).status, 400, id);
      const put = await api.put(`/crm/v4/objects/contacts/${contact}/associations/default/companies/${id}`);
      assert.equal(put.status, 400, put.text);
    }
  });

  it('after cursors: up to 2^63-1 a page past the end, beyond it a 400', async () => {
    const contact = await createRecord(api, 'contacts', { email: 'cursor@example.com' });
    for (const after of [
      String(INT64_MAX),
      String(2n ** 53n + 7n),
      Buffer.from(String(INT64_MAX)).toString('base64url'),
    ]) {
      const list = await api.get(`/crm/v4/objects/contacts/${contact}/associations/companies?after=${after}`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.body.results, []);
      const objects = await api.get(`/crm/v3/objects/contacts?after=${after}`);
      assert.equal(objects.status, 200, objects.text);
      assert.deepEqual(objects.body.results, []);
    }
    for (const after of [String(INT64_MAX + 1n), '99999999999999999999']) {
      assert.equal(
        (await api.get(`/crm/v4/objects/contacts/${contact}/associations/companies?after=${after}`)).status,
        400,
      );
      assert.equal((await api.get(`/crm/v3/objects/contacts?after=${after}`)).status, 400);
    }
  });

  it('associationTypeId of 2^31 or more names no type: 400, never 500', async () => {
    const contact = await createRecord(api, 'contacts', { email: 'types@example.com' });
    const company = await createRecord(api, 'companies', { name: 'Types' });
    for (const typeId of [2 ** 31, 2 ** 31 + 1, 2 ** 40, 2 ** 53 - 1]) {
      const spec = [{ associationCategory: 'USER_DEFINED', associationTypeId: typeId }];
      const created = await api.post('/crm/v3/objects/contacts', {
        properties: { email: `t${typeId}@example.com` },
        associations: [{ to: { id: company }, types: spec }],
      });
      assert.equal(created.status, 400, created.text);
      const put = await api.put(
        `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`,
        spec,
      );
      assert.equal(put.status, 400, put.text);
      const label = await api.delete(`/crm/v4/associations/contacts/companies/labels/${typeId}`);
      assert.equal(label.status, 400, label.text);
      const update = await api.put('/crm/v4/associations/contacts/companies/labels', {
        associationTypeId: typeId,
        label: 'X',
      });
      assert.ok([400, 404].includes(update.status), update.text);
      const limit = await api.post(
        '/crm/v4/associations/definitions/configurations/contacts/companies/batch/create',
        {
          inputs: [{ category: 'USER_DEFINED', typeId, maxToObjectIds: 2 }],
        },
      );
      assert.ok([207, 400].includes(limit.status), limit.text);
    }
  });

  it('long strings in indexed columns are stored (emails, property names, labels) or refused by the 65,536 rule', async () => {
    const email = `${'e'.repeat(6000)}@example.com`;
    const first = await api.post('/crm/v3/objects/contacts', { properties: { email } });
    assert.equal(first.status, 201, first.text.slice(0, 300));
    const second = await api.post('/crm/v3/objects/contacts', { properties: { email: email.toUpperCase() } });
    assert.equal(second.status, 409, second.text.slice(0, 300));
    const byEmail = await api.get(`/crm/v3/objects/contacts/${encodeURIComponent(email)}?idProperty=email`);
    assert.ok([200, 414].includes(byEmail.status));

    const longName = `p${'x'.repeat(5000)}`;
    const company = await api.post('/crm/v3/objects/companies', {
      properties: { name: 'Long', [longName]: 'v' },
    });
    assert.ok([201, 400].includes(company.status), company.text.slice(0, 300));

    const label = await api.post('/crm/v4/associations/contacts/companies/labels', {
      label: 'L'.repeat(5000),
      name: `n${'n'.repeat(5000)}`,
    });
    assert.equal(label.status, 200, label.text.slice(0, 300));
    const again = await api.post('/crm/v4/associations/contacts/companies/labels', {
      label: 'Other',
      name: `n${'n'.repeat(5000)}`,
    });
    assert.equal(again.status, 409);

    const tooLong = await api.post('/crm/v3/objects/companies', { properties: { name: 'x'.repeat(65_537) } });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.body.message + JSON.stringify(tooLong.body.errors), /65,536/);
    const atLimit = await api.post('/crm/v3/objects/companies', { properties: { name: 'x'.repeat(65_536) } });
    assert.equal(atLimit.status, 201);
  });

  it('properties named constructor, toString, valueOf and hasOwnProperty export and import', async () => {
    const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty'];
    const properties = Object.fromEntries(names.map((n) => [n, `value of ${n}`]));
    // Lenient mode creates the properties on first write (strict mode would refuse them).
    await admin.put(`/_spoke/portals/${portalId}/settings`, { propertyValidation: 'lenient' });
    const created = await api.post('/crm/v3/objects/companies', {
      properties: { name: 'Proto', ...properties },
    });
    assert.equal(created.status, 201, created.text);
    await api.patch(`/crm/v3/objects/companies/${created.body.id}`, { properties: { toString: 'again' } });
    const exported = await admin.get(`/_spoke/portals/${portalId}/export`);
    assert.equal(exported.status, 200, exported.text.slice(0, 300));
    const record = exported.body.records.find((r: any) => r.id === created.body.id);
    assert.deepEqual(
      record.history.toString.map((h: any) => h.value),
      ['value of toString', 'again'],
    );
    const imported = await admin.post(`/_spoke/portals/${portalId}/import`, exported.body);
    assert.equal(imported.status, 200, imported.text);
  });

  it("batch/archive bounds each input's to list and the pairs of a request", async () => {
    const contact = await createRecord(api, 'contacts', { email: 'bound@example.com' });
    const to = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(20_000_000_000 + i) }));
    const one = await api.post('/crm/v4/associations/contacts/companies/batch/archive', {
      inputs: [{ from: { id: contact }, to: to(101) }],
    });
    assert.equal(one.status, 400);
    assert.match(one.body.message, /at most 100 per input/);
    const many = await api.post('/crm/v4/associations/contacts/companies/batch/archive', {
      inputs: Array.from({ length: 101 }, () => ({ from: { id: contact }, to: to(100) })),
    });
    assert.equal(many.status, 400);
    assert.match(many.body.message, /at most 10,000 pairs/);
    const fine = await api.post('/crm/v4/associations/contacts/companies/batch/archive', {
      inputs: [{ from: { id: contact }, to: to(100) }],
    });
    assert.equal(fine.status, 204);
  });

  it('a merge next to a record at its limit goes through: the merge does not change its count', async () => {
    const deal = await createRecord(api, 'deals', { dealname: 'Limited', dealstage: 'appointmentscheduled' });
    const a = await createRecord(api, 'contacts', { email: 'la@example.com' });
    const b = await createRecord(api, 'contacts', { email: 'lb@example.com' });
    const c = await createRecord(api, 'contacts', { email: 'lc@example.com' });
    const limit = await api.post(
      '/crm/v4/associations/definitions/configurations/deals/contacts/batch/create',
      {
        inputs: [{ category: 'HUBSPOT_DEFINED', typeId: 3, maxToObjectIds: 2 }],
      },
    );
    assert.equal(limit.status, 201, limit.text);
    // The deal is at its limit with B and C; A, the primary record, is not associated with it.
    assert.equal(
      (await api.put(`/crm/v4/objects/deals/${deal}/associations/default/contacts/${b}`)).status,
      200,
    );
    assert.equal(
      (await api.put(`/crm/v4/objects/deals/${deal}/associations/default/contacts/${c}`)).status,
      200,
    );
    const merged = await api.post('/crm/v3/objects/contacts/merge', {
      primaryObjectId: a,
      objectIdToMerge: b,
    });
    assert.equal(merged.status, 200, merged.text);
    const list = await api.get(`/crm/v4/objects/deals/${deal}/associations/contacts`);
    assert.deepEqual(list.body.results.map((r: any) => r.toObjectId).sort(), [a, c].sort());
    const report = await admin.get(`/_spoke/check?portal=${portalId}`);
    assert.deepEqual(
      report.body.problems.filter((p: any) => p.portalId === portalId),
      [],
    );
  });
});

describe('imports and fixtures that spoke check would flag are refused whole', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer();
    admin = client(server.url);
  });
  after(() => server.close());

  /** A portal with one contact, one company, a label and their associations; and its export. */
  async function exported() {
    const created = await admin.post('/_spoke/portals', {});
    const api = client(server.url, created.body.token);
    const contact = await createRecord(api, 'contacts', { email: 'doc@example.com' });
    const company = await createRecord(api, 'companies', { name: 'Doc' });
    const label = await api.post('/crm/v4/associations/contacts/companies/labels', {
      label: 'Boss',
      name: 'boss',
    });
    const typeId = label.body.results[0].typeId;
    await api.put(`/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, [
      { associationCategory: 'USER_DEFINED', associationTypeId: typeId },
    ]);
    const document = (await admin.get(`/_spoke/portals/${created.body.portalId}/export`)).body;
    return { portalId: created.body.portalId as number, api, document, contact, company, typeId };
  }

  const breakages: Array<[string, RegExp, (doc: any) => void]> = [
    ['an association without its inverse', /missing-inverse/, (doc) => doc.associations.pop()],
    [
      'an association of an unknown type',
      /unknown-type/,
      (doc) => {
        doc.associations.find((a: any) => a.category === 'USER_DEFINED').typeId = 9999;
      },
    ],
    ['a label without its inverse definition', /orphan-definition/, (doc) => doc.labels.splice(1, 1)],
    [
      'a schema without requiredProperties',
      /invalid-schema/,
      (doc) =>
        doc.schemas.push({
          objectTypeId: '2-1000009',
          name: 'broken',
          definition: { labels: { singular: 'B', plural: 'Bs' }, properties: [] },
          createdAt: doc.exportedAt,
          updatedAt: doc.exportedAt,
          archivedAt: null,
        }),
    ],
    [
      'a limit on a type that is not defined',
      /orphan-limit/,
      (doc) =>
        doc.limits.push({
          category: 'USER_DEFINED',
          typeId: 4242,
          fromObjectTypeId: '0-1',
          toObjectTypeId: '0-2',
          maxToObjectIds: 3,
        }),
    ],
    [
      'a record over its limit',
      /over-limit/,
      (doc) => {
        // The company may have one contact, and a copy of the contact makes it two.
        doc.limits.push({
          category: 'HUBSPOT_DEFINED',
          typeId: 280,
          fromObjectTypeId: '0-2',
          toObjectTypeId: '0-1',
          maxToObjectIds: 1,
        });
        const contact = doc.records.find((r: any) => r.objectTypeId === '0-1');
        doc.records.push({ ...contact, id: '10000000099', properties: {} });
        doc.associations.push(
          ...doc.associations
            .filter((a: any) => a.fromId === contact.id)
            .map((a: any) => ({ ...a, fromId: '10000000099' })),
          ...doc.associations
            .filter((a: any) => a.toId === contact.id)
            .map((a: any) => ({ ...a, toId: '10000000099' })),
        );
      },
    ],
    [
      'a live record of an archived schema',
      /stranded-record/,
      (doc) => {
        doc.schemas.push({
          objectTypeId: '2-1000009',
          name: 'gone',
          definition: { labels: { singular: 'G', plural: 'Gs' }, properties: [], requiredProperties: [] },
          createdAt: doc.exportedAt,
          updatedAt: doc.exportedAt,
          archivedAt: doc.exportedAt,
        });
        doc.records.push({ ...doc.records[0], id: '10000000098', objectTypeId: '2-1000009', properties: {} });
      },
    ],
  ];

  for (const [what, kind, breakIt] of breakages) {
    it(`refuses ${what} with a 400 naming it, and changes nothing`, async () => {
      const { portalId, document } = await exported();
      const broken = structuredClone(document);
      breakIt(broken);
      const r = await admin.post(`/_spoke/portals/${portalId}/import`, broken);
      assert.equal(r.status, 400, r.text.slice(0, 500));
      assert.match(r.body.message, kind);
      const after = (await admin.get(`/_spoke/portals/${portalId}/export`)).body;
      assert.deepEqual({ ...after, exportedAt: '' }, { ...document, exportedAt: '' });
    });
  }

  it('an import without counters leaves later creates working', async () => {
    const { portalId, api, document } = await exported();
    const { counters: _, ...withoutCounters } = document;
    const r = await admin.post(`/_spoke/portals/${portalId}/import`, withoutCounters);
    assert.equal(r.status, 200, r.text);
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await api.post('/crm/v3/objects/companies', { properties: { name: `n${i}` } })).status,
        201,
      );
    }
    const label = await api.post('/crm/v4/associations/contacts/companies/labels', {
      label: 'New',
      name: 'new',
    });
    assert.equal(label.status, 200, label.text);
    assert.deepEqual((await admin.get(`/_spoke/check?portal=${portalId}`)).body.problems, []);
  });

  it('malformed imports and fixtures answer 400 and change nothing', async () => {
    const { portalId, document } = await exported();
    const malformed = [
      { ...document, records: [null] },
      { ...document, associations: [5] },
      { ...document, records: [{ ...document.records[0], history: { name: 'not a list' } }] },
      { ...document, counters: 'many' },
      { ...document, labels: [null] },
    ];
    for (const doc of malformed) {
      const r = await admin.post(`/_spoke/portals/${portalId}/import`, doc);
      assert.equal(r.status, 400, r.text.slice(0, 300));
    }
    const fixtures = [
      [],
      { records: { contacts: [null] } },
      { records: { contacts: 'ada' } },
      { associations: [null] },
      { labels: [{}] },
      { limits: [{ from: 'deals' }] },
      { records: { contacts: [{ key: 'x'.repeat(300) }] } },
      { associations: [{ from: 'nobody', to: 'none' }] },
      // A valid first half, then a failure: the first half is not kept.
      {
        records: { companies: [{ key: 'kept', properties: { name: 'Kept?' } }] },
        limits: [{ from: 'deals', to: 'contacts', max: 0 }],
      },
    ];
    for (const fixture of fixtures) {
      const r = await admin.post(`/_spoke/portals/${portalId}/seed`, fixture);
      assert.equal(r.status, 400, `${JSON.stringify(fixture).slice(0, 100)}: ${r.text.slice(0, 300)}`);
    }
    const after = (await admin.get(`/_spoke/portals/${portalId}/export`)).body;
    assert.deepEqual({ ...after, exportedAt: '' }, { ...document, exportedAt: '' });
  });
});

describe('SQLite files', () => {
  it('are created readable by their owner only (0600), with their WAL', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'spoke-mode-'));
    try {
      const file = join(directory, 'spoke.db');
      const store = openSqliteStore(file);
      await store.transaction((tx) => tx.setCounter(1, 'x', 1));
      for (const path of [file, `${file}-wal`, `${file}-shm`])
        assert.equal(statSync(path).mode & 0o777, 0o600, path);
      await store.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('exports stream', () => {
  it('a paused export holds up no write, and reads its one consistent view', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'spoke-export-'));
    // On SQLite a file (a long export gets a connection of its own); on PostgreSQL the test database.
    const server = await startTestServer(
      onPostgres() ? {} : { store: openSqliteStore(join(directory, 's.db')) },
    );
    try {
      const admin = client(server.url);
      const created = await admin.post('/_spoke/portals', {});
      const api = client(server.url, created.body.token);
      for (let i = 0; i < 25; i++) {
        const r = await api.post('/crm/v3/objects/companies/batch/create', {
          inputs: Array.from({ length: 100 }, (_, k) => ({
            properties: { name: `C${i}-${k}`, domain: 'x'.repeat(200) },
          })),
        });
        assert.equal(r.status, 201);
      }
      const first = (await api.get('/crm/v3/objects/companies?limit=1')).body.results[0].id;
      // Start the export and read only its first bytes: the rest waits on this client.
      const response = await fetch(`${server.url}/_spoke/portals/${created.body.portalId}/export`);
      assert.equal(response.status, 200);
      const reader = response.body!.getReader();
      const chunks: Uint8Array[] = [(await reader.read()).value!];
      // Meanwhile writes go on, and are not in the export's view.
      const patched = await api.patch(`/crm/v3/objects/companies/${first}`, {
        properties: { name: 'Changed' },
      });
      assert.equal(patched.status, 200);
      assert.equal(
        (await api.post('/crm/v3/objects/companies', { properties: { name: 'Later' } })).status,
        201,
      );
      for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
      const document = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      assert.equal(document.records.length, 2500);
      assert.equal(document.records.find((r: any) => r.id === first).properties.name, 'C0-0');
    } finally {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
