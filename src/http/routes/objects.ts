/**
 * CRM records (objects API v3 and its date-versioned families), for every object type:
 *   GET    {objects}/{objectType}                     list (keyset pages)
 *   POST   {objects}/{objectType}                     create
 *   GET    {objects}/{objectType}/{objectId}          read
 *   PATCH  {objects}/{objectType}/{objectId}          update
 *   DELETE {objects}/{objectType}/{objectId}          archive
 *   POST   {objects}/{objectType}/batch/{create|read|update|upsert|archive}
 *   POST   /crm/v3/objects/{objectType}/merge, /crm/v3/objects/contacts/gdpr-delete
 * where {objects} is /crm/v3/objects or /crm/objects/{2025-09|2026-03|2026-09}.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/guide
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { BATCH_LIMITS, checkBatchSize } from '../../domain/batch.js';
import type { ObjectType } from '../../domain/object-types.js';
import { OBJECT_PAGE_DEFAULT, type WrittenObject } from '../../domain/objects/object-service.js';
import { selectProperties } from '../../domain/objects/properties.js';
import { findStandardObjectType } from '../../domain/object-types.js';
import { parseRecordId } from '../../domain/record-ids.js';
import type { Domain } from '../../domain/services.js';
import type { ObjectRow } from '../../domain/rows.js';
import type { BatchStatuses } from '../families.js';
import { nextPage, type NextPage } from '../paging.js';
import { sendBatch, sendJson, sendNoContent } from '../reply.js';
import {
  BatchArchiveBody,
  BatchCreateBody,
  BatchReadBody,
  BatchUpdateBody,
  GdprDeleteBody,
  ListQueryParam,
  MergeBody,
  ObjectCreateBody,
  ObjectUpdateBody,
  listParam,
  simplePublicObject,
} from '../wire/objects.js';

/** The objects API's path families and their batch status codes (decision D1). */
export interface ObjectsFamily {
  readonly prefix: string;
  readonly batchCreate: BatchStatuses;
  readonly batchWrite: BatchStatuses;
}

export const OBJECT_FAMILIES: readonly ObjectsFamily[] = [
  {
    prefix: '/crm/v3/objects',
    batchCreate: { ok: 201, partial: 207 },
    batchWrite: { ok: 200, partial: 207 },
  },
  {
    prefix: '/crm/objects/2025-09',
    batchCreate: { ok: 201, partial: 207 },
    batchWrite: { ok: 200, partial: 207 },
  },
  {
    prefix: '/crm/objects/2026-03',
    batchCreate: { ok: 201, partial: 207 },
    batchWrite: { ok: 200, partial: 207 },
  },
  // The 2026-09 spec lists no 207: errors travel in the success body.
  {
    prefix: '/crm/objects/2026-09',
    batchCreate: { ok: 201, partial: 201 },
    batchWrite: { ok: 200, partial: 200 },
  },
];

const TypeParams = Type.Object({ objectType: Type.String() });
type TypeParams = Static<typeof TypeParams>;
const RecordParams = Type.Object({ objectType: Type.String(), objectId: Type.String() });
type RecordParams = Static<typeof RecordParams>;

const ReadQuery = Type.Object({
  properties: ListQueryParam,
  propertiesWithHistory: ListQueryParam,
  associations: ListQueryParam,
  archived: Type.Optional(Type.Boolean()),
  idProperty: Type.Optional(Type.String()),
});
type ReadQuery = Static<typeof ReadQuery>;
const ListQuery = Type.Object({
  properties: ListQueryParam,
  propertiesWithHistory: ListQueryParam,
  associations: ListQueryParam,
  archived: Type.Optional(Type.Boolean()),
  after: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
});
type ListQuery = Static<typeof ListQuery>;
const IdPropertyQuery = Type.Object({ idProperty: Type.Optional(Type.String()) });
type IdPropertyQuery = Static<typeof IdPropertyQuery>;
const ArchivedQuery = Type.Object({ archived: Type.Optional(Type.Boolean()) });
type ArchivedQuery = Static<typeof ArchivedQuery>;

interface ReadShape {
  properties: string[];
  propertiesWithHistory: string[];
  associations: string[];
}

