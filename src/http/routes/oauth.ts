/**
 * GET /oauth/v1/access-tokens/{token}: what a token stands for (portal, user, scopes), as
 * HubSpot answers it. Tokens do not expire in Spoke; `expires_in` reports a fresh token's
 * lifetime (30 minutes).
 * https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/get-oauth-token-metadata
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { accessTokenNotFound } from '../http-errors.js';
import type { Domain } from '../../domain/services.js';
import { sendJson } from '../reply.js';

const TokenParams = Type.Object({ token: Type.String() });
type TokenParams = Static<typeof TokenParams>;

/** Spoke stands in for one app. */
export const SPOKE_APP_ID = 4680;
const TOKEN_LIFETIME_SECONDS = 1800;

export function registerOAuthRoutes(app: FastifyInstance, domain: Domain): void {
  app.get<{ Params: TokenParams }>(
    '/oauth/v1/access-tokens/:token',
    { schema: { params: TokenParams } },
    async (request, reply) => {
      const { token } = request.params;
      const grant = await domain.directory.grantFor(token);
      if (!grant) throw accessTokenNotFound();
      return sendJson(reply, 200, {
        token,
        user: grant.user,
        hub_domain: `portal-${grant.portalId}.spoke.local`,
        scopes: grant.scopes,
        hub_id: grant.portalId,
        app_id: SPOKE_APP_ID,
        expires_in: TOKEN_LIFETIME_SECONDS,
        user_id: grant.userId,
        token_type: 'access',
      });
    },
  );
}
