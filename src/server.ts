/**
 * Starts Spoke on a port: opens the store, builds the app, listens. Used by the CLI and by
 * the in-process entry point.
 */
import type { FastifyServerOptions } from 'fastify';
import { createApp, type AppOptions, type SpokeApp } from './app.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/store.js';

export interface StartOptions extends Omit<AppOptions, 'store'> {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly poolSize?: number;
  readonly logger?: FastifyServerOptions['logger'];
}

export interface RunningServer extends SpokeApp {
  readonly url: string;
  readonly store: Store;
  close(): Promise<void>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const store = await createStore(
    options.databaseUrl,
    options.poolSize !== undefined ? { poolSize: options.poolSize } : {},
  );
  const spoke = createApp({ ...options, store });
  try {
    await spoke.app.listen({ port: options.port, host: options.host });
  } catch (error) {
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
    close() {
      closing ??= (async () => {
        await spoke.app.close();
        await store.close();
      })();
      return closing;
    },
  };
}
