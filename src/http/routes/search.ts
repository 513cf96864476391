/**
 * CRM search, for every object type and path family:
 *   POST {objects}/{objectType}/search
 * where {objects} is /crm/v3/objects or /crm/objects/{2025-09|2026-03|2026-09}.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm
 * The request is read as HubSpot reads it (domain/search/search-request.ts), so the body is
 * not checked by a schema here.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { selectProperties } from '../../domain/objects/properties.js';
import type { Domain } from '../../domain/services.js';
import { sendJson } from '../reply.js';
import { simplePublicObject } from '../wire/objects.js';
import type { ObjectsFamily } from './objects.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** A search's body as sent, for where in it an error is (decision D83); app.ts keeps it. */
    searchBodyText?: string;
  }
}

/** Whether a request is a search, whose body text is kept (app.ts). */
export const isSearchUrl = (url: string): boolean => /\/search(\?|$)/.test(url);

const TypeParams = Type.Object({ objectType: Type.String() });
type TypeParams = Static<typeof TypeParams>;

export function registerSearchRoutes(app: FastifyInstance, domain: Domain, family: ObjectsFamily): void {
  app.post<{ Params: TypeParams; Body: unknown }>(
    `${family.prefix}/:objectType/search`,
    { schema: { params: TypeParams } },
    async (request, reply) => {
      const found = await domain.search.search(
        request.portalId,
        request.params.objectType,
        request.body,
        request.searchBodyText,
      );
      const requested = found.requested ? found.properties : [];
      const results = found.rows.map((row) =>
        simplePublicObject(row, { properties: selectProperties(row, requested, found.properties) }),
      );
      const body: { total: number; results: unknown[]; paging?: { next: { after: string } } } = {
        total: found.total,
        results,
      };
      if (found.after !== undefined) body.paging = { next: { after: String(found.after) } };
      return sendJson(reply, 200, body);
    },
  );
}
