/**
 * HubSpot's default properties and groups, present in every portal from its start. The data
 * is src/domain/data/hubspot-default-properties.json (its `_provenance` says where it comes
 * from); this expands its short form into full definitions.
 */
import data from '../data/hubspot-default-properties.json' with { type: 'json' };
import type { ObjectType } from '../object-types.js';
import type { GroupDefinition, PropertyDefinition, PropertyOption, PropertyType } from './property-types.js';

interface ShortProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  options?: Array<[string, string]>;
  readOnlyValue?: boolean;
  calculated?: boolean;
  [field: string]: unknown;
}

const properties = data.properties as unknown as Record<string, ShortProperty[]>;
const groups = data.groups as Record<string, Array<{ name: string; label: string }>>;

/** Custom objects' properties without a group go here (HubSpot's default for a schema's properties). */
export const CUSTOM_OBJECT_GROUP = 'custom_object_information';

function expand(short: ShortProperty, index: number): PropertyDefinition {
  const { options, readOnlyValue, calculated, ...rest } = short;
  const expanded: PropertyOption[] = (options ?? []).map(([value, label], i) => ({
    label,
    value,
    hidden: false,
    displayOrder: i,
  }));
  return {
    description: '',
    displayOrder: index,
    hidden: false,
    formField: false,
    externalOptions: false,
    hasUniqueValue: false,
    ...rest,
    type: short.type as PropertyType,
    options: expanded,
    calculated: calculated ?? false,
    hubspotDefined: true,
    archived: false,
    modificationMetadata: {
      archivable: false,
      readOnlyDefinition: true,
      readOnlyValue: readOnlyValue ?? false,
      ...(short.type === 'enumeration' && { readOnlyOptions: readOnlyValue ?? false }),
    },
  };
}

const expandedByType = new Map<string, PropertyDefinition[]>(
  Object.entries(properties).map(([id, list]) => [id, list.map(expand)]),
);

function groupOf(type: ObjectType): string {
  return type.id.startsWith('2-') ? CUSTOM_OBJECT_GROUP : `${type.singular.replace(/_/g, '')}information`;
}

/** The properties Spoke sets on every record, for types the data file does not list. */
function systemProperties(group: string): PropertyDefinition[] {
  return [
    {
      name: 'hs_object_id',
      label: 'Record ID',
      type: 'number',
      fieldType: 'number',
      groupName: group,
      readOnlyValue: true,
      calculated: true,
      hasUniqueValue: true,
    },
    {
      name: 'createdate',
      label: 'Create Date',
      type: 'datetime',
      fieldType: 'date',
      groupName: group,
      readOnlyValue: true,
    },
    {
      name: 'lastmodifieddate',
      label: 'Last Modified Date',
      type: 'datetime',
      fieldType: 'date',
      groupName: group,
      readOnlyValue: true,
      calculated: true,
    },
    {
      name: 'hs_lastmodifieddate',
      label: 'Last Modified Date',
      type: 'datetime',
      fieldType: 'date',
      groupName: group,
      readOnlyValue: true,
      calculated: true,
    },
  ].map(expand);
}

/**
 * A custom object's pipeline and stage (decision D70): HubSpot gives custom objects, like
 * tickets, `hs_pipeline` and `hs_pipeline_stage`, whose values are the pipelines API's IDs.
 */
function customPipelineProperties(group: string): PropertyDefinition[] {
  return [
    { name: 'hs_pipeline', label: 'Pipeline', type: 'enumeration', fieldType: 'select', groupName: group },
    {
      name: 'hs_pipeline_stage',
      label: 'Pipeline stage',
      type: 'enumeration',
      fieldType: 'select',
      groupName: group,
    },
  ].map((p, i) => expand(p, 4 + i));
}

const customDefaults = [
  ...systemProperties(CUSTOM_OBJECT_GROUP),
  ...customPipelineProperties(CUSTOM_OBJECT_GROUP),
];

export function defaultProperties(type: ObjectType): readonly PropertyDefinition[] {
  if (type.id.startsWith('2-')) return customDefaults;
  return expandedByType.get(type.id) ?? systemProperties(groupOf(type));
}

export function defaultGroups(type: ObjectType): readonly GroupDefinition[] {
  const list = groups[type.id] ?? [{ name: groupOf(type), label: `${type.singular} information` }];
  return list.map((g, index) => ({ ...g, displayOrder: index, archived: false }));
}
