/**
 * The admin API's webhooks endpoints, for tests and demos:
 *   POST /_spoke/webhooks/apps            make an app (client secret, developer API key)
 *   GET  /_spoke/webhooks/apps            list apps (?portalId=)
 *   GET  /_spoke/webhooks/deliveries      delivery attempts: status, response code, timing, body
 *   GET  /_spoke/webhooks/events          the outbox: each event, its attempts and status
 *   POST /_spoke/webhooks/flush           deliver everything due now and wait until done; prune
 *   POST /_spoke/webhooks/pause, /resume  stop and restart automatic delivery in this process
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { isoTimestamp } from '../../domain/clock.js';
import { DEFAULT_PORTAL_ID } from '../../domain/portals.js';
import type { Domain } from '../../domain/services.js';
import type { WebhookDispatcher } from '../../domain/webhooks/webhook-dispatcher.js';
import { eventPayload } from '../../domain/webhooks/webhook-dispatcher.js';
import type { AppRow } from '../../domain/rows.js';
import { sendJson } from '../reply.js';
import { ADMIN_PREFIX } from './admin.js';

const NewApp = Type.Object({
  portalId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  targetUrl: Type.Optional(Type.String()),
  maxConcurrentRequests: Type.Optional(Type.Integer()),
  signatureVersion: Type.Optional(Type.Union([Type.Literal('v1'), Type.Literal('v2')])),
});
type NewApp = Static<typeof NewApp>;
const ListQuery = Type.Object({
  appId: Type.Optional(Type.Integer({ minimum: 1 })),
  portalId: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
});
type ListQuery = Static<typeof ListQuery>;

function appJson(app: AppRow) {
  return {
    appId: app.appId,
    portalId: app.portalId,
    name: app.name,
    clientSecret: app.clientSecret,
    developerApiKey: app.developerApiKey,
    targetUrl: app.targetUrl,
    maxConcurrentRequests: app.maxConcurrentRequests,
    signatureVersion: app.signatureVersion,
    createdAt: isoTimestamp(app.createdAt),
  };
}

export function registerWebhookAdminRoutes(
  app: FastifyInstance,
  domain: Domain,
  dispatcher: WebhookDispatcher,
): void {
  const prefix = `${ADMIN_PREFIX}/webhooks`;
  const { webhooks } = domain;

  app.post<{ Body: NewApp }>(`${prefix}/apps`, { schema: { body: NewApp } }, async (request, reply) => {
    const { portalId, ...rest } = request.body;
    const created = await webhooks.createApp({ portalId: portalId ?? DEFAULT_PORTAL_ID, ...rest });
    return sendJson(reply, 201, appJson(created));
  });

  app.get<{ Querystring: ListQuery }>(
    `${prefix}/apps`,
    { schema: { querystring: ListQuery } },
    async (request, reply) =>
      sendJson(reply, 200, { results: (await webhooks.listApps(request.query.portalId)).map(appJson) }),
  );

  app.get<{ Querystring: ListQuery }>(
    `${prefix}/deliveries`,
    { schema: { querystring: ListQuery } },
    async (request, reply) => {
      const attempts = await webhooks.listAttempts(request.query.appId, request.query.limit ?? 1000);
      return sendJson(reply, 200, {
        results: attempts.map((a) => ({ ...a, startedAt: isoTimestamp(a.startedAt) })),
      });
    },
  );

  app.get<{ Querystring: ListQuery }>(
    `${prefix}/events`,
    { schema: { querystring: ListQuery } },
    async (request, reply) => {
      const appId = request.query.appId;
      const apps = appId === undefined ? await webhooks.listApps() : [await webhooks.getApp(appId)];
      const limit = request.query.limit ?? 1000;
      const results = [];
      for (const one of apps) {
        for (const event of await webhooks.listEvents(one.appId, limit)) {
          results.push({
            status: event.status,
            attempts: event.attempts,
            nextAttemptAt: isoTimestamp(event.nextAttemptAt),
            event: eventPayload(event),
          });
        }
      }
      return sendJson(reply, 200, { results: results.slice(0, limit) });
    },
  );

  app.post(`${prefix}/flush`, async (_request, reply) => {
    const { tried, pruned } = await dispatcher.flush();
    return sendJson(reply, 200, { tried, pruned, ...(await webhooks.pending()) });
  });

  app.post(`${prefix}/pause`, async (_request, reply) => {
    dispatcher.pause();
    return sendJson(reply, 200, { paused: true });
  });

  app.post(`${prefix}/resume`, async (_request, reply) => {
    dispatcher.resume();
    return sendJson(reply, 200, { paused: false });
  });
}
