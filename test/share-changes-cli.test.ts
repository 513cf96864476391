/**
 * `--share-changes` (SPOKE_SHARE_CHANGES=1): two Spoke processes started from the command
 * line on one PostgreSQL database hear each other's commits, so a record created through one
 * shows in the other's activity feed (its change feed's `everywhere` subscribers). On
 * SQLite, which has no relay between processes, the switch is refused at start.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSpoke } from '../src/index.js';
import { client } from './helpers/http.js';
import { runCli, startSpokeProcess } from './helpers/process.js';
import { freshDatabaseUrl, onPostgres } from './helpers/store.js';

interface Activity {
  results: Array<{
    kind: string;
    portalId: number;
    changes?: Array<{ action: string; recordIds: string[] }>;
  }>;
}

/** Whether the feed shows a `change` event that created `id`. */
const showsCreate = (activity: Activity, id: string) =>
  activity.results.some(
    (e) =>
      e.kind === 'change' &&
      (e.changes ?? []).some((c) => c.action === 'created' && c.recordIds.includes(id)),
  );

/** Reads `url`'s activity until it shows the create (a notification is in flight), bounded. */
async function awaitCreate(url: string, id: string): Promise<Activity> {
  const admin = client(url);
  let activity: Activity = { results: [] };
  for (let i = 0; i < 200; i++) {
    const response = await admin.get<Activity>('/_spoke/activity?limit=1000');
    assert.equal(response.status, 200, response.text);
    activity = response.body;
    if (showsCreate(activity, id)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return activity;
}

describe('spoke --share-changes', () => {
  it('is refused on a SQLite store, flag or environment', { skip: onPostgres() }, async () => {
    const flag = await runCli(['serve', '--port', '0', '--database-url', ':memory:', '--share-changes']);
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /--share-changes needs a postgres:\/\/ database/);
    const env = await runCli(['serve', '--port', '0', '--database-url', ':memory:'], {
      SPOKE_SHARE_CHANGES: '1',
    });
    assert.equal(env.code, 1);
    assert.match(env.stderr, /SPOKE_SHARE_CHANGES needs a postgres:\/\/ database/);
    await assert.rejects(
      startSpoke({ databaseUrl: ':memory:', shareChanges: true }),
      /shareChanges needs a store with a change relay/,
    );
  });

  it(
    'two processes on one PostgreSQL database see each other’s commits in their activity feeds',
    { skip: !onPostgres() },
    async () => {
      const fresh = freshDatabaseUrl();
      const args = ['--port', '0', '--database-url', fresh.url];
      const a = await startSpokeProcess([...args, '--share-changes']);
      const b = await startSpokeProcess(args, { SPOKE_SHARE_CHANGES: '1' });
      try {
        const viaA = await client(a.url, 'test-token', { contract: true }).post('/crm/v3/objects/contacts', {
          properties: { email: 'ada@example.com' },
        });
        assert.equal(viaA.status, 201, viaA.text);
        const viaB = await client(b.url, 'test-token', { contract: true }).post('/crm/v3/objects/companies', {
          properties: { name: 'Globex' },
        });
        assert.equal(viaB.status, 201, viaB.text);
        const contactId = (viaA.body as { id: string }).id;
        const companyId = (viaB.body as { id: string }).id;
        // Each sees the other's commit, and its own.
        assert.ok(showsCreate(await awaitCreate(b.url, contactId), contactId), 'B never saw A’s contact');
        assert.ok(showsCreate(await awaitCreate(a.url, companyId), companyId), 'A never saw B’s company');
        assert.ok(showsCreate(await awaitCreate(a.url, contactId), contactId));
      } finally {
        await a.stop();
        await b.stop();
        await fresh.drop();
      }
    },
  );

  it(
    'startSpoke({ shareChanges }) hands another instance’s commits to `everywhere` subscribers',
    { skip: !onPostgres() },
    async () => {
      const fresh = freshDatabaseUrl();
      const a = await startSpoke({ databaseUrl: fresh.url, shareChanges: true });
      const b = await startSpoke({ databaseUrl: fresh.url, shareChanges: true });
      try {
        const seen: number[] = [];
        const unsubscribe = b.server.domain.changes.subscribe(
          (set) => {
            for (const r of set.records) if (r.action === 'created') seen.push(r.id);
          },
          { everywhere: true },
        );
        const created = await client(a.url, a.token, { contract: true }).post('/crm/v3/objects/deals', {
          properties: { dealname: 'Shared', dealstage: 'appointmentscheduled' },
        });
        assert.equal(created.status, 201, created.text);
        const id = Number((created.body as { id: string }).id);
        for (let i = 0; i < 200 && !seen.includes(id); i++) await new Promise((r) => setTimeout(r, 50));
        unsubscribe();
        assert.deepEqual(seen, [id]);
      } finally {
        await a.close();
        await b.close();
        await fresh.drop();
      }
    },
  );
});
