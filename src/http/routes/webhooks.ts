/**
 * HubSpot's webhooks API v3: an app's settings (target URL, throttling) and its event
 * subscriptions.
 *   GET|PUT|DELETE /webhooks/v3/{appId}/settings
 *   GET|POST       /webhooks/v3/{appId}/subscriptions
 *   POST           /webhooks/v3/{appId}/subscriptions/batch/update
 *   GET|PATCH|DELETE /webhooks/v3/{appId}/subscriptions/{subscriptionId}
 * Credentials: the app's developer API key as `?hapikey=` (what HubSpot documents), or a
 * bearer token of the portal the app belongs to.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { isoTimestamp } from '../../domain/clock.js';
import { SpokeError } from '../../domain/errors.js';
import { appWithoutSettings, invalidWebhookField } from '../../domain/webhooks/webhook-errors.js';
import type { Domain } from '../../domain/services.js';
import type { AppRow, SubscriptionRow } from '../../domain/rows.js';
import { bearerToken } from '../auth.js';
import { batchEnvelope, sendJson, sendNoContent } from '../reply.js';

const AppParams = Type.Object({ appId: Type.Integer({ minimum: 1 }) });
type AppParams = Static<typeof AppParams>;
const SubscriptionParams = Type.Object({
  appId: Type.Integer({ minimum: 1 }),
  subscriptionId: Type.Integer({ minimum: 1 }),
});
type SubscriptionParams = Static<typeof SubscriptionParams>;
const Credentials = Type.Object({ hapikey: Type.Optional(Type.String()) });
type Credentials = Static<typeof Credentials>;
const SettingsBody = Type.Object({
  targetUrl: Type.String(),
  throttling: Type.Object({
    maxConcurrentRequests: Type.Integer(),
    period: Type.Optional(Type.String()),
  }),
});
type SettingsBody = Static<typeof SettingsBody>;
const CreateBody = Type.Object({
  eventType: Type.String(),
  propertyName: Type.Optional(Type.String()),
  objectTypeId: Type.Optional(Type.String()),
  eventTypeName: Type.Optional(Type.String({ maxLength: 500 })),
  active: Type.Optional(Type.Boolean()),
});
type CreateBody = Static<typeof CreateBody>;
const PatchBody = Type.Object({ active: Type.Optional(Type.Boolean()) });
type PatchBody = Static<typeof PatchBody>;
const BatchBody = Type.Object({
  inputs: Type.Array(Type.Object({ id: Type.Integer(), active: Type.Boolean() }), { maxItems: 1000 }),
});
type BatchBody = Static<typeof BatchBody>;

/**
 * `active` checked as sent, on create, PATCH and batch update alike: the schema would coerce
 * null to false (pausing a subscription the client did not mean to) and "true" to true.
 */
function activeAsSent(bodies: unknown): void {
  if (!Array.isArray(bodies)) return;
  for (const body of bodies) {
    const active = (body as { active?: unknown } | null | undefined)?.active;
    if (active !== undefined && typeof active !== 'boolean')
      throw invalidWebhookField({ field: 'active', expected: 'true or false' });
  }
}

export function subscriptionJson(s: SubscriptionRow) {
  return {
    id: String(s.id),
    eventType: s.eventType,
    ...(s.propertyName !== null && { propertyName: s.propertyName }),
    ...(s.objectTypeId !== null && { objectTypeId: s.objectTypeId }),
    ...(s.eventTypeName !== null && { eventTypeName: s.eventTypeName }),
    active: s.active,
    createdAt: isoTimestamp(s.createdAt),
    updatedAt: isoTimestamp(s.updatedAt),
  };
}

function settingsJson(app: AppRow) {
  return {
    targetUrl: app.targetUrl ?? '',
    throttling: { maxConcurrentRequests: app.maxConcurrentRequests, period: 'SECONDLY' },
    createdAt: isoTimestamp(app.settingsCreatedAt ?? app.createdAt),
    ...(app.settingsUpdatedAt !== null && { updatedAt: isoTimestamp(app.settingsUpdatedAt) }),
  };
}

