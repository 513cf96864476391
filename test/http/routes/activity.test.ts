/**
 * The activity feed: requests published with the records a write touched, the buffered
 * list, and the Server-Sent Events stream with resumption (src/http/routes/activity.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ActivityFeed, type ActivityEvent } from '../../../src/domain/activity/activity-feed.js';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const PORTAL = 4680000;

/** Reads a Server-Sent Events response until `enough` says so (or 10 s pass). */
async function readEvents(
  url: string,
  headers: Record<string, string>,
  enough: (events: ActivityEvent[]) => boolean,
  whileOpen: () => Promise<void> = async () => {},
): Promise<{ events: ActivityEvent[]; raw: string; contentType: string | null }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const response = await fetch(url, { headers, signal: controller.signal });
  assert.equal(response.status, 200);
  const events: ActivityEvent[] = [];
  let raw = '';
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const opened = whileOpen();
  try {
    while (!enough(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      raw += value;
      events.length = 0;
      for (const frame of raw.split('\n\n')) {
        const data = frame
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('');
        if (data && frame.includes('event: request')) events.push(JSON.parse(data) as ActivityEvent);
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
    await opened;
  }
  return { events, raw, contentType: response.headers.get('content-type') };
}

describe('activity feed', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('publishes each request with the records a write touched', async () => {
    const since = server.domain.activity.lastSeq;
    const contact = await api.post('/crm/v3/objects/contacts', { properties: { email: 'feed@example.com' } });
    const company = await api.post('/crm/v3/objects/companies', { properties: { name: 'Feed Inc' } });
    await api.put(
      `/crm/v4/objects/contacts/${contact.body.id}/associations/default/companies/${company.body.id}`,
    );
    await api.get(`/crm/v3/objects/contacts/${contact.body.id}`);
    await api.get('/_spoke/overview');
    await api.get('/oauth/v1/access-tokens/very-secret-token');
    const batch = await api.post('/crm/v3/objects/contacts/batch/create', {
      inputs: [{ properties: { email: 'b1@example.com' } }, { properties: { email: 'b2@example.com' } }],
    });

    const r = await api.get(`/_spoke/activity?after=${since}`);
    assert.equal(r.status, 200);
    // Requests; each committed write's change set is in the feed too (tested below).
    const events: any[] = r.body.results.filter((e: any) => e.kind === 'request');
    assert.deepEqual(
      events.map((e) => `${e.method} ${e.status}`),
      ['POST 201', 'POST 201', 'PUT 200', 'GET 200', 'GET 200', 'POST 201'],
      'the admin API reads of the UI itself are left out',
    );
    const [created, , associated, read, oauth, batched] = events;
    assert.equal(created.kind, 'request');
    assert.equal(created.path, '/crm/v3/objects/contacts');
    assert.equal(created.portalId, PORTAL);
    assert.equal(created.write, true);
    assert.deepEqual(created.recordIds, [contact.body.id]);
    assert.ok(created.seq > since && typeof created.at === 'number' && created.durationMs >= 0);
    assert.deepEqual([...associated.recordIds].sort(), [contact.body.id, company.body.id].sort());
    assert.equal(read.write, false);
    assert.deepEqual(read.recordIds, [], 'reads touch nothing');
    assert.ok(!oauth.path.includes('very-secret-token'), 'tokens in paths are redacted');
    assert.deepEqual([...batched.recordIds].sort(), batch.body.results.map((x: any) => x.id).sort());
    assert.equal(r.body.lastSeq, server.domain.activity.lastSeq);
  });

  it('publishes admin writes, with their portal', async () => {
    const since = server.domain.activity.lastSeq;
    assert.equal((await api.post(`/_spoke/portals/${PORTAL}/snapshots`, { name: 'feed' })).status, 201);
    const [event] = (await api.get(`/_spoke/activity?after=${since}`)).body.results;
    assert.equal(event.path, `/_spoke/portals/${PORTAL}/snapshots`);
    assert.equal(event.portalId, PORTAL);
    assert.equal(event.write, true);
    assert.equal((await api.get(`/_spoke/activity?after=${since}&portalId=1`)).body.results.length, 0);
    assert.equal((await api.get('/_spoke/activity?after=-1')).status, 400);
  });

  it('streams events as Server-Sent Events, and resumes after Last-Event-ID', async () => {
    const since = server.domain.activity.lastSeq;
    let createdId = '';
    const live = await readEvents(
      `${server.url}/_spoke/activity/stream`,
      {},
      (events) => events.some((e) => e.kind === 'request' && e.recordIds.includes(createdId)),
      async () => {
        // Give the stream a moment to subscribe, then write.
        await new Promise((r) => setTimeout(r, 100));
        createdId = (
          await api.post('/crm/v3/objects/deals', {
            properties: { dealname: 'Live', dealstage: 'appointmentscheduled' },
          })
        ).body.id;
      },
    );
    assert.equal(live.contentType, 'text/event-stream; charset=utf-8');
    assert.match(live.raw, /^retry: 2000\n/);
    const event = live.events.find((e) => e.kind === 'request' && e.recordIds.includes(createdId))!;
    assert.ok(event.seq > since);
    assert.match(live.raw, new RegExp(`id: ${event.seq}\\nevent: request\\n`));

    // Missed while away: resumes after the last ID it saw. Each write also published its
    // change set (event: change), which this reader leaves out.
    const missed = [
      (
        await api.post('/crm/v3/objects/deals', {
          properties: { dealname: 'Missed 1', dealstage: 'appointmentscheduled' },
        })
      ).body.id,
      (
        await api.post('/crm/v3/objects/deals', {
          properties: { dealname: 'Missed 2', dealstage: 'appointmentscheduled' },
        })
      ).body.id,
    ];
    const resumed = await readEvents(
      `${server.url}/_spoke/activity/stream`,
      { 'last-event-id': String(event.seq) },
      (events) => events.length >= 2,
    );
    assert.deepEqual(
      resumed.events.map((e) => e.kind === 'request' && e.recordIds[0]),
      missed,
    );
    assert.ok(resumed.events[0]!.seq > event.seq);
    const last = resumed.events[1]!.seq;
    const backlog = await readEvents(
      `${server.url}/_spoke/activity/stream?after=0&limit=${last - event.seq + 1}`,
      {},
      (events) => events.length >= 3,
    );
    assert.deepEqual(
      backlog.events.map((e) => e.seq),
      [event.seq, resumed.events[0]!.seq, last],
    );
  });

  it('closes open streams when the server closes', async () => {
    const other = await startTestServer();
    const response = await fetch(`${other.url}/_spoke/activity/stream`);
    const reader = response.body!.getReader();
    await reader.read();
    const closed = other.close();
    // The stream ends, and close() does not wait for the client.
    for (;;) if ((await reader.read()).done) break;
    await closed;
  });
});

describe('activity feed with an admin token', () => {
  it('needs the token, like the rest of the admin API', async () => {
    const server = await startTestServer({ adminToken: 'feed-admin' });
    try {
      assert.equal((await fetch(`${server.url}/_spoke/activity/stream`)).status, 401);
      assert.equal((await fetch(`${server.url}/_spoke/activity`)).status, 401);
      const ok = await fetch(`${server.url}/_spoke/activity`, {
        headers: { authorization: 'Bearer feed-admin' },
      });
      assert.equal(ok.status, 200);
    } finally {
      await server.close();
    }
  });
});

describe('ActivityFeed', () => {
  const request = (path: string) =>
    ({
      kind: 'request',
      method: 'POST',
      path,
      status: 201,
      portalId: 1,
      durationMs: 1,
      write: true,
      recordIds: [],
      moreRecords: false,
    }) as const;

  it('keeps the latest events in order, numbered, within its capacity', () => {
    const feed = new ActivityFeed(4);
    for (let i = 1; i <= 6; i++) feed.publish(request(`/p${i}`));
    assert.equal(feed.lastSeq, 6);
    assert.deepEqual(
      feed.recent().map((e) => e.seq),
      [3, 4, 5, 6],
    );
    assert.deepEqual(
      feed.recent(4).map((e) => e.seq),
      [5, 6],
    );
    assert.deepEqual(
      feed.recent(0, 2).map((e) => e.seq),
      [5, 6],
    );
    assert.deepEqual(feed.recent(6), []);
  });

  it('hands events to subscribers until they leave, whatever one of them throws', () => {
    const feed = new ActivityFeed();
    const seen: number[] = [];
    const off = feed.subscribe((e) => seen.push(e.seq));
    feed.subscribe(() => {
      throw new Error('a broken subscriber');
    });
    feed.publish(request('/a'));
    off();
    feed.publish(request('/b'));
    assert.deepEqual(seen, [1]);
    assert.equal(feed.subscribers, 1);
  });

  it('takes change events from a store change feed through the same interface', () => {
    const feed = new ActivityFeed();
    const seen: ActivityEvent[] = [];
    feed.subscribe((e) => seen.push(e));
    feed.publish({
      kind: 'change',
      portalId: 1,
      changes: [{ entity: 'association', action: 'added', recordIds: ['1', '2'] }],
    });
    assert.equal(seen[0]!.kind, 'change');
    assert.equal(seen[0]!.seq, 1);
  });
});
