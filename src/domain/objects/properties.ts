/**
 * Property values. HubSpot stores and returns every value as a string; numbers and
 * booleans in a request are converted, `null` clears a value, and anything else is refused.
 */
import { ValidationError, type ErrorDetail } from '../errors.js';
import type { ObjectRow, PropertyMap } from '../../store/store.js';

export function normalizeProperties(input: Record<string, unknown>): PropertyMap {
  const properties: PropertyMap = {};
  const errors: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(input)) {
    if (value === null || typeof value === 'string') properties[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') properties[name] = String(value);
    else {
      errors.push({
        message: `Property values must be strings, numbers, booleans or null; "${name}" is ${Array.isArray(value) ? 'an array' : 'an object'}`,
        code: 'INVALID_PROPERTY_VALUE',
        context: { propertyName: [name] },
      });
    }
  }
  if (errors.length > 0) {
    throw new ValidationError('Property values were not valid', {
      errors,
      context: { propertyName: errors.map((e) => e.context!.propertyName![0]!) },
    });
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
