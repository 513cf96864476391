/**
 * The errors of the objects and schemas APIs: records, their unique values, merges and custom
 * object schemas. Listed in docs/errors.md.
 */
import { errorFactory } from '../error-catalog.js';
import type { ErrorDetail, NotFoundError, ValidationError } from '../errors.js';
import type { ObjectType } from '../object-types.js';

/** HubSpot's body for a record that does not exist (captured from HubSpot's objects API). */
export const recordNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'resource not found' },
  (make, type: ObjectType, id: number | string) =>
    make({}, { context: { objectType: [type.id], objectId: [String(id)] } }) as NotFoundError,
);

export const notAnIdProperty = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Property "{idProperty}" cannot be used as idProperty: it is not a unique identifier property of {type}',
  },
  (make, idProperty: string, type: ObjectType) =>
    make({ idProperty, type: type.singular }, { context: { idProperty: [idProperty] } }),
);

/** A unique value (a contact's email, a unique custom property) another record holds. */
export const duplicateValue = errorFactory(
  { category: 'CONFLICT', message: '{what} already exists. Existing ID: {existingId}' },
  (make, type: ObjectType, property: string, existingId: number) =>
    make(
      {
        what:
          type.id === '0-1' && property === 'email' ? 'Contact' : `A ${type.singular} with this ${property}`,
        existingId,
      },
      { context: { property: [property], existingId: [String(existingId)] } },
    ),
);

export const mergeIntoItself = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'A record cannot be merged into itself' },
  (make, primaryKey: string) => make({}, { context: { objectId: [primaryKey] } }),
);

/** Property values that are not strings, too long, or required and missing (one detail each). */
export const propertyValuesNotValid = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'Property values were not valid' },
  (make, errors: ErrorDetail[]) =>
    make({}, { errors, context: { propertyName: errors.map((e) => e.context?.propertyName?.[0] ?? '') } }),
);

/** A field of a schema definition that HubSpot would refuse; the message names the field and why. */
export const invalidSchemaField = errorFactory(
  { category: 'VALIDATION_ERROR', message: '{message}' },
  (make, message: string, field: string, value: string) =>
    make({ message }, { context: { [field]: [value] } }) as ValidationError,
);

export const duplicateSchema = errorFactory(
  { category: 'CONFLICT', message: 'A custom object schema named "{name}" already exists{archived}' },
  (make, name: string, existing?: { readonly archivedAt: unknown }) =>
    make(
      {
        name,
        archived:
          existing?.archivedAt != null ? ' (archived; delete it with archived=true to reuse the name)' : '',
      },
      { context: { name: [name] } },
    ),
);

export const schemaNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'No {archived}custom object schema named {objectType}' },
  (make, objectType: string, archived: boolean) =>
    make({ archived: archived ? 'archived ' : '', objectType }, { context: { objectType: [objectType] } }),
);

export const schemaHasRecords = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Custom object {name} still has records: archive every record of {objectTypeId} before deleting its schema',
  },
  (make, name: string, objectTypeId: string) =>
    make({ name, objectTypeId }, { context: { objectType: [objectTypeId] } }),
);

export const schemaAssociationExists = errorFactory(
  { category: 'CONFLICT', message: 'An association named "{name}" already exists' },
  (make, name: string | undefined) => make({ name: name ?? '' }, { context: { name: [name ?? ''] } }),
);

export const schemaAssociationNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'No association {associationId} on schema {schema}' },
  (make, associationId: string, schema: string) =>
    make({ associationId, schema }, { context: { associationId: [associationId] } }),
);
