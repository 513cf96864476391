/**
 * Associations v4 bodies on the wire: request schemas (validated by Fastify) and the
 * functions that shape domain results into HubSpot's response models. Record IDs leave as
 * strings (decision D2); object types as `0-N` IDs (decision D7).
 */
import { Type, type Static, type TSchema } from 'typebox';
import type {
  AssociatedRecord,
  BatchReadResult,
  DefaultAssociation,
  LabelsBetween,
} from '../../domain/associations/association-io.js';
import { ASSOCIATION_CATEGORIES } from '../../domain/association-types.js';

/** An ID as clients send it: a string, or an integer (decision D2). */
export const IdValue = Type.Union([Type.String(), Type.Integer()]);

export const AssociationSpecSchema = Type.Object({
  associationCategory: Type.Union(ASSOCIATION_CATEGORIES.map((c) => Type.Literal(c))),
  associationTypeId: Type.Integer(),
});

export const AssociationSpecList = Type.Array(AssociationSpecSchema);

export const PublicObjectId = Type.Object({ id: IdValue });

export const PairInputs = Type.Object({
  inputs: Type.Array(Type.Object({ from: PublicObjectId, to: PublicObjectId })),
});
export type PairInputsBody = Static<typeof PairInputs>;

export const LabeledPairInputs = Type.Object({
  inputs: Type.Array(Type.Object({ from: PublicObjectId, to: PublicObjectId, types: AssociationSpecList })),
});
export type LabeledPairInputsBody = Static<typeof LabeledPairInputs>;

export const ArchiveInputs = Type.Object({
  inputs: Type.Array(Type.Object({ from: PublicObjectId, to: Type.Array(PublicObjectId) })),
});
export type ArchiveInputsBody = Static<typeof ArchiveInputs>;

export const ReadInputs = Type.Object({
  inputs: Type.Array(Type.Object({ id: IdValue, after: Type.Optional(Type.String()) })),
});
export type ReadInputsBody = Static<typeof ReadInputs>;

export function defaultAssociationJson(result: DefaultAssociation) {
  return {
    from: { id: String(result.fromId) },
    to: { id: String(result.toId) },
    associationSpec: result.spec,
  };
}

export function labelsBetweenJson(result: LabelsBetween) {
  return {
    fromObjectTypeId: result.fromObjectTypeId,
    fromObjectId: String(result.fromObjectId),
    toObjectTypeId: result.toObjectTypeId,
    toObjectId: String(result.toObjectId),
    labels: result.labels,
  };
}

export function associatedRecordJson(record: AssociatedRecord) {
  return { toObjectId: String(record.toObjectId), associationTypes: record.associationTypes };
}

export function batchReadResultJson(result: BatchReadResult) {
  const json: {
    from: { id: string };
    to: ReturnType<typeof associatedRecordJson>[];
    paging?: { next: { after: string } };
  } = { from: { id: String(result.fromId) }, to: result.to.map(associatedRecordJson) };
  if (result.after !== undefined) json.paging = { next: { after: result.after } };
  return json;
}

// Response schemas. Fastify compiles each into a serializer (fast-json-stringify), about
// twice as fast as JSON.stringify on a page of 500 records. They mirror the shapers above;
// the contract tests check every response against HubSpot's spec, so a property missing here
// (and so dropped) fails them.
const Id = Type.Object({ id: Type.String() });
const SpecOut = Type.Object({ associationCategory: Type.String(), associationTypeId: Type.Integer() });
const AssociationTypeOut = Type.Object({
  category: Type.String(),
  typeId: Type.Integer(),
  label: Type.Union([Type.String(), Type.Null()]),
});
const AssociatedRecordOut = Type.Object({
  toObjectId: Type.String(),
  associationTypes: Type.Array(AssociationTypeOut),
});
const NextPage = Type.Object({
  next: Type.Object({ after: Type.String(), link: Type.Optional(Type.String()) }),
});

/** HubSpot's batch envelope around `result`; errors are serialized as they are. */
function batchResponse<T extends TSchema>(result: T) {
  return Type.Object({
    status: Type.String(),
    results: Type.Array(result),
    numErrors: Type.Optional(Type.Integer()),
    errors: Type.Optional(Type.Array(Type.Unknown())),
    startedAt: Type.String(),
    completedAt: Type.String(),
  });
}

const LabelsBetweenOut = Type.Object({
  fromObjectTypeId: Type.String(),
  fromObjectId: Type.String(),
  toObjectTypeId: Type.String(),
  toObjectId: Type.String(),
  labels: Type.Array(Type.String()),
});

/** Success responses by route, keyed as Fastify's `schema.response` ('2xx': 200, 201 or 207). */
export const ResponseSchemas = {
  defaultAssociations: { '2xx': batchResponse(Type.Object({ from: Id, to: Id, associationSpec: SpecOut })) },
  labelsBetween: { '2xx': LabelsBetweenOut },
  labelsBetweenBatch: { '2xx': batchResponse(LabelsBetweenOut) },
  page: {
    '2xx': Type.Object({ results: Type.Array(AssociatedRecordOut), paging: Type.Optional(NextPage) }),
  },
  batchRead: {
    '2xx': batchResponse(
      Type.Object({ from: Id, to: Type.Array(AssociatedRecordOut), paging: Type.Optional(NextPage) }),
    ),
  },
};
