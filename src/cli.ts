#!/usr/bin/env node
/**
 * The `spoke` command. The only code that reads the environment and listens on a port.
 */
import cluster from 'node:cluster';
import { Command, Option } from 'commander';
import { ConfigError, DEFAULT_HOST, DEFAULT_PORT, resolveConfig, type ServerFlags } from './config.js';
import { startServer, type RunningServer } from './server.js';
import { DEFAULT_DATABASE_URL } from './store/create-store.js';
import { runPrimary } from './workers.js';
import { checkStore } from './commands.js';

const program = new Command();

program
  .name('spoke')
  .description('A local, stateful HubSpot CRM server (Associations API v4, CRM records).')
  .showHelpAfterError();

program
  .command('serve', { isDefault: true })
  .description('Start the server (the default command).')
  .addOption(
    new Option(
      '-p, --port <port>',
      `port to listen on (env PORT, default ${DEFAULT_PORT}; 0 picks a free port)`,
    ),
  )
  .addOption(new Option('-H, --host <host>', `address to bind (env HOST, default ${DEFAULT_HOST})`))
  .addOption(
    new Option(
      '-d, --database-url <url>',
      `SQLite file path, ":memory:", or postgres://… (env DATABASE_URL, default ${DEFAULT_DATABASE_URL})`,
    ),
  )
  .addOption(
    new Option(
      '--log-level <level>',
      'fatal, error, warn, info, debug or trace (env LOG_LEVEL, default warn)',
    ),
  )
  .addOption(
    new Option(
      '-w, --workers <n>',
      'processes serving the port, sharing the database (env WORKERS, default 1)',
    ),
  )
  .addOption(
    new Option('--pool-size <n>', 'PostgreSQL connections per process (env DATABASE_POOL_SIZE, default 10)'),
  )
  .action(async (flags: ServerFlags) => {
    const config = resolveConfig(flags, process.env);
    if (config.workers > 1 && cluster.isPrimary) {
      await runPrimary(config);
      return;
    }
    // Handlers go in before anything is printed: a supervisor that signals as soon as it
    // reads the start-up line must find them installed.
    const state: { server?: RunningServer; stopping: boolean } = { stopping: false };
    const stop = (signal: string) => {
      if (state.stopping) return;
      state.stopping = true;
      if (cluster.isPrimary) process.stdout.write(`Spoke received ${signal}, shutting down\n`);
      (state.server ? state.server.close() : Promise.resolve()).then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`Spoke failed to shut down cleanly: ${String(error)}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    const server = await startServer({
      port: config.port,
      host: config.host,
      databaseUrl: config.databaseUrl,
      ...(config.poolSize !== undefined && { poolSize: config.poolSize }),
      logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
    });
    state.server = server;
    // A worker's primary announces the whole cluster.
    if (cluster.isPrimary)
      process.stdout.write(`Spoke listening on ${server.url} (${server.store.description})\n`);
  });

program
  .command('check')
  .description(
    "Verify the store's invariants: inverses, unlabeled types, limits, no dangling records. Exits 1 on a problem.",
  )
  .addOption(
    new Option(
      '-d, --database-url <url>',
      `the database to check (env DATABASE_URL, default ${DEFAULT_DATABASE_URL})`,
    ),
  )
  .option('--json', 'print the report as JSON')
  .action(async (flags: { databaseUrl?: string; json?: boolean }) => {
    const config = resolveConfig(
      { ...(flags.databaseUrl && { databaseUrl: flags.databaseUrl }) },
      process.env,
    );
    const report = await checkStore(config.databaseUrl);
    if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      process.stdout.write(
        `Checked ${report.portals} portal(s), ${report.records} records, ${report.associations} association rows: ` +
          `${report.problems.length === 0 ? 'no problems' : `${report.problems.length} problem(s)`}\n`,
      );
      for (const problem of report.problems)
        process.stdout.write(`  portal ${problem.portalId} ${problem.kind}: ${problem.detail}\n`);
    }
    process.exitCode = report.problems.length === 0 ? 0 : 1;
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`spoke: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
