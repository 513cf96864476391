/**
 * Crash safety: Spoke (the CLI, in its own process) is killed with SIGKILL at random
 * moments while clients write, then restarted on the same database, again and again.
 * Every acknowledged write must still be there, the one write in flight per client must
 * have landed whole or not at all, and the invariant check must pass. Also: SIGTERM lets a
 * request in flight finish before the process exits.
 *
 * Each client owns its pairs and sends one request at a time, so the state a pair must be
 * in follows from the writes the client saw acknowledged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '../helpers/fuzz.js';
import { runCli, startSpokeProcess, type SpokeProcess } from '../helpers/process.js';
import { freshDatabaseUrl, onPostgres } from '../helpers/store.js';
import { namedProperties } from '../helpers/records.js';

const KILLS = Number(process.env.CRASH_KILLS ?? 12);
const CLIENTS = 6;
const PAIRS_PER_CLIENT = 8;
const AUTH = { authorization: 'Bearer crash-test', 'content-type': 'application/json' };

/** What is between a contact and a company: nothing, the default type, or a label (and the default). */
type PairState = 'none' | 'default' | 'labeled';
type Operation = 'default' | 'label' | 'delete' | 'unlabel' | 'contact';

function nextState(state: PairState, op: Operation): PairState {
  switch (op) {
    case 'default':
      return state === 'none' ? 'default' : state;
    case 'label':
      return 'labeled';
    case 'delete':
      return 'none';
    case 'unlabel':
      return state === 'labeled' ? 'default' : state;
    case 'contact':
      return state;
  }
}

interface Pair {
  readonly contact: string;
  readonly company: string;
  state: PairState;
  /** The state the write in flight at the kill would have left, if it landed. */
  maybe?: PairState;
}

