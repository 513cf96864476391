/// <reference lib="dom" />
/**
 * The web UI in a real browser: Debian's Chromium driven by playwright-core. Clicks through
 * every view, checks what each shows against the API, follows live changes, uses the
 * keyboard and a phone-sized screen, and saves a screenshot of each view (into
 * .tmp/screenshots/<store>/, or SCREENSHOT_DIR: `SCREENSHOT_DIR=docs/screenshots` refreshes
 * the README's).
 *
 * Chromium missing is a failure, never a skip: .ci/run installs it (apt-get install chromium).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { findStandardObjectType } from '../../src/domain/object-types.js';
import { assertNoViolations, contractHook, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/chromium.js';
import { client, type Client } from '../helpers/http.js';
import { createTestStore, onPostgres } from '../helpers/store.js';
import { buildUiPortal, type UiPortal } from '../helpers/ui-portal.js';
import type { ContractViolation } from '../helpers/contract.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PORTAL = 4680000;
/** Associations of the big hub: the graph must stay usable, paged and aggregated. */
const BIG = 10_000;
const SHOTS =
  process.env.SCREENSHOT_DIR ?? join(ROOT, '.tmp', 'screenshots', onPostgres() ? 'postgres' : 'sqlite');

const number = (n: number) => n.toLocaleString('en-US');

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** A company with BIG contacts, through the domain (the API's rules, without 10,000 requests). */
async function loadBigHub(server: TestServer): Promise<{ hub: string; contacts: number[] }> {
  const { objects, associations } = server.domain;
  const contactType = findStandardObjectType('contacts')!;
  const companyType = findStandardObjectType('companies')!;
  const [hub] = (
    await objects.batchCreate(PORTAL, companyType, [
      { properties: { name: 'Big hub', domain: 'big.example' } },
    ])
  ).results;
  const contacts: number[] = [];
  for (let start = 0; start < BIG; start += 100) {
    const inputs = Array.from({ length: Math.min(100, BIG - start) }, (_, i) => ({
      properties: { email: `big${start + i}@big.example`, firstname: 'Big', lastname: String(start + i) },
    }));
    const outcome = await objects.batchCreate(PORTAL, contactType, inputs);
    assert.equal(outcome.errors.length, 0);
    contacts.push(...outcome.results.map((r) => r.row.id));
  }
  for (let start = 0; start < BIG; start += 2000) {
    const inputs = contacts.slice(start, start + 2000).map((id) => ({ from: hub!.row.id, to: id }));
    const outcome = await associations.batchCreateDefault(PORTAL, companyType, contactType, inputs);
    assert.equal(outcome.errors.length, 0);
  }
  return { hub: String(hub!.row.id), contacts };
}

describe('web UI in Chromium', { timeout: 600_000 }, () => {
  let server: TestServer;
  let api: Client;
  let browser: Browser;
  let page: Page;
  let p: UiPortal;
  let big: { hub: string; contacts: number[] };
  const errors: string[] = [];

  before(async () => {
    // Built once; scripts/build-ui.mjs does nothing when dist/ui matches the sources.
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-ui.mjs')], { cwd: ROOT, stdio: 'inherit' });
    browser = await launchChromium();
    server = await startTestServer({ uiDirectory: join(ROOT, 'dist', 'ui') });
    api = client(server.url);
    p = await buildUiPortal(api, 30);
    big = await loadBigHub(server);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // A bound for a hung page, not a speed check: the suite shares two cores with other test files.
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // The search probe and lookups answer 4xx on purpose; the browser logs those.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the portals with their counts, and takes, resets and restores a snapshot', async () => {
    await page.goto(`${server.url}/_spoke/ui/`);
    const overview = (await api.get('/_spoke/overview')).body.results.find((r: any) => r.portalId === PORTAL);
    const row = page.getByTestId(`portal-${PORTAL}`);
    await row.getByTestId('records').getByText(number(overview.records), { exact: true }).waitFor();
    assert.equal(await row.getByTestId('associations').textContent(), number(overview.associationRows));
    assert.equal(overview.records, 2 + 30 + 3 + 1 + 1 + 1 + BIG);
    const detail = (await api.get(`/_spoke/portals/${PORTAL}/overview`)).body;
    await page.getByTestId('detail-pairs').getByText(number(detail.associatedPairs)).waitFor();
    assert.equal(await page.getByTestId('type-contacts').locator('strong').textContent(), number(32 + BIG));
    await shot(page, 'portals');

    await page.getByLabel('Snapshot name').fill('before');
    await page.getByRole('button', { name: 'Take snapshot' }).click();
    await page.getByTestId('snapshot-before').waitFor();
    const snapshots = (await api.get(`/_spoke/portals/${PORTAL}/snapshots`)).body.results;
    assert.deepEqual(
      snapshots.map((s: any) => [s.name, s.records]),
      [['before', overview.records]],
    );

    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, reset' }).click();
    await row.getByTestId('records').getByText('0', { exact: true }).waitFor();
    assert.deepEqual((await api.get('/crm/v3/objects/contacts')).body.results, []);

    await page.getByTestId('snapshot-before').getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('button', { name: 'Yes, restore' }).click();
    await row.getByTestId('records').getByText(number(overview.records), { exact: true }).waitFor();
    assert.equal((await api.get(`/crm/v3/objects/contacts/${p.ada}`)).status, 200);
  });

  it('pages the records of a type as the objects API lists them', async () => {
    await page.getByTestId('type-contacts').click();
    await page
      .getByTestId('range')
      .getByText(`1–25 of ${number(32 + BIG)}`)
      .waitFor();
    // The table and the API are read until they agree (twice in CI, under load, they were read
    // while one of them still showed the moment before the restore): a bound, not a speed check.
    const firstCells = page.getByTestId('records').locator('tbody tr td:first-child');
    let listed: string[] = [];
    let shown: string[] = [];
    for (let attempt = 0; attempt < 60; attempt++) {
      listed = (await api.get('/crm/v3/objects/contacts?limit=25')).body.results.map((r: any) => r.id);
      shown = await firstCells.allTextContents();
      if (JSON.stringify(shown) === JSON.stringify(listed)) break;
      await page.waitForTimeout(500);
    }
    assert.deepEqual(shown, listed);
    await shot(page, 'records');
    await page.getByRole('button', { name: 'Next' }).click();
    await page
      .getByTestId('range')
      .getByText(`26–50 of ${number(32 + BIG)}`)
      .waitFor();
    const next = (await api.get(`/crm/v3/objects/contacts?limit=25&after=${listed[24]}`)).body.results.map(
      (r: any) => r.id,
    );
    // The range line and the rows come from one load (useLoad shows nothing loaded for the
    // page before): the rows are there with the range.
    assert.deepEqual(await firstCells.allTextContents(), next);
    await page.getByRole('link', { name: /^companies/ }).click();
    await page.getByTestId('range').getByText('1–4 of 4').waitFor();
  });

  it('finds a record by email through CRM search', async () => {
    await page.getByRole('link', { name: /^contacts/ }).click();
    await page.getByLabel('Search contacts').fill('ada@example.com');
    await page.getByLabel('Search contacts').press('Enter');
    const results = page.getByTestId('search-results');
    await results
      .getByRole('link', { name: p.ada })
      .waitFor()
      .catch(async (error: Error) => {
        // What the section showed (a count, an error, nothing) says which part failed.
        await shot(page, 'search-failed');
        throw new Error(`${error.message}\nsearch-results showed: ${await results.textContent()}`);
      });
    // The UI found Spoke's search endpoint: no note that it fell back to an ID lookup.
    assert.equal(await results.locator('.note').count(), 0);
    const search = await api.post('/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'ada@example.com' }] }],
    });
    assert.deepEqual(
      search.body.results.map((r: any) => r.id),
      [p.ada],
    );
  });

  it('shows a record: property history, associations by label with Primary marked, live changes', async () => {
    await page.getByTestId('search-results').getByRole('link', { name: p.ada }).click();
    await page.getByRole('heading', { name: /Augusta Ada Lovelace/ }).waitFor();
    const firstname = page
      .getByTestId('properties')
      .locator('tr', { has: page.locator('th', { hasText: /^firstname$/ }) });
    await firstname.getByRole('button', { name: '2 values' }).click();
    const history = (await api.get(`/crm/v3/objects/contacts/${p.ada}?propertiesWithHistory=firstname`)).body
      .propertiesWithHistory.firstname;
    const shown = await page.locator('tr.history li code').allTextContents();
    assert.deepEqual(
      shown,
      history.map((h: any) => h.value),
    );

    const companies = page.getByTestId('assoc-companies');
    const listed = (await api.get(`/crm/v4/objects/contacts/${p.ada}/associations/companies`)).body.results;
    assert.equal(await companies.locator('h3 .count').textContent(), String(listed.length));
    const primary = companies.getByTestId('group-companies-HUBSPOT_DEFINED-1');
    assert.equal(await primary.locator('.badge-primary').textContent(), 'Primary');
    assert.match((await primary.locator('h4').textContent()) ?? '', /Contact with Primary Company/);
    await primary.getByRole('link', { name: /Acme/ }).waitFor();
    const label = companies.getByTestId(`group-companies-USER_DEFINED-${p.labelTypeId}`);
    assert.match((await label.locator('h4').textContent()) ?? '', /Decision maker/);
    const acmeTypes = listed.find((r: any) => String(r.toObjectId) === p.acme).associationTypes;
    assert.ok(acmeTypes.some((t: any) => t.label === 'Decision maker'));
    await shot(page, 'record');

    // A change made through the API while the record is open shows up without a reload.
    await api.patch(`/crm/v3/objects/contacts/${p.ada}`, { properties: { lastname: 'King' } });
    const lastname = page
      .getByTestId('properties')
      .locator('tr', { has: page.locator('th', { hasText: /^lastname$/ }) });
    await lastname.locator('td.value').getByText('King', { exact: true }).waitFor();
    await page
      .locator('aside .events li', { hasText: `/crm/v3/objects/contacts/${p.ada}` })
      .first()
      .waitFor();
  });

  it('draws the neighbourhood of a record with 10,000 associations a page at a time', async () => {
    await page.goto(`${server.url}/_spoke/ui/#/p/${PORTAL}/graph/${big.hub}`);
    const graph = page.getByTestId('graph');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=graph]')?.getAttribute('data-ready')) > 0,
    );
    const nodes = page.getByTestId('nodes').locator('li');
    assert.equal(await nodes.count(), 1 + 12, 'the hub and a first page of its contacts, not 10,000');
    const more = page.getByTestId('more').getByRole('button');
    assert.match(
      (await more.textContent()) ?? '',
      new RegExp(`of ${number(BIG - 12)} more contacts around Big hub`),
    );

    // A click on the aggregate node on the canvas loads the next page. The node's place is read
    // just before each click: the layout may still move it, so a click that missed is repeated.
    const clickMore = async () => {
      const position = await graph.evaluate((element: any) => {
        const node = element.cy.nodes('[kind = "more"]')[0];
        return node.renderedPosition();
      });
      const box = (await graph.boundingBox())!;
      await page.mouse.click(box.x + position.x, box.y + position.y);
    };
    const twoPages = () => document.querySelectorAll('[data-testid=nodes] li').length === 25;
    for (let attempt = 1; ; attempt++) {
      await clickMore();
      const loaded = await page
        .waitForFunction(twoPages, undefined, { timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
      if (loaded) break;
      assert.ok(attempt < 5, 'a click on the aggregate node loads the next page');
    }
    const page2 = (
      await api.get(
        `/_spoke/portals/${PORTAL}/graph/${big.hub}/neighbours/contacts?after=${big.contacts[11]}&shown=12&perType=12`,
      )
    ).body.nodes
      .filter((n: any) => n.hop === 1)
      .map((n: any) => n.name);
    const names = await nodes.locator('a').allTextContents();
    for (const name of page2) assert.ok(names.includes(name), `${name} drawn`);
    assert.match((await more.textContent()) ?? '', new RegExp(`of ${number(BIG - 24)} more`));

    // Expanding a contact from the keyboard adds its own neighbours.
    const expand = page.getByRole('button', { name: 'Expand Big 0' });
    await expand.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Expand Big 0' }).waitFor({ state: 'detached' });
    await shot(page, 'graph-10000');
  });

  it('labels the edges with association labels, Primary marked, two hops out', async () => {
    await page.goto(`${server.url}/_spoke/ui/#/p/${PORTAL}/graph/${p.ada}`);
    await page.getByRole('radio', { name: '2' }).check();
    await page.getByTestId('nodes').getByRole('link', { name: 'Big deal' }).waitFor();
    await page.getByText('Associations drawn').click();
    const edges = await page.getByTestId('edges').locator('li').allTextContents();
    const api2 = (await api.get(`/_spoke/portals/${PORTAL}/graph/${p.ada}?depth=2`)).body;
    assert.equal(edges.length, api2.edges.length);
    assert.ok(
      edges.some(
        (e) =>
          /Augusta Ada King — Acme|Acme — Augusta Ada King/.test(e) &&
          /Primary · (Decision maker|Decided by)/.test(e),
      ),
      edges.join('\n'),
    );
    await page.waitForTimeout(300);
    await shot(page, 'graph');
  });

  it('shows labels and limits with usage against each limit', async () => {
    await page.getByRole('link', { name: 'Labels & limits' }).click();
    const pair = page.getByTestId('pair-contacts-companies');
    const unlabeled = pair.getByTestId('type-HUBSPOT_DEFINED-279');
    await unlabeled.getByTestId('limit').getByText('max 2 / 2').waitFor();
    const usage = (await api.get(`/_spoke/portals/${PORTAL}/association-usage`)).body.pairs
      .find((x: any) => x.fromTypeName === 'contacts' && x.toTypeName === 'companies')
      .types.find((t: any) => t.typeId === 279);
    assert.equal(await unlabeled.getByTestId('associations').textContent(), number(usage.associations));
    await unlabeled
      .getByTestId('limit')
      .getByRole('link', { name: /Augusta Ada King \(2\)/ })
      .waitFor();
    const label = pair.getByTestId(`type-USER_DEFINED-${p.labelTypeId}`);
    assert.match((await label.textContent()) ?? '', /Decision maker/);
    await shot(page, 'labels');
  });

  it('streams activity as it happens', async () => {
    await page.getByRole('link', { name: 'Activity' }).click();
    // The page's feed must be connected before the write it is to show.
    await page.locator('.feed-live').first().waitFor();
    const full = page.getByTestId('activity-full');
    // Once in CI under load (SQLite pass, 2026-12-08) a create's event never showed in 60 s,
    // cause not found: a second create must then stream live, and the miss is reported.
    let link;
    for (let attempt = 1; ; attempt++) {
      const created = await api.post('/crm/v3/objects/tickets', {
        properties: { subject: 'Live ticket', hs_pipeline: '0', hs_pipeline_stage: '1' },
      });
      assert.equal(created.status, 201, created.text);
      link = full
        .locator('li', { hasText: 'POST /crm/v3/objects/tickets' })
        .first()
        .getByRole('link', { name: created.body.id });
      const shown = await link
        .waitFor({ timeout: 20_000 })
        .then(() => true)
        .catch(() => false);
      if (shown) break;
      const first = await full.locator('li').first().textContent();
      assert.ok(attempt < 2, `the create's event did not stream; the newest entry: ${first}`);
      console.warn(`activity: ticket ${created.body.id} not shown in 20 s (newest: ${first}); writing again`);
    }
    await link.click();
    await page.getByRole('heading', { name: /Live ticket/ }).waitFor();
    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByTestId('activity-full').locator('li').first().waitFor();
    await shot(page, 'activity');
  });

  it('works from the keyboard and on a phone-sized screen', async () => {
    // A fresh page, so that focus starts at the top.
    const keys = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await keys.goto(`${server.url}/_spoke/ui/#/p/${PORTAL}/records/${p.ada}`);
    await keys.getByRole('heading', { name: /Augusta Ada/ }).waitFor();
    await keys.keyboard.press('Tab');
    assert.equal(await keys.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await keys.keyboard.press('Enter');
    assert.equal(await keys.evaluate(() => document.activeElement?.id), 'main');
    // Tab reaches the graph link; Enter follows it.
    for (let i = 0; i < 5; i++) {
      await keys.keyboard.press('Tab');
      if ((await keys.evaluate(() => document.activeElement?.textContent)) === 'Graph of its associations')
        break;
    }
    await keys.keyboard.press('Enter');
    await keys.waitForURL(/#\/p\/\d+\/graph\//);

    await keys.close();

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${server.url}/_spoke/ui/#/p/${PORTAL}/records/${p.ada}`);
    await phone.getByRole('heading', { name: /Augusta Ada/ }).waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling (${overflow} px)`);
    await shot(phone, 'record-phone');
    await phone.close();
    assert.deepEqual(errors, [], 'no errors in the page');
  });
});

describe('web UI search, when the server has CRM search', { timeout: 300_000 }, () => {
  it('sends HubSpot search requests and shows their results', async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-ui.mjs')], { cwd: ROOT, stdio: 'inherit' });
    const store = await createTestStore();
    const violations: ContractViolation[] = [];
    const { app } = createApp({
      store,
      onSend: contractHook(violations),
      uiDirectory: join(ROOT, 'dist', 'ui'),
    });
    // The UI finds Spoke's search endpoint at run time; what it sends is kept to check its shape.
    const searches: any[] = [];
    app.addHook('preHandler', async (request) => {
      if (request.method === 'POST' && request.url.endsWith('/search')) searches.push(request.body);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const browser = await launchChromium();
    try {
      const api = client(url);
      await buildUiPortal(api, 3);
      const page = await browser.newPage();
      await page.goto(`${url}/_spoke/ui/#/p/${PORTAL}/objects/contacts?q=hub.example`);
      const results = page.getByTestId('search-results');
      await results.getByText('3 found (search)').waitFor();
      assert.equal(await results.locator('tbody tr').count(), 3);
      assert.equal(await results.locator('.note').count(), 0);
      const asked = searches.find((s) => s.query === 'hub.example');
      assert.deepEqual(Object.keys(asked).sort(), ['after', 'filterGroups', 'limit', 'query']);
      assert.deepEqual(asked.filterGroups, []);
    } finally {
      await browser.close();
      await app.close();
      await store.close();
      assertNoViolations(violations);
    }
  });
});
