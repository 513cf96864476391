#!/usr/bin/env node
/**
 * The `spoke` command: serve (the default), import, export, reset and check. The only code
 * that reads the environment and the command line.
 */
import cluster from 'node:cluster';
import { accessSync, constants, readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { workerPeers } from './cluster-peers.js';
import {
  adminTokenFile,
  packageVersion,
  readFixturesFile,
  storedAdminToken,
  unknownCommandError,
} from './cli-support.js';
import { checkStore, exportCommand, importCommand, resetCommand } from './commands.js';
import {
  ConfigError,
  DEFAULT_HOST,
  DEFAULT_PORT,
  isLoopback,
  resolveConfig,
  type ServerFlags,
} from './config.js';
import { DEFAULT_PORTAL_ID } from './domain/portals.js';
import { requestLogger } from './http/request-log.js';
import { UI_PATH } from './http/routes/ui.js';
import { startServer, type RunningServer } from './server.js';
import { DEFAULT_DATABASE_URL } from './store/create-store.js';
import { announceSeededPortal, reportStartFailure, runPrimary } from './workers.js';

const readFile = (path: string) => readFileSync(path, 'utf8');
const databaseOption = () =>
  new Option(
    '-d, --database-url <url>',
    `SQLite file path, ":memory:", or postgres://… (env DATABASE_URL, default ${DEFAULT_DATABASE_URL})`,
  );
const portalOption = () => new Option('--portal <id>', `portal (hub ID), default ${DEFAULT_PORTAL_ID}`);

function portalIdOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORTAL_ID;
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1)
    throw new ConfigError(`--portal must be a positive integer, got "${value}"`);
  return id;
}

function databaseUrlOf(flags: { databaseUrl?: string }): string {
  return resolveConfig(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}, process.env).databaseUrl;
}

const program = new Command();

program
  .name('spoke')
  .description(
    'A local, stateful HubSpot CRM server: the Associations API v4, CRM records, and a test harness.',
  )
  .version(packageVersion(), '-V, --version', 'print the version')
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
  .addOption(databaseOption())
  .addOption(
    new Option(
      '-w, --workers <n>',
      'processes serving the port, sharing the database (env WORKERS, default 1)',
    ),
  )
  .addOption(
    new Option('--pool-size <n>', 'PostgreSQL connections per process (env DATABASE_POOL_SIZE, default 10)'),
  )
  .addOption(
    new Option(
      '--tokens <file>',
      'JSON file mapping tokens to portals; only those tokens are then accepted (env SPOKE_TOKENS holds the same JSON, or "token=portal,…")',
    ),
  )
  .addOption(
    new Option(
      '--admin-token <token>',
      'bearer token the admin API (/_spoke/…) requires (env SPOKE_ADMIN_TOKEN); generated when binding beyond loopback',
    ),
  )
  .addOption(
    new Option(
      '--seed <file>',
      'fixtures to load at start; loading twice duplicates nothing (env SPOKE_SEED)',
    ),
  )
  .addOption(
    new Option(
      '--property-validation <mode>',
      'strict (HubSpot: unknown properties are refused) or lenient (created on first write) for portals that have not chosen (env SPOKE_PROPERTY_VALIDATION, default strict)',
    ),
  )
  .addOption(
    new Option(
      '--search-indexing-lag <ms>',
      "hide new and changed records from search for this long on the clock, as HubSpot's indexing does, for portals that set no lag (env SPOKE_SEARCH_INDEXING_LAG_MS, default 0: search reads its own writes)",
    ),
  )
  .addOption(
    new Option(
      '--search-filter-limits <groups,perGroup,total>',
      "search filter limits (env SPOKE_SEARCH_FILTER_LIMITS, default 5,6,18 as HubSpot's guide says)",
    ),
  )
  .addOption(
    new Option(
      '--id-seed <seed>',
      'derive record IDs from a seed instead of the sequence (env SPOKE_ID_SEED)',
    ),
  )
  .addOption(
    new Option(
      '--clock <time>',
      'start the clock frozen at an ISO 8601 time, e.g. 2026-01-01T00:00:00Z (env SPOKE_CLOCK)',
    ),
  )
  .addOption(
    new Option(
      '--clock-step <ms>',
      'with --clock: milliseconds the clock moves each time it is read (default 0)',
    ),
  )
  .addOption(
    new Option(
      '--webhook-lease-ms <ms>',
      'how long a webhook delivery is leased before another instance may retry it (default 60000; env SPOKE_WEBHOOK_LEASE_MS)',
    ),
  )
  .addOption(
    new Option(
      '--webhook-retention-ms <ms>',
      "how long delivered and given-up webhook events and delivery attempts are kept, on Spoke's clock (default 604800000, 7 days; env SPOKE_WEBHOOK_RETENTION_MS)",
    ),
  )
  .addOption(
    new Option(
      '--webhooks-paused',
      'start with webhook delivery paused; POST /_spoke/webhooks/flush delivers (env SPOKE_WEBHOOKS_PAUSED=1)',
    ),
  )
  .addOption(
    new Option(
      '--share-changes',
      "PostgreSQL only: share each commit's changes with the other Spoke instances on the database (NOTIFY), so every instance's activity feed and change subscribers see them; costs each write a statement (env SPOKE_SHARE_CHANGES=1)",
    ),
  )
  .addOption(
    new Option(
      '--rate-limits <tiers>',
      "HubSpot's rate limits, set at start: a tier (free, starter, professional, enterprise, api-limit-increase, public-app, off) for every portal, or portal=tier,…; tier@TimeZone sets the daily reset's zone (env SPOKE_RATE_LIMITS)",
    ),
  )
  .addOption(
    new Option(
      '--log-level <level>',
      'fatal, error, warn, info, debug or trace (env LOG_LEVEL, default warn)',
    ),
  )
  .action(async (flags: ServerFlags) => {
    const config = resolveConfig(flags, process.env, readFile);
    let adminToken = config.adminToken;
    if (!isLoopback(config.host) && cluster.isPrimary) {
      // Beyond loopback the admin API must not be open. A generated token goes to a file
      // only its owner can read, never to the output; workers inherit it.
      let where = 'the admin token you configured';
      if (adminToken === undefined) {
        // Kept beside the database: a restart keeps the token scripts and the UI hold.
        const file = adminTokenFile(config.databaseUrl);
        const stored = storedAdminToken(file);
        adminToken = stored.token;
        process.env.SPOKE_ADMIN_TOKEN = adminToken;
        where = `the token ${stored.created ? 'written to' : 'kept in'} ${file}`;
      }
      process.stdout.write(
        `Spoke binds ${config.host}, beyond loopback: the admin API (/_spoke/…) needs Authorization: Bearer with ${where}\n`,
      );
    }
    const fixtures = config.seedFile ? readFixturesFile(config.seedFile) : undefined;
    if (config.workers > 1 && cluster.isPrimary) {
      await runPrimary(config, fixtures);
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
      logger: requestLogger(config.logLevel),
      ...(config.tokens && { tokens: config.tokens }),
      ...(adminToken && { adminToken }),
      // In a cluster the primary has loaded the fixtures already.
      ...(fixtures && cluster.isPrimary && { fixtures }),
      ...(config.idSeed !== undefined && { idSeed: config.idSeed }),
      ...(config.propertyValidation && { propertyValidation: config.propertyValidation }),
      ...(config.search && { search: config.search }),
      ...(config.clock !== undefined && { clock: config.clock }),
      ...(config.clockStepMs !== undefined && { clockStepMs: config.clockStepMs }),
      ...(cluster.isWorker && { peers: workerPeers() }),
      webhooks: {
        ...(config.webhookLeaseMs !== undefined && { leaseMs: config.webhookLeaseMs }),
        ...(config.webhookRetentionMs !== undefined && { retentionMs: config.webhookRetentionMs }),
        ...(config.webhooksPaused && { paused: true }),
      },
      ...(config.rateLimits && { rateLimits: config.rateLimits }),
      ...(config.shareChanges && { shareChanges: true }),
    });
    state.server = server;
    if (cluster.isPrimary && server.seededToken !== undefined)
      announceSeededPortal(fixtures?.portalId ?? DEFAULT_PORTAL_ID, server.seededToken);
    if (cluster.isPrimary) {
      // One write, so a reader that stops at the first line still sees both.
      process.stdout.write(
        `Spoke listening on ${server.url} (${server.store.description})\n` +
          `Spoke UI: ${server.url}${UI_PATH}\n`,
      );
    }
  });

