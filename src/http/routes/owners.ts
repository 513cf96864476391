/**
 * The owners API, on /crm/v3/owners and the date-versioned /crm/owners/2026-03:
 *   GET /            list (email, after, limit (default 100), archived)
 *   GET /{ownerId}   one owner, by `id` or `userId` (idProperty), archived or not
 * Owners are made through the admin API (admin-catalog.ts) and fixtures.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/owners/guide
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Domain } from '../../domain/services.js';
import { sendJson } from '../reply.js';

export const OWNERS_PREFIXES = ['/crm/v3/owners', '/crm/owners/2026-03'] as const;

const ListQuery = Type.Object({
  email: Type.Optional(Type.String()),
  after: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
  archived: Type.Optional(Type.Boolean()),
});
type ListQuery = Static<typeof ListQuery>;
const OwnerParams = Type.Object({ ownerId: Type.String() });
type OwnerParams = Static<typeof OwnerParams>;
const OwnerQuery = Type.Object({
  idProperty: Type.Optional(Type.Union([Type.Literal('id'), Type.Literal('userId')])),
  archived: Type.Optional(Type.Boolean()),
});
type OwnerQuery = Static<typeof OwnerQuery>;

export function registerOwnerRoutes(app: FastifyInstance, domain: Domain): void {
  for (const prefix of OWNERS_PREFIXES) {
    app.get<{ Querystring: ListQuery }>(
      prefix,
      { schema: { querystring: ListQuery } },
      async (request, reply) => {
        const { email, after, limit, archived } = request.query;
        const page = await domain.owners.list(request.portalId, {
          email,
          after,
          limit: limit ?? 100,
          archived: archived ?? false,
        });
        const url = `${prefix}?${new URLSearchParams({ ...(email !== undefined && { email }), after: page.after ?? '' })}`;
        return sendJson(reply, 200, {
          results: page.results,
          ...(page.after !== undefined && { paging: { next: { after: page.after, link: url } } }),
        });
      },
    );

    app.get<{ Params: OwnerParams; Querystring: OwnerQuery }>(
      `${prefix}/:ownerId`,
      { schema: { params: OwnerParams, querystring: OwnerQuery } },
      async (request, reply) => {
        const { idProperty, archived } = request.query;
        const owner = await domain.owners.get(
          request.portalId,
          request.params.ownerId,
          idProperty ?? 'id',
          archived ?? false,
        );
        return sendJson(reply, 200, owner);
      },
    );
  }
}
