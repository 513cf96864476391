/**
 * The admin API's search endpoints (the admin token check of admin.ts covers them):
 *   GET|PUT /_spoke/portals/{portalId}/search/indexing   { lagMs }: the opt-in indexing lag
 *   POST    /_spoke/portals/{portalId}/search/flush      every record written so far is found now
 */
import type { FastifyInstance } from 'fastify';
import { nullableInteger } from '../wire/nullable.js';
import { Type, type Static } from 'typebox';
import type { Domain } from '../../domain/services.js';
import { sendJson } from '../reply.js';
import { ADMIN_PREFIX, PortalParams } from './admin.js';

const LagBody = Type.Object({
  lagMs: nullableInteger(0, 86_400_000),
});
type LagBody = Static<typeof LagBody>;

export function registerAdminSearchRoutes(app: FastifyInstance, domain: Domain): void {
  const base = `${ADMIN_PREFIX}/portals/:portalId/search`;

  app.get<{ Params: PortalParams }>(
    `${base}/indexing`,
    { schema: { params: PortalParams } },
    async (request, reply) => sendJson(reply, 200, await domain.searchLag.state(request.params.portalId)),
  );

  app.put<{ Params: PortalParams; Body: LagBody }>(
    `${base}/indexing`,
    { schema: { params: PortalParams, body: LagBody } },
    async (request, reply) => {
      await domain.searchLag.set(request.params.portalId, request.body.lagMs);
      return sendJson(reply, 200, await domain.searchLag.state(request.params.portalId));
    },
  );

  app.post<{ Params: PortalParams }>(
    `${base}/flush`,
    { schema: { params: PortalParams } },
    async (request, reply) => {
      await domain.searchLag.flush(request.params.portalId);
      return sendJson(reply, 200, await domain.searchLag.state(request.params.portalId));
    },
  );
}
