/**
 * Property values. HubSpot stores and returns every value as a string; numbers and
 * booleans in a request are converted, `null` clears a value, and anything else is refused.
 */
import { plainNumber } from '../catalog/decimal-values.js';
import { propertyValuesNotValid } from './object-errors.js';
import type { ErrorDetail } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import type { ObjectRow, PropertyMap } from '../../store/store.js';

/** Properties every record has, whatever its schema says. */
const BUILT_IN = new Set([
  'hs_object_id',
  'createdate',
  'lastmodifieddate',
  'hs_lastmodifieddate',
  'hs_merged_object_ids',
]);

/**
 * A custom object's schema names its properties and the ones a create must set; HubSpot
 * refuses others. Standard objects accept any property name here (Spoke does not carry
 * HubSpot's catalog of standard properties).
 */
export function validateProperties(type: ObjectType, properties: PropertyMap, creating: boolean): void {
  if (!type.schema) return;
  const errors: ErrorDetail[] = [];
  for (const name of Object.keys(properties)) {
    if (!type.schema.properties.has(name) && !BUILT_IN.has(name)) {
      errors.push({
        message: `Property "${name}" does not exist`,
        code: 'PROPERTY_DOESNT_EXIST',
        context: { propertyName: [name] },
      });
    }
  }
  if (creating) {
    for (const name of type.schema.required) {
      const value = properties[name];
      if (value === undefined || value === null || value === '') {
        errors.push({
          message: `Property "${name}" is required`,
          code: 'REQUIRED_PROPERTY',
          context: { propertyName: [name] },
        });
      }
    }
  }
  if (errors.length > 0) {
    throw propertyValuesNotValid(errors);
  }
}

/** HubSpot's limit on a property value, in characters. */
export const MAX_PROPERTY_VALUE_LENGTH = 65_536;

export function normalizeProperties(input: Record<string, unknown>): PropertyMap {
  const properties: PropertyMap = {};
  const errors: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(input)) {
    if (typeof value === 'string' && value.length > MAX_PROPERTY_VALUE_LENGTH) {
      errors.push({
        message: `Property values are at most ${MAX_PROPERTY_VALUE_LENGTH.toLocaleString('en-US')} characters; "${name}" has ${value.length.toLocaleString('en-US')}`,
        code: 'INVALID_PROPERTY_VALUE',
        context: { propertyName: [name] },
      });
    } else if (value === null || typeof value === 'string') properties[name] = value;
    else if (typeof value === 'number') properties[name] = plainNumber(value) ?? String(value);
    else if (typeof value === 'boolean') properties[name] = String(value);
    else {
      errors.push({
        message: `Property values must be strings, numbers, booleans or null; "${name}" is ${Array.isArray(value) ? 'an array' : 'an object'}`,
        code: 'INVALID_PROPERTY_VALUE',
        context: { propertyName: [name] },
      });
    }
  }
  if (errors.length > 0) {
    throw propertyValuesNotValid(errors);
  }
  return properties;
}

/** The properties a read returns: the requested ones (null when unset), or the type's defaults. */
export function selectProperties(
  row: ObjectRow,
  requested: readonly string[],
  defaults: readonly string[],
): PropertyMap {
  const names = requested.length > 0 ? requested : defaults;
  const selected: PropertyMap = {};
  for (const name of names) {
    const value = row.properties[name];
    if (value !== undefined) selected[name] = value;
    else if (requested.length > 0) selected[name] = null;
  }
  return selected;
}
