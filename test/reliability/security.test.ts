/**
 * Security: portals stay isolated under randomized cross-portal attempts; credentials never
 * reach the logs; beyond loopback the admin API needs a token Spoke never prints; slow,
 * oversized and overlong requests are refused with HubSpot's envelope.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '../helpers/fuzz.js';
import { startSpokeProcess } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { freshDatabaseUrl, onPostgres } from '../helpers/store.js';

const ATTEMPTS = Number(process.env.ISOLATION_ATTEMPTS ?? 2400);

interface Portal {
  portalId: number;
  token: string;
  contacts: string[];
  companies: string[];
  labelTypeId: number;
  /** A string that appears in this portal's data and nowhere else. */
  marker: string;
}

async function send(url: string, token: string | undefined, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

describe('Portal isolation', () => {
  let server: TestServer;
  const portals: Portal[] = [];

  before(async () => {
    server = await startTestServer();
    for (let p = 0; p < 3; p++) {
      const created = JSON.parse(
        (await send(server.url, undefined, 'POST', '/_spoke/portals', { token: `isolation-token-${p}` }))
          .text,
      ) as { portalId: number; token: string };
      const marker = `secret-of-portal-${p}-${created.portalId}`;
      const call = async (method: string, path: string, body?: unknown) => {
        const r = await send(server.url, created.token, method, path, body);
        assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
        return JSON.parse(r.text || 'null') as any;
      };
      // Different record counts per portal, so some IDs exist in one portal only.
      const contacts = (
        await call('POST', '/crm/v3/objects/contacts/batch/create', {
          inputs: Array.from({ length: 4 + p * 3 }, (_, i) => ({
            properties: { email: `${marker}-${i}@example.com`, firstname: marker },
          })),
        })
      ).results.map((r: { id: string }) => r.id);
      const companies = (
        await call('POST', '/crm/v3/objects/companies/batch/create', {
          inputs: Array.from({ length: 3 + p }, () => ({ properties: { name: marker } })),
        })
      ).results.map((r: { id: string }) => r.id);
      const label = await call('POST', '/crm/v4/associations/contacts/companies/labels', {
        label: `${marker}-label`,
        name: `label_${p}`,
      });
      const labelTypeId = Number(label.results[0].typeId);
      await call('POST', '/crm/v4/associations/contacts/companies/batch/create', {
        inputs: contacts.map((c: string, i: number) => ({
          from: { id: c },
          to: { id: companies[i % companies.length] },
          types: [{ associationCategory: 'USER_DEFINED', associationTypeId: labelTypeId }],
        })),
      });
      portals.push({
        portalId: created.portalId,
        token: created.token,
        contacts,
        companies,
        labelTypeId,
        marker,
      });
    }
  });
  after(() => server.close());

  it(`leaks nothing across ${ATTEMPTS} randomized cross-portal attempts`, async (t) => {
    const random = seededRandom(Number(process.env.ISOLATION_SEED ?? 7));
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const exports = async () =>
      Promise.all(
        portals.map(async (p) => {
          const document = await server.domain.harness.exportPortal(p.portalId);
          return JSON.stringify({ ...document, exportedAt: undefined });
        }),
      );
    const before = await exports();
    const leaks: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < ATTEMPTS; i++) {
      const attacker = pick(portals);
      const victim = pick(portals.filter((p) => p !== attacker));
      const contact = pick(victim.contacts);
      const company = pick(victim.companies);
      const mine = pick(attacker.contacts);
      const label = { associationCategory: 'USER_DEFINED', associationTypeId: victim.labelTypeId };
      const attempts: Array<[string, string, unknown?]> = [
        ['GET', `/crm/v3/objects/contacts/${contact}?properties=email,firstname`],
        ['GET', `/crm/v3/objects/contacts/${victim.marker}-0@example.com?idProperty=email`],
        ['GET', `/crm/v3/objects/contacts?limit=100&properties=email,firstname`],
        [
          'POST',
          '/crm/v3/objects/contacts/batch/read',
          { inputs: [{ id: contact }], properties: ['email', 'firstname'] },
        ],
        ['GET', `/crm/v4/objects/contacts/${contact}/associations/companies`],
        ['POST', '/crm/v4/associations/contacts/companies/batch/read', { inputs: [{ id: contact }] }],
        ['GET', '/crm/v4/associations/contacts/companies/labels'],
        // Knowing a token is the credential; a near guess must find nothing.
        ['GET', `/oauth/v1/access-tokens/${victim.token}x`],
        ['PUT', `/crm/v4/objects/contacts/${mine}/associations/companies/${company}`, [label]],
        [
          'POST',
          '/crm/v4/associations/contacts/companies/batch/create',
          { inputs: [{ from: { id: mine }, to: { id: company }, types: [label] }] },
        ],
        ['DELETE', `/crm/v4/associations/contacts/companies/labels/${victim.labelTypeId}`],
        [
          'PUT',
          '/crm/v4/associations/contacts/companies/labels',
          { associationTypeId: victim.labelTypeId, label: 'renamed' },
        ],
        ['PATCH', `/crm/v3/objects/contacts/${contact}`, { properties: { firstname: 'overwritten' } }],
        ['DELETE', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`],
        [
          'POST',
          '/crm/v4/associations/contacts/companies/batch/archive',
          { inputs: [{ from: { id: contact }, to: [{ id: company }] }] },
        ],
      ];
      const [method, path, body] = pick(attempts);
      // Reads look for the victim's data in the answer; writes may only touch the attacker's own records.
      const response = await send(server.url, attacker.token, method, path, body);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) leaks.push(`${method} ${path}: ${response.status}`);
      // An error may quote the request (an email looked up, say); only what the attacker did
      // not send counts.
      let answer = response.text;
      for (const sent of [path, ...(body === undefined ? [] : [JSON.stringify(body)])])
        for (const part of sent.split(/[/?&=,"{}[\]:]+/).filter((x) => x.length > 8))
          answer = answer.split(part).join('');
      for (const p of portals) {
        if (p !== attacker && (answer.includes(p.marker) || answer.includes(p.token))) {
          leaks.push(
            `${method} ${path} with portal ${attacker.portalId}'s token showed portal ${p.portalId}'s data`,
          );
        }
      }
    }
    const afterwards = await exports();
    // Writes landed, if anywhere, in the attacker's own portal: compare each victim by what
    // only it holds (its marker-bearing records and its label).
    for (const [index, p] of portals.entries()) {
      const document = JSON.parse(afterwards[index]!) as {
        records: Array<{ properties: Record<string, string> }>;
      };
      const original = JSON.parse(before[index]!) as typeof document;
      const markedNow = document.records.filter((r) => JSON.stringify(r).includes(p.marker)).length;
      const markedBefore = original.records.filter((r) => JSON.stringify(r).includes(p.marker)).length;
      if (markedNow !== markedBefore) leaks.push(`portal ${p.portalId} lost records it owned`);
      for (const other of portals)
        if (other !== p && afterwards[index]!.includes(other.marker))
          leaks.push(`portal ${p.portalId} now holds portal ${other.portalId}'s data`);
    }
    t.diagnostic(
      `${ATTEMPTS} cross-portal attempts over 3 portals: ${leaks.length} leaks; statuses ` +
        [...statuses]
          .sort((a, b) => a[0] - b[0])
          .map(([s, n]) => `${s}×${n}`)
          .join(' '),
    );
    assert.deepEqual(leaks.slice(0, 20), [], `${leaks.length} leaks`);
  });
});

describe('Transport limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ transport: { requestTimeoutMs: 400, keepAliveTimeoutMs: 1000 } });
  });
  after(() => server.close());

  /** Writes raw bytes, then returns everything the server sent until it closed the connection. */
  async function raw(bytes: string, holdOpen = false): Promise<string> {
    const { port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.setTimeout(10_000, () => reject(new Error('the server neither answered nor closed')));
      socket.on('data', (d) => (received += d.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => resolve(received));
      socket.write(bytes, () => {
        if (!holdOpen) socket.end();
      });
    });
  }

  function envelope(answer: string): { status: number; body: Record<string, unknown> } {
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    assert.equal(body.status, 'error');
    assert.equal(typeof body.correlationId, 'string');
    assert.equal(body.category, 'VALIDATION_ERROR');
    return { status, body };
  }

  it('answers a request that does not arrive in time with 408 and closes the connection', async () => {
    // Half the headers, then nothing.
    const answer = await raw('GET /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\n', true);
    assert.equal(envelope(answer).status, 408);
  });

  it('refuses headers over 16 KiB with 431', async () => {
    const answer = await raw(
      `GET /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`,
    );
    assert.equal(envelope(answer).status, 431);
  });

  it('refuses a path segment over 1,024 characters with 414', async () => {
    const response = await send(server.url, 't', 'GET', `/crm/v3/objects/contacts/${'7'.repeat(1100)}`);
    assert.equal(response.status, 414);
    assert.equal(JSON.parse(response.text).category, 'VALIDATION_ERROR');
  });

  it('refuses a body over 8 MiB with 413', async () => {
    const response = await send(server.url, 't', 'POST', '/crm/v3/objects/contacts', {
      properties: { note: 'x'.repeat(8 * 1024 * 1024) },
    });
    assert.equal(response.status, 413);
    assert.equal(JSON.parse(response.text).status, 'error');
  });
});

