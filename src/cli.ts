#!/usr/bin/env node
/**
 * The `spoke` command. The only code that reads the environment and listens on a port.
 */
import { Command, Option } from 'commander';
import { ConfigError, DEFAULT_HOST, DEFAULT_PORT, resolveConfig, type ServerFlags } from './config.js';
import { startServer, type RunningServer } from './server.js';
import { DEFAULT_DATABASE_URL } from './store/create-store.js';

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
  .action(async (flags: ServerFlags) => {
    const config = resolveConfig(flags, process.env);
    // Handlers go in before anything is printed: a supervisor that signals as soon as it
    // reads the start-up line must find them installed.
    const state: { server?: RunningServer; stopping: boolean } = { stopping: false };
    const stop = (signal: string) => {
      if (state.stopping) return;
      state.stopping = true;
      process.stdout.write(`Spoke received ${signal}, shutting down\n`);
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
      logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
    });
    state.server = server;
    process.stdout.write(`Spoke listening on ${server.url} (${server.store.description})\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`spoke: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
