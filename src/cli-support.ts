/**
 * What the `spoke` command needs beyond parsing: its version, a clear answer to a mistyped
 * command, fixtures files read with their name in every error, and the admin token that
 * binding beyond loopback needs, kept in a file beside the database so it survives restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from './config.js';
import { checkFixtureShape, type Fixtures } from './domain/harness/fixtures.js';
import { parseJsonBody } from './http/json-body.js';
import { isPostgresUrl } from './store/create-store.js';

/** The package's version: package.json sits one level above both src/ and dist/. */
export function packageVersion(): string {
  const manifest = join(import.meta.dirname, '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * `serve` is the default command, so `spoke exprot` would reach it as a stray argument and
 * fail with "too many arguments". A first argument that is no option and no command is a
 * mistyped command: name it, suggest the nearest, list them all.
 */
export function unknownCommandError(
  args: readonly string[],
  commands: readonly string[],
): string | undefined {
  const first = args[0];
  if (first === undefined || first.startsWith('-') || commands.includes(first) || first === 'help')
    return undefined;
  const nearest = [...commands].sort((a, b) => editDistance(first, a) - editDistance(first, b))[0];
  const hint =
    nearest !== undefined && editDistance(first, nearest) <= 2 ? ` (did you mean "${nearest}"?)` : '';
  return `unknown command "${first}"${hint}; the commands are ${commands.join(', ')} (spoke --help)`;
}

/** Reads a fixtures file; every problem names the file (and the line and column of bad JSON). */
export function readFixturesFile(path: string): Fixtures {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the fixtures file ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    // The request bodies' parser: its message names the line and column.
    document = parseJsonBody(text);
    checkFixtureShape(document);
  } catch (error) {
    throw new ConfigError(`The fixtures file ${path}: ${(error as Error).message}`);
  }
  return document;
}

/** Next to a SQLite file; in ./data for :memory: and PostgreSQL. */
export function adminTokenFile(databaseUrl: string): string {
  const sqliteFile = !isPostgresUrl(databaseUrl) && databaseUrl !== ':memory:';
  return join(sqliteFile ? dirname(databaseUrl.replace(/^sqlite:/, '')) : 'data', 'admin-token');
}

/**
 * The admin token kept in `file`, or a new one written there (owner-only) when there is none:
 * a restart keeps the token that scripts and the UI already use. Delete the file for a new one.
 */
export function storedAdminToken(file: string): { token: string; created: boolean } {
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token !== '') return { token, created: false };
  }
  const token = randomBytes(18).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, created: true };
}
