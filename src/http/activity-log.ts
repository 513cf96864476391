/**
 * The request log as an activity source: every request Spoke answers (but the web UI's own
 * reads) is published to the activity feed with its status, portal, duration and, for a
 * successful write, the IDs of the records it touched, read off the path and the response.
 *
 * This is the feed's publisher until the store's change feed exists (issue 15); it costs a
 * few microseconds per request, and reading IDs stops at MAX_RECORD_IDS.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_RECORD_IDS, type ActivityPublisher } from '../domain/activity/activity-feed.js';
import { redactUrl } from './request-log.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Record IDs a write touched, read off its path and response (activity-log.ts). */
    touchedRecordIds: string[] | undefined;
  }
}

const ADMIN = '/_spoke/';
/** IDs in HubSpot's response bodies: records, association ends, batch inputs. */
const ID_IN_BODY = /"(?:id|toObjectId|fromObjectId|objectId)":"?(\d{1,20})"?/g;
/** Requests that only read, though they are POSTs. */
const READ_ONLY_POST = /\/(?:batch\/read|search|high-usage-report\/[^/]+)$/;

function isWrite(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  return !(method === 'POST' && READ_ONLY_POST.test(path));
}

/** The UI's own reads and streams would drown everything else out. */
function isLogged(method: string, path: string): boolean {
  if (!path.startsWith(ADMIN)) return true;
  return method !== 'GET' && method !== 'HEAD';
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function idsOf(request: FastifyRequest, payload: unknown): string[] {
  const ids = new Set<string>();
  const params = request.params as Record<string, unknown> | undefined;
  for (const key of ['objectId', 'toObjectId']) {
    const value = params?.[key];
    if (value !== undefined && /^\d+$/.test(String(value))) ids.add(String(value));
  }
  if (typeof payload === 'string') {
    ID_IN_BODY.lastIndex = 0;
    for (let match = ID_IN_BODY.exec(payload); match; match = ID_IN_BODY.exec(payload)) {
      ids.add(match[1]!);
      if (ids.size > MAX_RECORD_IDS) break;
    }
  }
  return [...ids];
}

export function registerActivityLog(app: FastifyInstance, publisher: ActivityPublisher): void {
  app.decorateRequest('touchedRecordIds', undefined);

  app.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode < 300 && isWrite(request.method, pathOf(request.url)))
      request.touchedRecordIds = idsOf(request, payload);
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const path = pathOf(request.url);
    if (isLogged(request.method, path)) {
      const ids = request.touchedRecordIds ?? [];
      const params = request.params as { portalId?: unknown } | undefined;
      const portalId = request.portalId || Number(params?.portalId) || null;
      publisher.publish({
        kind: 'request',
        method: request.method,
        path: redactUrl(path),
        status: reply.statusCode,
        portalId: Number.isSafeInteger(portalId) ? portalId : null,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        write: isWrite(request.method, path),
        recordIds: ids.slice(0, MAX_RECORD_IDS),
        moreRecords: ids.length > MAX_RECORD_IDS,
      });
    }
    done();
  });
}
