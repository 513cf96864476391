/**
 * Starts Spoke on a port: opens the store, builds the app, applies the clock, ID seed and
 * fixtures, and listens. Used by the CLI and by the in-process entry point (index.ts).
 */
import type { ValidationMode } from './domain/catalog/record-validator.js';
import type { SearchOptions } from './domain/search/search-options.js';
import type { FastifyServerOptions, onSendHookHandler } from 'fastify';
import { createApp, type SpokeApp, type WebhookOptions } from './app.js';
import { ControllableClock } from './domain/clock.js';
import type { Peers } from './domain/peers.js';
import type { Fixtures, FixtureSummary } from './domain/harness/fixtures.js';
import type { TokenGrant } from './domain/portals.js';
import type { RateLimitSettings } from './domain/rate-limits/tiers.js';
import { seededRecordIds } from './domain/record-ids.js';
import { createStore } from './store/create-store.js';
import { shareChanges } from './domain/change-sharing.js';
import type { Store } from './store/store.js';

export interface StartOptions {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly poolSize?: number;
  readonly logger?: FastifyServerOptions['logger'];
  readonly tokens?: ReadonlyMap<string, TokenGrant>;
  readonly adminToken?: string;
  /** Fixtures to load at start (into their `portalId`, or the default portal). */
  readonly fixtures?: Fixtures;
  readonly idSeed?: string;
  /** Property validation for portals that have not chosen (default strict). */
  readonly propertyValidation?: ValidationMode;
  /** Search's default indexing lag and filter limits. */
  readonly search?: SearchOptions;
  /** Start the clock frozen at this instant (epoch ms). */
  readonly clock?: number;
  readonly clockStepMs?: number;
  /** The server's other processes (`--workers`), which admin changes such as the clock reach. */
  readonly peers?: Peers;
  readonly webhooks?: WebhookOptions;
  /** Called with every response before it is sent (a test suite's contract check). */
  readonly onSend?: onSendHookHandler;
  /** HubSpot's rate limits to set at start, by portal (0: every portal). */
  readonly rateLimits?: ReadonlyMap<number, RateLimitSettings>;
  /**
   * Share each commit's change set with the other Spoke processes on the database, and hear
   * theirs (domain/change-sharing.ts); needs a store with a change relay (PostgreSQL).
   */
  readonly shareChanges?: boolean;
}

export interface RunningServer extends SpokeApp {
  readonly url: string;
  readonly store: Store;
  readonly seeded?: FixtureSummary;
  /** The token that reaches the seeded portal, when the fixtures named a portal of their own. */
  readonly seededToken?: string;
  close(): Promise<void>;
}

export function clockFor(options: Pick<StartOptions, 'clock' | 'clockStepMs'>): ControllableClock {
  const clock = new ControllableClock();
  if (options.clock !== undefined)
    clock.set(options.clock, { frozen: true, stepMs: options.clockStepMs ?? 0 });
  return clock;
}

/**
 * One message for a busy port, whether one process or a cluster worker met it (Node words
 * the two differently: `listen EADDRINUSE…` and `bind EADDRINUSE…`).
 */
function listenError(error: unknown, options: Pick<StartOptions, 'host' | 'port'>): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE')
    return new Error(
      `${options.host}:${options.port} is already in use: stop what listens there, or pick another --port`,
    );
  if (code === 'EADDRNOTAVAIL')
    return new Error(`${options.host} is not an address of this machine: pick another --host`);
  return error;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const store = await createStore(
    options.databaseUrl,
    options.poolSize !== undefined ? { poolSize: options.poolSize } : {},
  );
  const spoke = createApp({
    store,
    clock: clockFor(options),
    ...(options.idSeed !== undefined && { recordIds: seededRecordIds(options.idSeed) }),
    ...(options.tokens && { tokens: options.tokens }),
    ...(options.propertyValidation && { propertyValidation: options.propertyValidation }),
    ...(options.search && { search: options.search }),
    ...(options.adminToken && { adminToken: options.adminToken }),
    ...(options.logger !== undefined && { logger: options.logger }),
    ...(options.onSend && { onSend: options.onSend }),
    ...(options.webhooks && { webhooks: options.webhooks }),
    ...(options.peers && { peers: options.peers }),
  });
  let seeded: { summary: FixtureSummary; token?: string } | undefined;
  let stopSharing: (() => Promise<void>) | undefined;
  try {
    if (options.shareChanges) {
      if (!store.changeRelay)
        throw new Error(
          `shareChanges needs a store with a change relay (PostgreSQL); ${store.description} has none`,
        );
      stopSharing = await shareChanges(spoke.domain.changes, store.changeRelay);
    }
    for (const [portalId, settings] of options.rateLimits ?? []) {
      await spoke.domain.rateLimits.set(portalId, settings);
    }
    if (options.fixtures) seeded = await spoke.domain.harness.seedPortal(options.fixtures);
    await spoke.app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await stopSharing?.();
    await spoke.app.close();
    await store.close();
    throw listenError(error, options);
  }
  const address = spoke.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    ...spoke,
    store,
    url: `http://${host}:${port}`,
    ...(seeded && { seeded: seeded.summary }),
    ...(seeded?.token !== undefined && { seededToken: seeded.token }),
    close() {
      closing ??= (async () => {
        await stopSharing?.();
        await spoke.app.close();
        await store.close();
      })();
      return closing;
    },
  };
}
