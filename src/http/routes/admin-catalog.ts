/**
 * The admin API's catalog endpoints (the admin token check of admin.ts covers them):
 *   GET|POST  /_spoke/portals/{portalId}/owners            list, make or update (201/200)
 *   DELETE    /_spoke/portals/{portalId}/owners/{ownerId}  archive (204)
 *   GET|PUT   /_spoke/portals/{portalId}/settings          { propertyValidation: strict|lenient }
 */
import type { FastifyInstance } from 'fastify';
import { nullableInteger } from '../wire/nullable.js';
import { Type, type Static } from 'typebox';
import type { Domain } from '../../domain/services.js';
import { sendJson, sendNoContent } from '../reply.js';
import { ADMIN_PREFIX, PortalParams } from './admin.js';

const OwnerParams = Type.Object({
  portalId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  ownerId: Type.String(),
});
type OwnerParams = Static<typeof OwnerParams>;
const OwnerBody = Type.Object({
  id: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
  email: Type.String(),
  firstName: Type.Optional(Type.String()),
  lastName: Type.Optional(Type.String()),
  userId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  type: Type.Optional(Type.String()),
  teams: Type.Optional(
    Type.Array(
      Type.Object({ id: Type.String(), name: Type.String(), primary: Type.Optional(Type.Boolean()) }),
    ),
  ),
});
type OwnerBody = Static<typeof OwnerBody>;
const SettingsBody = Type.Object({
  propertyValidation: Type.Optional(
    Type.Union([Type.Literal('strict'), Type.Literal('lenient'), Type.Null()]),
  ),
  /** Search's indexing lag (admin-search.ts shows it). */
  searchIndexingLagMs: Type.Optional(nullableInteger(0, 86_400_000)),
});
type SettingsBody = Static<typeof SettingsBody>;

export function registerAdminCatalogRoutes(app: FastifyInstance, domain: Domain): void {
  const portal = `${ADMIN_PREFIX}/portals/:portalId`;

  app.get<{ Params: PortalParams }>(
    `${portal}/owners`,
    { schema: { params: PortalParams } },
    async (request, reply) => {
      const page = await domain.owners.list(request.params.portalId, { limit: 500, archived: false });
      return sendJson(reply, 200, { results: page.results });
    },
  );

  app.post<{ Params: PortalParams; Body: OwnerBody }>(
    `${portal}/owners`,
    { schema: { params: PortalParams, body: OwnerBody } },
    async (request, reply) => {
      const { owner, created } = await domain.owners.put(request.params.portalId, request.body);
      return sendJson(reply, created ? 201 : 200, owner);
    },
  );

  app.delete<{ Params: OwnerParams }>(
    `${portal}/owners/:ownerId`,
    { schema: { params: OwnerParams } },
    async (request, reply) => {
      await domain.owners.archive(request.params.portalId, request.params.ownerId);
      return sendNoContent(reply);
    },
  );

  app.get<{ Params: PortalParams }>(
    `${portal}/settings`,
    { schema: { params: PortalParams } },
    async (request, reply) => sendJson(reply, 200, await domain.settings.get(request.params.portalId)),
  );

  app.put<{ Params: PortalParams; Body: SettingsBody }>(
    `${portal}/settings`,
    { schema: { params: PortalParams, body: SettingsBody } },
    async (request, reply) => {
      await domain.settings.set(request.params.portalId, request.body);
      return sendJson(reply, 200, await domain.settings.get(request.params.portalId));
    },
  );
}
