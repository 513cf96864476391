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
}

export interface ServerFlags {
  port?: string;
  host?: string;
  databaseUrl?: string;
  logLevel?: string;
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

export function resolveConfig(flags: ServerFlags, env: NodeJS.ProcessEnv): ServerConfig {
  const port = flags.port ?? env.PORT;
  return {
    port: port === undefined || port === '' ? DEFAULT_PORT : parsePort(port, flags.port ? '--port' : 'PORT'),
    host: flags.host || env.HOST || DEFAULT_HOST,
    databaseUrl: flags.databaseUrl || env.DATABASE_URL || DEFAULT_DATABASE_URL,
    logLevel: flags.logLevel || env.LOG_LEVEL || 'warn',
  };
}
