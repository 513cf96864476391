/**
 * Associations v4, one record at a time:
 *   PUT    {records}/{fromType}/{fromId}/associations/default/{toType}/{toId}   create default
 *   PUT    {records}/{type}/{id}/associations/{toType}/{toId}                   create labeled
 *   GET    {records}/{type}/{id}/associations/{toType}                          list
 *   DELETE {records}/{type}/{id}/associations/{toType}/{toId}                   remove all
 * where {records} is /crm/v4/objects or /crm/objects/{version}.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associate-records/guide
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { LIST_PAGE_MAX } from '../../domain/associations/association-reads.js';
import { parseRecordId } from '../../domain/record-ids.js';
import type { Domain } from '../../domain/services.js';
import type { ApiFamily } from '../families.js';
import { nextPage, type NextPage } from '../paging.js';
import { batchEnvelope, sendJson, sendNoContent } from '../reply.js';
import {
  AssociationSpecList,
  ResponseSchemas,
  associatedRecordJson,
  defaultAssociationJson,
  labelsBetweenJson,
} from '../wire/associations.js';

const PairParams = Type.Object({
  objectType: Type.String(),
  objectId: Type.String(),
  toObjectType: Type.String(),
  toObjectId: Type.String(),
});
type PairParams = Static<typeof PairParams>;

const ListParams = Type.Object({
  objectType: Type.String(),
  objectId: Type.String(),
  toObjectType: Type.String(),
});
type ListParams = Static<typeof ListParams>;

const ListQuery = Type.Object({
  after: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ default: LIST_PAGE_MAX })),
});
type ListQuery = Static<typeof ListQuery>;

export function registerAssociationRecordRoutes(
  app: FastifyInstance,
  domain: Domain,
  family: ApiFamily,
): void {
  const base = `${family.recordsPrefix}/:objectType/:objectId/associations`;

  async function resolvePair(portalId: number, params: PairParams) {
    const [fromType, toType] = await Promise.all([
      domain.objectTypes.resolve(portalId, params.objectType),
      domain.objectTypes.resolve(portalId, params.toObjectType),
    ]);
    return {
      fromType,
      fromId: parseRecordId(params.objectId),
      toType,
      toId: parseRecordId(params.toObjectId),
    };
  }

  app.put<{ Params: PairParams }>(
    `${base}/default/:toObjectType/:toObjectId`,
    { schema: { params: PairParams, response: ResponseSchemas.defaultAssociations } },
    async (request, reply) => {
      const startedAt = domain.clock.now();
      const { fromType, fromId, toType, toId } = await resolvePair(request.portalId, request.params);
      const results = await domain.associations.createDefault(
        request.portalId,
        fromType,
        fromId,
        toType,
        toId,
      );
      const body = batchEnvelope(results.map(defaultAssociationJson), [], startedAt, domain.clock.now());
      return sendJson(reply, 200, body);
    },
  );

  app.put<{ Params: PairParams; Body: Static<typeof AssociationSpecList> }>(
    `${base}/:toObjectType/:toObjectId`,
    { schema: { params: PairParams, body: AssociationSpecList, response: ResponseSchemas.labelsBetween } },
    async (request, reply) => {
      const { fromType, fromId, toType, toId } = await resolvePair(request.portalId, request.params);
      const result = await domain.associations.putLabels(
        request.portalId,
        fromType,
        fromId,
        toType,
        toId,
        request.body,
      );
      return sendJson(reply, 201, labelsBetweenJson(result));
    },
  );

  app.delete<{ Params: PairParams }>(
    `${base}/:toObjectType/:toObjectId`,
    { schema: { params: PairParams } },
    async (request, reply) => {
      const { fromType, fromId, toType, toId } = await resolvePair(request.portalId, request.params);
      await domain.associations.removeAll(request.portalId, fromType, fromId, toType, toId);
      return sendNoContent(reply);
    },
  );

  if (!family.hasList) return;

  app.get<{ Params: ListParams; Querystring: ListQuery }>(
    `${base}/:toObjectType`,
    { schema: { params: ListParams, querystring: ListQuery, response: ResponseSchemas.page } },
    async (request, reply) => {
      const { portalId, params, query } = request;
      const [fromType, toType] = await Promise.all([
        domain.objectTypes.resolve(portalId, params.objectType),
        domain.objectTypes.resolve(portalId, params.toObjectType),
      ]);
      const fromId = parseRecordId(params.objectId);
      const limit = query.limit ?? LIST_PAGE_MAX;
      const page = await domain.associations.list(portalId, fromType, fromId, toType, query.after, limit);
      const body: { results: unknown[]; paging?: NextPage } = {
        results: page.results.map(associatedRecordJson),
      };
      if (page.after !== undefined) body.paging = nextPage(request, page.after, limit);
      return sendJson(reply, 200, body);
    },
  );
}
