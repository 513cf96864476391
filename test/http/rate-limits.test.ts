/**
 * HubSpot's rate limits over real HTTP: each tier's rolling 10 seconds, the daily limit at
 * midnight in the portal's time zone, the search limit, exemptions, counting per token, the
 * exact 429 bodies and X-HubSpot-RateLimit-* headers, and the admin API. Time is the
 * controllable clock, frozen: windows pass by advancing it, never by waiting.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { client, type HttpResult } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PORTAL = 4680000;
const T0 = Date.parse('2026-01-15T12:00:00Z');

const RATE_HEADERS = [
  'x-hubspot-ratelimit-daily',
  'x-hubspot-ratelimit-daily-remaining',
  'x-hubspot-ratelimit-interval-milliseconds',
  'x-hubspot-ratelimit-max',
  'x-hubspot-ratelimit-remaining',
];

function rateHeaders(result: HttpResult): Record<string, string> {
  return Object.fromEntries(
    RATE_HEADERS.flatMap((name) => {
      const value = result.headers.get(name);
      return value === null ? [] : [[name, value]];
    }),
  );
}

/** The body HubSpot sends, with its IDs checked and then left out. */
function assertRateLimitBody(result: HttpResult, policyName: string, message: string): void {
  assert.equal(result.status, 429, result.text);
  const { correlationId, requestId, ...rest } = result.body as Record<string, string>;
  assert.match(correlationId!, /^[0-9a-f-]{36}$/);
  assert.match(requestId!, /^[0-9a-f-]{36}$/);
  assert.equal(result.headers.get('x-hubspot-correlation-id'), correlationId);
  assert.deepEqual(rest, {
    status: 'error',
    message,
    errorType: 'RATE_LIMIT',
    policyName,
    category: 'RATE_LIMITS',
  });
  // HubSpot's field order: its documented example, then the category the spec requires.
  assert.deepEqual(Object.keys(result.body as object), [
    'status',
    'message',
    'errorType',
    'correlationId',
    'policyName',
    'requestId',
    'category',
  ]);
}

const TEN_SECONDLY = ['TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'] as const;

