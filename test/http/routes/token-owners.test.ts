/**
 * A configured token names its user and the owner that user is: the token's metadata gives
 * the user's ID, the owners API finds the owner by it (`idProperty=userId`, HubSpot's way to
 * resolve "me"), and `hubspot_owner_id` accepts it. The owner is configuration: a reset keeps
 * it; an archive through the admin API stands over it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseTokenConfig } from '../../../src/domain/portals.js';
import { ValidationError } from '../../../src/domain/errors.js';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('configured tokens name their user and owner', () => {
  let server: TestServer;
  let admin: Client;
  let alice: Client;

  before(async () => {
    server = await startTestServer({
      tokens: parseTokenConfig(
        JSON.stringify({
          'pat-alice': { portalId: 201, user: 'alice@example.com', userId: 77, ownerId: '10000077' },
          'pat-bob': { portalId: 202, user: 'bob@example.com' },
        }),
      ),
    });
    admin = client(server.url);
    alice = client(server.url, 'pat-alice');
  });
  after(() => server.close());

  it("the token's user ID leads to its owner, which records can be assigned", async () => {
    const info = await admin.get('/oauth/v1/access-tokens/pat-alice', { anonymous: true });
    assert.equal(info.body.user_id, 77);
    assert.equal(info.body.user, 'alice@example.com');
    const me = await alice.get(`/crm/v3/owners/${info.body.user_id}?idProperty=userId`);
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.id, '10000077');
    assert.equal(me.body.email, 'alice@example.com');
    assert.equal(me.body.userId, 77);
    const listed = await alice.get('/crm/v3/owners?email=alice@example.com');
    assert.deepEqual(
      listed.body.results.map((o: { id: string }) => o.id),
      ['10000077'],
    );
    const bob = client(server.url, 'pat-bob');
    assert.deepEqual((await bob.get('/crm/v3/owners')).body.results, [], "bob's portal has no owner");
    const contact = await alice.post('/crm/v3/objects/contacts', {
      properties: { email: 'c@example.com', hubspot_owner_id: '10000077' },
    });
    assert.equal(contact.status, 201, contact.text);
    const taken = await admin.post('/_spoke/portals/201/owners', { email: 'other@example.com', userId: 77 });
    assert.equal(taken.status, 409, "the token's user already has an owner");
    const moved = await admin.post('/_spoke/portals/201/owners', {
      id: '10000077',
      email: 'alice@example.com',
      userId: 78,
    });
    assert.equal(moved.status, 409, "the token's owner stays its user's (D71)");
    assert.match(moved.body.message, /Owner 10000077 is the owner of user 77/);
    assert.equal((await alice.get('/crm/v3/owners/77?idProperty=userId')).body.id, '10000077');
  });

  it('a reset keeps the configured owner; an archive stands over it', async () => {
    assert.equal((await admin.post('/_spoke/portals/201/reset')).status, 204);
    assert.equal((await alice.get('/crm/v3/owners/10000077')).status, 200);
    assert.equal((await admin.delete('/_spoke/portals/201/owners/10000077')).status, 204);
    assert.equal((await alice.get('/crm/v3/owners/10000077')).status, 404);
    assert.equal((await alice.get('/crm/v3/owners/10000077?archived=true')).status, 200);
    const refused = await alice.post('/crm/v3/objects/contacts', {
      properties: { email: 'd@example.com', hubspot_owner_id: '10000077' },
    });
    assert.equal(refused.status, 400);
  });

  it('an owner made without an ID neither overwrites one made with an explicit ID nor shares its user (D71)', async () => {
    const owners = '/_spoke/portals/202/owners';
    const bob = client(server.url, 'pat-bob');
    // The counter's first ID, taken by hand; and an ID whose default user is the same.
    const explicit = await admin.post(owners, { email: 'explicit@example.com', id: 10000001 });
    assert.equal(explicit.status, 201, explicit.text);
    const small = await admin.post(owners, { email: 'small@example.com', id: 1 });
    assert.equal(small.status, 201, small.text);
    const generated = await admin.post(owners, { email: 'generated@example.com' });
    assert.equal(generated.status, 201, generated.text);
    assert.notEqual(generated.body.id, '10000001');
    const listed = (await bob.get('/crm/v3/owners')).body.results as Array<{ email: string; userId: number }>;
    assert.deepEqual(listed.map((o) => o.email).sort(), [
      'explicit@example.com',
      'generated@example.com',
      'small@example.com',
    ]);
    assert.equal(new Set(listed.map((o) => o.userId)).size, 3, JSON.stringify(listed));
    for (const owner of listed) {
      const byUser = await bob.get(`/crm/v3/owners/${owner.userId}?idProperty=userId`);
      assert.equal(byUser.body.email, owner.email);
    }
  });

  it('refuses two tokens that claim one owner for different users, or one user for two owners (D71)', () => {
    const config = (tokens: Record<string, unknown>) => () => parseTokenConfig(JSON.stringify(tokens));
    assert.throws(
      config({
        a: { portalId: 5, user: 'a@example.com', userId: 7, ownerId: '100' },
        b: { portalId: 5, user: 'b@example.com', userId: 8, ownerId: '100' },
      }),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.message ===
          'Invalid token configuration for "b": owner 100 is already the owner of user 7 (a@example.com, token "a"); one owner is one user',
    );
    assert.throws(
      config({ a: { portalId: 5, ownerId: '100' }, b: { portalId: 5, ownerId: '101' } }),
      (e: unknown) =>
        e instanceof ValidationError && /user 1 already is owner 100 \(token "a"\)/.test(e.message),
    );
    const same = parseTokenConfig(
      JSON.stringify({
        a: { portalId: 5, user: 'a@example.com', userId: 7, ownerId: '100' },
        b: { portalId: 5, user: 'a@example.com', userId: 7, ownerId: '100' },
        c: { portalId: 6, user: 'c@example.com', userId: 8, ownerId: '100' },
      }),
    );
    assert.equal(same.size, 3, "one user's two tokens, and another portal's owner 100, are fine");
  });

  it('refuses a bad userId or ownerId in the configuration', () => {
    assert.throws(
      () => parseTokenConfig('{"t": {"portalId": 1, "userId": "x"}}'),
      (e: unknown) => e instanceof ValidationError && /userId must be a positive integer/.test(e.message),
    );
    assert.throws(
      () => parseTokenConfig('{"t": {"portalId": 1, "ownerId": "o-1"}}'),
      (e: unknown) => e instanceof ValidationError && /ownerId must be a number/.test(e.message),
    );
  });
});
