/**
 * The admin API's webhooks endpoints, for tests and demos:
 *   POST /_spoke/webhooks/apps            make an app (client secret, developer API key)
 *   GET  /_spoke/webhooks/apps            list apps (?portalId=)
 *   PATCH /_spoke/webhooks/apps/{appId}   change an app's name, secret, signature, settings
 *   DELETE /_spoke/webhooks/apps/{appId}  delete an app, its subscriptions, its pending events
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
import {
  AdminApps,
  checkAppInput,
  CREATE_FIELDS,
  UPDATE_FIELDS,
  type AppInput,
} from '../../domain/webhooks/admin-apps.js';
import type { AppRow } from '../../domain/rows.js';
import { sendJson } from '../reply.js';
import { ADMIN_PREFIX } from './admin.js';

const ListQuery = Type.Object({
  appId: Type.Optional(Type.Integer({ minimum: 1 })),
  portalId: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
});
type ListQuery = Static<typeof ListQuery>;
const AppParams = Type.Object({ appId: Type.Integer({ minimum: 1 }) });
type AppParams = Static<typeof AppParams>;

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

  const apps = new AdminApps(domain.store, domain.clock, () => domain.directory.portalIds());
  // The bodies are checked as sent (no schema: Fastify's would coerce 123 to "123").
  app.post(`${prefix}/apps`, async (request, reply) => {
    const body = checkAppInput(request.body ?? {}, CREATE_FIELDS) as Partial<AppInput>;
    const created = await apps.create({ ...body, portalId: body.portalId ?? DEFAULT_PORTAL_ID });
    return sendJson(reply, 201, appJson(created));
  });

  app.patch<{ Params: AppParams }>(
    `${prefix}/apps/:appId`,
    { schema: { params: AppParams } },
    async (request, reply) => {
      const body = checkAppInput(request.body ?? {}, UPDATE_FIELDS) as Partial<AppInput>;
      return sendJson(reply, 200, appJson(await apps.update(request.params.appId, body)));
    },
  );

  app.delete<{ Params: AppParams }>(
    `${prefix}/apps/:appId`,
    { schema: { params: AppParams } },
    async (request, reply) => {
      await apps.delete(request.params.appId);
      return reply.code(204).send();
    },
  );

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
          // A given-up event has no next attempt; its payload shows the last attemptNumber sent.
          const failed = event.status === 'failed';
          results.push({
            status: event.status,
            attempts: event.attempts,
            nextAttemptAt: event.status === 'pending' ? isoTimestamp(event.nextAttemptAt) : null,
            event: eventPayload(failed ? { ...event, attempts: Math.max(0, event.attempts - 1) } : event),
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