describe('rate limits', () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let admin: ReturnType<typeof client>;

  before(async () => {
    server = await startTestServer();
    api = client(server.url, 'token-a');
    admin = client(server.url);
  });
  after(() => server.close());
  beforeEach(async () => {
    server.domain.clock.set(T0);
    await admin.request('DELETE', '/_spoke/rate-limits');
    await admin.request('DELETE', `/_spoke/portals/${PORTAL}/rate-limits`);
    await admin.request('DELETE', `/_spoke/portals/${PORTAL}/rate-limits/usage`);
  });

  const list = () => api.request('GET', '/crm/v3/objects/contacts?limit=1');

  it('are off by default: no headers, no 429', async () => {
    for (let i = 0; i < 120; i++) {
      const result = await list();
      assert.equal(result.status, 200);
      assert.deepEqual(rateHeaders(result), {});
    }
  });

  for (const [tier, max, daily] of [
    ['free', 100, 250_000],
    ['starter', 100, 250_000],
    ['professional', 190, 625_000],
    ['enterprise', 190, 1_000_000],
    ['api-limit-increase', 250, 1_625_000],
    ['public-app', 110, null],
  ] as const) {
    it(`${tier}: ${max} requests per token in any 10 seconds, then HubSpot's 429 until the window rolls`, async () => {
      const set = await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, { body: { tier } });
      assert.equal(set.status, 200);
      assert.deepEqual(set.body, {
        portalId: PORTAL,
        tier,
        timeZone: 'UTC',
        tenSecondly: max,
        daily,
        searchPerSecond: 5,
      });
      for (let i = 1; i <= max; i++) {
        const result = await list();
        assert.equal(result.status, 200);
        if (i === 1 || i === max) {
          assert.deepEqual(rateHeaders(result), {
            // OAuth calls (public apps) get no daily headers.
            ...(daily !== null && {
              'x-hubspot-ratelimit-daily': String(daily),
              'x-hubspot-ratelimit-daily-remaining': String(daily - i),
            }),
            'x-hubspot-ratelimit-interval-milliseconds': '10000',
            'x-hubspot-ratelimit-max': String(max),
            'x-hubspot-ratelimit-remaining': String(max - i),
          });
        }
      }
      const refused = await list();
      assertRateLimitBody(refused, ...TEN_SECONDLY);
      assert.equal(refused.headers.get('x-hubspot-ratelimit-remaining'), '0');
      server.domain.clock.advance(9_999);
      assertRateLimitBody(await list(), ...TEN_SECONDLY);
      server.domain.clock.advance(1);
      const again = await list();
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('x-hubspot-ratelimit-remaining'), String(max - 1));
    });
  }

  it('the window rolls: requests leave it 10 seconds after they were made, not at a fixed boundary', async () => {
    await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, { body: { tier: 'free' } });
    for (let i = 0; i < 60; i++) assert.equal((await list()).status, 200);
    server.domain.clock.advance(6_000);
    for (let i = 0; i < 40; i++) assert.equal((await list()).status, 200);
    assertRateLimitBody(await list(), ...TEN_SECONDLY);
    server.domain.clock.advance(4_000); // the first 60 leave; the 40 stay
    const result = await list();
    assert.equal(result.status, 200);
    assert.equal(result.headers.get('x-hubspot-ratelimit-remaining'), String(100 - 41));
  });

  it('counts per token (per app), and the day per portal', async () => {
    await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, {
      body: { tier: 'free', tenSecondly: 3, daily: 5 },
    });
    for (let i = 0; i < 3; i++) assert.equal((await list()).status, 200);
    assertRateLimitBody(await list(), ...TEN_SECONDLY);
    const other = client(server.url, 'token-b');
    const first = await other.request('GET', '/crm/v3/objects/contacts?limit=1');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-hubspot-ratelimit-remaining'), '2');
    assert.equal(first.headers.get('x-hubspot-ratelimit-daily-remaining'), '1');
    assert.equal((await other.request('GET', '/crm/v3/objects/companies')).status, 200);
    assertRateLimitBody(
      await other.request('GET', '/crm/v3/objects/contacts'),
      'DAILY',
      'You have reached your daily limit.',
    );
  });

  it("the daily limit resets at midnight in the portal's time zone, not at midnight UTC", async () => {
    await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, {
      body: { tier: 'professional', daily: 3, timeZone: 'America/New_York' },
    });
    server.domain.clock.set(Date.parse('2026-01-15T23:59:00Z')); // 18:59 in New York
    for (let i = 0; i < 3; i++) assert.equal((await list()).status, 200);
    const daily = ['DAILY', 'You have reached your daily limit.'] as const;
    const refused = await list();
    assertRateLimitBody(refused, ...daily);
    assert.equal(refused.headers.get('x-hubspot-ratelimit-daily-remaining'), '0');
    server.domain.clock.set(Date.parse('2026-01-16T00:01:00Z')); // a new day in UTC only
    assertRateLimitBody(await list(), ...daily);
    server.domain.clock.set(Date.parse('2026-01-16T04:59:59Z')); // 23:59:59 in New York
    assertRateLimitBody(await list(), ...daily);
    server.domain.clock.advance(1_000); // midnight in New York
    const fresh = await list();
    assert.equal(fresh.status, 200);
    assert.equal(fresh.headers.get('x-hubspot-ratelimit-daily'), '3');
    assert.equal(fresh.headers.get('x-hubspot-ratelimit-daily-remaining'), '2');
  });

  it('search: 5 per second per token, its own message, no rate-limit headers, not in the 10-second window', async () => {
    await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, { body: { tier: 'free' } });
    const search = () =>
      api.request('POST', '/crm/v3/objects/contacts/search', { body: { filterGroups: [], limit: 1 } });
    for (let i = 0; i < 5; i++) {
      const result = await search();
      assert.notEqual(result.status, 429); // Spoke has no search yet: it answers 404/405 after counting
      assert.deepEqual(rateHeaders(result), {});
    }
    const refused = await search();
    assertRateLimitBody(refused, 'SECONDLY', 'You have reached your secondly limit.');
    assert.deepEqual(rateHeaders(refused), {});
    // Searches counted toward the day, not toward the 10-second window.
    const read = await list();
    assert.equal(read.headers.get('x-hubspot-ratelimit-remaining'), '99');
    assert.equal(read.headers.get('x-hubspot-ratelimit-daily-remaining'), String(250_000 - 6));
    server.domain.clock.advance(1_000);
    assert.notEqual((await search()).status, 429);
    // Another token has a second of its own.
    const other = client(server.url, 'token-b');
    assert.notEqual((await other.request('POST', '/crm/v3/objects/deals/search', { body: {} })).status, 429);
  });

  it('operations HubSpot exempts from the 10-second limit (association batches) count only toward the day', async () => {
    await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, {
      body: { tier: 'free', tenSecondly: 1 },
    });
    assert.equal((await list()).status, 200);
    for (let i = 0; i < 3; i++) {
      const batch = await api.request('POST', '/crm/v4/associations/contacts/companies/batch/read', {
        body: { inputs: [{ id: '1' }] },
      });
      assert.notEqual(batch.status, 429);
      assert.equal(batch.headers.get('x-hubspot-ratelimit-remaining'), '0');
    }
    assertRateLimitBody(await list(), ...TEN_SECONDLY);
  });

  it('a default for every portal, a portal of its own, and "off"', async () => {
    const made = await admin.request('POST', '/_spoke/portals', { body: {} });
    const otherPortal = client(server.url, made.body.token as string);
    const byDefault = await admin.request('PUT', '/_spoke/rate-limits', { body: { tier: 'enterprise' } });
    assert.equal(byDefault.status, 200);
    assert.equal(byDefault.body.portalId, 0);
    const seen = await otherPortal.request('GET', '/crm/v3/objects/contacts');
    assert.equal(seen.headers.get('x-hubspot-ratelimit-max'), '190');
    const inherited = await admin.request('GET', `/_spoke/portals/${made.body.portalId}/rate-limits`);
    assert.deepEqual(inherited.body, {
      portalId: made.body.portalId,
      tier: 'enterprise',
      timeZone: 'UTC',
      tenSecondly: 190,
      daily: 1_000_000,
      searchPerSecond: 5,
      inherited: true,
    });
    await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, { body: { tier: 'off' } });
    assert.deepEqual(rateHeaders(await list()), {});
    const listed = await admin.request('GET', '/_spoke/rate-limits');
    assert.deepEqual(
      listed.body.results.map((r: { portalId: number; tier: string }) => [r.portalId, r.tier]),
      [
        [0, 'enterprise'],
        [PORTAL, 'off'],
      ],
    );
    assert.equal(listed.body.tiers.professional.tenSecondly, 190);
    assert.equal((await admin.request('DELETE', '/_spoke/rate-limits')).status, 204);
    assert.deepEqual(rateHeaders(await otherPortal.request('GET', '/crm/v3/objects/contacts')), {});
  });

  it('rejects unknown tiers, time zones and limits with a 400', async () => {
    for (const body of [
      { tier: 'platinum' },
      { tier: 'free', timeZone: 'Mars/Olympus_Mons' },
      { tier: 'free', daily: -1 },
      { tier: 'free', tenSecondly: 1.5 },
    ]) {
      const result = await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, { body });
      assert.equal(result.status, 400, JSON.stringify(body));
      assert.equal(result.body.category, 'VALIDATION_ERROR');
    }
    assert.match(
      (await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, { body: { tier: 'platinum' } }))
        .body.message,
      /Unknown rate-limit tier "platinum": use one of free, starter, professional, enterprise, api-limit-increase, public-app, off/,
    );
    assert.deepEqual(rateHeaders(await list()), {});
  });

  it('takes null as no limit, never as a limit of 0', async () => {
    const set = await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, {
      body: { tier: 'starter', daily: null, searchPerSecond: null },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.daily, null);
    assert.equal(set.body.searchPerSecond, null);
    assert.equal(set.body.tenSecondly, 100);
    const read = await list();
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('x-hubspot-ratelimit-daily'), null, 'no daily limit, no daily header');
    const zero = await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, {
      body: { tier: 'starter', daily: 0 },
    });
    assert.equal(zero.body.daily, 0, 'a limit of 0 is still 0');
    assert.equal((await admin.request('DELETE', `/_spoke/portals/${PORTAL}/rate-limits`)).status, 204);
  });

  it('admin reset and clearing usage forget the counts; policies stay', async () => {
    await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, {
      body: { tier: 'free', tenSecondly: 1 },
    });
    assert.equal((await list()).status, 200);
    assert.equal((await list()).status, 429);
    assert.equal((await admin.request('POST', '/_spoke/reset')).status, 200);
    const after = await list();
    assert.equal(after.status, 200);
    assert.equal(after.headers.get('x-hubspot-ratelimit-max'), '1');
  });

  it("burning quota reaches a tier's real daily limit without making the requests", async () => {
    await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, {
      body: { tier: 'free', timeZone: 'Asia/Tokyo' },
    });
    const burned = await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits/usage`, {
      body: { daily: 249_999 },
    });
    assert.equal(burned.status, 200);
    assert.deepEqual(burned.body, { portalId: PORTAL, day: '2026-01-15', daily: 249_999 }); // 21:00 in Tokyo
    const last = await list();
    assert.equal(last.status, 200);
    assert.equal(last.headers.get('x-hubspot-ratelimit-daily'), '250000');
    assert.equal(last.headers.get('x-hubspot-ratelimit-daily-remaining'), '0');
    assertRateLimitBody(await list(), 'DAILY', 'You have reached your daily limit.');
    server.domain.clock.advance(3 * 3_600_000); // past midnight in Tokyo
    assert.equal((await list()).headers.get('x-hubspot-ratelimit-daily-remaining'), '249999');
    const noPolicy = await admin.request('PUT', '/_spoke/portals/123/rate-limits/usage', {
      body: { daily: 1 },
    });
    assert.equal(noPolicy.status, 400);
    assert.match(noPolicy.body.message, /Portal 123 has no rate limits/);
  });

  it("fixtures set a portal's limits, and refuse a bad tier", async () => {
    const seeded = await admin.request('POST', `/_spoke/portals/${PORTAL}/seed`, {
      body: { rateLimits: { tier: 'starter', timeZone: 'Europe/Berlin' } },
    });
    assert.equal(seeded.status, 200);
    const policy = await admin.request('GET', `/_spoke/portals/${PORTAL}/rate-limits`);
    assert.equal(policy.body.tier, 'starter');
    assert.equal(policy.body.timeZone, 'Europe/Berlin');
    assert.equal(policy.body.inherited, false);
    const bad = await admin.request('POST', `/_spoke/portals/${PORTAL}/seed`, {
      body: { rateLimits: { tier: 'x' } },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /Invalid fixtures: "rateLimits": Unknown rate-limit tier "x"/);
  });
});

describe('rate-limit and fault admin routes with an admin token', () => {
  it('need the admin token, like the rest of the admin API', async () => {
    const server = await startTestServer({ adminToken: 'secret' });
    try {
      const anonymous = client(server.url, 'not-the-admin-token');
      const admin = client(server.url, 'secret');
      for (const [method, path, body] of [
        ['PUT', `/_spoke/portals/${PORTAL}/rate-limits`, { tier: 'free' }],
        ['PUT', '/_spoke/rate-limits', { tier: 'free' }],
        ['GET', '/_spoke/rate-limits', undefined],
        ['POST', '/_spoke/faults', { kind: 'drop' }],
        ['GET', '/_spoke/faults', undefined],
        ['DELETE', '/_spoke/faults', undefined],
      ] as const) {
        const refused = await anonymous.request(method, path, body === undefined ? {} : { body });
        assert.equal(refused.status, 401, `${method} ${path}`);
      }
      assert.equal((await admin.request('GET', '/_spoke/faults')).status, 200);
      assert.equal(
        (await admin.request('PUT', `/_spoke/portals/${PORTAL}/rate-limits`, { body: { tier: 'free' } }))
          .status,
        200,
      );
    } finally {
      await server.close();
    }
  });
});