export function registerWebhookRoutes(app: FastifyInstance, domain: Domain): void {
  const { webhooks, directory } = domain;
  const base = '/webhooks/v3/:appId';

  async function appOf(request: FastifyRequest<{ Params: AppParams; Querystring: Credentials }>) {
    const token = bearerToken(request);
    const grant = token === undefined ? undefined : await directory.grantFor(token);
    return webhooks.authorizedApp(request.params.appId, {
      ...(request.query.hapikey !== undefined && { hapikey: request.query.hapikey }),
      ...(grant && { portalId: grant.portalId }),
    });
  }

  app.get<{ Params: AppParams; Querystring: Credentials }>(
    `${base}/settings`,
    { schema: { params: AppParams, querystring: Credentials } },
    async (request, reply) => {
      const found = await appOf(request);
      if (found.targetUrl === null) {
        throw appWithoutSettings({ appId: found.appId });
      }
      return sendJson(reply, 200, settingsJson(found));
    },
  );

  app.put<{ Params: AppParams; Querystring: Credentials; Body: SettingsBody }>(
    `${base}/settings`,
    {
      schema: { params: AppParams, querystring: Credentials, body: SettingsBody },
      // Spoke throttles by requests in flight only: another period would be ignored silently.
      preValidation: async (request) => {
        const period = (request.body as { throttling?: { period?: unknown } } | undefined)?.throttling
          ?.period;
        if (period !== undefined && period !== 'SECONDLY')
          throw invalidWebhookField({ field: 'throttling.period', expected: '"SECONDLY" (or absent)' });
      },
    },
    async (request, reply) => {
      const found = await appOf(request);
      const { targetUrl, throttling } = request.body;
      return sendJson(
        reply,
        200,
        settingsJson(await webhooks.configure(found, targetUrl, throttling.maxConcurrentRequests)),
      );
    },
  );

  app.delete<{ Params: AppParams; Querystring: Credentials }>(
    `${base}/settings`,
    { schema: { params: AppParams, querystring: Credentials } },
    async (request, reply) => {
      await webhooks.clearSettings(await appOf(request));
      return sendNoContent(reply);
    },
  );

  app.get<{ Params: AppParams; Querystring: Credentials }>(
    `${base}/subscriptions`,
    { schema: { params: AppParams, querystring: Credentials } },
    async (request, reply) => {
      const subscriptions = await webhooks.listSubscriptions(await appOf(request));
      return sendJson(reply, 200, { results: subscriptions.map(subscriptionJson) });
    },
  );

  app.post<{ Params: AppParams; Querystring: Credentials; Body: CreateBody }>(
    `${base}/subscriptions`,
    {
      schema: { params: AppParams, querystring: Credentials, body: CreateBody },
      preValidation: async (request) => activeAsSent([request.body]),
    },
    async (request, reply) => {
      const { eventType, propertyName, objectTypeId, eventTypeName, active } = request.body;
      const created = await webhooks.createSubscription(await appOf(request), {
        eventType,
        ...(propertyName !== undefined && { propertyName }),
        ...(objectTypeId !== undefined && { objectTypeId }),
        ...(eventTypeName !== undefined && { eventTypeName }),
        ...(active !== undefined && { active }),
      });
      return sendJson(reply, 201, subscriptionJson(created));
    },
  );

  app.post<{ Params: AppParams; Querystring: Credentials; Body: BatchBody }>(
    `${base}/subscriptions/batch/update`,
    {
      schema: { params: AppParams, querystring: Credentials, body: BatchBody },
      preValidation: async (request) =>
        activeAsSent((request.body as { inputs?: unknown } | undefined)?.inputs),
    },
    async (request, reply) => {
      const found = await appOf(request);
      const startedAt = domain.clock.now();
      const results: SubscriptionRow[] = [];
      const errors: SpokeError[] = [];
      // An ID given twice is one subscription, set as its last input says (one row back).
      const inputs = new Map<number, (typeof request.body.inputs)[number]>();
      for (const input of request.body.inputs) inputs.set(input.id, input);
      for (const input of inputs.values()) {
        try {
          results.push(await webhooks.setActive(found, input.id, input.active));
        } catch (error) {
          if (!(error instanceof SpokeError)) throw error;
          errors.push(error);
        }
      }
      const body = batchEnvelope(results.map(subscriptionJson), errors, startedAt, domain.clock.now());
      return sendJson(reply, errors.length > 0 ? 207 : 200, body);
    },
  );

  app.get<{ Params: SubscriptionParams; Querystring: Credentials }>(
    `${base}/subscriptions/:subscriptionId`,
    { schema: { params: SubscriptionParams, querystring: Credentials } },
    async (request, reply) => {
      const found = await appOf(request);
      return sendJson(
        reply,
        200,
        subscriptionJson(await webhooks.getSubscription(found, request.params.subscriptionId)),
      );
    },
  );

  app.patch<{ Params: SubscriptionParams; Querystring: Credentials; Body: PatchBody }>(
    `${base}/subscriptions/:subscriptionId`,
    {
      schema: { params: SubscriptionParams, querystring: Credentials, body: PatchBody },
      preValidation: async (request) => activeAsSent([request.body]),
    },
    async (request, reply) => {
      const found = await appOf(request);
      const id = request.params.subscriptionId;
      const current = await webhooks.getSubscription(found, id);
      const updated = await webhooks.setActive(found, id, request.body.active ?? current.active);
      return sendJson(reply, 200, subscriptionJson(updated));
    },
  );

  app.delete<{ Params: SubscriptionParams; Querystring: Credentials }>(
    `${base}/subscriptions/:subscriptionId`,
    { schema: { params: SubscriptionParams, querystring: Credentials } },
    async (request, reply) => {
      await webhooks.deleteSubscription(await appOf(request), request.params.subscriptionId);
      return sendNoContent(reply);
    },
  );
}
