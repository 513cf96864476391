/**
 * A property value against its definition: HubSpot's check and the form HubSpot returns it
 * in (numbers and booleans as strings, dates as `YYYY-MM-DD` at midnight UTC, datetimes as
 * ISO 8601). Error codes and messages follow HubSpot's where they were observed
 * (docs/decisions.md, "Properties, pipelines and owners").
 */
import { canonicalDecimal } from './decimal-values.js';
import type { PropertyDefinition } from './property-types.js';

/** One entry of HubSpot's `Property values were not valid: [...]` list. */
export interface PropertyValueProblem {
  readonly name: string;
  /** HubSpot's code: PROPERTY_DOESNT_EXIST, INVALID_OPTION, READ_ONLY_VALUE, … */
  readonly error: string;
  readonly message: string;
}

export type ValueCheck = { value: string } | { problem: PropertyValueProblem };

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const EPOCH = /^-?\d{1,16}$/;
/** Dates and datetimes are kept to years 0000–9999: ISO 8601 without the expanded (±YYYYYY) form. */
const IN_RANGE = /^\d{4}-/;

function problem(definition: PropertyDefinition, error: string, message: string): ValueCheck {
  return { problem: { name: definition.name, error, message } };
}

/** Epoch milliseconds from an epoch number or an ISO 8601 date or datetime; undefined if neither. */
function toEpoch(value: string): number | undefined {
  if (EPOCH.test(value)) return Number(value);
  if (DATE_ONLY.test(value)) {
    // Parsed as an ISO datetime: Date.UTC would read the years 0000–0099 as 1900–1999.
    const epoch = Date.parse(`${value}T00:00:00.000Z`);
    return !Number.isNaN(epoch) && new Date(epoch).toISOString().startsWith(value) ? epoch : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const epoch = Date.parse(value);
  return Number.isNaN(epoch) ? undefined : epoch;
}

function inRange(epoch: number): boolean {
  const date = new Date(epoch);
  return !Number.isNaN(date.getTime()) && IN_RANGE.test(date.toISOString());
}

function outOfRange(raw: string, what: string): string {
  return `${raw} is out of range: a ${what} must be in the years 0000 to 9999`;
}

function timeOfDay(epoch: number): string {
  const d = new Date(epoch);
  return `${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}.${d.getUTCMilliseconds()}`;
}

/**
 * The value to store for `raw` (already a string, as normalizeProperties makes it), or the
 * problem with it. An empty string clears a value of any type.
 */
export function checkValue(definition: PropertyDefinition, raw: string): ValueCheck {
  if (raw === '') return { value: raw };
  const value = raw.trim();
  switch (definition.type) {
    case 'number': {
      const number = canonicalDecimal(value);
      if (number === undefined)
        return problem(
          definition,
          'INVALID_NUMBER',
          `${raw} is not a valid number: use digits, an optional - and an optional decimal point`,
        );
      return { value: number };
    }
    case 'bool': {
      const lower = value.toLowerCase();
      if (lower === 'true' || lower === 'false') return { value: lower };
      return problem(definition, 'INVALID_BOOLEAN', `${raw} is not a valid boolean: use true or false`);
    }
    case 'date': {
      const epoch = toEpoch(value);
      if (epoch === undefined) return problem(definition, 'INVALID_DATE', `${raw} is not a valid date`);
      if (!inRange(epoch)) return problem(definition, 'INVALID_DATE', outOfRange(raw, 'date'));
      if (epoch % 86_400_000 !== 0)
        return problem(definition, 'INVALID_DATE', `${raw} is at ${timeOfDay(epoch)} UTC, not midnight!`);
      return { value: new Date(epoch).toISOString().slice(0, 10) };
    }
    case 'datetime': {
      const epoch = toEpoch(value);
      if (epoch === undefined || Number.isNaN(new Date(epoch).getTime()))
        return problem(
          definition,
          'INVALID_DATETIME',
          `${raw} is not a valid datetime: use ISO 8601 or epoch milliseconds`,
        );
      if (!inRange(epoch)) return problem(definition, 'INVALID_DATETIME', outOfRange(raw, 'datetime'));
      return { value: new Date(epoch).toISOString() };
    }
    case 'enumeration':
      return checkOptions(definition, raw);
    default:
      return { value: raw };
  }
}

/** Enumerations: one of the options; a checkbox takes several, separated by `;`. */
function checkOptions(definition: PropertyDefinition, raw: string): ValueCheck {
  // Values outside the definition (owners, pipelines) are checked by their own catalogs.
  if (definition.externalOptions || definition.options.length === 0) return { value: raw };
  const allowed = new Set(definition.options.map((o) => o.value));
  const values = definition.fieldType === 'checkbox' ? raw.split(';') : [raw];
  const bad = values.find((v) => !allowed.has(v));
  if (bad === undefined) return { value: raw };
  return problem(
    definition,
    'INVALID_OPTION',
    `${bad} was not one of the allowed options: [${definition.options.map((o) => o.value).join(', ')}]`,
  );
}

/** HubSpot's entry for a property that is not defined. */
export function doesNotExist(name: string): PropertyValueProblem {
  return { name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` };
}

/** The entry for a property a create must give (a schema's required ones, a deal's stage: D72). */
export function required(name: string): PropertyValueProblem {
  return { name, error: 'REQUIRED_PROPERTY', message: `Property "${name}" is required` };
}

/** HubSpot's entry for a value the client may not set. */
export function readOnly(definition: PropertyDefinition): PropertyValueProblem {
  const message = definition.calculated
    ? `"${definition.name}" is a calculated property; its value cannot be set`
    : `"${definition.name}" is a read only property; its value cannot be set`;
  return { name: definition.name, error: 'READ_ONLY_VALUE', message };
}
