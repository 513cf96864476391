/**
 * The errors of the properties, pipelines and owners APIs (docs/decisions.md, "Properties,
 * pipelines and owners"). Listed in docs/errors.md.
 */
import { errorFactory } from '../error-catalog.js';
import type { ValidationError } from '../errors.js';
import type { PropertyValueProblem } from './property-values.js';

interface TypeName {
  readonly name: string;
}

export const propertyNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'Property {name} does not exist for object type {objectType}' },
  (make, type: TypeName, name: string) =>
    make({ name, objectType: type.name }, { context: { propertyName: [name], objectType: [type.name] } }),
);

export const groupNotFound = errorFactory(
  {
    category: 'OBJECT_NOT_FOUND',
    message: 'Property group {name} does not exist for object type {objectType}',
  },
  (make, type: TypeName, name: string) =>
    make({ name, objectType: type.name }, { context: { groupName: [name], objectType: [type.name] } }),
);

/** A property create or update naming a group the type does not have (400, not 404). */
export const unknownGroup = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'Property group {name} does not exist for object type {objectType}',
  },
  (make, type: TypeName, groupName: string) =>
    make({ name: groupName || '(none)', objectType: type.name }, { context: { groupName: [groupName] } }),
);

export const propertyExists = errorFactory(
  { category: 'CONFLICT', message: "Property named '{name}' already exists." },
  (make, name: string) => make({ name }, { context: { name: [name] } }),
);

export const groupExists = errorFactory(
  { category: 'CONFLICT', message: "Property group named '{name}' already exists." },
  (make, name: string) => make({ name }, { context: { name: [name] } }),
);

export const hubspotPropertyReadOnly = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'Property {name} is defined by HubSpot: its definition cannot be changed',
  },
  (make, name: string) => make({ name }, { context: { propertyName: [name] } }),
);

/** The options of pipeline, stage and owner properties come from elsewhere (decision D73). */
export const managedOptionsReadOnly = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'The options of {name} are managed by HubSpot: change them through the {source}',
  },
  (make, name: string, source: string) => make({ name, source }, { context: { propertyName: [name] } }),
);

export const hubspotPropertyNotArchivable = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'Property {name} is defined by HubSpot and cannot be archived' },
  (make, name: string) => make({ name }, { context: { propertyName: [name] } }),
);

export const groupNotEmpty = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'Property group {name} still has properties ({members}): move or archive them first',
  },
  (make, name: string, members: readonly string[]) =>
    make({ name, members: members.join(', ') }, { context: { groupName: [name] } }),
);

export const invalidPropertyName = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Invalid {what} name "{name}": use 1 to 100 lower-case letters, digits and underscores, starting with a letter',
  },
  (make, what: string, name: unknown) =>
    make({ what, name: String(name) }, { context: { name: [String(name)] } }),
);

/** A field of a property definition that HubSpot would refuse; the message names the field and why. */
export const invalidPropertyField = errorFactory(
  { category: 'VALIDATION_ERROR', message: '{message}' },
  (make, message: string, field: string, value: unknown) =>
    make({ message }, { context: { [field]: [String(value)] } }),
);

/** HubSpot's 400: `Property values were not valid: [...]`, one entry per bad property. */
export const propertyValuesInvalid = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'Property values were not valid: {entries}' },
  (make, problems: readonly PropertyValueProblem[]) => {
    const entries = problems.map((p) => ({
      isValid: false,
      message: p.message,
      error: p.error,
      name: p.name,
      localizedErrorMessage: p.message,
    }));
    return make(
      { entries: JSON.stringify(entries) },
      {
        errors: problems.map((p) => ({
          message: p.message,
          code: p.error,
          context: { propertyName: [p.name] },
        })),
        context: { propertyName: problems.map((p) => p.name) },
      },
    ) as ValidationError;
  },
);

/** A pipeline or stage that does not exist; `what` is `Pipeline` or `Stage`. */
export const pipelineNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: '{what} {id} does not exist' },
  (make, what: string, id: string) => make({ what, id }, { context: { id: [id] } }),
);

/** A field of a pipeline or stage that HubSpot would refuse; the message names the field and why. */
export const invalidPipelineField = errorFactory(
  { category: 'VALIDATION_ERROR', message: '{message}' },
  (make, message: string, field: string, value: string) =>
    make({ message }, { context: { [field]: [value] } }),
);

export const pipelineExists = errorFactory(
  { category: 'CONFLICT', message: 'Pipeline {id} already exists' },
  (make, id: string) => make({ id }, { context: { id: [id] } }),
);

export const pipelineLabelTaken = errorFactory(
  { category: 'CONFLICT', message: 'A pipeline labeled "{label}" already exists' },
  (make, label: string) => make({ label }, { context: { label: [label] } }),
);

export const stageExists = errorFactory(
  { category: 'CONFLICT', message: 'Stage {id} already exists' },
  (make, id: string) => make({ id }, { context: { stageId: [id] } }),
);

export const ownerNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'Owner {id} does not exist' },
  (make, id: string) => make({ id }, { context: { ownerId: [id] } }),
);

export const ownerNeedsEmail = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'An owner needs an email address' },
  (make, email: unknown) => make({}, { context: { email: [String(email)] } }),
);

export const invalidOwnerType = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'An owner type is PERSON or QUEUE' },
  (make, type: string) => make({}, { context: { type: [type] } }),
);

/** An owner a configured token names keeps that token's user (decision D71). */
export const ownerIsTokenUser = errorFactory(
  {
    category: 'CONFLICT',
    message: 'Owner {id} is the owner of user {userId}, whom a configured token names',
  },
  (make, id: string, userId: number) =>
    make({ id, userId: String(userId) }, { context: { ownerId: [id], userId: [String(userId)] } }),
);

export const userHasOwner = errorFactory(
  { category: 'CONFLICT', message: 'User {userId} already has an owner' },
  (make, userId: unknown) => make({ userId: String(userId) }, { context: { userId: [String(userId)] } }),
);

export const invalidOwnerId = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'An owner ID is a number' },
  (make, id: string) => make({}, { context: { id: [id] } }),
);

/** A type change a stored value does not fit (decision D31). */
export const typeChangeRefused = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'Property {name} cannot become {type}: record {objectId} holds a value that is not one',
  },
  (make, name: string, type: string, objectId: number | string) =>
    make({ name, type, objectId }, { context: { propertyName: [name], objectId: [String(objectId)] } }),
);

/**
 * A re-created name of an archived property whose values records still hold, under a definition
 * those values do not fit (decision D27).
 */
export const recreateRefused = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Property {name} cannot be created {what}: it was archived, and record {objectId} still holds a value of it that {why}',
  },
  (make, name: string, what: string, why: string, objectId: number) =>
    make({ name, what, why, objectId }, { context: { propertyName: [name], objectId: [String(objectId)] } }),
);

/** A type's default pipeline takes the records created without one (decision D32). */
export const defaultPipelineNotArchivable = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Pipeline {id} is the default {objectType} pipeline: records created without a pipeline go into it, so it cannot be deleted',
  },
  (make, id: string, objectType: string) => make({ id, objectType }, { context: { pipelineId: [id] } }),
);
