/**
 * Large uploads (a portal import) are written to a temporary file as they arrive, then read
 * back from it. The request is never held in memory, and the work that reads it, inside a
 * transaction that blocks the portal's writers, does not wait on a slow client.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { uploadTooLarge } from './http-errors.js';

export interface SpooledUpload {
  readonly bytes: number;
  /** Opens the upload for reading, from its start, as often as needed. */
  open(): Readable;
  dispose(): Promise<void>;
}

/** Writes `source` to a private temporary file; more than `limit` bytes is a 413. */
export async function spoolUpload(source: Readable, limit: number): Promise<SpooledUpload> {
  const dir = await mkdtemp(join(tmpdir(), 'spoke-upload-'));
  const path = join(dir, 'body');
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > limit) {
        done(uploadTooLarge({ limit, mib: Math.round(limit / 2 ** 20) }));
      } else done(null, chunk);
    },
  });
  try {
    await pipeline(source, counter, createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    bytes,
    open: () => createReadStream(path, { highWaterMark: 256 * 1024 }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