export function registerObjectRoutes(app: FastifyInstance, domain: Domain, family: ObjectsFamily): void {
  const { objects, clock } = domain;
  const prefix = family.prefix;

  const resolve = (request: FastifyRequest<{ Params: TypeParams }>) =>
    domain.objectTypes.resolve(request.portalId, request.params.objectType);

  /** A record as a read returns it: selected properties, history and associations. */
  async function readJson(portalId: number, type: ObjectType, row: ObjectRow, shape: ReadShape) {
    return simplePublicObject(row, {
      properties: selectProperties(row, shape.properties, type.defaultProperties),
      history: await objects.history(portalId, row, shape.propertiesWithHistory),
      associations: await objects.associationsOf(portalId, row, type, shape.associations),
    });
  }

  function writtenJson(written: WrittenObject) {
    const json = simplePublicObject(written.row, { objectWriteTraceId: written.objectWriteTraceId });
    if (written.created !== undefined) json.new = written.created;
    return json;
  }

  app.get<{ Params: TypeParams; Querystring: ListQuery }>(
    `${prefix}/:objectType`,
    { schema: { params: TypeParams, querystring: ListQuery } },
    async (request, reply) => {
      const type = await resolve(request);
      const { query } = request;
      const limit = query.limit ?? OBJECT_PAGE_DEFAULT;
      const page = await objects.list(request.portalId, type, query.after, limit, query.archived ?? false);
      const shape = {
        properties: listParam(query.properties),
        propertiesWithHistory: listParam(query.propertiesWithHistory),
        associations: listParam(query.associations),
      };
      const results = [];
      for (const row of page.rows) results.push(await readJson(request.portalId, type, row, shape));
      const body: { results: unknown[]; paging?: NextPage } = { results };
      if (page.after !== undefined) body.paging = nextPage(request, page.after, limit);
      return sendJson(reply, 200, body);
    },
  );

  app.post<{ Params: TypeParams; Body: ObjectCreateBody }>(
    `${prefix}/:objectType`,
    { schema: { params: TypeParams, body: ObjectCreateBody } },
    async (request, reply) => {
      const type = await resolve(request);
      const row = await objects.create(request.portalId, type, {
        properties: request.body.properties,
        associations: (request.body.associations ?? []).map((a) => ({
          toId: parseRecordId(a.to.id),
          types: a.types,
        })),
      });
      return sendJson(reply, 201, simplePublicObject(row));
    },
  );

  app.get<{ Params: RecordParams; Querystring: ReadQuery }>(
    `${prefix}/:objectType/:objectId`,
    { schema: { params: RecordParams, querystring: ReadQuery } },
    async (request, reply) => {
      const type = await resolve(request);
      const { query } = request;
      const key = { id: request.params.objectId, idProperty: query.idProperty };
      const row = await objects.get(request.portalId, type, key, query.archived ?? false);
      const json = await readJson(request.portalId, type, row, {
        properties: listParam(query.properties),
        propertiesWithHistory: listParam(query.propertiesWithHistory),
        associations: listParam(query.associations),
      });
      return sendJson(reply, 200, json);
    },
  );

  app.patch<{ Params: RecordParams; Querystring: IdPropertyQuery; Body: ObjectUpdateBody }>(
    `${prefix}/:objectType/:objectId`,
    { schema: { params: RecordParams, querystring: IdPropertyQuery, body: ObjectUpdateBody } },
    async (request, reply) => {
      const type = await resolve(request);
      const row = await objects.update(request.portalId, type, {
        id: request.params.objectId,
        idProperty: request.query.idProperty,
        properties: request.body.properties,
      });
      return sendJson(reply, 200, simplePublicObject(row));
    },
  );

  app.delete<{ Params: RecordParams }>(
    `${prefix}/:objectType/:objectId`,
    { schema: { params: RecordParams } },
    async (request, reply) => {
      const type = await resolve(request);
      await objects.archive(request.portalId, type, [{ id: request.params.objectId }]);
      return sendNoContent(reply);
    },
  );

  app.post<{ Params: TypeParams; Body: BatchCreateBody }>(
    `${prefix}/:objectType/batch/create`,
    { schema: { params: TypeParams, body: BatchCreateBody } },
    async (request, reply) => {
      const startedAt = clock.now();
      checkBatchSize(request.body.inputs.length, BATCH_LIMITS.objects, 'batch/create');
      const type = await resolve(request);
      const inputs = request.body.inputs.map((input) => ({
        properties: input.properties,
        associations: (input.associations ?? []).map((a) => ({
          toId: parseRecordId(a.to.id),
          types: a.types,
        })),
        ...(input.objectWriteTraceId !== undefined && { objectWriteTraceId: input.objectWriteTraceId }),
      }));
      const outcome = await objects.batchCreate(request.portalId, type, inputs);
      return sendBatch(
        reply,
        family.batchCreate,
        outcome.results.map(writtenJson),
        outcome.errors,
        startedAt,
        clock.now(),
      );
    },
  );

  app.post<{ Params: TypeParams; Querystring: ArchivedQuery; Body: BatchReadBody }>(
    `${prefix}/:objectType/batch/read`,
    { schema: { params: TypeParams, querystring: ArchivedQuery, body: BatchReadBody } },
    async (request, reply) => {
      const startedAt = clock.now();
      const { body } = request;
      checkBatchSize(body.inputs.length, BATCH_LIMITS.objects, 'batch/read');
      const type = await resolve(request);
      const keys = body.inputs.map((i) => ({ id: String(i.id), idProperty: body.idProperty }));
      const outcome = await objects.batchRead(
        request.portalId,
        type,
        keys,
        request.query.archived ?? false,
        body.idProperty,
      );
      const shape = {
        properties: body.properties ?? [],
        propertiesWithHistory: body.propertiesWithHistory ?? [],
        associations: [],
      };
      const results = [];
      for (const row of outcome.results) results.push(await readJson(request.portalId, type, row, shape));
      return sendBatch(reply, family.batchWrite, results, outcome.errors, startedAt, clock.now());
    },
  );

  for (const operation of ['update', 'upsert'] as const) {
    app.post<{ Params: TypeParams; Body: BatchUpdateBody }>(
      `${prefix}/:objectType/batch/${operation}`,
      { schema: { params: TypeParams, body: BatchUpdateBody } },
      async (request, reply) => {
        const startedAt = clock.now();
        checkBatchSize(request.body.inputs.length, BATCH_LIMITS.objects, `batch/${operation}`);
        const type = await resolve(request);
        const inputs = request.body.inputs.map((i) => ({ ...i, id: String(i.id) }));
        const outcome =
          operation === 'update'
            ? await objects.batchUpdate(request.portalId, type, inputs)
            : await objects.batchUpsert(request.portalId, type, inputs);
        return sendBatch(
          reply,
          family.batchWrite,
          outcome.results.map(writtenJson),
          outcome.errors,
          startedAt,
          clock.now(),
        );
      },
    );
  }

  app.post<{ Params: TypeParams; Body: BatchArchiveBody }>(
    `${prefix}/:objectType/batch/archive`,
    { schema: { params: TypeParams, body: BatchArchiveBody } },
    async (request, reply) => {
      checkBatchSize(request.body.inputs.length, BATCH_LIMITS.objects, 'batch/archive');
      const type = await resolve(request);
      await objects.archive(
        request.portalId,
        type,
        request.body.inputs.map((i) => ({ id: String(i.id) })),
      );
      return sendNoContent(reply);
    },
  );
}

