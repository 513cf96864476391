/**
 * Server configuration: one typed object, from CLI flags over environment variables over
 * defaults. Pure, so it is testable; only cli.ts reads the real environment.
 */
import { DEFAULT_DATABASE_URL } from './store/create-store.js';

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly logLevel: string;
  /** Processes serving one port (node:cluster); 1 runs in this process. */
  readonly workers: number;
  /** PostgreSQL connections per process. */
  readonly poolSize?: number;
}

export interface ServerFlags {
  port?: string;
  host?: string;
  databaseUrl?: string;
  logLevel?: string;
  workers?: string;
  poolSize?: string;
}

export const DEFAULT_PORT = 4680;
export const DEFAULT_HOST = '127.0.0.1';

export class ConfigError extends Error {}

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${source} must be a port number from 0 to 65535, got "${value}"`);
  }
  return port;
}

function parseCount(value: string, source: string, max: number): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > max) {
    throw new ConfigError(`${source} must be a whole number from 1 to ${max}, got "${value}"`);
  }
  return count;
}

export function resolveConfig(flags: ServerFlags, env: NodeJS.ProcessEnv): ServerConfig {
  const port = flags.port ?? env.PORT;
  const workers = flags.workers ?? env.WORKERS;
  const poolSize = flags.poolSize ?? env.DATABASE_POOL_SIZE;
  const databaseUrl = flags.databaseUrl || env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const config: ServerConfig = {
    port: port === undefined || port === '' ? DEFAULT_PORT : parsePort(port, flags.port ? '--port' : 'PORT'),
    host: flags.host || env.HOST || DEFAULT_HOST,
    databaseUrl,
    logLevel: flags.logLevel || env.LOG_LEVEL || 'warn',
    workers: workers ? parseCount(workers, flags.workers ? '--workers' : 'WORKERS', 64) : 1,
    ...(poolSize && {
      poolSize: parseCount(poolSize, flags.poolSize ? '--pool-size' : 'DATABASE_POOL_SIZE', 1000),
    }),
  };
  if (config.workers > 1 && databaseUrl === ':memory:') {
    throw new ConfigError(
      '--workers needs a database the processes can share: a SQLite file or PostgreSQL, not :memory:',
    );
  }
  return config;
}
