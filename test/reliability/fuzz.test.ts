/**
 * Fuzzing: thousands of generated bad requests (test/helpers/fuzz.ts) across every
 * operation of HubSpot's specs and every admin endpoint, then malformed HTTP on raw
 * sockets. Every answer must be a 4xx with HubSpot's error envelope (or the success
 * HubSpot would give, for the faults it tolerates), never a 5xx; every response is checked
 * against the spec by the contract hook; a rejected write must leave the portal exactly as
 * it was (its export before and after compared); and the server must stay healthy.
 *
 * FUZZ_COUNT (default 5,200) and FUZZ_SEED (default 20261128) reproduce a run.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_PORTAL_ID, defaultGrant } from '../../src/domain/portals.js';
import { FuzzGenerator, type FuzzRequest } from '../helpers/fuzz.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const COUNT = Number(process.env.FUZZ_COUNT ?? 5200);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const TOKEN = 'fuzz-token';
const SCRATCH_PORTAL = 4690000;

interface Failure {
  readonly request: string;
  readonly problem: string;
}

function describeRequest(r: FuzzRequest): string {
  const body =
    r.body === undefined
      ? ''
      : ` body ${JSON.stringify(r.body.slice(0, 120))}${r.body.length > 120 ? '…' : ''}`;
  return `[${r.fault}] ${r.method} ${r.path.slice(0, 160)}${body}`;
}

/** Problems with an error body, or none: HubSpot's envelope (decision D4). */
function envelopeProblems(status: number, contentType: string | null, text: string): string[] {
  if (!contentType?.startsWith('application/json')) return [`${status} with content type ${contentType}`];
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [`${status} with a body that is not JSON: ${text.slice(0, 200)}`];
  }
  const problems: string[] = [];
  if (body.status !== 'error') problems.push('status is not "error"');
  for (const key of ['message', 'correlationId', 'category'])
    if (typeof body[key] !== 'string') problems.push(`${key} is not a string`);
  return problems;
}

