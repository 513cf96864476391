/**
 * The Associations API v3, over the same store as v4 (docs/decisions.md, "Association types"):
 *   POST /crm/v3/associations/{fromObjectType}/{toObjectType}/batch/create   201 (207 with errors)
 *   POST /crm/v3/associations/{fromObjectType}/{toObjectType}/batch/read     200 (207 with errors)
 *   POST /crm/v3/associations/{fromObjectType}/{toObjectType}/batch/archive  204
 * Types are named as v3 names them: `contact_to_company` (the Primary type where the pair has
 * one, else the unlabeled type), `contact_to_company_unlabeled`, a label's internal name, or
 * a type ID.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AssociationType } from '../../domain/association-types.js';
import { BATCH_LIMITS, checkBatchSize } from '../../domain/batch.js';
import { unknownV3AssociationType } from '../http-errors.js';
import type { ObjectType } from '../../domain/object-types.js';
import { parseRecordId } from '../../domain/record-ids.js';
import type { Domain } from '../../domain/services.js';
import { sendBatch, sendNoContent } from '../reply.js';

const PREFIX = '/crm/v3/associations/:fromObjectType/:toObjectType/batch';

const PairParams = Type.Object({ fromObjectType: Type.String(), toObjectType: Type.String() });
type PairParams = Static<typeof PairParams>;
const Id = Type.Union([Type.String(), Type.Integer()]);
const AssociationInputs = Type.Object({
  inputs: Type.Array(
    Type.Object({ from: Type.Object({ id: Id }), to: Type.Object({ id: Id }), type: Type.String() }),
  ),
});
type AssociationInputs = Static<typeof AssociationInputs>;
const IdInputs = Type.Object({
  inputs: Type.Array(Type.Object({ id: Id, after: Type.Optional(Type.String()) })),
});
type IdInputs = Static<typeof IdInputs>;

/** The types of one direction, by their v3 names and IDs. */
class V3Types {
  constructor(
    private readonly types: readonly AssociationType[],
    private readonly fromType: ObjectType,
    private readonly toType: ObjectType,
  ) {}

  /** `{from}_to_{to}`: the Primary type where there is one, else the unlabeled type. */
  private get plainName(): string {
    return `${this.fromType.singular}_to_${this.toType.singular}`.toLowerCase();
  }

  resolve(name: string): AssociationType {
    const wanted = name.toLowerCase();
    const byName = this.types.find((t) => t.name.toLowerCase() === wanted);
    const found =
      byName ??
      (wanted === this.plainName
        ? (this.types.find((t) => t.primary) ?? this.types.find((t) => t.unlabeled))
        : wanted === `${this.plainName}_unlabeled`
          ? this.types.find((t) => t.unlabeled)
          : /^\d+$/.test(wanted)
            ? this.types.find((t) => t.typeId === Number(wanted))
            : undefined);
    if (found) return found;
    throw unknownV3AssociationType(
      name,
      this.fromType,
      this.toType,
      this.types.map((t) => this.nameOf(t)),
    );
  }

  /**
   * A type's v3 name. Looked up by category and ID together: a portal's labels are numbered
   * apart from HubSpot's own types, so label 1 is not HubSpot's Primary type 1.
   */
  nameOf(wanted: { category: string; typeId: number }): string {
    const type = this.types.find((t) => t.typeId === wanted.typeId && t.category === wanted.category);
    if (type === undefined) return String(wanted.typeId);
    if (type.category !== 'HUBSPOT_DEFINED') return type.name;
    if (type.primary) return this.plainName;
    if (type.unlabeled)
      return this.types.some((t) => t.primary) ? `${this.plainName}_unlabeled` : this.plainName;
    return type.name;
  }
}

/** One v3 input as the domain takes it: the pair, and its type as a spec. */
function pairInput(types: V3Types, input: AssociationInputs['inputs'][number]) {
  const type = types.resolve(input.type);
  return {
    from: parseRecordId(input.from.id),
    to: parseRecordId(input.to.id),
    types: [{ associationCategory: type.category, associationTypeId: type.typeId }],
  };
}

export function registerAssociationsV3Routes(app: FastifyInstance, domain: Domain): void {
  const { associations, clock } = domain;

  async function typesOf(portalId: number, params: PairParams) {
    const [fromType, toType] = await Promise.all([
      domain.objectTypes.resolve(portalId, params.fromObjectType),
      domain.objectTypes.resolve(portalId, params.toObjectType),
    ]);
    const types = new V3Types(await domain.labels.typesFrom(portalId, fromType, toType), fromType, toType);
    return { fromType, toType, types };
  }

  app.post<{ Params: PairParams; Body: AssociationInputs }>(
    `${PREFIX}/create`,
    { schema: { params: PairParams, body: AssociationInputs } },
    async (request, reply) => {
      const startedAt = clock.now();
      checkBatchSize(request.body.inputs.length, BATCH_LIMITS.associationsCreate, 'batch/create');
      const { fromType, toType, types } = await typesOf(request.portalId, request.params);
      const inputs = request.body.inputs.map((i) => ({
        ...pairInput(types, i),
        name: types.nameOf(types.resolve(i.type)),
      }));
      const outcome = await associations.batchCreate(request.portalId, fromType, toType, inputs, 'keep');
      const results = outcome.results.map((r) => ({
        from: { id: String(r.fromObjectId) },
        to: { id: String(r.toObjectId) },
        type: inputs.find((i) => i.from === r.fromObjectId && i.to === r.toObjectId)!.name,
      }));
      return sendBatch(reply, { ok: 201, partial: 207 }, results, outcome.errors, startedAt, clock.now());
    },
  );

  app.post<{ Params: PairParams; Body: IdInputs }>(
    `${PREFIX}/read`,
    { schema: { params: PairParams, body: IdInputs } },
    async (request, reply) => {
      const startedAt = clock.now();
      checkBatchSize(request.body.inputs.length, BATCH_LIMITS.associationsRead, 'batch/read');
      const { fromType, toType, types } = await typesOf(request.portalId, request.params);
      const inputs = request.body.inputs.map((i) => ({
        id: parseRecordId(i.id),
        ...(i.after !== undefined && { after: i.after }),
      }));
      const outcome = await associations.batchRead(request.portalId, fromType, toType, inputs);
      const results = outcome.results.map((r) => ({
        from: { id: String(r.fromId) },
        to: r.to.flatMap((record) =>
          record.associationTypes.map((t) => ({
            id: String(record.toObjectId),
            type: types.nameOf(t),
          })),
        ),
        ...(r.after !== undefined && { paging: { next: { after: r.after } } }),
      }));
      return sendBatch(reply, { ok: 200, partial: 207 }, results, outcome.errors, startedAt, clock.now());
    },
  );

  app.post<{ Params: PairParams; Body: AssociationInputs }>(
    `${PREFIX}/archive`,
    { schema: { params: PairParams, body: AssociationInputs } },
    async (request, reply) => {
      checkBatchSize(request.body.inputs.length, BATCH_LIMITS.associationsOther, 'batch/archive');
      const { fromType, toType, types } = await typesOf(request.portalId, request.params);
      // Removing the unlabeled type removes every type between the pair, as in v4.
      const inputs = request.body.inputs.map((i) => pairInput(types, i));
      await associations.batchArchiveLabels(request.portalId, fromType, toType, inputs);
      return sendNoContent(reply);
    },
  );
}
