/**
 * Success responses. Every JSON body goes out as `application/json;charset=utf-8`
 * (decision D4); a 204 has no body and no content type.
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { isoTimestamp } from '../domain/clock.js';
import type { SpokeError } from '../domain/errors.js';
import { JSON_CONTENT_TYPE, standardError, type StandardErrorBody } from './error-envelope.js';
import type { ApiFamily, BatchStatuses } from './families.js';

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(JSON_CONTENT_TYPE).send(body);
}

/**
 * A JSON body produced a part at a time (an export): the answer starts once the first part
 * is ready, so a failure before it is an ordinary error response; then parts go out at the
 * client's pace, and a client that goes away stops the producer.
 */
export async function sendJsonStream(
  reply: FastifyReply,
  status: number,
  produce: (write: (text: string) => Promise<void>) => Promise<unknown>,
): Promise<FastifyReply> {
  const stream = new PassThrough();
  let gone = false;
  stream.once('close', () => (gone = true));
  let started: () => void = () => {};
  const first = new Promise<void>((resolve) => (started = resolve));
  const write = async (text: string) => {
    if (gone) throw new Error('The client went away');
    started();
    if (stream.write(text)) return;
    await new Promise<void>((resolve, reject) => {
      stream.once('drain', resolve);
      stream.once('close', () => reject(new Error('The client went away')));
    });
  };
  const done = produce(write).then(
    () => void stream.end(),
    (error: unknown) => {
      stream.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    },
  );
  done.catch(() => undefined);
  await Promise.race([first, done]);
  return reply.code(status).type(JSON_CONTENT_TYPE).send(stream);
}

export function sendNoContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

export interface BatchEnvelope<T> {
  status: 'COMPLETE';
  results: T[];
  numErrors?: number;
  errors?: StandardErrorBody[];
  startedAt: string;
  completedAt: string;
}

/** HubSpot's batch envelope (the `BatchResponse*` schemas of spec/associations-v4.json); `numErrors`/`errors` only when there are errors. */
export function batchEnvelope<T>(
  results: T[],
  errors: readonly SpokeError[],
  startedAt: number,
  completedAt: number,
): BatchEnvelope<T> {
  const body: BatchEnvelope<T> = {
    status: 'COMPLETE',
    results,
    startedAt: isoTimestamp(startedAt),
    completedAt: isoTimestamp(completedAt),
  };
  if (errors.length > 0) {
    body.numErrors = errors.length;
    body.errors = errors.map(standardError);
  }
  return body;
}

/** Sends a batch envelope with the family's status for full or partial success. */
export function sendBatch<T>(
  reply: FastifyReply,
  statuses: BatchStatuses,
  results: T[],
  errors: readonly SpokeError[],
  startedAt: number,
  completedAt: number,
): FastifyReply {
  const status = errors.length > 0 ? statuses.partial : statuses.ok;
  return sendJson(reply, status, batchEnvelope(results, errors, startedAt, completedAt));
}

/** Answers an endpoint that removes things: 204 in v4, an empty batch envelope in the date-versioned families. */
export function sendRemoval(
  reply: FastifyReply,
  family: ApiFamily,
  startedAt: number,
  completedAt: number,
): FastifyReply {
  if (family.removal === 'no-content') return sendNoContent(reply);
  return sendBatch(reply, { ok: 200, partial: 200 }, [], [], startedAt, completedAt);
}
