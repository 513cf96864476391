/**
 * Faults on demand over real HTTP: each kind (HubSpot's 5xx bodies, a 429, a stall, a dropped
 * connection), before a request runs and after (the write stays, the answer is lost), the
 * official client's retry that follows, seeded chance, matching, listing and reset.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSpoke } from '../../src/index.js';
import { client, type HttpResult } from '../helpers/http.js';
import { OFFICIAL_CLIENTS } from '../helpers/official-clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CONTACTS = '/crm/v3/objects/contacts';

function assertHubSpotError(result: HttpResult, status: number, category: string, message: string): void {
  assert.equal(result.status, status, result.text);
  const { correlationId, ...rest } = result.body as Record<string, string>;
  assert.match(correlationId!, /^[0-9a-f-]{36}$/);
  assert.equal(result.headers.get('x-hubspot-correlation-id'), correlationId);
  assert.deepEqual(rest, { status: 'error', message, category });
  assert.match(result.headers.get('x-spoke-fault') ?? '', /^fault-\d+$/);
}

describe('faults on demand', () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());
  beforeEach(async () => {
    assert.equal((await api.request('POST', '/_spoke/reset')).status, 200);
  });

  const arm = async (rule: Record<string, unknown>) => {
    const armed = await api.request('POST', '/_spoke/faults', { body: rule });
    assert.equal(armed.status, 201, armed.text);
    return armed.body as { id: string };
  };
  const contactCount = async () => (await api.request('GET', `${CONTACTS}?limit=100`)).body.results.length;
  const create = () => api.request('POST', CONTACTS, { body: { properties: { firstname: 'Ada' } } });

  it('are never on unless armed', async () => {
    assert.deepEqual((await api.request('GET', '/_spoke/faults')).body, { results: [] });
    for (let i = 0; i < 20; i++) {
      const result = await api.request('GET', CONTACTS);
      assert.equal(result.status, 200);
      assert.equal(result.headers.get('x-spoke-fault'), null);
    }
  });

  for (const [status, category, message] of [
    [500, 'INTERNAL_ERROR', 'internal error'],
    [502, 'INTERNAL_ERROR', 'Bad Gateway'],
    [503, 'SERVICE_UNAVAILABLE', 'Service Unavailable'],
    [504, 'INTERNAL_ERROR', 'Gateway Timeout'],
  ] as const) {
    it(`${status} before the request: HubSpot's body, nothing written, then back to normal`, async () => {
      await arm({ kind: 'status', status, method: 'POST', path: CONTACTS, times: 1 });
      assertHubSpotError(await create(), status, category, message);
      assert.equal(await contactCount(), 0);
      assert.equal((await create()).status, 201);
      assert.equal(await contactCount(), 1);
    });
  }

  it("429: HubSpot's TEN_SECONDLY_ROLLING body by default, or the policy named", async () => {
    await arm({ kind: 'status', status: 429, path: `${CONTACTS}/**`, times: 1 });
    await arm({ kind: 'status', status: 429, policyName: 'DAILY', path: `${CONTACTS}/**`, times: 1 });
    const first = await api.request('GET', `${CONTACTS}/1`);
    assert.equal(first.status, 429);
    assert.equal(first.body.policyName, 'TEN_SECONDLY_ROLLING');
    assert.equal(first.body.message, 'You have reached your ten_secondly_rolling limit.');
    assert.equal(first.body.errorType, 'RATE_LIMIT');
    const second = await api.request('GET', `${CONTACTS}/1`);
    assert.equal(second.body.policyName, 'DAILY');
    assert.equal((await api.request('GET', `${CONTACTS}/1`)).status, 404);
  });

  it('a status after the request: the write happened, the answer is a 502', async () => {
    await arm({ kind: 'status', status: 502, method: 'POST', path: CONTACTS, when: 'after', times: 1 });
    assertHubSpotError(await create(), 502, 'INTERNAL_ERROR', 'Bad Gateway');
    assert.equal(await contactCount(), 1);
  });

  it('the official client retries a 503 after a write, and the retry writes again (both versions)', async () => {
    for (const { version, module } of OFFICIAL_CLIENTS) {
      await api.request('POST', '/_spoke/reset');
      await arm({ kind: 'status', status: 503, method: 'POST', path: CONTACTS, when: 'after', times: 1 });
      const hubspot = new module.Client({
        accessToken: 'x',
        basePath: server.url,
        numberOfApiCallRetries: 2,
      });
      const created = await hubspot.crm.contacts.basicApi.create({
        properties: { firstname: 'Ada' },
        associations: [],
      });
      assert.ok(created.id, version);
      // The lost answer's write and the retry's: what a non-idempotent retry does at HubSpot.
      assert.equal(await contactCount(), 2, version);
      assert.equal((await api.request('GET', '/_spoke/faults')).body.results[0].hits, 1);
    }
  });

  it('a dropped connection before the request: the client sees a network error, nothing is written', async () => {
    await arm({ kind: 'drop', method: 'POST', path: CONTACTS, times: 1 });
    await assert.rejects(create(), /fetch failed/);
    assert.equal(await contactCount(), 0);
  });

  it('a dropped answer after a write: the write stays, and a retry of an idempotent PUT finds it done', async () => {
    const a = (await create()).body.id as string;
    const b = (
      await api.request('POST', '/crm/v3/objects/companies', { body: { properties: { name: 'Acme' } } })
    ).body.id as string;
    const put = `/crm/v4/objects/contacts/${a}/associations/default/companies/${b}`;
    await arm({
      kind: 'drop',
      method: 'PUT',
      path: '/crm/v4/objects/*/*/associations/**',
      when: 'after',
      times: 1,
    });
    await assert.rejects(api.request('PUT', put), /fetch failed/);
    const listed = await api.request('GET', `/crm/v4/objects/contacts/${a}/associations/companies`);
    assert.equal(listed.body.results.length, 1);
    const retried = await api.request('PUT', put);
    assert.equal(retried.status, 200);
    assert.equal(
      (await api.request('GET', `/crm/v4/objects/contacts/${a}/associations/companies`)).body.results.length,
      1,
    );
  });

  it('the official client does not retry a dropped connection: the caller sees it, and the record exists', async () => {
    await arm({ kind: 'drop', method: 'POST', path: CONTACTS, when: 'after', times: 1 });
    const { module } = OFFICIAL_CLIENTS[0]!;
    const hubspot = new module.Client({ accessToken: 'x', basePath: server.url, numberOfApiCallRetries: 3 });
    await assert.rejects(
      hubspot.crm.contacts.basicApi.create({ properties: { firstname: 'Ada' }, associations: [] }),
    );
    assert.equal(await contactCount(), 1);
  });

  it('a delay stalls the request until the client gives up; a short one answers late but whole', async () => {
    await arm({ kind: 'delay', delayMs: 600_000, method: 'GET', path: CONTACTS, times: 1 });
    await assert.rejects(
      fetch(`${server.url}${CONTACTS}`, {
        headers: { authorization: 'Bearer x' },
        signal: AbortSignal.timeout(200),
      }),
      /TimeoutError|aborted/,
    );
    await arm({ kind: 'delay', delayMs: 20, method: 'POST', path: CONTACTS, when: 'after', times: 1 });
    const late = await create();
    assert.equal(late.status, 201);
    assert.match(late.headers.get('x-spoke-fault') ?? '', /^fault-\d+$/);
    assert.deepEqual(
      (await api.request('GET', '/_spoke/faults')).body.results.map(
        (r: { hits: number; remaining: number }) => [r.hits, r.remaining],
      ),
      [
        [1, 0],
        [1, 0],
      ],
    );
  });

  it('chance is seeded: the same seed hits the same requests', async () => {
    const pattern = async () => {
      await api.request('DELETE', '/_spoke/faults');
      await arm({ kind: 'status', status: 500, method: 'GET', path: CONTACTS, probability: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await api.request('GET', CONTACTS)).status);
      return statuses;
    };
    const first = await pattern();
    assert.ok(first.includes(200) && first.includes(500), first.join(','));
    assert.deepEqual(await pattern(), first);
  });

  it('matches method, path pattern and portal; admin paths are never hit', async () => {
    const other = await api.request('POST', '/_spoke/portals', { body: {} });
    await arm({ kind: 'status', status: 503, portalId: other.body.portalId, path: '/crm/v3/objects/*' });
    await arm({ kind: 'status', status: 500, method: 'DELETE', path: '/**' });
    assert.equal((await api.request('GET', CONTACTS)).status, 200);
    assert.equal((await client(server.url, other.body.token).request('GET', CONTACTS)).status, 503);
    assert.equal((await client(server.url, other.body.token).request('GET', `${CONTACTS}/1`)).status, 404);
    assert.equal((await api.request('DELETE', `${CONTACTS}/1`)).status, 500);
    assert.equal((await api.request('GET', '/_spoke/faults')).status, 200);
    assert.equal((await api.request('DELETE', '/_spoke/faults/fault-999')).status, 404);
  });

  it('are listed, disarmed one by one or all, cleared by reset, and checked', async () => {
    const one = await arm({ kind: 'status', status: 500, path: CONTACTS });
    await arm({ kind: 'drop', path: '/crm/**' });
    assert.equal((await api.request('GET', '/_spoke/faults')).body.results.length, 2);
    assert.equal((await api.request('DELETE', `/_spoke/faults/${one.id}`)).status, 204);
    assert.equal((await api.request('GET', '/_spoke/faults')).body.results.length, 1);
    await api.request('POST', '/_spoke/reset');
    assert.deepEqual((await api.request('GET', '/_spoke/faults')).body, { results: [] });
    for (const body of [
      { kind: 'explode' },
      { kind: 'status', status: 418 },
      { kind: 'delay' },
      { kind: 'drop', probability: 2 },
      { kind: 'status', status: 500, policyName: 'DAILY' },
      { kind: 'drop', when: 'during' },
    ]) {
      const refused = await api.request('POST', '/_spoke/faults', { body });
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.match(refused.body.message, /^Invalid fault rule: /);
    }
  });
});

describe('startSpoke({ faults })', () => {
  it('arms rules at start; spoke.faults arms more; reset() disarms them', async () => {
    const spoke = await startSpoke({ faults: [{ kind: 'status', status: 503, method: 'GET', times: 1 }] });
    try {
      const api = client(spoke.url, spoke.token);
      assert.equal((await api.request('GET', CONTACTS)).status, 503);
      assert.equal((await api.request('GET', CONTACTS)).status, 200);
      spoke.faults.arm({ kind: 'status', status: 504, path: CONTACTS });
      assert.equal((await api.request('GET', CONTACTS)).status, 504);
      await spoke.reset();
      assert.deepEqual(spoke.faults.list(), []);
      assert.equal((await api.request('GET', CONTACTS)).status, 200);
    } finally {
      await spoke.close();
    }
  });
});