program
  .command('export')
  .description("Write a portal's data (records, associations, labels, limits, schemas) as one JSON document.")
  .argument(
    '[file]',
    'where to write it; stdout when left out. A file is replaced atomically: never half-written',
  )
  .addOption(databaseOption())
  .addOption(portalOption())
  .action(async (file: string | undefined, flags: { databaseUrl?: string; portal?: string }) => {
    const counts = await exportCommand(databaseUrlOf(flags), portalIdOf(flags.portal), file);
    if (file)
      process.stderr.write(
        `Exported ${counts.records} records and ${counts.associations} association rows to ${file}\n`,
      );
  });

program
  .command('import')
  .description(
    "Replace a portal's data with an export document, in one transaction: a failed import changes nothing.",
  )
  .argument('<file>', 'an export document (spoke export)')
  .addOption(databaseOption())
  .addOption(portalOption())
  .action(async (file: string, flags: { databaseUrl?: string; portal?: string }) => {
    // Read as a stream inside the import; a path that cannot be read fails before the database opens.
    accessSync(file, constants.R_OK);
    const counts = await importCommand(databaseUrlOf(flags), portalIdOf(flags.portal), file);
    process.stderr.write(`Imported ${counts.records} records and ${counts.associations} association rows\n`);
  });

program
  .command('reset')
  .description(
    'Empty a portal (records, associations, labels, limits, schemas, ID sequence), or every portal with --all.',
  )
  .addOption(databaseOption())
  .addOption(portalOption())
  .option('--all', 'reset every portal')
  .action(async (flags: { databaseUrl?: string; portal?: string; all?: boolean }) => {
    const portals = await resetCommand(databaseUrlOf(flags), flags.all ? 'all' : portalIdOf(flags.portal));
    process.stderr.write(`Reset portal${portals.length === 1 ? '' : 's'} ${portals.join(', ')}\n`);
  });

program
  .command('check')
  .description(
    "Verify the store's invariants: inverses, unlabeled types, limits, no dangling records. Exits 1 on a problem.",
  )
  .addOption(databaseOption())
  .option('--json', 'print the report as JSON')
  .action(async (flags: { databaseUrl?: string; json?: boolean }) => {
    const report = await checkStore(databaseUrlOf(flags));
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

const mistyped = unknownCommandError(
  process.argv.slice(2),
  program.commands.map((command) => command.name()),
);
if (mistyped !== undefined) {
  process.stderr.write(`spoke: ${mistyped}\n`);
  process.exit(1);
}

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  // A worker that cannot start tells the primary, which stops them all and reports it once.
  if (cluster.isWorker) reportStartFailure(message, () => process.exit(1));
  else {
    process.stderr.write(`spoke: ${message}\n`);
    process.exit(1);
  }
});
