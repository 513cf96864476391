/**
 * Server configuration: one typed object, from CLI flags over environment variables over
 * defaults. Pure (files are read through the `readFile` it is given), so it is testable;
 * only cli.ts reads the real environment.
 */
import { VALIDATION_MODES, type ValidationMode } from './domain/catalog/record-validator.js';
import { ValidationError } from './domain/errors.js';
import { parseSearchLag, parseSearchLimits, type SearchOptions } from './domain/search/search-options.js';
import { parseTokenConfig, type TokenGrant } from './domain/portals.js';
import { parseRateLimitConfig } from './domain/rate-limits/rate-limit-config.js';
import type { RateLimitSettings } from './domain/rate-limits/tiers.js';
import { DEFAULT_DATABASE_URL, unsupportedScheme } from './store/create-store.js';
import { DELIVERY_TIMEOUT_MS, LEASE_MARGIN_MS } from './domain/webhooks/webhook-dispatcher.js';

/** A lease must cover a delivery: the timeout and writing its result (D40). */
const MIN_WEBHOOK_LEASE_MS = DELIVERY_TIMEOUT_MS + LEASE_MARGIN_MS;

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly logLevel: string;
  /** Processes serving one port (node:cluster); 1 runs in this process. */
  readonly workers: number;
  /** PostgreSQL connections per process. */
  readonly poolSize?: number;
  /** Configured tokens (strict mode), or undefined to accept any token. */
  readonly tokens?: ReadonlyMap<string, TokenGrant>;
  /** Bearer token the admin API needs. */
  readonly adminToken?: string;
  /** A fixtures file to load into the default portal at start. */
  readonly seedFile?: string;
  /** Seed for record IDs (`--id-seed`); sequential IDs without it. */
  readonly idSeed?: string;
  /** Start the clock frozen at this instant (epoch ms). */
  readonly clock?: number;
  /** With `clock`: how far it moves per reading, in ms. */
  readonly clockStepMs?: number;
  /** Property validation for portals that have not chosen (`--property-validation`). */
  readonly propertyValidation?: ValidationMode;
  /** Search's default indexing lag and filter limits (`--search-indexing-lag`, `--search-filter-limits`). */
  readonly search?: SearchOptions;
  /** How long a webhook delivery lease lasts (wall-clock ms) before another instance may retry it. */
  readonly webhookLeaseMs?: number;
  /** How long finished webhook events and attempts are kept (Spoke's clock) before pruning. */
  readonly webhookRetentionMs?: number;
  /** Start with automatic webhook delivery paused. */
  readonly webhooksPaused?: boolean;
  /** Share each commit's change set with the other Spoke processes on the PostgreSQL database. */
  readonly shareChanges?: boolean;
  /** HubSpot's rate limits to set at start, by portal (0: every portal). */
  readonly rateLimits?: ReadonlyMap<number, RateLimitSettings>;
}

export interface ServerFlags {
  port?: string;
  host?: string;
  databaseUrl?: string;
  logLevel?: string;
  workers?: string;
  poolSize?: string;
  tokens?: string;
  adminToken?: string;
  seed?: string;
  idSeed?: string;
  clock?: string;
  clockStep?: string;
  propertyValidation?: string;
  searchIndexingLag?: string;
  searchFilterLimits?: string;
  webhookLeaseMs?: string;
  webhookRetentionMs?: string;
  webhooksPaused?: boolean;
  shareChanges?: boolean;
  rateLimits?: string;
}

export const DEFAULT_PORT = 4680;
export const DEFAULT_HOST = '127.0.0.1';

export class ConfigError extends Error {}

