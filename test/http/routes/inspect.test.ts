/**
 * The web UI's read API (src/http/routes/inspect.ts): counts, record pages, a record with
 * history and grouped associations, the neighbourhood graph and type usage, each checked
 * against what HubSpot's API (objects, associations v4, limits) says of the same portal.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { findStandardObjectType } from '../../../src/domain/object-types.js';
import { createDomain } from '../../../src/domain/services.js';
import { client, type Client } from '../../helpers/http.js';
import { createSharedTestStores } from '../../helpers/store.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { buildUiPortal, type UiPortal } from '../../helpers/ui-portal.js';

const PORTAL = 4680000;

/** Every ID of a CRM list, page by page. */
async function allIds(api: Client, path: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const r = await api.get(
      `${path}${path.includes('?') ? '&' : '?'}limit=100${after ? `&after=${after}` : ''}`,
    );
    assert.equal(r.status, 200, r.text);
    ids.push(...r.body.results.map((x: any) => String(x.id ?? x.toObjectId)));
    after = r.body.paging?.next?.after;
  } while (after);
  return ids;
}

describe('web UI read API', () => {
  let server: TestServer;
  let api: Client;
  let p: UiPortal;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    p = await buildUiPortal(api, 30);
  });
  after(() => server.close());

  it('counts records and associations per portal as the API lists them', async () => {
    const overview = await api.get('/_spoke/overview');
    assert.equal(overview.status, 200);
    const mine = overview.body.results.find((r: any) => r.portalId === PORTAL);
    let records = 0;
    for (const type of ['contacts', 'companies', 'deals', 'tickets'])
      records += (await allIds(api, `/crm/v3/objects/${type}`)).length;
    assert.equal(mine.records, records);
    assert.equal(records, 2 + 30 + 3 + 1 + 1);
    // Both directions of every type, as the export (another view of the same store) holds them.
    const exported = await api.get(`/_spoke/portals/${PORTAL}/export`);
    const rows = exported.body.associations.length;
    assert.ok(rows > 0);
    assert.equal(mine.associationRows, rows);
    assert.equal(mine.associationRows, 74);

    const detail = await api.get(`/_spoke/portals/${PORTAL}/overview`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.associatedPairs, 5 + 30);
    assert.equal(detail.body.labels, 2, 'a paired label is two definitions');
    assert.equal(detail.body.limits, 1);
    assert.equal(detail.body.apiToken, 'spoke-ui', 'any token reaches the default portal in open mode');
    const contacts = detail.body.objectTypes.find((t: any) => t.name === 'contacts');
    assert.equal(contacts.live, (await allIds(api, '/crm/v3/objects/contacts')).length);
    assert.deepEqual(
      detail.body.objectTypes.map((t: any) => t.name),
      ['contacts', 'companies', 'deals', 'tickets'],
    );
  });

  it('pages records of a type in the objects API order, with every property', async () => {
    const first = await api.get(`/_spoke/portals/${PORTAL}/objects/contacts?limit=10`);
    assert.equal(first.status, 200);
    assert.equal(first.body.total, 32);
    const crm = await api.get('/crm/v3/objects/contacts?limit=10');
    assert.deepEqual(
      first.body.results.map((r: any) => r.id),
      crm.body.results.map((r: any) => r.id),
    );
    const ada = first.body.results.find((r: any) => r.id === p.ada);
    assert.equal(ada.name, 'Augusta Ada Lovelace');
    assert.equal(ada.properties.email, 'ada@example.com');
    const second = await api.get(
      `/_spoke/portals/${PORTAL}/objects/contacts?limit=10&after=${first.body.after}`,
    );
    assert.equal(
      second.body.results[0].id,
      (await api.get(`/crm/v3/objects/contacts?limit=1&after=${crm.body.paging.next.after}`)).body.results[0]
        .id,
    );
    const everyone = await allIds(api, '/crm/v3/objects/contacts');
    let after: string | undefined;
    const paged: string[] = [];
    do {
      const r = await api.get(
        `/_spoke/portals/${PORTAL}/objects/contacts?limit=7${after ? `&after=${after}` : ''}`,
      );
      paged.push(...r.body.results.map((x: any) => x.id));
      after = r.body.after;
    } while (after);
    assert.deepEqual(paged, everyone);
    assert.equal((await api.get(`/_spoke/portals/${PORTAL}/objects/nonsense`)).status, 400);
  });

  it('shows a record with its property history and its associations grouped by label, Primary first', async () => {
    const r = await api.get(`/_spoke/portals/${PORTAL}/records/${p.ada}`);
    assert.equal(r.status, 200);
    const firstname = r.body.properties.find((x: any) => x.name === 'firstname');
    const crm = await api.get(`/crm/v3/objects/contacts/${p.ada}?propertiesWithHistory=firstname`);
    assert.deepEqual(
      firstname.history.map((h: any) => h.value),
      crm.body.propertiesWithHistory.firstname.map((h: any) => h.value),
    );
    assert.deepEqual(
      firstname.history.map((h: any) => h.value),
      ['Augusta Ada', 'Ada'],
    );
    const companies = r.body.associations.find((a: any) => a.toTypeName === 'companies');
    const listed = await api.get(`/crm/v4/objects/contacts/${p.ada}/associations/companies`);
    assert.equal(companies.records, listed.body.results.length);
    assert.deepEqual(
      companies.groups.map((g: any) => [g.category, g.typeId, g.label, g.primary, g.count]),
      [
        ['HUBSPOT_DEFINED', 1, 'Contact with Primary Company', true, 1],
        ['USER_DEFINED', p.labelTypeId, 'Decision maker', false, 1],
        ['HUBSPOT_DEFINED', 279, null, false, 2],
      ],
    );
    const acmeLabels = listed.body.results.find((x: any) => String(x.toObjectId) === p.acme).associationTypes;
    for (const group of companies.groups.slice(0, 2)) {
      assert.ok(acmeLabels.some((t: any) => t.typeId === group.typeId && t.label === group.label));
      assert.deepEqual(
        group.page.results.map((x: any) => x.id),
        [p.acme],
      );
    }
    assert.equal(companies.groups[0].page.results[0].name, 'Acme');
    const tickets = r.body.associations.find((a: any) => a.toTypeName === 'tickets');
    assert.equal(tickets.records, 1);
    assert.equal((await api.get(`/_spoke/portals/${PORTAL}/records/99999999999`)).status, 404);
    assert.equal((await api.get(`/_spoke/portals/${PORTAL}/records/abc`)).status, 400);
  });

  it('pages one group of a large record', async () => {
    const hub = await api.get(`/_spoke/portals/${PORTAL}/records/${p.hub}`);
    const contacts = hub.body.associations.find((a: any) => a.toTypeName === 'contacts');
    assert.equal(contacts.records, 30);
    const [group] = contacts.groups;
    assert.equal(group.count, 30);
    assert.equal(group.page.results.length, 10);
    const ids = group.page.results.map((x: any) => x.id);
    let after = group.page.after;
    while (after) {
      const page = await api.get(
        `/_spoke/portals/${PORTAL}/records/${p.hub}/associations/contacts?category=${group.category}&typeId=${group.typeId}&after=${after}&limit=8`,
      );
      assert.equal(page.status, 200);
      ids.push(...page.body.results.map((x: any) => x.id));
      after = page.body.after;
    }
    assert.deepEqual(ids, await allIds(api, `/crm/v4/objects/companies/${p.hub}/associations/contacts`));
    const bad = await api.get(
      `/_spoke/portals/${PORTAL}/records/${p.hub}/associations/contacts?category=NOPE&typeId=1`,
    );
    assert.equal(bad.status, 400);
  });

  it('draws a neighbourhood a page per type, with the rest aggregated and pageable', async () => {
    const g = await api.get(`/_spoke/portals/${PORTAL}/graph/${p.hub}?perType=5`);
    assert.equal(g.status, 200);
    assert.equal(g.body.center, p.hub);
    assert.equal(g.body.nodes.length, 6);
    assert.equal(g.body.edges.length, 5);
    assert.deepEqual(
      g.body.more.map((m: any) => [m.from, m.toTypeName, m.total, m.shown]),
      [[p.hub, 'contacts', 30, 5]],
    );
    const seen = new Set(g.body.nodes.filter((n: any) => n.hop === 1).map((n: any) => n.id));
    let more = g.body.more[0];
    while (more) {
      const page = await api.get(
        `/_spoke/portals/${PORTAL}/graph/${p.hub}/neighbours/contacts?after=${more.after}&shown=${more.shown}&perType=10`,
      );
      assert.equal(page.status, 200);
      for (const node of page.body.nodes.filter((n: any) => n.hop === 1)) {
        assert.ok(!seen.has(node.id), `${node.id} comes once`);
        seen.add(node.id);
      }
      more = page.body.more[0];
      if (more) assert.equal(more.shown, seen.size);
    }
    assert.deepEqual([...seen].sort(), [...p.hubContacts].sort());

    const two = await api.get(`/_spoke/portals/${PORTAL}/graph/${p.ada}?depth=2`);
    const hops = Object.fromEntries(two.body.nodes.map((n: any) => [n.id, n.hop]));
    assert.equal(hops[p.ada], 0);
    assert.equal(hops[p.acme], 1);
    assert.equal(hops[p.globex], 1);
    assert.equal(hops[p.ticket], 1);
    assert.equal(hops[p.grace], 2, "grace is acme's contact");
    assert.equal(hops[p.deal], 2, "the deal is acme's");
    const [low, high] = [p.ada, p.acme].sort((a, b) => Number(a) - Number(b));
    const edge = two.body.edges.find((e: any) => e.source === low && e.target === high);
    assert.equal(edge.primary, true);
    assert.deepEqual(p.ada < p.acme ? edge.labels : edge.inverseLabels, ['Decision maker']);
    assert.deepEqual(p.ada < p.acme ? edge.inverseLabels : edge.labels, ['Decided by']);
    assert.equal((await api.get(`/_spoke/portals/${PORTAL}/graph/${p.ada}?depth=3`)).status, 400);
  });

  it('reports each type of each pair with its use against its limit', async () => {
    const r = await api.get(`/_spoke/portals/${PORTAL}/association-usage`);
    assert.equal(r.status, 200);
    const pair = r.body.pairs.find((x: any) => x.fromTypeName === 'contacts' && x.toTypeName === 'companies');
    const unlabeled = pair.types.find((t: any) => t.typeId === 279);
    const limits = await api.get('/crm/v4/associations/definitions/configurations/contacts/companies');
    assert.equal(unlabeled.limit, limits.body.results[0].userEnforcedMaxToObjectIds);
    // Two-way: the hub's contacts have the contact→company type too.
    assert.equal(unlabeled.associations, 2 + 1 + 30);
    assert.equal(unlabeled.records, 32);
    assert.equal(unlabeled.maxPerRecord, 2);
    assert.equal(unlabeled.nearLimit, 1);
    assert.equal(unlabeled.atLimit, 1);
    assert.deepEqual(
      unlabeled.heaviest.map((h: any) => [h.id, h.count]),
      [[p.ada, 2]],
    );
    const label = pair.types.find((t: any) => t.category === 'USER_DEFINED' && t.typeId === p.labelTypeId);
    assert.equal(label.label, 'Decision maker');
    assert.equal(label.associations, 1);
    assert.equal(label.limit, null);
    const labels = await api.get('/crm/v4/associations/contacts/companies/labels');
    for (const type of labels.body.results)
      assert.ok(
        pair.types.some((t: any) => t.category === type.category && t.typeId === type.typeId),
        `lists ${type.category} ${type.typeId}`,
      );
    const reverse = r.body.pairs.find(
      (x: any) => x.fromTypeName === 'companies' && x.toTypeName === 'contacts',
    );
    assert.equal(reverse.types.find((t: any) => t.typeId === 280).associations, 3 + 30);
  });

  it('adds up the same usage whatever the scan chunk size', async () => {
    const whole = await server.store.inspection.typeUsage(PORTAL);
    const chunked = await server.store.inspection.typeUsage(PORTAL, 3);
    assert.deepEqual(chunked, whole);
    assert.ok(whole.length >= 8);
  });
});

