/**
 * CRM records (objects API v3 and its date-versioned families):
 *   POST {objects}/{objectType}              create (201 SimplePublicObject)
 *   GET  {objects}/{objectType}/{objectId}   read   (200 SimplePublicObjectWithAssociations)
 * where {objects} is /crm/v3/objects or /crm/objects/{version}.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/guide
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { selectProperties } from '../../domain/objects/properties.js';
import { parseRecordId } from '../../domain/record-ids.js';
import type { Domain } from '../../domain/services.js';
import { sendJson } from '../reply.js';
import {
  ListQueryParam,
  ObjectCreateBody,
  associationsJson,
  listParam,
  simplePublicObject,
} from '../wire/objects.js';

const TypeParams = Type.Object({ objectType: Type.String() });
type TypeParams = Static<typeof TypeParams>;
const RecordParams = Type.Object({ objectType: Type.String(), objectId: Type.String() });
type RecordParams = Static<typeof RecordParams>;
const ReadQuery = Type.Object({ properties: ListQueryParam, associations: ListQueryParam });
type ReadQuery = Static<typeof ReadQuery>;

export const OBJECT_PREFIXES = ['/crm/v3/objects', '/crm/objects/2026-03', '/crm/objects/2026-09'] as const;

export function registerObjectRoutes(app: FastifyInstance, domain: Domain, prefix: string): void {
  app.post<{ Params: TypeParams; Body: ObjectCreateBody }>(
    `${prefix}/:objectType`,
    { schema: { params: TypeParams, body: ObjectCreateBody } },
    async (request, reply) => {
      const type = await domain.objectTypes.resolve(request.portalId, request.params.objectType);
      const associations = (request.body.associations ?? []).map((a) => ({
        toId: parseRecordId(a.to.id),
        types: a.types,
      }));
      const row = await domain.objects.create(request.portalId, type, {
        properties: request.body.properties,
        associations,
      });
      return sendJson(reply, 201, simplePublicObject(row));
    },
  );

  app.get<{ Params: RecordParams; Querystring: ReadQuery }>(
    `${prefix}/:objectType/:objectId`,
    { schema: { params: RecordParams, querystring: ReadQuery } },
    async (request, reply) => {
      const type = await domain.objectTypes.resolve(request.portalId, request.params.objectType);
      const row = await domain.objects.get(request.portalId, type, parseRecordId(request.params.objectId));
      const properties = selectProperties(row, listParam(request.query.properties), type.defaultProperties);
      const associations = associationsJson(
        await domain.objects.associationsOf(
          request.portalId,
          row,
          type,
          listParam(request.query.associations),
        ),
      );
      return sendJson(reply, 200, {
        ...simplePublicObject(row, properties),
        ...(associations && { associations }),
      });
    },
  );
}