describe('Crash safety', () => {
  let directory: string;
  let databaseUrl: string;
  let dropDatabase: () => Promise<void>;
  let server: SpokeProcess | undefined;
  let labelTypeId: number;
  const pairs: Pair[] = [];

  const start = async () => {
    server = await startSpokeProcess(['--port', '0', '--database-url', databaseUrl]);
    return server.url;
  };
  const call = async (url: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: AUTH,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as any) : undefined };
  };

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'spoke-crash-'));
    const fresh = freshDatabaseUrl();
    databaseUrl = onPostgres() ? fresh.url : join(directory, 'crash.db');
    dropDatabase = fresh.drop;
    const url = await start();
    const create = async (type: string, count: number) => {
      const { status, body } = await call(url, 'POST', `/crm/v3/objects/${type}/batch/create`, {
        inputs: Array.from({ length: count }, (_, i) => ({
          properties: namedProperties(type, `${type} ${i}`),
        })),
      });
      assert.equal(status, 201);
      return (body.results as Array<{ id: string }>).map((r) => r.id);
    };
    const contacts = await create('contacts', CLIENTS * PAIRS_PER_CLIENT);
    const companies = await create('companies', CLIENTS * PAIRS_PER_CLIENT);
    contacts.forEach((contact, i) => pairs.push({ contact, company: companies[i]!, state: 'none' }));
    const label = await call(url, 'POST', '/crm/v4/associations/contacts/companies/labels', {
      label: 'Crash',
      name: 'crash',
    });
    labelTypeId = Number(label.body.results[0].typeId);
  });

  after(async () => {
    await server?.stop('SIGKILL');
    await dropDatabase();
    rmSync(directory, { recursive: true, force: true });
  });

  /** One write; resolves with whether it was acknowledged (false: the server went away). */
  async function write(url: string, pair: Pair, op: Operation, serial: number): Promise<boolean> {
    const from = { id: pair.contact };
    const to = { id: pair.company };
    const label = { associationCategory: 'USER_DEFINED', associationTypeId: labelTypeId };
    const base = `/crm/v4/objects/contacts/${pair.contact}/associations/companies/${pair.company}`;
    const batch = '/crm/v4/associations/contacts/companies/batch';
    try {
      const { status } =
        op === 'default'
          ? await call(url, 'PUT', base.replace('/associations/', '/associations/default/'))
          : op === 'label'
            ? await call(url, 'POST', `${batch}/create`, { inputs: [{ from, to, types: [label] }] })
            : op === 'delete'
              ? await call(url, 'DELETE', base)
              : op === 'unlabel'
                ? await call(url, 'POST', `${batch}/labels/archive`, {
                    inputs: [{ from, to, types: [label] }],
                  })
                : await call(url, 'POST', '/crm/v3/objects/contacts', {
                    properties: { email: `crash-${serial}@example.com` },
                  });
      assert.ok(status < 300, `${op} answered ${status}`);
      return true;
    } catch (error) {
      if (error instanceof assert.AssertionError) throw error;
      return false; // connection refused or reset: the kill
    }
  }

  async function client(url: string, mine: Pair[], random: () => number, serial: { n: number }) {
    const ops: Operation[] = ['default', 'label', 'delete', 'unlabel', 'contact'];
    for (;;) {
      const pair = mine[Math.floor(random() * mine.length)]!;
      const op = ops[Math.floor(random() * ops.length)]!;
      const n = serial.n++;
      const acknowledged = await write(url, pair, op, n);
      if (!acknowledged) {
        if (op === 'contact') pendingEmails.add(`crash-${n}@example.com`);
        else pair.maybe = nextState(pair.state, op);
        return;
      }
      tally.acknowledged++;
      if (op === 'contact') ackedEmails.add(`crash-${n}@example.com`);
      else pair.state = nextState(pair.state, op);
    }
  }
  const tally = { acknowledged: 0 };
  const ackedEmails = new Set<string>();
  const pendingEmails = new Set<string>();

  async function stateOf(url: string, pair: Pair): Promise<PairState | string> {
    const { status, body } = await call(
      url,
      'GET',
      `/crm/v4/objects/contacts/${pair.contact}/associations/companies`,
    );
    assert.equal(status, 200);
    const entry = (
      body.results as Array<{ toObjectId: string; associationTypes: Array<{ typeId: number }> }>
    ).find((r) => r.toObjectId === pair.company);
    if (!entry) return 'none';
    const types = entry.associationTypes.map((t) => t.typeId).sort((a, b) => a - b);
    if (types.join() === '279') return 'default';
    if (types.join() === [279, labelTypeId].sort((a, b) => a - b).join()) return 'labeled';
    return `half-applied: types ${types.join(', ')}`;
  }

  it(`keeps every acknowledged write through ${KILLS} SIGKILLs`, { timeout: 600_000 }, async (t) => {
    const random = seededRandom(Number(process.env.CRASH_SEED ?? 4680));
    const serial = { n: 0 };
    for (let round = 0; round < KILLS; round++) {
      const url = server!.url;
      const clients = Array.from({ length: CLIENTS }, (_, c) =>
        client(url, pairs.slice(c * PAIRS_PER_CLIENT, (c + 1) * PAIRS_PER_CLIENT), random, serial),
      );
      await new Promise((r) => setTimeout(r, 150 + random() * 600));
      assert.equal(await server!.stop('SIGKILL'), 'signal: SIGKILL');
      await Promise.all(clients);

      const restarted = await start();
      for (const pair of pairs) {
        const actual = await stateOf(restarted, pair);
        const allowed = pair.maybe === undefined ? [pair.state] : [pair.state, pair.maybe];
        assert.ok(
          allowed.includes(actual as PairState),
          `round ${round}: ${pair.contact} → ${pair.company} is ${actual}, expected ${allowed.join(' or ')}`,
        );
        pair.state = actual as PairState;
        delete pair.maybe;
      }
      for (const email of ackedEmails) {
        const { status } = await call(restarted, 'GET', `/crm/v3/objects/contacts/${email}?idProperty=email`);
        assert.equal(status, 200, `round ${round}: acknowledged contact ${email} is missing`);
      }
      pendingEmails.clear();
      const check = await call(restarted, 'GET', '/_spoke/check');
      assert.deepEqual(check.body.problems, [], `round ${round}: spoke check`);
    }
    await server!.stop('SIGTERM');
    server = undefined;
    const cli = await runCli(['check', '--database-url', databaseUrl]);
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    t.diagnostic(
      `${KILLS} SIGKILLs survived: ${tally.acknowledged} acknowledged writes of ${serial.n} sent, ` +
        `${pairs.length} pairs and ${ackedEmails.size} created contacts verified after every restart`,
    );
  });

  // A bound for a hung drain, not a speed check: two starts of the CLI on a loaded machine take most of it.
  it('lets a request in flight finish on SIGTERM before exiting', { timeout: 180_000 }, async () => {
    const url = await start();
    const { port } = new URL(url);
    const body = JSON.stringify({ properties: { email: 'drained@example.com' } });
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    const closed = new Promise((r) => socket.on('close', r));
    await new Promise((r) => socket.on('connect', r));
    // Headers and half the body: the request is in flight, not idle.
    socket.write(
      `POST /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 200));
    const exit = server!.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(server!.child.exitCode, null, 'still running while the request is in flight');
    // The rest of the body; the client keeps its side open, as a keep-alive client does.
    socket.write(body.slice(10));
    await closed;
    assert.match(answer, /^HTTP\/1\.1 201 /);
    // …and the server closes the connection itself instead of waiting out the keep-alive timeout.
    assert.match(answer, /\r\nconnection: close\r\n/i);
    assert.equal(await exit, 0);
    server = undefined;
    const again = await start();
    const { status } = await call(
      again,
      'GET',
      '/crm/v3/objects/contacts/drained@example.com?idProperty=email',
    );
    assert.equal(status, 200, 'the drained write is stored');
  });
});