/**
 * Merge and GDPR delete: v3 only, as HubSpot's specs have them. Merge is served for every
 * object type at `/crm/v3/objects/{objectType}/merge` (HubSpot's custom-objects reference;
 * contacts, companies, deals and tickets have it in their own specs), with the same rules.
 */
export function registerRecordLifecycleRoutes(app: FastifyInstance, domain: Domain): void {
  app.post<{ Params: TypeParams; Body: MergeBody }>(
    '/crm/v3/objects/:objectType/merge',
    { schema: { params: TypeParams, body: MergeBody } },
    async (request, reply) => {
      const type = await domain.objectTypes.resolve(request.portalId, request.params.objectType);
      const row = await domain.objects.merge(
        request.portalId,
        type,
        String(request.body.primaryObjectId),
        String(request.body.objectIdToMerge),
      );
      return sendJson(reply, 200, simplePublicObject(row));
    },
  );
  const contacts = findStandardObjectType('contacts')!;
  app.post<{ Body: GdprDeleteBody }>(
    '/crm/v3/objects/contacts/gdpr-delete',
    { schema: { body: GdprDeleteBody } },
    async (request, reply) => {
      await domain.objects.gdprDelete(request.portalId, contacts, {
        id: String(request.body.objectId),
        idProperty: request.body.idProperty,
      });
      return sendNoContent(reply);
    },
  );
}
