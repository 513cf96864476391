/**
 * The opt-in indexing lag: by default search reads its own writes; with a lag (the admin API,
 * fixtures' settings, or the server's default) new and changed records are found only once
 * the lag has passed on the controllable clock, or at once after a flush.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/config.js';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PORTAL = 4680000;

async function found(api: Client, firstname: string): Promise<number> {
  const r = await api.post('/crm/v3/objects/contacts/search', {
    filterGroups: [{ filters: [{ propertyName: 'firstname', operator: 'EQ', value: firstname }] }],
  });
  assert.equal(r.status, 200);
  return r.body.total as number;
}

describe('search: indexing lag', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    await api.put('/_spoke/clock', { now: '2026-01-01T00:00:00Z' });
  });
  after(async () => {
    await api.delete('/_spoke/clock');
    await server.close();
  });

  it('by default search reads its own writes', async () => {
    const state = await api.get(`/_spoke/portals/${PORTAL}/search/indexing`);
    assert.deepEqual(state.body, { lagMs: 0, portalSetting: false, indexedThrough: null });
    await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Instant' } });
    assert.equal(await found(api, 'instant'), 1);
  });

  it('with a lag, new and changed records appear once the clock has moved past it', async () => {
    const set = await api.put(`/_spoke/portals/${PORTAL}/search/indexing`, { lagMs: 5000 });
    assert.equal(set.status, 200);
    assert.equal(set.body.lagMs, 5000);
    assert.equal(set.body.portalSetting, true);
    assert.equal(await found(api, 'instant'), 1, 'records written before stay visible');
    assert.equal(set.body.indexedThrough, '2026-01-01T00:00:00.000Z');

    await api.post('/_spoke/clock/advance', { ms: 1 });
    const created = await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Later' } });
    assert.equal(await found(api, 'later'), 0);
    await api.post('/_spoke/clock/advance', { ms: 4999 });
    assert.equal(await found(api, 'later'), 0);
    await api.post('/_spoke/clock/advance', { ms: 1 });
    assert.equal(await found(api, 'later'), 1);

    await api.patch(`/crm/v3/objects/contacts/${created.body.id}`, { properties: { lastname: 'Changed' } });
    // Find-before-create during the lag still finds a changed record by what did not change
    // (it once vanished, and the caller created a duplicate); decision D53.
    assert.equal(await found(api, 'later'), 1, 'a changed record stays found by its unchanged values');
    const read = await api.get(`/crm/v3/objects/contacts/${created.body.id}`);
    assert.equal(read.status, 200, 'reads by ID are not delayed');
    await api.post('/_spoke/clock/advance', { ms: 5000 });
    assert.equal(await found(api, 'later'), 1);
    const email = await api.post('/crm/v3/objects/contacts', {
      properties: { firstname: 'Kept', email: 'kept@lag.test' },
    });
    await api.post('/_spoke/clock/advance', { ms: 5000 });
    await api.patch(`/crm/v3/objects/contacts/${email.body.id}`, { properties: { firstname: 'Renamed' } });
    const byEmail = await api.post('/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'kept@lag.test' }] }],
    });
    assert.equal(byEmail.body.total, 1, 'EQ on an unchanged email finds the record during the lag');
  });

  it('a flush makes everything written so far visible at once', async () => {
    await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Flushed' } });
    assert.equal(await found(api, 'flushed'), 0);
    const flushed = await api.post(`/_spoke/portals/${PORTAL}/search/flush`);
    assert.equal(flushed.status, 200);
    assert.equal(flushed.body.indexedThrough, (await api.get('/_spoke/clock')).body.now);
    assert.equal(await found(api, 'flushed'), 1);
    await api.post('/_spoke/clock/advance', { ms: 1 });
    await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Afterwards' } });
    assert.equal(await found(api, 'afterwards'), 0, 'writes after the flush wait for the lag again');
  });

  it('with a frozen clock, a write in the same millisecond after setting the lag or a flush is not found', async () => {
    await api.put('/_spoke/clock', { now: '2026-02-01T00:00:00Z', frozen: true });
    await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Beforeset' } });
    await api.put(`/_spoke/portals/${PORTAL}/search/indexing`, { lagMs: 5000 });
    await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Afterset' } });
    assert.equal(await found(api, 'beforeset'), 1, 'written before the lag was set, in the same ms');
    assert.equal(await found(api, 'afterset'), 0, 'written after the lag was set, in the same ms');

    await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Beforeflush' } });
    const flushed = await api.post(`/_spoke/portals/${PORTAL}/search/flush`);
    assert.equal(flushed.status, 200);
    assert.equal(flushed.body.indexedThrough, '2026-02-01T00:00:00.000Z');
    await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Afterflush' } });
    assert.equal(await found(api, 'afterset'), 1, 'the flush found what was written before it');
    assert.equal(await found(api, 'beforeflush'), 1);
    assert.equal(await found(api, 'afterflush'), 0, 'written after the flush, in the same ms');

    await api.post('/_spoke/clock/advance', { ms: 4999 });
    assert.equal(await found(api, 'afterflush'), 0);
    await api.post('/_spoke/clock/advance', { ms: 1 });
    assert.equal(await found(api, 'afterflush'), 1, 'found once the lag has passed');
    await api.put(`/_spoke/portals/${PORTAL}/search/indexing`, { lagMs: null });
    await api.put('/_spoke/clock', { now: '2026-03-01T00:00:00Z', frozen: false });
  });

  it('settings and fixtures set it too; null goes back to the default; bad values are 400s', async () => {
    assert.equal(
      (await api.put(`/_spoke/portals/${PORTAL}/settings`, { searchIndexingLagMs: null })).status,
      200,
    );
    assert.equal(await found(api, 'afterwards'), 1);
    const seeded = await api.post(`/_spoke/portals/${PORTAL}/seed`, {
      settings: { searchIndexingLagMs: 60000 },
    });
    assert.equal(seeded.status, 200, JSON.stringify(seeded.body));
    assert.equal((await api.get(`/_spoke/portals/${PORTAL}/search/indexing`)).body.lagMs, 60000);
    await api.put(`/_spoke/portals/${PORTAL}/search/indexing`, { lagMs: null });
    for (const lagMs of [-1, 1.5, 'x', 86_400_001]) {
      const r = await api.put(`/_spoke/portals/${PORTAL}/search/indexing`, { lagMs });
      assert.equal(r.status, 400, String(lagMs));
    }
    const fixture = await api.post(`/_spoke/portals/${PORTAL}/seed`, {
      settings: { searchIndexingLagMs: -5 },
    });
    assert.equal(fixture.status, 400);
  });
});

describe('search: the server-wide default lag and filter limits', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer({
      search: { indexingLagMs: 1000, limits: { groups: 1, filtersPerGroup: 2, filters: 2 } },
    });
    api = client(server.url);
    await api.put('/_spoke/clock', { now: '2026-01-01T00:00:00Z' });
  });
  after(() => server.close());

  it('applies to portals that set none', async () => {
    await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Slow' } });
    assert.equal(await found(api, 'slow'), 0);
    await api.post('/_spoke/clock/advance', { ms: 1000 });
    assert.equal(await found(api, 'slow'), 1);
    const zero = await api.put(`/_spoke/portals/${PORTAL}/search/indexing`, { lagMs: 0 });
    assert.deepEqual(zero.body, {
      lagMs: 0,
      portalSetting: true,
      indexedThrough: '2026-01-01T00:00:01.000Z',
    });
    await api.post('/crm/v3/objects/contacts', { properties: { firstname: 'Fast' } });
    assert.equal(await found(api, 'fast'), 1);
    // null clears the portal's own setting: the server's default applies again (a null read
    // as 0 would keep a setting of 0).
    for (const put of [
      () => api.put(`/_spoke/portals/${PORTAL}/search/indexing`, { lagMs: null }),
      () => api.put(`/_spoke/portals/${PORTAL}/settings`, { searchIndexingLagMs: null }),
    ]) {
      await api.put(`/_spoke/portals/${PORTAL}/search/indexing`, { lagMs: 0 });
      assert.equal((await put()).status, 200);
      const state = await api.get(`/_spoke/portals/${PORTAL}/search/indexing`);
      assert.equal(state.body.lagMs, 1000);
      assert.equal(state.body.portalSetting, false);
    }
  });

  it('the configured filter limits hold', async () => {
    const filter = { propertyName: 'firstname', operator: 'EQ', value: 'x' };
    const two = await api.post('/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [filter, filter] }],
    });
    assert.equal(two.status, 200);
    const groups = await api.post('/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [filter] }, { filters: [filter] }],
    });
    assert.equal(groups.status, 400);
    assert.match(groups.body.message, /at most 1 are allowed/);
  });

  it('flags and environment variables', () => {
    const config = resolveConfig({ searchIndexingLag: '2500', searchFilterLimits: '5,10,25' }, {});
    assert.deepEqual(config.search, {
      indexingLagMs: 2500,
      limits: { groups: 5, filtersPerGroup: 10, filters: 25 },
    });
    const env = resolveConfig({}, { SPOKE_SEARCH_INDEXING_LAG_MS: '100' });
    assert.deepEqual(env.search, { indexingLagMs: 100 });
    assert.equal(resolveConfig({}, {}).search, undefined);
    assert.throws(() => resolveConfig({ searchIndexingLag: 'soon' }, {}), /indexing lag/);
    assert.throws(() => resolveConfig({ searchFilterLimits: '5,6' }, {}), /filter limits/);
  });
});
