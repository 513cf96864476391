/**
 * Spoke as a library: `startSpoke()` runs a server inside the test process, on an
 * in-memory store and a free port, for any test framework.
 *
 *   import { startSpoke } from 'spoke';
 *   const spoke = await startSpoke({ seed: { records: { contacts: [{ key: 'ada', properties: { email: 'ada@example.com' } }] } } });
 *   const hubspot = new Client({ accessToken: spoke.token, basePath: spoke.url });
 *   ...
 *   await spoke.reset();   // back to the seeded state (rate-limit counts and faults cleared too)
 *   await spoke.close();
 */
import { readFileSync } from 'node:fs';
import type { onSendHookHandler } from 'fastify';
import type { ControllableClock } from './domain/clock.js';
import type { Fixtures, FixtureSummary } from './domain/harness/fixtures.js';
import { DEFAULT_PORTAL_ID } from './domain/portals.js';
import type { RateLimitSettings } from './domain/rate-limits/tiers.js';
import type { FaultInjector, FaultRuleInput } from './domain/faults/fault-rules.js';
import { startServer, type RunningServer } from './server.js';
import { collectingTransport, type CollectedDelivery } from './http/webhook-transport.js';

export { createApp, type AppOptions, type SpokeApp } from './app.js';
export { startServer, type RunningServer, type StartOptions } from './server.js';
export type { Fixtures, FixtureSummary } from './domain/harness/fixtures.js';
export type { PortalExport } from './domain/harness/portal-export.js';
export { DEFAULT_PORTAL_ID } from './domain/portals.js';
export type { CollectedDelivery } from './http/webhook-transport.js';
export type { ChangeSet, ChangeFeed } from './domain/changes.js';
export type { RateLimitSettings } from './domain/rate-limits/tiers.js';
export type { FaultRule, FaultRuleInput } from './domain/faults/fault-rules.js';

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
  /**
   * Search: hide new and changed records for this long on the clock, as HubSpot's indexing
   * does (0, the default: search reads its own writes); and the filter limits.
   */
  search?: { indexingLagMs?: number; limits?: { groups: number; filtersPerGroup: number; filters: number } };
  /** Start the clock frozen at this time. */
  clock?: string | Date | number;
  /** With `clock`: milliseconds the clock moves each time it is read. */
  clockStepMs?: number;
  /** A Fastify onSend hook, called with every response (for example, to validate them). */
  onSend?: onSendHookHandler;
  /**
   * Webhooks. `collect`: keep deliveries in `spoke.webhooks.deliveries` (answered 200) instead
   * of POSTing them, for tests with no HTTP server of their own. `paused`: deliver only on
   * `spoke.webhooks.flush()`.
   */
  webhooks?: { collect?: boolean; paused?: boolean };
  /**
   * HubSpot's rate limits for the portal, off by default: a tier name (`free`, `starter`,
   * `professional`, `enterprise`, `api-limit-increase`, `public-app`) or settings with a time
   * zone and numbers of your own.
   */
  rateLimits?: string | RateLimitSettings;
  /** Fault rules to arm at start (see `Spoke.faults`); `reset()` disarms them. */
  faults?: FaultRuleInput[];
  /**
   * With a postgres:// `databaseUrl`: share each commit's changes with the other Spoke
   * instances on that database, so `server.domain.changes` subscribers (`{ everywhere: true }`)
   * and the activity feed see theirs too.
   */
  shareChanges?: boolean;
}

export interface SpokeWebhooks {
  /** Deliveries kept in-process (with `webhooks: { collect: true }`), in the order sent. */
  readonly deliveries: CollectedDelivery[];
  /** Delivers every due event now and resolves when each has been tried. */
  flush(): Promise<number>;
  pause(): void;
  resume(): void;
}

export interface Spoke {
  /** Base URL for `new Client({ basePath })`. */
  readonly url: string;
  /**
   * A bearer token for the portal: any token reaches the default portal; a seed with a
   * `portalId` of its own gets its `token` (`spoke-portal-{portalId}` when it names none).
   */
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
  /** Faults on demand: `arm({ kind: 'status', status: 503, path: '/crm/v3/objects/**', times: 1 })`, `list()`, `clear()`. */
  readonly faults: FaultInjector;
  /** Sets the portal's rate limits (`'off'` turns them off); what was counted stays. */
  setRateLimits(settings: string | RateLimitSettings): Promise<void>;
  close(): Promise<void>;
  /** The running server, for anything else (its domain, its Fastify app). */
  readonly server: RunningServer;
  readonly webhooks: SpokeWebhooks;
}

function epochOf(clock: string | Date | number): number {
  const ms = clock instanceof Date ? clock.getTime() : typeof clock === 'number' ? clock : Date.parse(clock);
  if (Number.isNaN(ms)) throw new Error(`startSpoke: clock is not a time: ${String(clock)}`);
  return ms;
}

function settingsOf(settings: string | RateLimitSettings): RateLimitSettings {
  return typeof settings === 'string' ? { tier: settings } : settings;
}

export async function startSpoke(options: StartSpokeOptions = {}): Promise<Spoke> {
  const fixtures: Fixtures | undefined =
    typeof options.seed === 'string'
      ? (JSON.parse(readFileSync(options.seed, 'utf8')) as Fixtures)
      : options.seed;
  const portalId = fixtures?.portalId ?? DEFAULT_PORTAL_ID;
  const collector = options.webhooks?.collect ? collectingTransport() : undefined;
  const server = await startServer({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    databaseUrl: options.databaseUrl ?? ':memory:',
    ...(fixtures && { fixtures }),
    ...(options.idSeed !== undefined && { idSeed: options.idSeed }),
    ...(options.propertyValidation && { propertyValidation: options.propertyValidation }),
    ...(options.search && { search: options.search }),
    ...(options.clock !== undefined && { clock: epochOf(options.clock) }),
    ...(options.clockStepMs !== undefined && { clockStepMs: options.clockStepMs }),
    ...(options.onSend && { onSend: options.onSend }),
    webhooks: {
      ...(collector && { transport: collector.transport }),
      ...(options.webhooks?.paused && { paused: true }),
    },
    ...(options.rateLimits !== undefined && {
      rateLimits: new Map([[portalId, settingsOf(options.rateLimits)]]),
    }),
    ...(options.shareChanges && { shareChanges: true }),
  });
  const dispatcher = server.webhooks;
  const { harness, rateLimits, faults } = server.domain;
  for (const rule of options.faults ?? []) faults.arm(rule);
  return {
    url: server.url,
    // Any token reaches the default portal; a fixture's own portal has its own token.
    token: server.seededToken ?? 'spoke-test-token',
    portalId,
    clock: server.domain.clock,
    faults,
    ...(server.seeded && { seeded: server.seeded }),
    server,
    webhooks: {
      deliveries: collector?.deliveries ?? [],
      flush: async () => (await dispatcher.flush()).tried,
      pause: () => dispatcher.pause(),
      resume: () => dispatcher.resume(),
    },
    async reset() {
      await harness.resetPortal(portalId);
      await rateLimits.clearUsage(portalId);
      faults.clear();
      if (fixtures) await harness.loadFixtures(portalId, fixtures);
    },
    async snapshot(name) {
      await harness.createSnapshot(portalId, name);
    },
    async restore(name) {
      await harness.restoreSnapshot(portalId, name);
    },
    async setRateLimits(settings) {
      await rateLimits.set(portalId, settingsOf(settings));
    },
    close: () => server.close(),
  };
}
