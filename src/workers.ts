/**
 * `spoke --workers N`: N processes serve one port through node:cluster. The primary applies
 * migrations once, forks the workers, prints the start-up line when all of them listen,
 * restarts a worker that dies, and on SIGINT/SIGTERM stops them all (each drains its
 * in-flight requests) before it exits. A worker that cannot start (the port is in use) stops
 * the server: the primary prints the worker's error once and exits 1, as one process does.
 */
import cluster, { type Worker } from 'node:cluster';
import { PEER_STATE_ENV, relayPeers } from './cluster-peers.js';
import type { ServerConfig } from './config.js';
import type { Fixtures } from './domain/harness/fixtures.js';
import { seededRecordIds } from './domain/record-ids.js';
import { createDomain } from './domain/services.js';
import { clockFor } from './server.js';
import { createStore } from './store/create-store.js';
import { UI_PATH } from './http/routes/ui.js';

const START_FAILED = 'spoke:start-failed';

/** In a worker: tells the primary why this worker could not start, then calls `done`. */
export function reportStartFailure(message: string, done: () => void): void {
  if (process.send) process.send({ type: START_FAILED, message }, undefined, {}, () => done());
  else done();
}

/** Says which token reaches a seeded portal of its own (it is no secret: any client may use it). */
export function announceSeededPortal(portalId: number, token: string): void {
  process.stdout.write(`Spoke seeded portal ${portalId}; its token: ${token}\n`);
}

export async function runPrimary(config: ServerConfig, fixtures: Fixtures | undefined): Promise<void> {
  // Migrate (and seed) once, before any worker opens the database.
  const store = await createStore(
    config.databaseUrl,
    config.poolSize !== undefined ? { poolSize: config.poolSize } : {},
  );
  const description = store.description;
  try {
    if (fixtures) {
      const domain = createDomain({
        store,
        clock: clockFor(config),
        ...(config.idSeed !== undefined && { recordIds: seededRecordIds(config.idSeed) }),
        ...(config.propertyValidation && { propertyValidation: config.propertyValidation }),
        ...(config.search && { search: config.search }),
        ...(config.tokens && { tokens: config.tokens }),
      });
      const seeded = await domain.harness.seedPortal(fixtures);
      if (seeded.token !== undefined) announceSeededPortal(seeded.portalId, seeded.token);
    }
  } finally {
    await store.close();
  }

  let stopping = false;
  let announced = false;
  let exitCode = 0;
  const listening = new Set<number>();

  const stopAll = () => {
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (workers.length === 0) process.exit(exitCode);
    for (const worker of workers) worker.process.kill('SIGTERM');
  };
  /** Before every worker listens, a failure is the server's: stop, say why once, exit 1. */
  const failStart = (message: string) => {
    if (stopping) return;
    stopping = true;
    exitCode = 1;
    process.stderr.write(`spoke: ${message}\n`);
    stopAll();
  };
  cluster.on('message', (_worker, message: { type?: string; message?: string }) => {
    if (message?.type === START_FAILED && !announced)
      failStart(message.message ?? 'a worker failed to start');
  });

  // Admin settings that hold for the whole server (the clock): a worker forked later starts
  // from what the others have.
  const peers = relayPeers();
  const fork = (): Worker => cluster.fork({ [PEER_STATE_ENV]: peers.state() });
  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    if (!announced && listening.size === config.workers) {
      announced = true;
      const host = address.address?.includes(':') ? `[${address.address}]` : address.address || config.host;
      process.stdout.write(
        `Spoke listening on http://${host}:${address.port} (${description}, ${config.workers} workers)\n` +
          // Each worker keeps its own activity feed: the UI's live view shows one worker's requests.
          `Spoke UI: http://${host}:${address.port}${UI_PATH} (activity from one worker of ${config.workers})\n`,
      );
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!announced) {
      failStart(`worker ${worker.process.pid} exited (${signal ?? code}) before the server started`);
      return;
    }
    process.stderr.write(`Spoke worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    fork();
  });

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Spoke received ${signal}, shutting down ${config.workers} workers\n`);
    stopAll();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  for (let i = 0; i < config.workers; i++) fork();
}
