/**
 * Property definitions and groups as the properties API shows them (HubSpot's `Property`
 * and `PropertyGroup`), and the checks on a definition a client sends.
 */
import { invalidPropertyField as invalid, invalidPropertyName } from './catalog-errors.js';

export const PROPERTY_TYPES = [
  'bool',
  'date',
  'datetime',
  'enumeration',
  'number',
  'phone_number',
  'string',
] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export const FIELD_TYPES = [
  'booleancheckbox',
  'calculation_equation',
  'checkbox',
  'date',
  'file',
  'html',
  'number',
  'phonenumber',
  'radio',
  'select',
  'text',
  'textarea',
] as const;

export interface PropertyOption {
  label: string;
  value: string;
  hidden: boolean;
  displayOrder?: number;
  description?: string;
}

export interface ModificationMetadata {
  archivable: boolean;
  readOnlyDefinition: boolean;
  readOnlyValue: boolean;
  readOnlyOptions?: boolean;
}

/** HubSpot's `Property`, as stored and returned. Timestamps are ISO 8601 strings. */
export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description: string;
  options: PropertyOption[];
  displayOrder: number;
  hidden: boolean;
  formField: boolean;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hubspotDefined: boolean;
  modificationMetadata: ModificationMetadata;
  archived: boolean;
  referencedObjectType?: string;
  numberDisplayHint?: string;
  textDisplayHint?: string;
  dateDisplayHint?: string;
  showCurrencySymbol?: boolean;
  currencyPropertyName?: string;
  calculationFormula?: string;
  dataSensitivity?: string;
  createdAt?: string;
  updatedAt?: string;
  archivedAt?: string;
  [extra: string]: unknown;
}

export interface GroupDefinition {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

/** Property and group names: what HubSpot accepts (lower-case letters, digits, underscores). */
const NAME = /^[a-z][a-z0-9_]{0,99}$/;

export function checkName(name: unknown, what: 'property' | 'property group'): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw invalidPropertyName(what, name);
  }
  return name;
}

/** Fields a property create or update may set, as a client sends them. */
export interface PropertyInput {
  name?: string;
  label?: string;
  type?: string;
  fieldType?: string;
  groupName?: string;
  description?: string;
  options?: Array<{
    label: string;
    value: string;
    hidden?: boolean;
    displayOrder?: number;
    description?: string;
  }>;
  displayOrder?: number;
  hidden?: boolean;
  formField?: boolean;
  externalOptions?: boolean;
  hasUniqueValue?: boolean;
  referencedObjectType?: string;
  dataSensitivity?: string;
  numberDisplayHint?: string;
  textDisplayHint?: string;
  showCurrencySymbol?: boolean;
  currencyPropertyName?: string;
  calculationFormula?: string;
}

/** Checks a definition's type, field type and options; used by create and update. */
/**
 * The field types each type takes (HubSpot's "Property type and fieldType values" table in
 * the properties guide; calculation_equation for calculated ones).
 */
const FIELD_TYPES_OF: Record<string, readonly string[]> = {
  bool: ['booleancheckbox', 'calculation_equation'],
  enumeration: ['booleancheckbox', 'checkbox', 'radio', 'select', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  string: ['file', 'text', 'textarea', 'html', 'phonenumber', 'calculation_equation'],
  number: ['number', 'calculation_equation'],
  phone_number: ['phonenumber'],
};

const MAX_LABEL_LENGTH = 1_000;

export function checkDefinition(definition: PropertyDefinition): void {
  if (!(PROPERTY_TYPES as readonly string[]).includes(definition.type))
    throw invalid(
      `Invalid property type "${definition.type}": use one of ${PROPERTY_TYPES.join(', ')}`,
      'type',
      definition.type,
    );
  if (!(FIELD_TYPES as readonly string[]).includes(definition.fieldType))
    throw invalid(
      `Invalid fieldType "${definition.fieldType}": use one of ${FIELD_TYPES.join(', ')}`,
      'fieldType',
      definition.fieldType,
    );
  const fits = FIELD_TYPES_OF[definition.type] ?? [];
  if (!fits.includes(definition.fieldType))
    throw invalid(
      `fieldType "${definition.fieldType}" does not fit type "${definition.type}": use one of ${fits.join(', ')}`,
      'fieldType',
      definition.fieldType,
    );
  if (typeof definition.label !== 'string' || definition.label === '')
    throw invalid('A property needs a label', 'label', definition.name);
  if (definition.label.length > MAX_LABEL_LENGTH)
    throw invalid(`A property label is at most ${MAX_LABEL_LENGTH} characters`, 'label', definition.name);
  const values = new Set<string>();
  for (const option of definition.options) {
    if (typeof option.value !== 'string' || typeof option.label !== 'string')
      throw invalid('Every option needs a label and a value', 'options', definition.name);
    // A checkbox's value lists options separated by ";", and "" clears a value.
    if (option.value === '' || option.value.includes(';'))
      throw invalid(`Option value "${option.value}" is empty or holds ";"`, 'options', option.value);
    if (values.has(option.value))
      throw invalid(`Option value "${option.value}" appears twice`, 'options', option.value);
    values.add(option.value);
  }
  if (definition.type === 'enumeration' && definition.options.length === 0 && !definition.externalOptions)
    throw invalid(`Enumeration property "${definition.name}" needs options`, 'options', definition.name);
  if (definition.type !== 'enumeration' && definition.type !== 'bool' && definition.options.length > 0)
    throw invalid(
      `Only enumeration and bool properties have options; "${definition.name}" is ${definition.type}`,
      'options',
      definition.name,
    );
}

export function normalizeOptions(options: PropertyInput['options'] = []): PropertyOption[] {
  return options.map((o, index) => ({
    label: o.label,
    value: o.value,
    hidden: o.hidden ?? false,
    displayOrder: typeof o.displayOrder === 'number' ? o.displayOrder : index,
    ...(typeof o.description === 'string' && { description: o.description }),
  }));
}
