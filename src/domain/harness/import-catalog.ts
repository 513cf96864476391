/**
 * The catalog part of an export document (version 2): the portal's own property definitions
 * and groups, pipelines, owners (the store's catalog rows) and its settings. Each row is
 * checked for the shape the services that read it rely on, so an imported catalog never
 * makes a later request fail; decision D29.
 */
import { hasPipelines } from '../catalog/pipeline-catalog.js';
import { checkDefinition, type PropertyDefinition } from '../catalog/property-types.js';
import { VALIDATION_MODES, type ValidationMode } from '../catalog/record-validator.js';
import { SpokeError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import type { CatalogKind, CatalogRow } from '../../store/catalog-store.js';
import { asLoose, fail, time } from './import-checks.js';

const KINDS: readonly CatalogKind[] = ['property', 'group', 'pipeline', 'owner'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The document's `settings`: what the portal set (absent: the server's default). */
export function importSettings(value: unknown): { propertyValidation: ValidationMode | undefined } {
  if (!isObject(value)) fail('"settings" must be an object');
  const mode = value.propertyValidation;
  if (mode !== undefined && !VALIDATION_MODES.includes(mode as ValidationMode))
    fail(`settings.propertyValidation must be one of ${VALIDATION_MODES.join(', ')}`);
  return { propertyValidation: mode as ValidationMode | undefined };
}

function checkProperty(value: Record<string, unknown>, where: string): void {
  if (!Array.isArray(value.options)) fail(`${where}.value.options must be an array`);
  if (!isObject(value.modificationMetadata)) fail(`${where}.value.modificationMetadata must be an object`);
  try {
    checkDefinition(value as unknown as PropertyDefinition);
  } catch (error) {
    if (error instanceof SpokeError) fail(`${where}: ${error.message}`);
    throw error;
  }
}

function checkPipeline(value: Record<string, unknown>, where: string): Record<string, unknown> {
  if (typeof value.label !== 'string') fail(`${where}.value.label must be a string`);
  if (!Array.isArray(value.stages)) fail(`${where}.value.stages must be an array`);
  for (const [i, stage] of value.stages.entries()) {
    const s = asLoose(stage);
    if (typeof s?.id !== 'string' || typeof s.label !== 'string' || !isObject(s.metadata))
      fail(`${where}.value.stages[${i}] needs an id, a label and metadata`);
  }
  // The audit is appended to on every change: a document without one starts it empty.
  return Array.isArray(value.audit) ? value : { ...value, audit: [] };
}

function checkOwner(value: Record<string, unknown>, key: string, where: string): void {
  if (!/^\d{1,12}$/.test(key)) fail(`${where}.key must be an owner ID (a number)`);
  if (typeof value.email !== 'string' || !value.email.includes('@'))
    fail(`${where}.value.email must be an email address`);
  if (!Number.isInteger(value.userId)) fail(`${where}.value.userId must be an integer`);
  if (typeof value.archived !== 'boolean') fail(`${where}.value.archived must be true or false`);
}

/**
 * One catalog row of the document, checked; `typeOf` resolves its scope (an object type ID),
 * or answers undefined for one the document does not define.
 */
export function importCatalogRow(
  raw: unknown,
  index: number,
  typeOf: (objectTypeId: string) => ObjectType | undefined,
): CatalogRow {
  const where = `catalog[${index}]`;
  const r = asLoose(raw);
  if (!KINDS.includes(r?.kind as CatalogKind)) fail(`${where}.kind must be one of ${KINDS.join(', ')}`);
  const kind = r!.kind as CatalogKind;
  if (typeof r!.scope !== 'string' || typeof r!.key !== 'string' || r!.key === '')
    fail(`${where} needs a scope and a key`);
  if (!isObject(r!.value)) fail(`${where}.value must be an object`);
  let value: Record<string, unknown> = r!.value;
  const { scope, key } = r as { scope: string; key: string };
  if (kind === 'owner') {
    if (scope !== '') fail(`${where}: owners have the scope ""`);
    checkOwner(value, key, where);
  } else {
    const type = typeOf(scope);
    if (!type) fail(`${where} names an unknown object type ${JSON.stringify(scope)}`);
    const id = kind === 'pipeline' ? value.id : value.name;
    if (id !== key) fail(`${where}.value names ${JSON.stringify(id)}, not its key ${JSON.stringify(key)}`);
    if (kind === 'property') {
      // A custom object's properties are in its schema, which the document holds too.
      if (type.id.startsWith('2-')) fail(`${where}: a custom object's properties are in its schema`);
      checkProperty(value, where);
    } else if (kind === 'group') {
      if (typeof value.label !== 'string') fail(`${where}.value.label must be a string`);
    } else {
      if (!hasPipelines(type)) fail(`${where}: ${type.name} have no pipelines`);
      value = checkPipeline(value, where);
    }
  }
  return { kind, scope, key, value, updatedAt: time(r!.updatedAt, `${where}.updatedAt`) };
}
