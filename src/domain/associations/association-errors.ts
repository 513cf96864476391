/**
 * The association API's errors (records' associations, labels and limits), with HubSpot's
 * messages and context keys where they are known (bodies captured from HubSpot; decisions
 * D8, D10, D15, D19 and D20). Listed in docs/errors.md.
 */
import type { AssociationType } from '../association-types.js';
import { errorFactory } from '../error-catalog.js';
import { upperName, type ObjectType } from '../object-types.js';

export interface TypedRecord {
  readonly type: ObjectType;
  readonly id: number;
}

export interface SpecLike {
  readonly associationCategory: string;
  readonly associationTypeId: number;
}

type TypeName = Pick<AssociationType, 'category' | 'typeId' | 'label'>;

export function describeType(type: TypeName): string {
  const name = `${type.category}=${type.typeId}`;
  return type.label ? `${name} ("${type.label}")` : name;
}

const specName = (type: { readonly category: string; readonly typeId: number }) =>
  `${type.category}=${type.typeId}`;

/** `CONTACT=123 is not valid`: a record that is missing, archived or of another type. */
export const invalidObjectIds = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'One or more associations are invalid' },
  (make, records: readonly TypedRecord[]) =>
    make(
      {},
      { context: { INVALID_OBJECT_IDS: records.map((r) => `${upperName(r.type)}=${r.id} is not valid`) } },
    ),
);

/** A type ID that is not defined for the direction the request names. */
export const invalidAssociationTypes = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'One or more associations are invalid' },
  (make, specs: readonly SpecLike[]) => {
    const names = specs.map((s) => `${s.associationCategory}=${s.associationTypeId}`);
    return make(
      {},
      {
        context: {
          associationSpec: names,
          INVALID_ASSOCIATION_TYPE_ID: names.map((n) => `${n} is not a valid association definition id`),
        },
      },
    );
  },
);

/** PUT default between object types that have no unlabeled type in both directions. */
export const noDefaultAssociation = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'There is no default association between {from} ({fromId}) and {to} ({toId}): ' +
      'HubSpot defines no unlabeled association type for this pair in both directions',
  },
  (make, from: ObjectType, to: ObjectType) =>
    make(
      { from: from.singular, fromId: from.id, to: to.singular, toId: to.id },
      { context: { fromObjectType: [from.id], toObjectType: [to.id] } },
    ),
);

/** Batch read input with nothing associated (decision D15; lower-case singular names). */
export const noAssociationsFound = errorFactory(
  {
    category: 'OBJECT_NOT_FOUND',
    subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
    message: 'No {to} is associated with {from} {fromId}.',
  },
  (make, from: ObjectType, fromId: string, to: ObjectType) =>
    make(
      { to: to.singular, from: from.singular, fromId },
      { context: { fromObjectId: [fromId], fromObjectType: [from.singular], toObjectType: [to.singular] } },
    ),
);

/** A write that would take a record past a configured limit (decision D20). */
export const limitExceeded = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Association limit exceeded: {fromType} {fromId} can be associated with at most {max} ' +
      '{toType} record{s} with association type {type}',
  },
  (make, from: TypedRecord, to: ObjectType, type: TypeName, max: number) =>
    make(
      {
        fromType: from.type.singular,
        fromId: from.id,
        max,
        toType: to.singular,
        s: max === 1 ? '' : 's',
        type: describeType(type),
      },
      {
        context: {
          ASSOCIATION_LIMIT_EXCEEDED: [`${upperName(from.type)}=${from.id}`],
          associationSpec: [specName(type)],
          maxToObjectIds: [String(max)],
        },
      },
    ),
);

/** A limit's type that is not defined for the direction. */
export const undefinedLimitType = errorFactory(
  { category: 'VALIDATION_ERROR', message: '{type} is not an association type from {from} to {to}' },
  (make, ref: { readonly category: string; readonly typeId: number }, from: ObjectType, to: ObjectType) =>
    make(
      { type: specName(ref), from: from.singular, to: to.singular },
      { context: { INVALID_ASSOCIATION_TYPE_ID: [specName(ref)] } },
    ),
);

export const limitExists = errorFactory(
  {
    category: 'CONFLICT',
    message: 'A limit for {type} already exists ({max}); use batch/update to change it',
  },
  (make, type: TypeName, max: number) =>
    make({ type: describeType(type), max }, { context: { associationSpec: [specName(type)] } }),
);

export const noLimit = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'No limit is configured for {type}; use batch/create' },
  (make, type: TypeName) =>
    make({ type: describeType(type) }, { context: { associationSpec: [specName(type)] } }),
);

export const limitOutOfRange = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'maxToObjectIds for {type} must be between {low} and {high}{why}; got {max}',
  },
  (make, type: TypeName, max: number, low: number, high: number, why: string) =>
    make(
      { type: describeType(type), low, high, why, max },
      { context: { maxToObjectIds: [String(max)], allowedRange: [`${low}-${high}`] } },
    ),
);

export const limitBelowUsage = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Cannot limit {type} to {max}: {count} record(s) already have more ' +
      '(for example {exampleId} with {exampleCount}); remove associations first',
  },
  (make, type: TypeName, max: number, over: readonly { fromId: number; count: number }[]) =>
    make(
      {
        type: describeType(type),
        max,
        count: over.length,
        exampleId: over[0]?.fromId ?? '',
        exampleCount: over[0]?.count ?? '',
      },
      {
        context: {
          maxToObjectIds: [String(max)],
          overLimitObjectIds: over.slice(0, 10).map((o) => String(o.fromId)),
        },
      },
    ),
);

export const invalidLabelName = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'Invalid label name "{name}": the internal name {problem}' },
  (make, name: string, problem: string) => make({ name, problem }, { context: { name: [name] } }),
);

export const emptyLabel = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'Invalid {field}: it must not be empty' },
  (make, field: string, label: string) => make({ field }, { context: { [field]: [label] } }),
);

export const tooManyLabels = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'A pair of object types can have at most {max} association labels; {from} and {to} already have {count}',
  },
  (make, max: number, from: ObjectType, to: ObjectType, count: number) =>
    make({ max, from: from.singular, to: to.singular, count }, { context: { maxLabels: [String(max)] } }),
);

export const notACustomLabel = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Association type {category}={typeId} is not a custom label: HubSpot-defined types cannot be changed or deleted',
  },
  (make, category: string, typeId: number) =>
    make({ category, typeId }, { context: { associationTypeId: [String(typeId)] } }),
);

export const noSuchLabel = errorFactory(
  {
    category: 'OBJECT_NOT_FOUND',
    message: 'No association label with type ID {typeId} between {from} and {to}',
  },
  (make, typeId: number, from: ObjectType, to: ObjectType) =>
    make(
      { typeId, from: from.singular, to: to.singular },
      { context: { associationTypeId: [String(typeId)] } },
    ),
);

export const labelInUse = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Association label "{label}" ({category}={typeId}) is still in use: remove it from every association first',
  },
  (make, label: string, category: string, typeId: number) =>
    make({ label, category, typeId }, { context: { associationTypeId: [String(typeId)] } }),
);

export const duplicateLabelName = errorFactory(
  {
    category: 'CONFLICT',
    message: 'An association label named "{name}" already exists between {from} and {to}',
  },
  (make, name: string, from: ObjectType, to: ObjectType) =>
    make({ name, from: from.singular, to: to.singular }, { context: { name: [name] } }),
);
