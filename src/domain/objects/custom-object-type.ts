/**
 * A custom object type as the rest of the domain sees it, built from its schema row.
 */
import { SYSTEM_DEFAULTS, type ObjectType } from '../object-types.js';
import type { SchemaRow } from '../../store/store.js';

/** The stored schema definition (a subset of HubSpot's `ObjectSchema`). */
export interface SchemaDefinition {
  labels: { singular?: string; plural?: string };
  description?: string;
  properties: SchemaProperty[];
  requiredProperties: string[];
  searchableProperties: string[];
  secondaryDisplayProperties: string[];
  primaryDisplayProperty?: string;
  allowsSensitiveProperties?: boolean;
}

export interface SchemaProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description: string;
  hasUniqueValue: boolean;
  options: Array<{
    label: string;
    value: string;
    hidden: boolean;
    displayOrder?: number;
    description?: string;
  }>;
  [key: string]: unknown;
}

export function schemaDefinition(row: SchemaRow): SchemaDefinition {
  return row.definition as unknown as SchemaDefinition;
}

export function fullyQualifiedName(portalId: number, name: string): string {
  return `p${portalId}_${name}`;
}

export function customObjectType(portalId: number, row: SchemaRow): ObjectType {
  const definition = schemaDefinition(row);
  const names = definition.properties.map((p) => p.name);
  return {
    id: row.objectTypeId,
    name: fullyQualifiedName(portalId, row.name),
    singular: row.name,
    associable: true,
    defaultProperties: [
      ...new Set([
        ...SYSTEM_DEFAULTS,
        ...(definition.primaryDisplayProperty ? [definition.primaryDisplayProperty] : []),
      ]),
    ].sort(),
    fullyQualifiedName: fullyQualifiedName(portalId, row.name),
    uniqueProperties: definition.properties.filter((p) => p.hasUniqueValue).map((p) => p.name),
    schema: { properties: new Set(names), required: definition.requiredProperties },
  };
}
