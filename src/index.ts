/**
 * Spoke as a library: `startSpoke()` runs a server inside the test process, on an
 * in-memory store and a free port, for any test framework.
 *
 *   import { startSpoke } from 'spoke';
 *   const spoke = await startSpoke({ seed: { records: { contacts: [{ key: 'ada', properties: { email: 'ada@example.com' } }] } } });
 *   const hubspot = new Client({ accessToken: spoke.token, basePath: spoke.url });
 *   ...
 *   await spoke.reset();   // back to the seeded state
 *   await spoke.close();
 */
import { readFileSync } from 'node:fs';
import type { onSendHookHandler } from 'fastify';
import type { ControllableClock } from './domain/clock.js';
import type { Fixtures, FixtureSummary } from './domain/harness/fixtures.js';
import { DEFAULT_PORTAL_ID } from './domain/portals.js';
import { startServer, type RunningServer } from './server.js';

export { createApp, type AppOptions, type SpokeApp } from './app.js';
export { startServer, type RunningServer, type StartOptions } from './server.js';
export type { Fixtures, FixtureSummary } from './domain/harness/fixtures.js';
export type { PortalExport } from './domain/harness/portal-export.js';
export { DEFAULT_PORTAL_ID } from './domain/portals.js';

export interface StartSpokeOptions {
  /** Port to listen on; a free one by default. */
  port?: number;
  host?: string;
  /** `:memory:` by default; a SQLite file or a postgres:// URL to share or keep data. */
  databaseUrl?: string;
  /** Fixtures (an object, or a path to a JSON file), loaded at start and again by `reset()`. */
  seed?: Fixtures | string;
  /** Derive record IDs from a seed, so the same run gets the same IDs. */
  idSeed?: string;
  /** `lenient` creates unknown properties on first write; HubSpot (and the default) is `strict`. */
  propertyValidation?: 'strict' | 'lenient';
  /** Start the clock frozen at this time. */
  clock?: string | Date | number;
  /** With `clock`: milliseconds the clock moves each time it is read. */
  clockStepMs?: number;
  /** A Fastify onSend hook, called with every response (for example, to validate them). */
  onSend?: onSendHookHandler;
}

export interface Spoke {
  /** Base URL for `new Client({ basePath })`. */
  readonly url: string;
  /** A bearer token for the portal (any token works unless tokens are configured). */
  readonly token: string;
  readonly portalId: number;
  /** The clock behind every timestamp: `set()`, `advance()`, `release()`. */
  readonly clock: ControllableClock;
  /** What the seed loaded, when there was one. */
  readonly seeded?: FixtureSummary;
  /** Empties the portal and loads the seed again. */
  reset(): Promise<void>;
  /** Saves the portal's data under a name. */
  snapshot(name: string): Promise<void>;
  /** Puts the portal's data back as it was when the snapshot was taken. */
  restore(name: string): Promise<void>;
  close(): Promise<void>;
  /** The running server, for anything else (its domain, its Fastify app). */
  readonly server: RunningServer;
}

function epochOf(clock: string | Date | number): number {
  const ms = clock instanceof Date ? clock.getTime() : typeof clock === 'number' ? clock : Date.parse(clock);
  if (Number.isNaN(ms)) throw new Error(`startSpoke: clock is not a time: ${String(clock)}`);
  return ms;
}

export async function startSpoke(options: StartSpokeOptions = {}): Promise<Spoke> {
  const fixtures: Fixtures | undefined =
    typeof options.seed === 'string'
      ? (JSON.parse(readFileSync(options.seed, 'utf8')) as Fixtures)
      : options.seed;
  const portalId = fixtures?.portalId ?? DEFAULT_PORTAL_ID;
  const server = await startServer({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    databaseUrl: options.databaseUrl ?? ':memory:',
    ...(fixtures && { fixtures }),
    ...(options.idSeed !== undefined && { idSeed: options.idSeed }),
    ...(options.propertyValidation && { propertyValidation: options.propertyValidation }),
    ...(options.clock !== undefined && { clock: epochOf(options.clock) }),
    ...(options.clockStepMs !== undefined && { clockStepMs: options.clockStepMs }),
    ...(options.onSend && { onSend: options.onSend }),
  });
  const { harness } = server.domain;
  return {
    url: server.url,
    token: 'spoke-test-token',
    portalId,
    clock: server.domain.clock,
    ...(server.seeded && { seeded: server.seeded }),
    server,
    async reset() {
      await harness.resetPortal(portalId);
      if (fixtures) await harness.loadFixtures(portalId, fixtures);
    },
    async snapshot(name) {
      await harness.createSnapshot(portalId, name);
    },
    async restore(name) {
      await harness.restoreSnapshot(portalId, name);
    },
    close: () => server.close(),
  };
}