/** pino's levels, and `silent`; anything else would reach the logger and fail obscurely. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parseLogLevel(value: string, source: string): string {
  const level = value.toLowerCase();
  if (!LOG_LEVELS.includes(level))
    throw new ConfigError(`${source} must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  return level;
}

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${source} must be a port number from 0 to 65535, got "${value}"`);
  }
  return port;
}

function parseCount(value: string, source: string, min: number, max: number): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < min || count > max) {
    throw new ConfigError(`${source} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return count;
}

function parseRateLimits(text: string, source: string): ReadonlyMap<number, RateLimitSettings> {
  try {
    return parseRateLimitConfig(text);
  } catch (error) {
    const reason =
      error instanceof ValidationError || error instanceof SyntaxError ? error.message : String(error);
    throw new ConfigError(`${source}: ${reason}`);
  }
}

function parseTokens(text: string, source: string): ReadonlyMap<string, TokenGrant> {
  try {
    return parseTokenConfig(text);
  } catch (error) {
    const reason =
      error instanceof ValidationError || error instanceof SyntaxError ? error.message : String(error);
    throw new ConfigError(`${source}: ${reason}`);
  }
}

/** SPOKE_TOKENS holds the tokens themselves; a file name there is a mix-up with --tokens. */
function tokensText(value: string): string {
  const text = value.trim();
  if (!text.startsWith('{') && !text.includes('=')) {
    throw new ConfigError(
      `SPOKE_TOKENS holds tokens (JSON, or token=portal,…), not a file name ("${text}"): for a file, use --tokens ${text}`,
    );
  }
  return text;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function resolveConfig(
  flags: ServerFlags,
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = () => {
    throw new ConfigError('no file reader');
  },
): ServerConfig {
  const port = flags.port ?? env.PORT;
  const workers = flags.workers ?? env.WORKERS;
  const poolSize = flags.poolSize ?? env.DATABASE_POOL_SIZE;
  const databaseUrl = flags.databaseUrl || env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const scheme = unsupportedScheme(databaseUrl);
  if (scheme !== undefined) {
    throw new ConfigError(
      `${flags.databaseUrl ? '--database-url' : 'DATABASE_URL'} has the scheme "${scheme}://", which Spoke has no store for: use a SQLite file path, ":memory:" or postgres://…`,
    );
  }
  const clock = flags.clock ?? env.SPOKE_CLOCK;
  const clockStep = flags.clockStep ?? env.SPOKE_CLOCK_STEP;
  const webhookLeaseMs = flags.webhookLeaseMs ?? env.SPOKE_WEBHOOK_LEASE_MS;
  const webhookRetentionMs = flags.webhookRetentionMs ?? env.SPOKE_WEBHOOK_RETENTION_MS;
  const webhooksPaused = flags.webhooksPaused ?? env.SPOKE_WEBHOOKS_PAUSED === '1';
  const shareChanges = flags.shareChanges ?? env.SPOKE_SHARE_CHANGES === '1';
  if (shareChanges && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new ConfigError(
      `${flags.shareChanges ? '--share-changes' : 'SPOKE_SHARE_CHANGES'} needs a postgres:// database: a SQLite store has no relay between processes`,
    );
  const tokens = flags.tokens
    ? parseTokens(readFile(flags.tokens), `--tokens ${flags.tokens}`)
    : env.SPOKE_TOKENS
      ? parseTokens(tokensText(env.SPOKE_TOKENS), 'SPOKE_TOKENS')
      : undefined;
  const clockAt = clock ? Date.parse(clock) : undefined;
  if (clockAt !== undefined && Number.isNaN(clockAt)) {
    throw new ConfigError(`--clock must be an ISO 8601 time such as 2026-01-01T00:00:00Z, got "${clock}"`);
  }
  const adminToken = flags.adminToken || env.SPOKE_ADMIN_TOKEN;
  const seedFile = flags.seed || env.SPOKE_SEED;
  const idSeed = flags.idSeed || env.SPOKE_ID_SEED;
  const validation = flags.propertyValidation || env.SPOKE_PROPERTY_VALIDATION;
  if (validation !== undefined && !(VALIDATION_MODES as readonly string[]).includes(validation)) {
    throw new ConfigError(`--property-validation must be strict or lenient, got "${validation}"`);
  }
  const rateLimits = flags.rateLimits || env.SPOKE_RATE_LIMITS;
  const search = searchOptions(
    flags.searchIndexingLag || env.SPOKE_SEARCH_INDEXING_LAG_MS,
    flags.searchFilterLimits || env.SPOKE_SEARCH_FILTER_LIMITS,
  );
  const config: ServerConfig = {
    port: port === undefined || port === '' ? DEFAULT_PORT : parsePort(port, flags.port ? '--port' : 'PORT'),
    host: flags.host || env.HOST || DEFAULT_HOST,
    databaseUrl,
    logLevel: parseLogLevel(
      flags.logLevel || env.LOG_LEVEL || 'warn',
      flags.logLevel ? '--log-level' : 'LOG_LEVEL',
    ),
    workers: workers ? parseCount(workers, flags.workers ? '--workers' : 'WORKERS', 1, 64) : 1,
    ...(poolSize && {
      poolSize: parseCount(poolSize, flags.poolSize ? '--pool-size' : 'DATABASE_POOL_SIZE', 1, 1000),
    }),
    ...(tokens && { tokens }),
    ...(adminToken && { adminToken }),
    ...(seedFile && { seedFile }),
    ...(idSeed && { idSeed }),
    ...(validation && { propertyValidation: validation as ValidationMode }),
    ...(search && { search }),
    ...(clockAt !== undefined && { clock: clockAt }),
    ...(clockStep && { clockStepMs: parseCount(clockStep, '--clock-step', 0, 86_400_000) }),
    ...(webhookLeaseMs && {
      webhookLeaseMs: parseCount(webhookLeaseMs, '--webhook-lease-ms', MIN_WEBHOOK_LEASE_MS, 3_600_000),
    }),
    ...(webhookRetentionMs && {
      webhookRetentionMs: parseCount(webhookRetentionMs, '--webhook-retention-ms', 1_000, 366 * 86_400_000),
    }),
    ...(webhooksPaused && { webhooksPaused }),
    ...(shareChanges && { shareChanges }),
    ...(rateLimits && {
      rateLimits: parseRateLimits(rateLimits, flags.rateLimits ? '--rate-limits' : 'SPOKE_RATE_LIMITS'),
    }),
  };
  if (config.workers > 1 && databaseUrl === ':memory:') {
    throw new ConfigError(
      '--workers needs a database the processes can share: a SQLite file or PostgreSQL, not :memory:',
    );
  }
  return config;
}

/** `--search-indexing-lag` (ms) and `--search-filter-limits` (groups,perGroup,total). */
function searchOptions(lag: string | undefined, limits: string | undefined): SearchOptions | undefined {
  if (!lag && !limits) return undefined;
  try {
    return {
      ...(lag && { indexingLagMs: parseSearchLag(lag) }),
      ...(limits && { limits: parseSearchLimits(limits) }),
    };
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}
