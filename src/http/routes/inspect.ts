/**
 * The read API of Spoke's web UI, under /_spoke/ with the rest of the admin API (and its
 * admin token, when one is configured): portals with their counts, pages of records, a
 * record with its property history and grouped associations, a record's neighbourhood as
 * a graph, and the use of each association type against its limit. README "Web UI".
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ASSOCIATION_CATEGORIES } from '../../domain/association-types.js';
import { decodeCursor } from '../../domain/cursor.js';
import { PER_TYPE_DEFAULT } from '../../domain/inspect/neighbourhood.js';
import { GROUP_PAGE } from '../../domain/inspect/record-view.js';
import type { Domain } from '../../domain/services.js';
import { sendJson } from '../reply.js';
import { ADMIN_PREFIX } from './admin.js';

const PortalId = Type.Integer({ minimum: 1, maximum: 2147483647 });
const RecordId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Limit = (max: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max }));

const PortalParams = Type.Object({ portalId: PortalId });
type PortalParams = Static<typeof PortalParams>;
const TypeParams = Type.Object({ portalId: PortalId, objectType: Type.String({ minLength: 1 }) });
type TypeParams = Static<typeof TypeParams>;
const RecordParams = Type.Object({ portalId: PortalId, objectId: RecordId });
type RecordParams = Static<typeof RecordParams>;
const GroupParams = Type.Object({
  portalId: PortalId,
  objectId: RecordId,
  toObjectType: Type.String({ minLength: 1 }),
});
type GroupParams = Static<typeof GroupParams>;

const PageQuery = Type.Object({ after: Type.Optional(Type.String()), limit: Limit(100) });
type PageQuery = Static<typeof PageQuery>;
const GroupQuery = Type.Object({
  category: Type.Optional(Type.Union(ASSOCIATION_CATEGORIES.map((c) => Type.Literal(c)))),
  typeId: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647 })),
  after: Type.Optional(Type.String()),
  limit: Limit(100),
});
type GroupQuery = Static<typeof GroupQuery>;
const GraphQuery = Type.Object({
  depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 })),
  perType: Limit(100),
});
type GraphQuery = Static<typeof GraphQuery>;
const NeighboursQuery = Type.Object({
  after: Type.Optional(Type.String()),
  shown: Type.Optional(Type.Integer({ minimum: 0 })),
  perType: Limit(100),
});
type NeighboursQuery = Static<typeof NeighboursQuery>;

export function registerInspectRoutes(app: FastifyInstance, domain: Domain): void {
  const { inspect } = domain;

  app.get(`${ADMIN_PREFIX}/overview`, async (_request, reply) =>
    sendJson(reply, 200, { results: await inspect.portals.list() }),
  );

  app.get<{ Params: PortalParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/overview`,
    { schema: { params: PortalParams } },
    async (request, reply) => sendJson(reply, 200, await inspect.portals.detail(request.params.portalId)),
  );

  app.get<{ Params: TypeParams; Querystring: PageQuery }>(
    `${ADMIN_PREFIX}/portals/:portalId/objects/:objectType`,
    { schema: { params: TypeParams, querystring: PageQuery } },
    async (request, reply) => {
      const { portalId, objectType } = request.params;
      const { after, limit } = request.query;
      return sendJson(reply, 200, await inspect.records.list(portalId, objectType, after, limit ?? 25));
    },
  );

  app.get<{ Params: RecordParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/records/:objectId`,
    { schema: { params: RecordParams } },
    async (request, reply) =>
      sendJson(reply, 200, await inspect.records.record(request.params.portalId, request.params.objectId)),
  );

  app.get<{ Params: GroupParams; Querystring: GroupQuery }>(
    `${ADMIN_PREFIX}/portals/:portalId/records/:objectId/associations/:toObjectType`,
    { schema: { params: GroupParams, querystring: GroupQuery } },
    async (request, reply) => {
      const { portalId, objectId, toObjectType } = request.params;
      const { category, typeId, after, limit } = request.query;
      const type = category !== undefined && typeId !== undefined ? { category, typeId } : undefined;
      return sendJson(
        reply,
        200,
        await inspect.records.group(portalId, objectId, toObjectType, type, after, limit ?? GROUP_PAGE),
      );
    },
  );

  app.get<{ Params: RecordParams; Querystring: GraphQuery }>(
    `${ADMIN_PREFIX}/portals/:portalId/graph/:objectId`,
    { schema: { params: RecordParams, querystring: GraphQuery } },
    async (request, reply) => {
      const { portalId, objectId } = request.params;
      const { depth, perType } = request.query;
      return sendJson(
        reply,
        200,
        await inspect.graph.around(portalId, objectId, depth === 2 ? 2 : 1, perType ?? PER_TYPE_DEFAULT),
      );
    },
  );

  app.get<{ Params: GroupParams; Querystring: NeighboursQuery }>(
    `${ADMIN_PREFIX}/portals/:portalId/graph/:objectId/neighbours/:toObjectType`,
    { schema: { params: GroupParams, querystring: NeighboursQuery } },
    async (request, reply) => {
      const { portalId, objectId, toObjectType } = request.params;
      const { after, shown, perType } = request.query;
      const graph = await inspect.graph.neighbours(
        portalId,
        objectId,
        toObjectType,
        decodeCursor(after) ?? 0,
        perType ?? PER_TYPE_DEFAULT,
        shown ?? 0,
      );
      return sendJson(reply, 200, graph);
    },
  );

  app.get<{ Params: PortalParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/association-usage`,
    { schema: { params: PortalParams } },
    async (request, reply) => sendJson(reply, 200, await inspect.usage.report(request.params.portalId)),
  );
}
