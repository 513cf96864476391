/**
 * Imports read as a stream: a document sent in small pieces (split inside multi-byte
 * characters), in another order than `spoke export` writes, or larger than one chunk, loads
 * exactly what the document holds; a broken stream changes nothing.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** POSTs `text` in pieces of `size` bytes, each written after the previous one left. */
function postInPieces(url: string, text: string, size: number): Promise<{ status: number; body: any }> {
  const bytes = Buffer.from(text);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(body) }));
    });
    req.on('error', reject);
    let offset = 0;
    const next = () => {
      if (offset >= bytes.length) return void req.end();
      const piece = bytes.subarray(offset, offset + size);
      offset += size;
      if (req.write(piece)) setImmediate(next);
      else req.once('drain', next);
    };
    next();
  });
}

describe('streaming import', () => {
  let server: TestServer;
  let admin: Client;
  let source: number;
  let document: any;

  before(async () => {
    server = await startTestServer();
    admin = client(server.url);
    const portal = await admin.post('/_spoke/portals', {});
    source = portal.body.portalId;
    const api = client(server.url, portal.body.token);
    const schema = await api.post('/crm-object-schemas/v3/schemas', {
      name: 'boats',
      labels: { singular: 'Boat', plural: 'Boats' },
      primaryDisplayProperty: 'hull',
      requiredProperties: ['hull'],
      properties: [{ name: 'hull', label: 'Hull', type: 'string', fieldType: 'text' }],
      associatedObjects: ['CONTACT'],
    });
    assert.equal(schema.status, 201, schema.text);
    // More records than one write chunk (2,000), with text that needs 2-, 3- and 4-byte UTF-8.
    const inputs = Array.from({ length: 2300 }, (_, i) => ({
      properties: { email: `s${i}@example.com`, firstname: `Zoë ${i} 東京 🚤` },
    }));
    const ids: string[] = [];
    for (let i = 0; i < inputs.length; i += 100) {
      const created = await api.post('/crm/v3/objects/contacts/batch/create', {
        inputs: inputs.slice(i, i + 100),
      });
      assert.equal(created.status, 201, created.text);
      ids.push(...created.body.results.map((r: { id: string }) => r.id));
    }
    const boat = await api.post(`/crm/v3/objects/p${source}_boats`, { properties: { hull: 'Ø-1' } });
    assert.equal(boat.status, 201, boat.text);
    for (const id of ids.slice(0, 50)) {
      await api.put(`/crm/v4/objects/p${source}_boats/${boat.body.id}/associations/default/contacts/${id}`);
    }
    document = (await admin.get(`/_spoke/portals/${source}/export`)).body;
    assert.equal(document.records.length, 2301);
    assert.equal(document.associations.length, 100);
  });
  after(() => server.close());

  const withoutTimes = (doc: any) => {
    const { exportedAt: _e, portalId: _p, ...rest } = doc;
    return rest;
  };

  async function importInto(text: string, pieceSize: number) {
    const target = (await admin.post('/_spoke/portals', {})).body.portalId as number;
    const r = await postInPieces(`${server.url}/_spoke/portals/${target}/import`, text, pieceSize);
    return { target, ...r };
  }

  it('loads a document sent in 7-byte pieces, split inside multi-byte characters', async () => {
    const contacts = { ...document, records: document.records.slice(0, 40), associations: [] };
    const { target, status, body } = await importInto(JSON.stringify(contacts), 7);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body, { records: 40, associations: 0 });
    const again = (await admin.get(`/_spoke/portals/${target}/export`)).body;
    assert.deepEqual(again.records, contacts.records);
  });

  it('loads more records than one write chunk, and reads back identical', async () => {
    const { target, status, body } = await importInto(JSON.stringify(document), 64 * 1024);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body, { records: 2301, associations: 100 });
    const again = (await admin.get(`/_spoke/portals/${target}/export`)).body;
    assert.deepEqual(withoutTimes(again), withoutTimes(document));
  });

  it('loads a document in another order: associations, then records, then schemas', async () => {
    const { associations, records, schemas, ...head } = document;
    const reordered = `{"associations":${JSON.stringify(associations)},"records":${JSON.stringify(records)},${JSON.stringify(head).slice(1, -1)},"schemas":${JSON.stringify(schemas)}}`;
    const { target, status, body } = await importInto(reordered, 16 * 1024);
    assert.equal(status, 200, JSON.stringify(body));
    const again = (await admin.get(`/_spoke/portals/${target}/export`)).body;
    assert.deepEqual(withoutTimes(again), withoutTimes(document));
  });

  it('refuses a broken stream with a 400 naming the problem, and changes nothing', async () => {
    const text = JSON.stringify(document);
    const broken: Array<[string, string, RegExp]> = [
      ['cut short', text.slice(0, Math.floor(text.length / 2)), /ends too early|not JSON/],
      ['followed by more', `${text} {}`, /more after the end|not JSON/],
      ['not JSON', text.replace('"records":[', '"records":[,'), /not JSON/],
      [
        'a __proto__ key',
        text.replace('"properties":{', '"properties":{"__proto__":{"x":"1"},'),
        /__proto__/,
      ],
      ['a NUL in a string', text.replace('Zoë 7 ', 'Zoë\\u0000'), /NUL/],
      [
        'records that are not an array',
        text.replace(/"records":\[.*\],"associations"/, '"records":{"a":1},"associations"'),
        /"records" must be an array/,
      ],
      [
        'no associations',
        text.replace(/,"associations":\[.*\],"fixtureKeys"/, ',"fixtureKeys"'),
        /"associations" must be an array/,
      ],
      ['an array at the top', `[${text}]`, /"format" must be/],
      [
        'values nested 50,000 deep',
        `{"junk":${'['.repeat(50_000)}${']'.repeat(50_000)},${text.slice(1)}`,
        /nested more than 64 levels/,
      ],
      [
        'a record of a type no schema defines',
        text.replace(/"schemas":\[.*?\],"labels"/, '"schemas":[],"labels"'),
        /unknown object type/,
      ],
    ];
    for (const [what, body, message] of broken) {
      const target = (await admin.post('/_spoke/portals', {})).body.portalId as number;
      const seeded = await admin.post(`/_spoke/portals/${target}/import`, {
        ...document,
        records: document.records.slice(0, 3),
        associations: [],
        schemas: document.schemas,
      });
      assert.equal(seeded.status, 200, seeded.text);
      const before = (await admin.get(`/_spoke/portals/${target}/export`)).body;
      const r = await postInPieces(`${server.url}/_spoke/portals/${target}/import`, body, 32 * 1024);
      assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body).slice(0, 300)}`);
      assert.equal(r.body.category, 'VALIDATION_ERROR', what);
      assert.match(r.body.message, message, what);
      const afterwards = (await admin.get(`/_spoke/portals/${target}/export`)).body;
      assert.deepEqual(withoutTimes(afterwards), withoutTimes(before), `${what} changed nothing`);
    }
  });
});
