/**
 * The association API's errors, with HubSpot's messages and context keys where they are
 * known (bodies captured from HubSpot; decisions D8, D10, D15 and D20).
 */
import type { AssociationType } from '../association-types.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { upperName, type ObjectType } from '../object-types.js';

const INVALID = 'One or more associations are invalid';

export interface TypedRecord {
  readonly type: ObjectType;
  readonly id: number;
}

/** `CONTACT=123 is not valid`: a record that is missing, archived or of another type. */
export function invalidObjectIds(records: readonly TypedRecord[]): ValidationError {
  return new ValidationError(INVALID, {
    context: { INVALID_OBJECT_IDS: records.map((r) => `${upperName(r.type)}=${r.id} is not valid`) },
  });
}

export interface SpecLike {
  readonly associationCategory: string;
  readonly associationTypeId: number;
}

/** A type ID that is not defined for the direction the request names. */
export function invalidAssociationTypes(specs: readonly SpecLike[]): ValidationError {
  const names = specs.map((s) => `${s.associationCategory}=${s.associationTypeId}`);
  return new ValidationError(INVALID, {
    context: {
      associationSpec: names,
      INVALID_ASSOCIATION_TYPE_ID: names.map((n) => `${n} is not a valid association definition id`),
    },
  });
}

/** PUT default between object types that have no unlabeled type in both directions. */
export function noDefaultAssociation(from: ObjectType, to: ObjectType): ValidationError {
  return new ValidationError(
    `There is no default association between ${from.singular} (${from.id}) and ${to.singular} (${to.id}): ` +
      'HubSpot defines no unlabeled association type for this pair in both directions',
    { context: { fromObjectType: [from.id], toObjectType: [to.id] } },
  );
}

/** Batch read input with nothing associated (decision D15; lower-case singular names). */
export function noAssociationsFound(from: ObjectType, fromId: string, to: ObjectType): NotFoundError {
  return new NotFoundError(`No ${to.singular} is associated with ${from.singular} ${fromId}.`, {
    subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
    context: { fromObjectId: [fromId], fromObjectType: [from.singular], toObjectType: [to.singular] },
  });
}

export function describeType(type: Pick<AssociationType, 'category' | 'typeId' | 'label'>): string {
  const name = `${type.category}=${type.typeId}`;
  return type.label ? `${name} ("${type.label}")` : name;
}

/** A write that would take a record past a configured limit (decision D20). */
export function limitExceeded(
  from: TypedRecord,
  to: ObjectType,
  type: Pick<AssociationType, 'category' | 'typeId' | 'label'>,
  max: number,
): ValidationError {
  const message =
    `Association limit exceeded: ${from.type.singular} ${from.id} can be associated with at most ${max} ` +
    `${to.singular} record${max === 1 ? '' : 's'} with association type ${describeType(type)}`;
  return new ValidationError(message, {
    context: {
      ASSOCIATION_LIMIT_EXCEEDED: [`${upperName(from.type)}=${from.id}`],
      associationSpec: [`${type.category}=${type.typeId}`],
      maxToObjectIds: [String(max)],
    },
  });
}