describe('Credentials and the admin API', () => {
  let directory: string;
  let databaseUrl: string;
  let drop: () => Promise<void>;
  before(() => {
    directory = mkdtempSync(join(tmpdir(), 'spoke-security-'));
    const fresh = freshDatabaseUrl();
    databaseUrl = onPostgres() ? fresh.url : join(directory, 'spoke.db');
    drop = fresh.drop;
  });
  after(async () => {
    await drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('never writes a token to the logs, even at trace level', async () => {
    const configured = 'configured-secret-token-1f2e3d';
    const spoke = await startSpokeProcess(
      ['--port', '0', '--database-url', databaseUrl, '--log-level', 'trace'],
      { SPOKE_TOKENS: `${configured}=4680000` },
    );
    try {
      const made = JSON.parse(
        (await send(spoke.url, undefined, 'POST', '/_spoke/portals', { token: 'admin-made-secret-9a8b7c' }))
          .text,
      ) as { token: string };
      const secrets = [configured, made.token, 'wrong-secret-token-5d4c', 'query-secret-key-77aa'];
      await send(spoke.url, configured, 'GET', '/crm/v3/objects/contacts');
      await send(spoke.url, made.token, 'POST', '/crm/v3/objects/contacts', {
        properties: { email: 'a@b.example' },
      });
      await send(spoke.url, 'wrong-secret-token-5d4c', 'GET', '/crm/v3/objects/contacts');
      await send(spoke.url, undefined, 'GET', `/oauth/v1/access-tokens/${configured}`);
      await send(spoke.url, undefined, 'GET', `/oauth/v1/access-tokens/wrong-secret-token-5d4c`);
      await send(spoke.url, undefined, 'GET', '/crm/v3/objects/contacts?hapikey=query-secret-key-77aa');
      await send(
        spoke.url,
        configured,
        'GET',
        '/crm/v3/objects/contacts/1?access_token=query-secret-key-77aa',
      );
      await spoke.stop();
      const output = spoke.output();
      assert.match(
        output,
        /"msg":"GET \/crm\/v3\/objects\/contacts 200 [\d.]+ ms portal 4680000"/,
        'one readable line per request',
      );
      assert.match(output, /\/oauth\/v1\/access-tokens\/\[redacted\]/);
      for (const secret of secrets) assert.ok(!output.includes(secret), `the log shows ${secret}`);
    } finally {
      await spoke.stop('SIGKILL');
    }
  });

  it('beyond loopback, requires an admin token it writes to a private file, not to the output', async () => {
    // The token file goes next to a SQLite file (./data/ otherwise): a SQLite file keeps it in the test's directory.
    const spoke = await startSpokeProcess([
      '--port',
      '0',
      '--host',
      '0.0.0.0',
      '--database-url',
      join(directory, 'admin.db'),
    ]);
    try {
      const url = spoke.url.replace('0.0.0.0', '127.0.0.1');
      const file = /written to (\S+)/.exec(spoke.output())?.[1];
      assert.ok(file, spoke.output());
      assert.match(spoke.output(), /beyond loopback: the admin API/);
      assert.equal(statSync(file).mode & 0o777, 0o600, 'only the owner can read the token file');
      const token = readFileSync(file, 'utf8').trim();
      assert.ok(token.length >= 20);
      assert.ok(!spoke.output().includes(token), 'the token is not printed');
      const anonymous = await send(url, undefined, 'GET', '/_spoke/portals');
      assert.equal(anonymous.status, 401);
      assert.equal(JSON.parse(anonymous.text).category, 'INVALID_AUTHENTICATION');
      assert.equal((await send(url, 'a-wrong-admin-token', 'GET', '/_spoke/portals')).status, 401);
      assert.equal((await send(url, token, 'GET', '/_spoke/portals')).status, 200);
      assert.equal((await send(url, undefined, 'GET', '/_spoke/health')).status, 200, 'health stays open');
    } finally {
      await spoke.stop();
    }
  });
});
