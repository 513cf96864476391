/**
 * The associations schema API: labels and limits, under every schema prefix
 * (/crm/v4/associations, /crm/associations/v4, /crm/associations/{version}):
 *   GET|POST|PUT {prefix}/{fromType}/{toType}/labels
 *   DELETE       {prefix}/{fromType}/{toType}/labels/{associationTypeId}
 *   GET          {prefix}/definitions/configurations/all
 *   GET          {prefix}/definitions/configurations/{fromType}/{toType}
 *   POST         {prefix}/definitions/configurations/{fromType}/{toType}/batch/{create|update|purge}
 * https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associations-schema/guide
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { LimitView } from '../../domain/associations/limit-service.js';
import { ASSOCIATION_CATEGORIES } from '../../domain/association-types.js';
import { BATCH_LIMITS, checkBatchSize } from '../../domain/batch.js';
import type { Domain } from '../../domain/services.js';
import type { ApiFamily } from '../families.js';
import { sendBatch, sendJson, sendNoContent, sendRemoval } from '../reply.js';

const PairParams = Type.Object({ fromObjectType: Type.String(), toObjectType: Type.String() });
type PairParams = Static<typeof PairParams>;
const LabelParams = Type.Object({
  fromObjectType: Type.String(),
  toObjectType: Type.String(),
  associationTypeId: Type.Integer({ minimum: 0, maximum: 2147483647 }),
});
type LabelParams = Static<typeof LabelParams>;

const CreateLabelBody = Type.Object({
  name: Type.String(),
  label: Type.String(),
  inverseLabel: Type.Optional(Type.String()),
});
type CreateLabelBody = Static<typeof CreateLabelBody>;
const UpdateLabelBody = Type.Object({
  associationTypeId: Type.Integer(),
  label: Type.String(),
  inverseLabel: Type.Optional(Type.String()),
});
type UpdateLabelBody = Static<typeof UpdateLabelBody>;

const Category = Type.Union(ASSOCIATION_CATEGORIES.map((c) => Type.Literal(c)));
const LimitInputs = Type.Object({
  inputs: Type.Array(
    Type.Object({ category: Category, typeId: Type.Integer(), maxToObjectIds: Type.Integer() }),
  ),
});
type LimitInputs = Static<typeof LimitInputs>;
const PurgeInputs = Type.Object({
  inputs: Type.Array(Type.Object({ category: Type.String(), typeId: Type.Integer() })),
});
type PurgeInputs = Static<typeof PurgeInputs>;

/** `PublicAssociationDefinitionUserConfiguration` */
function configurationJson(view: LimitView) {
  return {
    category: view.category,
    typeId: view.typeId,
    label: view.label,
    userEnforcedMaxToObjectIds: view.maxToObjectIds,
  };
}

/** `PublicAssociationDefinitionConfigurationUpdateResult` */
function updateResultJson(view: LimitView) {
  return { category: view.category, typeId: view.typeId, userEnforcedMaxToObjectIds: view.maxToObjectIds };
}

export function registerAssociationSchemaRoutes(
  app: FastifyInstance,
  domain: Domain,
  family: ApiFamily,
): void {
  const { labels, limits, clock } = domain;

  async function resolvePair(portalId: number, params: PairParams) {
    const [fromType, toType] = await Promise.all([
      domain.objectTypes.resolve(portalId, params.fromObjectType),
      domain.objectTypes.resolve(portalId, params.toObjectType),
    ]);
    return { fromType, toType };
  }

  for (const prefix of family.schemaPrefixes) {
    const labelsPath = `${prefix}/:fromObjectType/:toObjectType/labels`;
    const configurations = `${prefix}/definitions/configurations`;

    app.get<{ Params: PairParams }>(
      labelsPath,
      { schema: { params: PairParams } },
      async (request, reply) => {
        const { fromType, toType } = await resolvePair(request.portalId, request.params);
        return sendJson(reply, 200, { results: await labels.list(request.portalId, fromType, toType) });
      },
    );

    app.post<{ Params: PairParams; Body: CreateLabelBody }>(
      labelsPath,
      { schema: { params: PairParams, body: CreateLabelBody } },
      async (request, reply) => {
        const { fromType, toType } = await resolvePair(request.portalId, request.params);
        const created = await labels.create(request.portalId, fromType, toType, request.body);
        return sendJson(reply, 200, { results: created });
      },
    );

    app.put<{ Params: PairParams; Body: UpdateLabelBody }>(
      labelsPath,
      { schema: { params: PairParams, body: UpdateLabelBody } },
      async (request, reply) => {
        const { fromType, toType } = await resolvePair(request.portalId, request.params);
        await labels.update(request.portalId, fromType, toType, request.body);
        return sendNoContent(reply);
      },
    );

    app.delete<{ Params: LabelParams }>(
      `${labelsPath}/:associationTypeId`,
      { schema: { params: LabelParams } },
      async (request, reply) => {
        const { fromType, toType } = await resolvePair(request.portalId, request.params);
        await labels.remove(request.portalId, fromType, toType, request.params.associationTypeId);
        return sendNoContent(reply);
      },
    );

    app.get(`${configurations}/all`, async (request, reply) => {
      const views = await limits.listAll(request.portalId);
      return sendJson(reply, 200, { results: views.map(configurationJson) });
    });

    app.get<{ Params: PairParams }>(
      `${configurations}/:fromObjectType/:toObjectType`,
      { schema: { params: PairParams } },
      async (request, reply) => {
        const { fromType, toType } = await resolvePair(request.portalId, request.params);
        const views = await limits.listPair(request.portalId, fromType, toType);
        return sendJson(reply, 200, { results: views.map(configurationJson) });
      },
    );

    for (const mode of ['create', 'update'] as const) {
      app.post<{ Params: PairParams; Body: LimitInputs }>(
        `${configurations}/:fromObjectType/:toObjectType/batch/${mode}`,
        { schema: { params: PairParams, body: LimitInputs } },
        async (request, reply) => {
          const startedAt = clock.now();
          checkBatchSize(request.body.inputs.length, BATCH_LIMITS.limitsConfigurations, `batch/${mode}`);
          const { fromType, toType } = await resolvePair(request.portalId, request.params);
          const outcome = await limits.write(request.portalId, fromType, toType, request.body.inputs, mode);
          const statuses = mode === 'create' ? family.limitsCreate : family.limitsUpdate;
          const shape = mode === 'create' ? configurationJson : updateResultJson;
          return sendBatch(
            reply,
            statuses,
            outcome.results.map(shape),
            outcome.errors,
            startedAt,
            clock.now(),
          );
        },
      );
    }

    app.post<{ Params: PairParams; Body: PurgeInputs }>(
      `${configurations}/:fromObjectType/:toObjectType/batch/purge`,
      { schema: { params: PairParams, body: PurgeInputs } },
      async (request, reply) => {
        const startedAt = clock.now();
        checkBatchSize(request.body.inputs.length, BATCH_LIMITS.limitsConfigurations, 'batch/purge');
        const { fromType, toType } = await resolvePair(request.portalId, request.params);
        await limits.purge(request.portalId, fromType, toType, request.body.inputs);
        return sendRemoval(reply, family, startedAt, clock.now());
      },
    );
  }
}
