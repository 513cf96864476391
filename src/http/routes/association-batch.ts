/**
 * Associations v4 batch endpoints, under /crm/v4/associations or /crm/associations/{version}:
 *   POST {prefix}/{fromType}/{toType}/batch/associate/default
 *   POST {prefix}/{fromType}/{toType}/batch/create
 *   POST {prefix}/{fromType}/{toType}/batch/read
 *   POST {prefix}/{fromType}/{toType}/batch/archive
 *   POST {prefix}/{fromType}/{toType}/batch/labels/archive
 *   POST {prefix}/usage/high-usage-report/{userId}
 * Status codes differ per family (decision D1): see families.ts.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { BATCH_LIMITS, checkArchiveTargets, checkBatchSize } from '../../domain/batch.js';
import { parseRecordId } from '../../domain/record-ids.js';
import type { Domain } from '../../domain/services.js';
import type { ApiFamily } from '../families.js';
import { sendBatch, sendJson, sendRemoval } from '../reply.js';
import {
  ArchiveInputs,
  LabeledPairInputs,
  PairInputs,
  ReadInputs,
  ResponseSchemas,
  batchReadResultJson,
  defaultAssociationJson,
  labelsBetweenJson,
  type ArchiveInputsBody,
  type LabeledPairInputsBody,
  type PairInputsBody,
  type ReadInputsBody,
} from '../wire/associations.js';

const TypePairParams = Type.Object({ fromObjectType: Type.String(), toObjectType: Type.String() });
type TypePairParams = Static<typeof TypePairParams>;

const ReportParams = Type.Object({ userId: Type.Integer({ minimum: 0, maximum: 2147483647 }) });
type ReportParams = Static<typeof ReportParams>;

export function registerAssociationBatchRoutes(
  app: FastifyInstance,
  domain: Domain,
  family: ApiFamily,
): void {
  const base = `${family.associationsPrefix}/:fromObjectType/:toObjectType/batch`;
  const { associations, clock } = domain;

  async function resolveTypes(portalId: number, params: TypePairParams) {
    const [fromType, toType] = await Promise.all([
      domain.objectTypes.resolve(portalId, params.fromObjectType),
      domain.objectTypes.resolve(portalId, params.toObjectType),
    ]);
    return { fromType, toType };
  }

  app.post<{ Params: TypePairParams; Body: PairInputsBody }>(
    `${base}/associate/default`,
    { schema: { params: TypePairParams, body: PairInputs, response: ResponseSchemas.defaultAssociations } },
    async (request, reply) => {
      const startedAt = clock.now();
      checkBatchSize(request.body.inputs.length, BATCH_LIMITS.associationsOther, 'batch/associate/default');
      const { fromType, toType } = await resolveTypes(request.portalId, request.params);
      const inputs = request.body.inputs.map((i) => ({
        from: parseRecordId(i.from.id),
        to: parseRecordId(i.to.id),
      }));
      const outcome = await associations.batchCreateDefault(request.portalId, fromType, toType, inputs);
      // The spec has no 207 here: errors travel in a 200 body.
      const results = outcome.results.map(defaultAssociationJson);
      return sendBatch(reply, { ok: 200, partial: 200 }, results, outcome.errors, startedAt, clock.now());
    },
  );

  app.post<{ Params: TypePairParams; Body: LabeledPairInputsBody }>(
    `${base}/create`,
    {
      schema: {
        params: TypePairParams,
        body: LabeledPairInputs,
        response: ResponseSchemas.labelsBetweenBatch,
      },
    },
    async (request, reply) => {
      const startedAt = clock.now();
      checkBatchSize(request.body.inputs.length, BATCH_LIMITS.associationsCreate, 'batch/create');
      const { fromType, toType } = await resolveTypes(request.portalId, request.params);
      const inputs = request.body.inputs.map((i) => ({
        from: parseRecordId(i.from.id),
        to: parseRecordId(i.to.id),
        types: i.types,
      }));
      const outcome = await associations.batchCreate(request.portalId, fromType, toType, inputs);
      const results = outcome.results.map(labelsBetweenJson);
      return sendBatch(reply, family.batchCreate, results, outcome.errors, startedAt, clock.now());
    },
  );

  app.post<{ Params: TypePairParams; Body: ReadInputsBody }>(
    `${base}/read`,
    { schema: { params: TypePairParams, body: ReadInputs, response: ResponseSchemas.batchRead } },
    async (request, reply) => {
      const startedAt = clock.now();
      checkBatchSize(request.body.inputs.length, BATCH_LIMITS.associationsRead, 'batch/read');
      const { fromType, toType } = await resolveTypes(request.portalId, request.params);
      const inputs = request.body.inputs.map((i) => ({
        id: parseRecordId(i.id),
        ...(i.after !== undefined && { after: i.after }),
      }));
      const outcome = await associations.batchRead(request.portalId, fromType, toType, inputs);
      const results = outcome.results.map(batchReadResultJson);
      return sendBatch(reply, family.batchRead, results, outcome.errors, startedAt, clock.now());
    },
  );

  app.post<{ Params: TypePairParams; Body: ArchiveInputsBody }>(
    `${base}/archive`,
    { schema: { params: TypePairParams, body: ArchiveInputs } },
    async (request, reply) => {
      const startedAt = clock.now();
      checkBatchSize(request.body.inputs.length, BATCH_LIMITS.associationsOther, 'batch/archive');
      checkArchiveTargets(request.body.inputs.map((i) => i.to.length));
      const { fromType, toType } = await resolveTypes(request.portalId, request.params);
      const inputs = request.body.inputs.map((i) => ({
        from: parseRecordId(i.from.id),
        to: i.to.map((t) => parseRecordId(t.id)),
      }));
      await associations.batchArchive(request.portalId, fromType, toType, inputs);
      return sendRemoval(reply, family, startedAt, clock.now());
    },
  );

  app.post<{ Params: TypePairParams; Body: LabeledPairInputsBody }>(
    `${base}/labels/archive`,
    { schema: { params: TypePairParams, body: LabeledPairInputs } },
    async (request, reply) => {
      const startedAt = clock.now();
      checkBatchSize(request.body.inputs.length, BATCH_LIMITS.associationsOther, 'batch/labels/archive');
      const { fromType, toType } = await resolveTypes(request.portalId, request.params);
      const inputs = request.body.inputs.map((i) => ({
        from: parseRecordId(i.from.id),
        to: parseRecordId(i.to.id),
        types: i.types,
      }));
      await associations.batchArchiveLabels(request.portalId, fromType, toType, inputs);
      return sendRemoval(reply, family, startedAt, clock.now());
    },
  );

  app.post<{ Params: ReportParams }>(
    `${family.associationsPrefix}/usage/high-usage-report/:userId`,
    { schema: { params: ReportParams } },
    async (request, reply) => {
      const report = await associations.requestHighUsageReport(request.portalId, request.params.userId);
      const value =
        family.dateTimeValue === 'epoch-seconds' ? Math.floor(report.enqueuedAt / 1000) : report.enqueuedAt;
      return sendJson(reply, 200, {
        enqueueTime: { dateOnly: false, timeZoneShift: 0, value },
        userEmail: report.userEmail,
        userId: report.userId,
      });
    },
  );
}
