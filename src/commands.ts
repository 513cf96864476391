/**
 * The CLI's commands other than `serve`, as functions of a database URL: they open the
 * store, do their work, and close it. cli.ts parses arguments and calls them.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Progress } from './domain/harness/portal-export.js';
import { checkIntegrity, type IntegrityReport } from './domain/integrity.js';
import { ObjectTypeResolver } from './domain/objects/object-type-resolver.js';
import { createDomain } from './domain/services.js';
import { createStore } from './store/create-store.js';

export async function checkStore(databaseUrl: string): Promise<IntegrityReport> {
  // Reads only: a mistyped path must fail, not leave an empty database behind.
  const store = await createStore(databaseUrl, { mustExist: true });
  try {
    return await checkIntegrity(store, new ObjectTypeResolver(store));
  } finally {
    await store.close();
  }
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (CI logs stay quiet). */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): {
  progress: Progress;
  stop(): void;
} {
  if (!stream.isTTY) return { progress: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream, format: '{what} [{bar}] {value}{totalText}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    progress(done, total, what) {
      const payload = { what: what.padEnd(12), totalText: total === undefined ? '' : ` / ${total}` };
      if (!started) {
        bar.start(total ?? done, done, payload);
        started = true;
      }
      bar.setTotal(total ?? Math.max(done, 1));
      bar.update(done, payload);
    },
    stop: () => started && bar.stop(),
  };
}

async function withDomain<T>(
  databaseUrl: string,
  fn: (domain: ReturnType<typeof createDomain>) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  const store = await createStore(databaseUrl, { mustExist: options.readOnly ?? false });
  try {
    return await fn(createDomain({ store }));
  } finally {
    await store.close();
  }
}

/**
 * Writes a file so that it is either complete or absent: into a temporary file beside it, a
 * part at a time as `produce` writes, flushed to disk, then renamed over the target.
 */
export async function writeFileAtomically<T>(
  path: string,
  produce: (write: (text: string) => void) => Promise<T>,
): Promise<T> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // Exports hold every record of a portal: only their owner may read them.
  const fd = openSync(temporary, 'w', 0o600);
  let open = true;
  try {
    const result = await produce((text) => void writeSync(fd, text));
    writeSync(fd, '\n');
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    renameSync(temporary, path);
    return result;
  } catch (error) {
    if (open) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}

export async function exportCommand(
  databaseUrl: string,
  portalId: number,
  file: string | undefined,
): Promise<{ records: number; associations: number }> {
  return withDomain(
    databaseUrl,
    async (domain) => {
      const portals = await domain.directory.portalIds();
      if (!portals.includes(portalId)) {
        throw new Error(
          `Portal ${portalId} has nothing in this database (it never existed, or was reset); its portals are ${portals.join(', ')}`,
        );
      }
      return streamExport(domain, portalId, file);
    },
    { readOnly: true },
  );
}

async function streamExport(
  domain: ReturnType<typeof createDomain>,
  portalId: number,
  file: string | undefined,
): Promise<{ records: number; associations: number }> {
  const bar = progressBar();
  try {
    // Streamed a page at a time: a portal of any size exports in bounded memory.
    if (file)
      return await writeFileAtomically(file, (write) =>
        domain.harness.streamExport(portalId, write, bar.progress),
      );
    const toStdout = (text: string) =>
      new Promise<void>((resolve) =>
        process.stdout.write(text) ? resolve() : process.stdout.once('drain', resolve),
      );
    const counts = await domain.harness.streamExport(portalId, toStdout, bar.progress);
    await toStdout('\n');
    return counts;
  } finally {
    bar.stop();
  }
}

/** Imports a file as a stream: memory holds a chunk of it, whatever its size. */
export async function importCommand(databaseUrl: string, portalId: number, file: string) {
  return withDomain(databaseUrl, async (domain) => {
    const bar = progressBar();
    try {
      return await domain.harness.importPortal(portalId, () => createReadStream(file), bar.progress);
    } finally {
      bar.stop();
    }
  });
}

export async function resetCommand(databaseUrl: string, portalId: number | 'all'): Promise<number[]> {
  return withDomain(databaseUrl, async (domain) => {
    if (portalId === 'all') return domain.harness.resetAll();
    await domain.harness.resetPortal(portalId);
    return [portalId];
  });
}
