/**
 * `spoke --workers 2`: the clock set through the admin API holds for the whole server,
 * whichever worker answers, and a worker forked later starts from it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startSpokeProcess, type SpokeProcess } from './helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'spoke-workers-clock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One request on a connection of its own, so that the cluster hands each to the next worker. */
function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        agent: false,
        headers: { authorization: 'Bearer t', connection: 'close', 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function clocks(url: string, n: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add((await call(url, 'GET', '/_spoke/clock')).body.now);
  return seen;
}

describe('the clock under --workers 2', () => {
  let spoke: SpokeProcess;
  after(() => spoke?.stop());

  it('every worker reads the clock the admin API set, advanced and released', async () => {
    spoke = await startSpokeProcess(['--port', '0', '--workers', '2', '--database-url', join(dir, 'w.db')]);
    const set = await call(spoke.url, 'PUT', '/_spoke/clock', { now: '2030-01-01T00:00:00.000Z' });
    assert.equal(set.status, 200);
    assert.deepEqual([...(await clocks(spoke.url, 20))], ['2030-01-01T00:00:00.000Z']);

    const advanced = await call(spoke.url, 'POST', '/_spoke/clock/advance', { ms: 60_000 });
    assert.equal(advanced.body.now, '2030-01-01T00:01:00.000Z');
    assert.deepEqual([...(await clocks(spoke.url, 20))], ['2030-01-01T00:01:00.000Z']);

    // Records take their times from the clock, whichever worker writes them.
    for (let i = 0; i < 6; i++) {
      const created = await call(spoke.url, 'POST', '/crm/v3/objects/companies', {
        properties: { name: `Clocked ${i}` },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.createdAt, '2030-01-01T00:01:00.000Z');
    }

    const released = await call(spoke.url, 'DELETE', '/_spoke/clock');
    assert.equal(released.body.frozen, false);
    for (const now of await clocks(spoke.url, 10)) {
      assert.ok(Math.abs(Date.parse(now) - Date.now()) < 60_000, `${now} is the real time again`);
    }
  });

  it('two clock changes made at once through two workers end the same in every worker', async () => {
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        ['2032-01-01T00:00:00.000Z', '2033-01-01T00:00:00.000Z'].map((now) =>
          call(spoke.url, 'PUT', '/_spoke/clock', { now }),
        ),
      );
      assert.equal((await clocks(spoke.url, 12)).size, 1, `round ${round}: one clock`);
    }
  });

  it('a worker that replaces a dead one starts from the server clock', async () => {
    await call(spoke.url, 'PUT', '/_spoke/clock', { now: '2031-06-01T12:00:00.000Z' });
    // Kill one worker; the primary forks a replacement.
    const workers = execFileSync('pgrep', ['-P', String(spoke.child.pid), '-f', 'cli.ts'], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    assert.equal(workers.length, 2);
    process.kill(workers[0]!, 'SIGKILL');
    for (let i = 0; i < 100; i++) {
      const now = execFileSync('pgrep', ['-P', String(spoke.child.pid), '-f', 'cli.ts'], {
        encoding: 'utf8',
      }).split('\n');
      if (now.filter(Boolean).length === 2 && !now.includes(String(workers[0]))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual([...(await clocks(spoke.url, 20))], ['2031-06-01T12:00:00.000Z']);
  });
});
