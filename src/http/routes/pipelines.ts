/**
 * The pipelines API, on /crm/v3/pipelines and the date-versioned /crm/pipelines/2026-03:
 *   GET|POST               /{objectType}                                  list, create (201)
 *   GET|PUT|PATCH|DELETE   /{objectType}/{pipelineId}                     (DELETE 204)
 *   GET                    /{objectType}/{pipelineId}/audit
 *   GET|POST               /{objectType}/{pipelineId}/stages              list, create (201)
 *   GET|PUT|PATCH|DELETE   /{objectType}/{pipelineId}/stages/{stageId}    (DELETE 204)
 *   GET                    /{objectType}/{pipelineId}/stages/{stageId}/audit
 * https://developers.hubspot.com/docs/api-reference/latest/crm/pipelines/guide
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AuditEntry, PipelineDefinition } from '../../domain/catalog/pipeline-catalog.js';
import type { Domain } from '../../domain/services.js';
import { sendJson, sendNoContent } from '../reply.js';

export const PIPELINES_PREFIXES = ['/crm/v3/pipelines', '/crm/pipelines/2026-03'] as const;

/** The spec's `displayOrder` is an int32: a larger one would be stored and answered out of format. */
const DisplayOrder = Type.Integer({ minimum: -2147483648, maximum: 2147483647 });
const Stage = Type.Object(
  {
    label: Type.Optional(Type.String()),
    displayOrder: Type.Optional(DisplayOrder),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    stageId: Type.Optional(Type.String()),
    archived: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);
type Stage = Static<typeof Stage>;
const Pipeline = Type.Object(
  {
    label: Type.Optional(Type.String()),
    displayOrder: Type.Optional(DisplayOrder),
    stages: Type.Optional(Type.Array(Stage)),
    pipelineId: Type.Optional(Type.String()),
    archived: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);
type Pipeline = Static<typeof Pipeline>;
const TypeParams = Type.Object({ objectType: Type.String() });
type TypeParams = Static<typeof TypeParams>;
const PipelineParams = Type.Object({ objectType: Type.String(), pipelineId: Type.String() });
type PipelineParams = Static<typeof PipelineParams>;
const StageParams = Type.Object({
  objectType: Type.String(),
  pipelineId: Type.String(),
  stageId: Type.String(),
});
type StageParams = Static<typeof StageParams>;
const DeleteQuery = Type.Object({
  validateReferencesBeforeDelete: Type.Optional(Type.Boolean()),
  validateDealStageUsagesBeforeDelete: Type.Optional(Type.Boolean()),
});
type DeleteQuery = Static<typeof DeleteQuery>;

/** `Pipeline`: without the audit trail, which has endpoints of its own. */
function pipelineJson(p: PipelineDefinition) {
  const { audit: _audit, ...rest } = p;
  return rest;
}

/** `PublicAuditInfo` */
function auditJson(portalId: number, entry: AuditEntry) {
  return { portalId, ...entry };
}

/** References are checked unless the client turns it off (docs/decisions.md, "Properties, pipelines and owners"). */
const checkReferences = (q: DeleteQuery) =>
  q.validateReferencesBeforeDelete !== false && q.validateDealStageUsagesBeforeDelete !== false;

export function registerPipelineRoutes(app: FastifyInstance, domain: Domain): void {
  const { pipelines } = domain;
  const typeOf = (request: FastifyRequest<{ Params: TypeParams }>) =>
    domain.objectTypes.resolve(request.portalId, request.params.objectType);

  for (const prefix of PIPELINES_PREFIXES) {
    const one = `${prefix}/:objectType/:pipelineId`;
    const stage = `${one}/stages/:stageId`;

    app.get<{ Params: TypeParams }>(
      `${prefix}/:objectType`,
      { schema: { params: TypeParams } },
      async (request, reply) => {
        const list = await pipelines.list(request.portalId, await typeOf(request));
        return sendJson(reply, 200, { results: list.map(pipelineJson) });
      },
    );

    app.post<{ Params: TypeParams; Body: Pipeline }>(
      `${prefix}/:objectType`,
      { schema: { params: TypeParams, body: Pipeline } },
      async (request, reply) => {
        const created = await pipelines.create(request.portalId, await typeOf(request), request.body);
        return sendJson(reply, 201, pipelineJson(created));
      },
    );

    app.get<{ Params: PipelineParams }>(
      one,
      { schema: { params: PipelineParams } },
      async (request, reply) => {
        const found = await pipelines.get(request.portalId, await typeOf(request), request.params.pipelineId);
        return sendJson(reply, 200, pipelineJson(found));
      },
    );

    for (const method of ['put', 'patch'] as const) {
      app[method]<{ Params: PipelineParams; Body: Pipeline; Querystring: DeleteQuery }>(
        one,
        { schema: { params: PipelineParams, body: Pipeline, querystring: DeleteQuery } },
        async (request, reply) => {
          const type = await typeOf(request);
          const updated = await pipelines.update(
            request.portalId,
            type,
            request.params.pipelineId,
            request.body,
            method === 'put',
            checkReferences(request.query),
          );
          return sendJson(reply, 200, pipelineJson(updated));
        },
      );
    }

    app.delete<{ Params: PipelineParams; Querystring: DeleteQuery }>(
      one,
      { schema: { params: PipelineParams, querystring: DeleteQuery } },
      async (request, reply) => {
        const type = await typeOf(request);
        await pipelines.remove(
          request.portalId,
          type,
          request.params.pipelineId,
          checkReferences(request.query),
        );
        return sendNoContent(reply);
      },
    );

    app.get<{ Params: PipelineParams }>(
      `${one}/audit`,
      { schema: { params: PipelineParams } },
      async (request, reply) => {
        const entries = await pipelines.audit(
          request.portalId,
          await typeOf(request),
          request.params.pipelineId,
        );
        return sendJson(reply, 200, { results: entries.map((e) => auditJson(request.portalId, e)) });
      },
    );

    app.get<{ Params: PipelineParams }>(
      `${one}/stages`,
      { schema: { params: PipelineParams } },
      async (request, reply) => {
        const found = await pipelines.get(request.portalId, await typeOf(request), request.params.pipelineId);
        return sendJson(reply, 200, { results: found.stages });
      },
    );

    app.post<{ Params: PipelineParams; Body: Stage }>(
      `${one}/stages`,
      { schema: { params: PipelineParams, body: Stage } },
      async (request, reply) => {
        const type = await typeOf(request);
        const created = await pipelines.createStage(
          request.portalId,
          type,
          request.params.pipelineId,
          request.body,
        );
        return sendJson(reply, 201, created);
      },
    );

    app.get<{ Params: StageParams }>(stage, { schema: { params: StageParams } }, async (request, reply) => {
      const { pipelineId, stageId } = request.params;
      return sendJson(
        reply,
        200,
        await pipelines.stage(request.portalId, await typeOf(request), pipelineId, stageId),
      );
    });

    for (const method of ['put', 'patch'] as const) {
      app[method]<{ Params: StageParams; Body: Stage }>(
        stage,
        { schema: { params: StageParams, body: Stage } },
        async (request, reply) => {
          const { pipelineId, stageId } = request.params;
          const type = await typeOf(request);
          const updated = await pipelines.updateStage(
            request.portalId,
            type,
            pipelineId,
            stageId,
            request.body,
            method === 'put',
          );
          return sendJson(reply, 200, updated);
        },
      );
    }

    app.delete<{ Params: StageParams; Querystring: DeleteQuery }>(
      stage,
      { schema: { params: StageParams, querystring: DeleteQuery } },
      async (request, reply) => {
        const { pipelineId, stageId } = request.params;
        const type = await typeOf(request);
        await pipelines.removeStage(
          request.portalId,
          type,
          pipelineId,
          stageId,
          checkReferences(request.query),
        );
        return sendNoContent(reply);
      },
    );

    app.get<{ Params: StageParams }>(
      `${stage}/audit`,
      { schema: { params: StageParams } },
      async (request, reply) => {
        const { pipelineId, stageId } = request.params;
        const entries = await pipelines.audit(request.portalId, await typeOf(request), pipelineId, stageId);
        return sendJson(reply, 200, { results: entries.map((e) => auditJson(request.portalId, e)) });
      },
    );
  }
}
