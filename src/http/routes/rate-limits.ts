/**
 * Admin API for HubSpot's rate limits (README "Rate limits"): a portal's policy, the default
 * for every portal, and clearing what was counted. Policies and counts live in the store,
 * so they hold for every Spoke process on the database.
 */
import type { FastifyInstance } from 'fastify';
import { nullableInteger } from '../wire/nullable.js';
import { Type, type Static } from 'typebox';
import { ALL_PORTALS, type RateLimiter } from '../../domain/rate-limits/rate-limiter.js';
import { settingsOf, TIERS } from '../../domain/rate-limits/tiers.js';
import { sendJson, sendNoContent } from '../reply.js';
import { ADMIN_PREFIX } from './admin.js';

const PortalParams = Type.Object({ portalId: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
type PortalParams = Static<typeof PortalParams>;
/** A count, or null for no limit (a null read as 0 would be a limit that refuses everything). */
const Limit = Type.Optional(nullableInteger(0, 1_000_000_000));
export const RateLimitBody = Type.Object({
  tier: Type.String(),
  timeZone: Type.Optional(Type.String()),
  tenSecondly: Limit,
  daily: Limit,
  searchPerSecond: Limit,
});
type RateLimitBody = Static<typeof RateLimitBody>;
const UsageBody = Type.Object({ daily: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }) });
type UsageBody = Static<typeof UsageBody>;

function withoutUndefined(body: RateLimitBody) {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as RateLimitBody;
}

export function registerRateLimitRoutes(app: FastifyInstance, limiter: RateLimiter): void {
  app.get(`${ADMIN_PREFIX}/rate-limits`, async (_request, reply) =>
    sendJson(reply, 200, { results: (await limiter.list()).map(settingsOf), tiers: TIERS }),
  );

  app.put<{ Body: RateLimitBody }>(
    `${ADMIN_PREFIX}/rate-limits`,
    { schema: { body: RateLimitBody } },
    async (request, reply) =>
      sendJson(reply, 200, settingsOf(await limiter.set(ALL_PORTALS, withoutUndefined(request.body)))),
  );

  app.delete(`${ADMIN_PREFIX}/rate-limits`, async (_request, reply) => {
    await limiter.remove(ALL_PORTALS);
    return sendNoContent(reply);
  });

  app.get<{ Params: PortalParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/rate-limits`,
    { schema: { params: PortalParams } },
    async (request, reply) => {
      const policy = await limiter.policyOf(request.params.portalId);
      return sendJson(
        reply,
        200,
        policy
          ? {
              ...settingsOf(policy),
              portalId: request.params.portalId,
              inherited: policy.portalId === ALL_PORTALS,
            }
          : { portalId: request.params.portalId, tier: 'off', inherited: true },
      );
    },
  );

  app.put<{ Params: PortalParams; Body: RateLimitBody }>(
    `${ADMIN_PREFIX}/portals/:portalId/rate-limits`,
    { schema: { params: PortalParams, body: RateLimitBody } },
    async (request, reply) =>
      sendJson(
        reply,
        200,
        settingsOf(await limiter.set(request.params.portalId, withoutUndefined(request.body))),
      ),
  );

  app.delete<{ Params: PortalParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/rate-limits`,
    { schema: { params: PortalParams } },
    async (request, reply) => {
      await limiter.remove(request.params.portalId);
      return sendNoContent(reply);
    },
  );

  app.put<{ Params: PortalParams; Body: UsageBody }>(
    `${ADMIN_PREFIX}/portals/:portalId/rate-limits/usage`,
    { schema: { params: PortalParams, body: UsageBody } },
    async (request, reply) => {
      const { portalId } = request.params;
      const { day, used } = await limiter.setDailyUsage(portalId, request.body.daily);
      return sendJson(reply, 200, { portalId, day, daily: used });
    },
  );

  app.delete<{ Params: PortalParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/rate-limits/usage`,
    { schema: { params: PortalParams } },
    async (request, reply) => {
      await limiter.clearUsage(request.params.portalId);
      return sendNoContent(reply);
    },
  );
}