describe('Fuzzing: bad requests on every endpoint', () => {
  let server: TestServer;
  let generator: FuzzGenerator;
  const tally = { sent: 0, rejected: 0, passed: 0, stateChecks: 0, byStatus: new Map<number, number>() };

  const exportOf = async () => {
    const document = await server.domain.harness.exportPortal(DEFAULT_PORTAL_ID);
    return JSON.stringify({ ...document, exportedAt: undefined });
  };

  before(async () => {
    server = await startTestServer({
      tokens: new Map([
        [TOKEN, defaultGrant(DEFAULT_PORTAL_ID)],
        ['scratch-token', defaultGrant(SCRATCH_PORTAL)],
      ]),
    });
    // A few records, a label and labeled associations, so that requests reach real data.
    const call = async (method: string, path: string, body: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.ok(response.status < 300, `${method} ${path}: ${response.status}`);
      return (await response.json()) as any;
    };
    const create = async (type: string, properties: object) =>
      String((await call('POST', `/crm/v3/objects/${type}`, { properties })).id);
    const contacts = [await create('contacts', { email: 'a@fuzz.example' }), await create('contacts', {})];
    const companies = [await create('companies', { name: 'A' }), await create('companies', { name: 'B' })];
    const label = await call('POST', '/crm/v4/associations/contacts/companies/labels', {
      label: 'Fuzzed',
      name: 'fuzzed',
    });
    const labelTypeId = Number(label.results[0].typeId);
    for (const [contact, company] of [
      [contacts[0], companies[0]],
      [contacts[1], companies[1]],
    ])
      await call('PUT', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, [
        { associationCategory: 'USER_DEFINED', associationTypeId: labelTypeId },
      ]);
    generator = new FuzzGenerator(SEED, {
      contactId: contacts[1]!,
      companyId: companies[1]!,
      labelTypeId,
      token: TOKEN,
      scratchPortalId: SCRATCH_PORTAL,
    });
  });
  after(() => server.close());

  it(`answers ${COUNT} generated bad requests with 4xx envelopes, and a rejected write changes nothing`, async (t) => {
    const failures: Failure[] = [];
    let baseline = await exportOf();
    for (let i = 0; i < COUNT; i++) {
      const request = generator.next();
      const response = await fetch(`${server.url}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined && { body: request.body }),
      });
      const text = await response.text();
      tally.sent++;
      tally.byStatus.set(response.status, (tally.byStatus.get(response.status) ?? 0) + 1);
      const fail = (problem: string) => failures.push({ request: describeRequest(request), problem });
      if (response.status === 599) fail(`broke the contract: ${text.slice(0, 400)}`);
      else if (response.status >= 500) fail(`${response.status}: ${text.slice(0, 300)}`);
      else if (response.status >= 400) {
        tally.rejected++;
        for (const problem of envelopeProblems(response.status, response.headers.get('content-type'), text))
          fail(problem);
      } else {
        tally.passed++;
        if (!request.mayPass) fail(`accepted with ${response.status}: ${text.slice(0, 200)}`);
      }
      if (request.method === 'GET') continue;
      const now = await exportOf();
      if (response.status >= 400) {
        tally.stateChecks++;
        if (now !== baseline) fail(`rejected with ${response.status}, but the portal changed`);
      }
      baseline = now;
    }
    const health = await fetch(`${server.url}/_spoke/health`);
    assert.equal(health.status, 200, 'healthy after the run');
    t.diagnostic(
      `${tally.sent} requests over ${generator.operationCount} operations (seed ${SEED}): ${tally.rejected} rejected, ` +
        `${tally.passed} accepted, ${tally.stateChecks} rejected writes checked against an export; statuses ` +
        [...tally.byStatus]
          .sort((a, b) => a[0] - b[0])
          .map(([s, n]) => `${s}×${n}`)
          .join(' '),
    );
    assert.ok(tally.sent >= 5000 || process.env.FUZZ_COUNT !== undefined, 'at least 5,000 requests');
    assert.deepEqual(failures.slice(0, 25), [], `${failures.length} failure(s)`);
  });

  it('answers malformed HTTP on raw sockets with a 4xx envelope or by closing, never a 5xx', async (t) => {
    const { port } = new URL(server.url);
    const json = 'Content-Type: application/json\r\n';
    const auth = `Authorization: Bearer ${TOKEN}\r\n`;
    const cases: Array<{ name: string; bytes: string; expect: 'response' | 'either' }> = [
      { name: 'not HTTP', bytes: 'HELLO THERE\r\n\r\n', expect: 'response' },
      { name: 'binary garbage', bytes: '\u0000\u0001\u0002\u00ff\r\n\r\n', expect: 'response' },
      {
        name: 'unknown method',
        bytes: 'FROB /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\n\r\n',
        expect: 'response',
      },
      { name: 'space in a header name', bytes: 'GET / HTTP/1.1\r\nHo st: x\r\n\r\n', expect: 'response' },
      {
        name: 'headers over 16 KiB',
        bytes: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        expect: 'response',
      },
      {
        name: 'URL over 16 KiB',
        bytes: `GET /crm/v3/objects/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
        expect: 'response',
      },
      {
        name: 'Content-Length and Transfer-Encoding together',
        bytes: `POST /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\n${auth}${json}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        expect: 'response',
      },
      {
        name: 'invalid chunk size',
        bytes: `POST /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\n${auth}${json}Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`,
        expect: 'response',
      },
      {
        name: 'negative Content-Length',
        bytes: `POST /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\n${auth}${json}Content-Length: -5\r\n\r\n{}`,
        expect: 'response',
      },
      {
        name: 'body shorter than Content-Length, then the client hangs up',
        bytes: `POST /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\n${auth}${json}Content-Length: 100\r\n\r\n{"properties":`,
        expect: 'either',
      },
      {
        name: 'truncated JSON with a matching Content-Length',
        bytes: `POST /crm/v3/objects/contacts HTTP/1.1\r\nHost: x\r\n${auth}${json}Content-Length: 14\r\nConnection: close\r\n\r\n{"properties":`,
        expect: 'response',
      },
      { name: 'HTTP/2 preface', bytes: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', expect: 'response' },
      {
        name: 'request line without a version',
        bytes: 'GET /crm/v3/objects/contacts\r\n\r\n',
        expect: 'response',
      },
    ];
    const failures: Failure[] = [];
    const before = await exportOf();
    let sent = 0;
    for (let round = 0; round < 16; round++) {
      for (const c of cases) {
        sent++;
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1');
          let received = '';
          socket.setTimeout(5000, () => {
            socket.destroy();
            reject(new Error(`${c.name}: no answer and no close within 5 s`));
          });
          socket.on('data', (d) => (received += d.toString('latin1')));
          socket.on('error', () => {}); // a reset after the answer is fine
          socket.on('close', () => resolve(received));
          socket.write(Buffer.from(c.bytes, 'latin1'), () => socket.end());
        });
        if (answer === '') {
          if (c.expect === 'response')
            failures.push({ request: c.name, problem: 'closed without an answer' });
          continue;
        }
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
        const [head, ...rest] = answer.split('\r\n\r\n');
        const contentType = /content-type: *([^\r\n]+)/i.exec(head ?? '')?.[1] ?? null;
        if (!(status >= 400 && status < 500))
          failures.push({ request: c.name, problem: `answered ${status}` });
        else
          for (const problem of envelopeProblems(status, contentType, rest.join('\r\n\r\n')))
            failures.push({ request: c.name, problem });
      }
    }
    assert.equal(await exportOf(), before, 'raw requests changed nothing');
    assert.equal((await fetch(`${server.url}/_spoke/health`)).status, 200);
    t.diagnostic(`${sent} raw malformed requests, ${cases.length} kinds`);
    assert.deepEqual(failures.slice(0, 25), [], `${failures.length} failure(s)`);
  });
});
