/**
 * Starts Spoke on a port: opens the store, builds the app, applies the clock, ID seed and
 * fixtures, and listens. Used by the CLI and by the in-process entry point (index.ts).
 */
import type { ValidationMode } from './domain/catalog/record-validator.js';
import type { FastifyServerOptions, onSendHookHandler } from 'fastify';
import { createApp, type SpokeApp } from './app.js';
import { ControllableClock } from './domain/clock.js';
import type { Fixtures, FixtureSummary } from './domain/harness/fixtures.js';
import { DEFAULT_PORTAL_ID, type TokenGrant } from './domain/portals.js';
import { seededRecordIds } from './domain/record-ids.js';
import { createStore } from './store/create-store.js';
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
  /** Start the clock frozen at this instant (epoch ms). */
  readonly clock?: number;
  readonly clockStepMs?: number;
  /** Called with every response before it is sent (a test suite's contract check). */
  readonly onSend?: onSendHookHandler;
}

export interface RunningServer extends SpokeApp {
  readonly url: string;
  readonly store: Store;
  readonly seeded?: FixtureSummary;
  close(): Promise<void>;
}

export function clockFor(options: Pick<StartOptions, 'clock' | 'clockStepMs'>): ControllableClock {
  const clock = new ControllableClock();
  if (options.clock !== undefined)
    clock.set(options.clock, { frozen: true, stepMs: options.clockStepMs ?? 0 });
  return clock;
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
    ...(options.adminToken && { adminToken: options.adminToken }),
    ...(options.logger !== undefined && { logger: options.logger }),
    ...(options.onSend && { onSend: options.onSend }),
  });
  let seeded: FixtureSummary | undefined;
  try {
    if (options.fixtures) {
      seeded = await spoke.domain.harness.loadFixtures(
        options.fixtures.portalId ?? DEFAULT_PORTAL_ID,
        options.fixtures,
      );
    }
    await spoke.app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await spoke.app.close();
    await store.close();
    throw error;
  }
  const address = spoke.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    ...spoke,
    store,
    url: `http://${host}:${port}`,
    ...(seeded && { seeded }),
    close() {
      closing ??= (async () => {
        await spoke.app.close();
        await store.close();
      })();
      return closing;
    },
  };
}
