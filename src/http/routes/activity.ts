/**
 * The activity feed over HTTP, under /_spoke/ (admin token when configured):
 *
 *   GET /_spoke/activity?after=<seq>&limit=   the buffered events after a sequence number
 *   GET /_spoke/activity/stream               Server-Sent Events: the buffered events after
 *                                             `Last-Event-ID` (or `?after=`), then each new one
 *
 * Events are written in small batches (every STREAM_FLUSH_MS), so a test suite making
 * thousands of requests a second costs the stream a few writes a second. A client that
 * cannot keep up gets a `gap` event saying how many it missed, not an unbounded buffer.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { ActivityEvent, ActivityFeed } from '../../domain/activity/activity-feed.js';
import { sendJson } from '../reply.js';
import { ADMIN_PREFIX } from './admin.js';

const STREAM_FLUSH_MS = 50;
const HEARTBEAT_MS = 15_000;
/** Bytes waiting in a stream's socket beyond which new events are dropped (and counted). */
const MAX_PENDING_BYTES = 1024 * 1024;

const ActivityQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  portalId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
});
type ActivityQuery = Static<typeof ActivityQuery>;

function forPortal(portalId: number | undefined): (event: ActivityEvent) => boolean {
  return portalId === undefined ? () => true : (event) => event.portalId === portalId;
}

function frame(event: ActivityEvent): string {
  return `id: ${event.seq}\nevent: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`;
}

class EventStream {
  #pending: string[] = [];
  #dropped = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(private readonly response: ServerResponse) {
    this.#heartbeat = setInterval(() => this.#write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  send(event: ActivityEvent): void {
    if (this.response.writableLength > MAX_PENDING_BYTES) {
      this.#dropped++;
      return;
    }
    this.#pending.push(frame(event));
    this.#timer ??= setTimeout(() => this.flush(), STREAM_FLUSH_MS);
  }

  flush(): void {
    this.#timer = undefined;
    if (this.#dropped > 0) {
      this.#pending.push(`event: gap\ndata: ${JSON.stringify({ dropped: this.#dropped })}\n\n`);
      this.#dropped = 0;
    }
    if (this.#pending.length > 0) this.#write(this.#pending.join(''));
    this.#pending = [];
  }

  #write(text: string): void {
    if (!this.response.writableEnded) this.response.write(text);
  }

  end(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#heartbeat);
    if (!this.response.writableEnded) this.response.end();
  }
}

export function registerActivityRoutes(app: FastifyInstance, feed: ActivityFeed): void {
  const streams = new Set<EventStream>();
  // A server that closes ends its streams, or it would wait for clients that never leave.
  app.addHook('preClose', (done) => {
    for (const stream of streams) stream.end();
    done();
  });

  app.get<{ Querystring: ActivityQuery }>(
    `${ADMIN_PREFIX}/activity`,
    { schema: { querystring: ActivityQuery } },
    async (request, reply) => {
      const { after, limit, portalId } = request.query;
      const results = feed.recent(after ?? 0).filter(forPortal(portalId));
      return sendJson(reply, 200, { results: results.slice(-(limit ?? 200)), lastSeq: feed.lastSeq });
    },
  );

  app.get<{ Querystring: ActivityQuery }>(
    `${ADMIN_PREFIX}/activity/stream`,
    { schema: { querystring: ActivityQuery } },
    (request, reply) => {
      const lastEventId = Number(request.headers['last-event-id']);
      const after = Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? lastEventId : request.query.after;
      const wanted = forPortal(request.query.portalId);
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const stream = new EventStream(response);
      streams.add(stream);
      response.write(`retry: 2000\n: spoke activity, last event ${feed.lastSeq}\n\n`);
      for (const event of feed.recent(after ?? feed.lastSeq, request.query.limit ?? feed.capacity))
        if (wanted(event)) stream.send(event);
      stream.flush();
      const unsubscribe = feed.subscribe((event) => {
        if (wanted(event)) stream.send(event);
      });
      request.raw.on('close', () => {
        unsubscribe();
        stream.end();
        streams.delete(stream);
      });
    },
  );
}
