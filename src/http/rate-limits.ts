/**
 * HubSpot's rate limits on the wire: counts every authenticated API request (after
 * bearer-token authentication, before anything else runs), answers HubSpot's 429 when a
 * limit is reached, and puts HubSpot's X-HubSpot-RateLimit-* headers on every response of a
 * portal with limits. Requests to paths Spoke does not serve count too (a search Spoke does
 * not implement yet is still limited, then answers 404), as they would at HubSpot.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { rateLimited } from './http-errors.js';
import type { TokenDirectory } from '../domain/portals.js';
import type { RateLimiter, RateVerdict } from '../domain/rate-limits/rate-limiter.js';
import { TEN_SECONDLY_WINDOW_MS } from '../domain/rate-limits/tiers.js';
import { bearerToken } from './auth.js';

/**
 * The headers of HubSpot's usage guidelines. Search responses carry none (HubSpot sends
 * only the correlation ID there), and OAuth calls (the public-app tier) no daily ones.
 */
function setHeaders(reply: FastifyReply, verdict: RateVerdict): void {
  if (verdict.search) return;
  const { policy } = verdict;
  if (policy.dailyHeaders && policy.daily !== null) {
    reply.header('X-HubSpot-RateLimit-Daily', String(policy.daily));
    reply.header(
      'X-HubSpot-RateLimit-Daily-Remaining',
      String(Math.max(0, policy.daily - verdict.dailyUsed)),
    );
  }
  if (policy.tenSecondly !== null) {
    reply.header('X-HubSpot-RateLimit-Interval-Milliseconds', String(TEN_SECONDLY_WINDOW_MS));
    reply.header('X-HubSpot-RateLimit-Max', String(policy.tenSecondly));
    reply.header(
      'X-HubSpot-RateLimit-Remaining',
      String(Math.max(0, policy.tenSecondly - verdict.tenSecondlyUsed)),
    );
  }
}

export function registerRateLimits(
  app: FastifyInstance,
  limiter: RateLimiter,
  tokens: TokenDirectory,
  prefixes: readonly string[],
): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (!prefixes.some((p) => path.startsWith(p))) return;
    const token = bearerToken(request);
    if (token === undefined) return;
    let portalId = request.portalId;
    if (request.routeOptions.url === undefined) {
      // No route: authentication skipped it, and the token decides the portal here.
      portalId = (await tokens.grantFor(token))?.portalId ?? 0;
      request.portalId = portalId;
    }
    if (portalId === 0) return;
    const verdict = await limiter.count({ portalId, token, method: request.method, path });
    if (!verdict) return;
    setHeaders(reply, verdict);
    if (verdict.refused !== null) {
      throw rateLimited(verdict.refused);
    }
  });
}
