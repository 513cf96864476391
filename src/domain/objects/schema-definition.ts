/**
 * A custom object schema's definition as a client sends it, checked and normalized into what
 * is stored (custom-object-type.ts's SchemaDefinition). Kept free of the store so the rules
 * for names, labels and property references read in one place.
 */
import { invalidSchemaField as invalid } from './object-errors.js';
import type { SchemaRow } from '../../store/store.js';
import { schemaDefinition, type SchemaDefinition, type SchemaProperty } from './custom-object-type.js';

const NAME = /^[a-z][a-z0-9_]*$/i;

export interface PropertyInput {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName?: string;
  description?: string;
  hasUniqueValue?: boolean;
  options?: Array<{
    label: string;
    value: string;
    hidden?: boolean;
    displayOrder?: number;
    description?: string;
  }>;
  [key: string]: unknown;
}

export interface SchemaInput {
  name: string;
  labels: { singular?: string; plural?: string };
  description?: string;
  properties: PropertyInput[];
  requiredProperties: string[];
  searchableProperties?: string[];
  secondaryDisplayProperties?: string[];
  primaryDisplayProperty?: string;
  associatedObjects: string[];
  allowsSensitiveProperties?: boolean;
}

export type SchemaPatch = Partial<
  Pick<
    SchemaInput,
    | 'labels'
    | 'description'
    | 'requiredProperties'
    | 'searchableProperties'
    | 'secondaryDisplayProperties'
    | 'primaryDisplayProperty'
    | 'allowsSensitiveProperties'
  >
> & { clearDescription?: boolean };

function checkPropertyNames(names: readonly string[], known: ReadonlySet<string>, field: string) {
  for (const name of names) {
    if (!known.has(name))
      throw invalid(`${field} names "${name}", which is not a property of the schema`, field, name);
  }
}

/**
 * A new schema's name, labels and properties, checked; its properties normalized as HubSpot
 * returns them, created at `now`.
 */
export function schemaProperties(input: SchemaInput, now: number): SchemaProperty[] {
  if (!NAME.test(input.name)) {
    throw invalid(
      `Invalid schema name "${input.name}": use letters, digits and underscores, starting with a letter`,
      'name',
      input.name,
    );
  }
  if (!input.labels?.singular || !input.labels?.plural) {
    throw invalid(
      'A schema needs labels.singular and labels.plural',
      'labels',
      JSON.stringify(input.labels ?? {}),
    );
  }
  const properties = input.properties.map((p, index) => normalizedProperty(p, index, now));
  const names = new Set(properties.map((p) => p.name));
  if (names.size !== properties.length)
    throw invalid('Property names must be unique within a schema', 'properties', input.name);
  checkPropertyNames(input.requiredProperties, names, 'requiredProperties');
  checkPropertyNames(input.searchableProperties ?? [], names, 'searchableProperties');
  checkPropertyNames(input.secondaryDisplayProperties ?? [], names, 'secondaryDisplayProperties');
  if (input.primaryDisplayProperty)
    checkPropertyNames([input.primaryDisplayProperty], names, 'primaryDisplayProperty');
  return properties;
}

function normalizedProperty(input: PropertyInput, index: number, now: number): SchemaProperty {
  if (!input.name || !NAME.test(input.name))
    throw invalid(`Invalid property name "${input.name}"`, 'properties', String(input.name));
  return {
    ...input,
    name: input.name,
    label: input.label,
    type: input.type,
    fieldType: input.fieldType,
    groupName: input.groupName ?? 'custom_object_information',
    description: input.description ?? '',
    hasUniqueValue: input.hasUniqueValue ?? false,
    options: (input.options ?? []).map((o) => ({ ...o, hidden: o.hidden ?? false })),
    displayOrder: typeof input.displayOrder === 'number' ? input.displayOrder : index,
    createdAt: new Date(now).toISOString(),
    updatedAt: new Date(now).toISOString(),
    archived: false,
    hubspotDefined: false,
  };
}

/** The definition stored for a new schema; `properties` from schemaProperties. */
export function newSchemaDefinition(input: SchemaInput, properties: SchemaProperty[]): SchemaDefinition {
  return {
    labels: input.labels,
    ...(input.description !== undefined && { description: input.description }),
    properties,
    requiredProperties: input.requiredProperties,
    searchableProperties: input.searchableProperties ?? [],
    secondaryDisplayProperties: input.secondaryDisplayProperties ?? [],
    ...(input.primaryDisplayProperty !== undefined && {
      primaryDisplayProperty: input.primaryDisplayProperty,
    }),
    allowsSensitiveProperties: input.allowsSensitiveProperties ?? false,
  };
}

/** A schema's definition with a PATCH applied; properties it names must be the schema's. */
export function patchedDefinition(row: SchemaRow, patch: SchemaPatch): SchemaDefinition {
  const definition = { ...schemaDefinition(row) };
  const names = new Set(definition.properties.map((p) => p.name));
  if (patch.labels) definition.labels = { ...definition.labels, ...patch.labels };
  if (patch.clearDescription) delete definition.description;
  else if (patch.description !== undefined) definition.description = patch.description;
  for (const field of ['requiredProperties', 'searchableProperties', 'secondaryDisplayProperties'] as const) {
    const value = patch[field];
    if (value !== undefined) {
      checkPropertyNames(value, names, field);
      definition[field] = value;
    }
  }
  if (patch.primaryDisplayProperty !== undefined) {
    checkPropertyNames([patch.primaryDisplayProperty], names, 'primaryDisplayProperty');
    definition.primaryDisplayProperty = patch.primaryDisplayProperty;
  }
  if (patch.allowsSensitiveProperties !== undefined)
    definition.allowsSensitiveProperties = patch.allowsSensitiveProperties;
  return definition;
}
