/**
 * Rate limits as clients and deployments meet them: the official client's own retries
 * (numberOfApiCallRetries) on Spoke's 429s, two instances on one database counting against
 * one limit, startSpoke() and the configuration. The official client sleeps in real time
 * between attempts (10 s after TEN_SECONDLY_ROLLING, 1 s after the search limit); Spoke's
 * frozen clock moves past the window when Spoke answers the 429, so the retry is decided by
 * the window, not by how long anything took.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/app.js';
import { ConfigError, resolveConfig } from '../../src/config.js';
import { ControllableClock } from '../../src/domain/clock.js';
import { startSpoke } from '../../src/index.js';
import { client } from '../helpers/http.js';
import { OFFICIAL_CLIENTS } from '../helpers/official-clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createSharedTestStores } from '../helpers/store.js';

const PORTAL = 4680000;
const T0 = Date.parse('2026-01-15T12:00:00Z');

describe("the official client's retries on Spoke's 429s", () => {
  let server: TestServer;
  const refusals: string[] = [];

  before(async () => {
    server = await startTestServer();
    server.domain.clock.set(T0);
    // When Spoke refuses a request, time moves past the window the refusal names.
    server.domain.activity.subscribe((event) => {
      if (event.kind !== 'request' || event.status !== 429) return;
      refusals.push(event.path);
      server.domain.clock.advance(event.path.endsWith('/search') ? 1_000 : 10_000);
    });
  });
  after(() => server.close());

  it('TEN_SECONDLY_ROLLING: both client versions wait, retry and succeed once the window rolls', async () => {
    const admin = client(server.url);
    await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, {
      body: { tier: 'free', tenSecondly: 1 },
    });
    for (const { version, module } of OFFICIAL_CLIENTS) {
      refusals.length = 0;
      const hubspot = new module.Client({
        accessToken: `token-${version}`,
        basePath: server.url,
        numberOfApiCallRetries: 2,
      });
      await hubspot.crm.contacts.basicApi.getPage(1);
      const page = await hubspot.crm.contacts.basicApi.getPage(1); // 429, then the retry
      assert.deepEqual(page.results, [], version);
      assert.equal(refusals.length, 1, version);
    }
  });

  it("DAILY: the client does not retry, and reports HubSpot's body", async () => {
    const admin = client(server.url);
    await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, { body: { tier: 'free', daily: 1 } });
    await admin.request('DELETE', `/_spoke/portals/${PORTAL}/rate-limits/usage`);
    refusals.length = 0;
    const { module } = OFFICIAL_CLIENTS[0]!;
    const hubspot = new module.Client({
      accessToken: 'daily',
      basePath: server.url,
      numberOfApiCallRetries: 3,
    });
    await hubspot.crm.contacts.basicApi.getPage(1);
    await assert.rejects(
      hubspot.crm.contacts.basicApi.getPage(1),
      (error: { code: number; body: unknown }) => {
        assert.equal(error.code, 429);
        assert.equal((error.body as { policyName: string }).policyName, 'DAILY');
        return true;
      },
    );
    assert.equal(refusals.length, 1);
  });

  it("the search limit: the client matches Spoke's message, waits a second and retries", async () => {
    const admin = client(server.url);
    await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, {
      body: { tier: 'free', searchPerSecond: 1 },
    });
    await admin.request('DELETE', `/_spoke/portals/${PORTAL}/rate-limits/usage`);
    refusals.length = 0;
    const { module } = OFFICIAL_CLIENTS[1]!;
    const hubspot = new module.Client({
      accessToken: 'search',
      basePath: server.url,
      numberOfApiCallRetries: 2,
    });
    const search = () => hubspot.crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 1 } as never);
    // Whatever Spoke answers a search with (it may not serve search yet), it is not the 429:
    // the first attempt gets through, the second is refused once and then retried.
    const outcome = () =>
      search().then(
        () => 200,
        (error: { code: number }) => error.code,
      );
    assert.notEqual(await outcome(), 429);
    assert.notEqual(await outcome(), 429);
    assert.equal(refusals.length, 1);
  });
});

describe('two instances on one database share one count', () => {
  it('counts every request once, whichever instance answers, under concurrency', async () => {
    const shared = await createSharedTestStores();
    const apps = shared.stores.map((store) => {
      const clock = new ControllableClock();
      clock.set(T0);
      return createApp({ store, clock }).app;
    });
    try {
      const [a, b] = await Promise.all(
        apps.map(async (app) => {
          await app.listen({ port: 0, host: '127.0.0.1' });
          const address = app.server.address();
          return client(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
        }),
      );
      // Set through one instance's admin API; the other learns of it from the store.
      const set = await a!.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, {
        body: { tier: 'free', tenSecondly: 10, daily: 25 },
      });
      assert.equal(set.status, 200);
      const first = await b!.request('GET', '/crm/v3/objects/contacts');
      assert.equal(first.headers.get('x-hubspot-ratelimit-remaining'), '9');
      const second = await a!.request('GET', '/crm/v3/objects/contacts');
      assert.equal(second.headers.get('x-hubspot-ratelimit-remaining'), '8');
      const burst = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? a! : b!).request('GET', '/crm/v3/objects/contacts')),
      );
      assert.equal(burst.filter((r) => r.status === 200).length, 8);
      assert.equal(burst.filter((r) => r.status === 429).length, 22);
      for (const r of burst.filter((x) => x.status === 429))
        assert.equal(r.body.policyName, 'TEN_SECONDLY_ROLLING');
      // The day is shared too: 10 counted so far, 15 left, across both instances and tokens.
      const other = await b!.request('GET', '/crm/v3/objects/contacts', {
        headers: { authorization: 'Bearer another-app' },
      });
      assert.equal(other.headers.get('x-hubspot-ratelimit-daily-remaining'), '14');
    } finally {
      for (const app of apps) await app.close();
      await shared.close();
    }
  });
});

describe('startSpoke() and configuration', () => {
  it('startSpoke({ rateLimits }) limits its portal; setRateLimits and reset change it', async () => {
    const spoke = await startSpoke({ clock: T0, rateLimits: { tier: 'starter', tenSecondly: 2 } });
    try {
      const api = client(spoke.url, spoke.token);
      const get = () => api.request('GET', '/crm/v3/objects/contacts');
      assert.equal((await get()).headers.get('x-hubspot-ratelimit-max'), '2');
      assert.equal((await get()).status, 200);
      assert.equal((await get()).status, 429);
      await spoke.reset();
      assert.equal((await get()).status, 200);
      await spoke.setRateLimits('off');
      const off = await get();
      assert.equal(off.status, 200);
      assert.equal(off.headers.get('x-hubspot-ratelimit-max'), null);
    } finally {
      await spoke.close();
    }
  });

  it('--rate-limits and SPOKE_RATE_LIMITS: a tier for every portal, per-portal tiers, time zones', () => {
    const flag = resolveConfig({ rateLimits: 'starter@America/New_York,4680001=public-app' }, {});
    assert.deepEqual(
      [...flag.rateLimits!],
      [
        [0, { tier: 'starter', timeZone: 'America/New_York' }],
        [4680001, { tier: 'public-app' }],
      ],
    );
    const env = resolveConfig(
      {},
      { SPOKE_RATE_LIMITS: '{"*": "enterprise", "4680002": {"tier": "free", "daily": 10}}' },
    );
    assert.deepEqual(
      [...env.rateLimits!].sort(([a], [b]) => a - b),
      [
        [0, { tier: 'enterprise' }],
        [4680002, { tier: 'free', daily: 10 }],
      ],
    );
    assert.equal(resolveConfig({}, {}).rateLimits, undefined);
    assert.throws(
      () => resolveConfig({ rateLimits: 'gold' }, {}),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /^--rate-limits: Unknown rate-limit tier "gold"/);
        return true;
      },
    );
    assert.throws(
      () => resolveConfig({}, { SPOKE_RATE_LIMITS: 'x=free' }),
      /SPOKE_RATE_LIMITS: .*"x" is not a portal ID/,
    );
  });
});