describe('web UI files', () => {
  let server: TestServer;
  let directory: string;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'spoke-ui-'));
    mkdirSync(join(directory, 'assets'));
    writeFileSync(join(directory, 'index.html'), '<!doctype html><title>Spoke</title>');
    writeFileSync(
      join(directory, 'assets', 'index-abc123.js'),
      `console.log(${JSON.stringify('x'.repeat(4000))});`,
    );
    writeFileSync(join(directory, '.build-stamp'), 'hash');
    server = await startTestServer({ adminToken: 'admin-secret', uiDirectory: directory });
  });
  after(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves the built files without the admin token, and no data without it', async () => {
    const page = await fetch(`${server.url}/_spoke/ui/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(await page.text(), '<!doctype html><title>Spoke</title>');
    assert.equal((await fetch(`${server.url}/_spoke/ui`)).status, 200);

    const script = await fetch(`${server.url}/_spoke/ui/assets/index-abc123.js`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(script.headers.get('cache-control') ?? '', /immutable/);
    assert.ok((await script.text()).startsWith('console.log'));
    const etag = script.headers.get('etag')!;
    const again = await fetch(`${server.url}/_spoke/ui/assets/index-abc123.js`, {
      headers: { 'if-none-match': etag },
    });
    assert.equal(again.status, 304);

    for (const path of [
      'assets/missing.js',
      '.build-stamp',
      '..%2Fpackage.json',
      '%2e%2e/%2e%2e/package.json',
    ])
      assert.equal((await fetch(`${server.url}/_spoke/ui/${path}`)).status, 404, path);

    for (const path of ['/_spoke/overview', `/_spoke/portals/${PORTAL}/overview`, '/_spoke/activity'])
      assert.equal((await fetch(`${server.url}${path}`)).status, 401, path);
    const withToken = await fetch(`${server.url}/_spoke/overview`, {
      headers: { authorization: 'Bearer admin-secret' },
    });
    assert.equal(withToken.status, 200);
  });

  it('compresses what is worth compressing', async () => {
    const raw = await fetch(`${server.url}/_spoke/ui/assets/index-abc123.js`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    // fetch decompresses; ask over plain HTTP to see the encoding.
    assert.equal(raw.headers.get('content-encoding'), 'gzip');
    const { request } = await import('node:http');
    const body = await new Promise<Buffer>((resolve, reject) => {
      request(
        `${server.url}/_spoke/ui/assets/index-abc123.js`,
        { headers: { 'accept-encoding': 'gzip' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        },
      )
        .on('error', reject)
        .end();
    });
    assert.ok(gunzipSync(body).toString().startsWith('console.log'));
  });
});

describe('web UI files when the UI is not built', () => {
  it('says how to build it', async () => {
    const server = await startTestServer({ uiDirectory: join(tmpdir(), 'spoke-no-ui-here') });
    try {
      const r = await fetch(`${server.url}/_spoke/ui/`);
      assert.equal(r.status, 503);
      assert.match(await r.text(), /npm run build/);
    } finally {
      await server.close();
    }
  });
});

describe('inspection counts after writes', () => {
  it('count again after a write of this process or of another one on the same database', async () => {
    const { stores, close } = await createSharedTestStores();
    const [mine, theirs] = stores;
    // The shared stores' close() closes both; the test server's must not close this one first.
    const closeMine = mine.close.bind(mine);
    mine.close = async () => {};
    try {
      const server = await startTestServer({ store: mine });
      const api = client(server.url);
      try {
        const count = async () =>
          (await api.get('/_spoke/overview')).body.results.find((r: any) => r.portalId === PORTAL);
        const before = await count();
        assert.equal((await count()).records, before.records, 'unchanged data, same counts');
        const a = (await api.post('/crm/v3/objects/contacts', { properties: { email: 'c1@example.com' } }))
          .body.id;
        const b = (await api.post('/crm/v3/objects/companies', { properties: { name: 'C1' } })).body.id;
        await api.put(`/crm/v4/objects/contacts/${a}/associations/default/companies/${b}`);
        const after = await count();
        assert.equal(after.records, before.records + 2);
        assert.equal(after.associationRows, before.associationRows + 2);
        // Another process (a second store on the same database) writes: counted too.
        const other = createDomain({ store: theirs });
        await other.objects.create(PORTAL, findStandardObjectType('deals')!, {
          properties: { dealname: 'From elsewhere', dealstage: 'appointmentscheduled' },
        });
        assert.equal((await count()).records, before.records + 3);
        assert.equal(
          (await api.get(`/_spoke/portals/${PORTAL}/overview`)).body.associatedPairs,
          1,
          'pairs follow writes too',
        );
      } finally {
        await server.close();
      }
    } finally {
      mine.close = closeMine;
      await close();
    }
  });
});
