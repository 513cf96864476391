/**
 * The portal export document: everything a portal holds (records with their property
 * history, associations, labels, limits, custom object schemas, ID counters, fixture keys),
 * as one JSON document. `spoke export` writes it, `spoke import` and the admin API read it
 * back. Import replaces the portal's data in one transaction: a document that fails
 * validation, or any write, changes nothing.
 *
 * Format (version 1):
 *   { "format": "spoke-portal-export", "version": 1, "portalId": 4680000, "exportedAt": ISO,
 *     "counters": { "record_id": 12, ... },
 *     "schemas":  [ { objectTypeId, name, definition, createdAt, updatedAt, archivedAt } ],
 *     "labels":   [ { category, typeId, fromObjectTypeId, toObjectTypeId, name, label, inverseTypeId, createdAt } ],
 *     "limits":   [ { category, typeId, fromObjectTypeId, toObjectTypeId, maxToObjectIds } ],
 *     "records":  [ { id, objectTypeId, properties, createdAt, updatedAt, archivedAt,
 *                     history: { property: [ { value, timestamp, sourceType } ] } } ],
 *     "associations": [ { fromObjectTypeId, fromId, toObjectTypeId, toId, category, typeId } ],
 *     "fixtureKeys": { "ada": "10000000001" } }
 * IDs are strings and times ISO 8601, as on HubSpot's wire; both directions of every
 * association are listed.
 */
import { isAssociationCategory, type AssociationCategory } from '../association-types.js';
import { isoTimestamp } from '../clock.js';
import { ValidationError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import type {
  AssociationRow,
  DefinitionRow,
  HistoryRow,
  LimitRow,
  ObjectRow,
  SchemaRow,
  Store,
  StoreTransaction,
  UniqueValueRow,
} from '../../store/store.js';
import { customObjectType } from '../objects/custom-object-type.js';
import { standardObjectTypeById } from '../object-types.js';
import { USER_DEFINED_TYPE_COUNTER } from '../associations/label-service.js';
import { CUSTOM_OBJECT_TYPE_BASE, OBJECT_TYPE_COUNTER } from '../objects/schema-service.js';
import { RECORD_ID_BASE, RECORD_ID_COUNTER } from '../record-ids.js';
import type { CatalogKind, CatalogRow } from '../../store/catalog-store.js';

const CATALOG_KINDS: readonly CatalogKind[] = ['property', 'group', 'pipeline', 'owner'];

export const EXPORT_FORMAT = 'spoke-portal-export';
export const EXPORT_VERSION = 1;
const PAGE = 2000;

export interface ExportedRecord {
  id: string;
  objectTypeId: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  history?: Record<string, Array<{ value: string | null; timestamp: string; sourceType: string }>>;
}

export interface ExportedAssociation {
  fromObjectTypeId: string;
  fromId: string;
  toObjectTypeId: string;
  toId: string;
  category: AssociationCategory;
  typeId: number;
}

export interface PortalExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  portalId: number;
  exportedAt: string;
  counters: Record<string, number>;
  schemas: Array<
    Omit<SchemaRow, 'createdAt' | 'updatedAt' | 'archivedAt'> & {
      createdAt: string;
      updatedAt: string;
      archivedAt: string | null;
    }
  >;
  labels: Array<Omit<DefinitionRow, 'createdAt'> & { createdAt: string }>;
  limits: LimitRow[];
  records: ExportedRecord[];
  associations: ExportedAssociation[];
  fixtureKeys: Record<string, string>;
  /** The portal's property definitions and groups, pipelines and owners (optional: older exports have none). */
  catalog?: Array<Omit<CatalogRow, 'updatedAt'> & { updatedAt: string }>;
}

/** Reports progress of long exports and imports (a progress bar on a TTY). */
export type Progress = (done: number, total: number | undefined, what: string) => void;

const iso = (ms: number | null) => (ms === null ? null : isoTimestamp(ms));

function historyJson(rows: readonly HistoryRow[]): ExportedRecord['history'] {
  // No prototype: a property named "constructor" or "toString" is a key like any other.
  const history: NonNullable<ExportedRecord['history']> = Object.create(null);
  for (const row of rows) {
    (history[row.name] ??= []).push({
      value: row.value,
      timestamp: isoTimestamp(row.timestamp),
      sourceType: row.sourceType,
    });
  }
  return history;
}

/**
 * Writes a portal's export document as JSON text, a part at a time, from one consistent
 * view: records (with their history) and associations a page at a time, so memory holds one
 * page, not the portal. `write` may wait (a slow client); the view waits with it on a
 * connection of its own.
 */
export async function writeExport(
  store: Store,
  portalId: number,
  exportedAt: number,
  write: (text: string) => Promise<void> | void,
  progress?: Progress,
): Promise<{ records: number; associations: number }> {
  return store.readSnapshot(
    async (reader) => {
      const head = {
        format: EXPORT_FORMAT,
        version: EXPORT_VERSION,
        portalId,
        exportedAt: isoTimestamp(exportedAt),
        counters: await reader.getCounters(portalId),
        schemas: (await reader.listSchemas(portalId)).map((s) => ({
          ...s,
          createdAt: isoTimestamp(s.createdAt),
          updatedAt: isoTimestamp(s.updatedAt),
          archivedAt: iso(s.archivedAt),
        })),
        labels: (await reader.listDefinitions(portalId)).map((d) => ({
          ...d,
          createdAt: isoTimestamp(d.createdAt),
        })),
        limits: await reader.listLimits(portalId),
        catalog: (await Promise.all(CATALOG_KINDS.map((kind) => reader.listCatalog(portalId, kind))))
          .flat()
          .map((row) => ({ ...row, updatedAt: isoTimestamp(row.updatedAt) })),
      };
      await write(`${JSON.stringify(head).slice(0, -1)},"records":[`);
      let records = 0;
      for (let after: number | undefined; ;) {
        const page = await reader.scanObjects(portalId, after, PAGE);
        const history = await reader.historyOf(
          portalId,
          page.map((r) => r.id),
        );
        const byObject = new Map<number, HistoryRow[]>();
        for (const row of history) byObject.set(row.objectId, [...(byObject.get(row.objectId) ?? []), row]);
        const parts = page.map((row) =>
          JSON.stringify({
            id: String(row.id),
            objectTypeId: row.objectTypeId,
            properties: row.properties,
            createdAt: isoTimestamp(row.createdAt),
            updatedAt: isoTimestamp(row.updatedAt),
            archivedAt: iso(row.archivedAt),
            history: historyJson(byObject.get(row.id) ?? []),
          } satisfies ExportedRecord),
        );
        if (parts.length > 0) await write(`${records > 0 ? ',' : ''}${parts.join(',')}`);
        records += page.length;
        progress?.(records, undefined, 'records');
        if (page.length < PAGE) break;
        after = page[page.length - 1]!.id;
      }
      await write('],"associations":[');
      let associations = 0;
      for (let after: AssociationRow | undefined; ;) {
        const page = await reader.scanAssociations(portalId, after, PAGE * 5);
        const parts = page.map((row) =>
          JSON.stringify({
            ...row,
            fromId: String(row.fromId),
            toId: String(row.toId),
          } satisfies ExportedAssociation),
        );
        if (parts.length > 0) await write(`${associations > 0 ? ',' : ''}${parts.join(',')}`);
        associations += page.length;
        progress?.(associations, undefined, 'associations');
        if (page.length < PAGE * 5) break;
        after = page[page.length - 1];
      }
      const fixtureKeys: Record<string, string> = Object.create(null);
      for (const [key, id] of await reader.listFixtureKeys(portalId)) fixtureKeys[key] = String(id);
      await write(`],"fixtureKeys":${JSON.stringify(fixtureKeys)}}`);
      return { records, associations };
    },
    { long: true },
  );
}

/** The export document as an object (tests, small portals). */
export async function exportPortal(
  store: Store,
  portalId: number,
  exportedAt: number,
  progress?: Progress,
): Promise<PortalExport> {
  const parts: string[] = [];
  await writeExport(store, portalId, exportedAt, (text) => void parts.push(text), progress);
  return JSON.parse(parts.join('')) as PortalExport;
}

function fail(message: string): never {
  throw new ValidationError(`Invalid export document: ${message}`);
}

function time(value: unknown, where: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) fail(`${where} is not an ISO 8601 time`);
  return ms;
}

function id(value: unknown, where: string): number {
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value) || Number(value) > Number.MAX_SAFE_INTEGER)
    fail(`${where} is not a record ID`);
  return Number(value);
}

/** Everything import writes, checked and converted before the first write. */
export interface ImportPlan {
  counters: Record<string, number>;
  schemas: SchemaRow[];
  labels: DefinitionRow[];
  limits: LimitRow[];
  records: ObjectRow[];
  history: HistoryRow[];
  uniqueValues: UniqueValueRow[];
  associations: AssociationRow[];
  fixtureKeys: Array<[string, number]>;
  catalog: CatalogRow[];
}

/**
 * Validates a document and turns it into rows: structure, times and IDs; associations only
 * between records the document holds, with categories HubSpot knows; unique values (a
 * contact's email) held by one live record only.
 */
export function planImport(document: unknown, portalId: number): ImportPlan {
  try {
    return planDocument(document, portalId);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    // A field of the wrong shape deep inside (a history that is not an array, say).
    fail(`malformed (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Counters the document's rows need, at least: later creates must not reuse an ID or type ID. */
function countersFor(
  given: Record<string, number>,
  plan: Omit<ImportPlan, 'counters'>,
): Record<string, number> {
  const counters: Record<string, number> = Object.assign(Object.create(null), given);
  const raise = (name: string, value: number) => {
    if (value > (counters[name] ?? 0)) counters[name] = value;
  };
  for (const record of plan.records)
    if (record.id > RECORD_ID_BASE && record.id - RECORD_ID_BASE <= 2 ** 40)
      raise(RECORD_ID_COUNTER, record.id - RECORD_ID_BASE);
  for (const label of plan.labels)
    if (label.category === 'USER_DEFINED') raise(USER_DEFINED_TYPE_COUNTER, label.typeId);
  for (const schema of plan.schemas)
    raise(OBJECT_TYPE_COUNTER, Number(schema.objectTypeId.slice(2)) - CUSTOM_OBJECT_TYPE_BASE);
  return counters;
}

function planDocument(document: unknown, portalId: number): ImportPlan {
  if (typeof document !== 'object' || document === null) fail('not a JSON object');
  const doc = document as Partial<PortalExport>;
  if (doc.format !== EXPORT_FORMAT) fail(`"format" must be "${EXPORT_FORMAT}"`);
  if (doc.version !== EXPORT_VERSION)
    fail(`"version" ${String(doc.version)} is not supported (this Spoke reads version ${EXPORT_VERSION})`);
  for (const key of ['schemas', 'labels', 'limits', 'records', 'associations'] as const) {
    if (!Array.isArray(doc[key])) fail(`"${key}" must be an array`);
  }
  const counters: Record<string, number> = Object.create(null);
  if (doc.counters !== undefined && (typeof doc.counters !== 'object' || doc.counters === null))
    fail('"counters" must be an object');
  for (const [name, value] of Object.entries(doc.counters ?? {})) {
    if (!Number.isInteger(value) || value < 0) fail(`counter ${name} must be a non-negative integer`);
    counters[name] = value;
  }

  const schemas: SchemaRow[] = doc.schemas!.map((s, i) => {
    if (
      typeof s?.objectTypeId !== 'string' ||
      !/^2-\d+$/.test(s.objectTypeId) ||
      typeof s.name !== 'string'
    ) {
      fail(`schemas[${i}] needs an objectTypeId (2-N) and a name`);
    }
    if (typeof s.definition !== 'object' || s.definition === null)
      fail(`schemas[${i}].definition must be an object`);
    return {
      objectTypeId: s.objectTypeId,
      name: s.name,
      definition: s.definition,
      createdAt: time(s.createdAt, `schemas[${i}].createdAt`),
      updatedAt: time(s.updatedAt, `schemas[${i}].updatedAt`),
      archivedAt: s.archivedAt == null ? null : time(s.archivedAt, `schemas[${i}].archivedAt`),
    };
  });
  const typesById = new Map<string, ObjectType>();
  for (const schema of schemas) typesById.set(schema.objectTypeId, customObjectType(portalId, schema));
  const typeOf = (objectTypeId: unknown, where: string): ObjectType => {
    const type =
      typeof objectTypeId === 'string'
        ? (standardObjectTypeById(objectTypeId) ?? typesById.get(objectTypeId))
        : undefined;
    if (!type) fail(`${where} names an unknown object type ${JSON.stringify(objectTypeId)}`);
    return type;
  };

  const category = (value: unknown, where: string): AssociationCategory => {
    if (!isAssociationCategory(value)) fail(`${where} has an unknown category ${JSON.stringify(value)}`);
    return value;
  };
  const labels: DefinitionRow[] = doc.labels!.map((d, i) => {
    typeOf(d?.fromObjectTypeId, `labels[${i}]`);
    typeOf(d?.toObjectTypeId, `labels[${i}]`);
    if (!Number.isInteger(d.typeId) || typeof d.name !== 'string')
      fail(`labels[${i}] needs a typeId and a name`);
    return {
      category: category(d.category, `labels[${i}]`),
      typeId: d.typeId,
      fromObjectTypeId: d.fromObjectTypeId,
      toObjectTypeId: d.toObjectTypeId,
      name: d.name,
      label: d.label ?? null,
      inverseTypeId: d.inverseTypeId ?? null,
      createdAt: time(d.createdAt, `labels[${i}].createdAt`),
    };
  });
  const limits: LimitRow[] = doc.limits!.map((l, i) => {
    typeOf(l?.fromObjectTypeId, `limits[${i}]`);
    typeOf(l?.toObjectTypeId, `limits[${i}]`);
    if (!Number.isInteger(l.typeId) || !Number.isInteger(l.maxToObjectIds) || l.maxToObjectIds < 1) {
      fail(`limits[${i}] needs an integer typeId and a positive maxToObjectIds`);
    }
    return { ...l, category: category(l.category, `limits[${i}]`) };
  });

  const records: ObjectRow[] = [];
  const history: HistoryRow[] = [];
  const uniqueValues: UniqueValueRow[] = [];
  const claimed = new Map<string, number>();
  const seen = new Set<number>();
  for (const [i, r] of doc.records!.entries()) {
    const where = `records[${i}]`;
    const recordId = id(r?.id, `${where}.id`);
    if (seen.has(recordId)) fail(`${where}.id ${recordId} appears twice`);
    seen.add(recordId);
    const type = typeOf(r.objectTypeId, where);
    if (typeof r.properties !== 'object' || r.properties === null)
      fail(`${where}.properties must be an object`);
    for (const [name, value] of Object.entries(r.properties)) {
      if (value !== null && typeof value !== 'string')
        fail(`${where}.properties.${name} must be a string or null`);
    }
    const row: ObjectRow = {
      id: recordId,
      objectTypeId: type.id,
      properties: r.properties,
      createdAt: time(r.createdAt, `${where}.createdAt`),
      updatedAt: time(r.updatedAt, `${where}.updatedAt`),
      archivedAt: r.archivedAt == null ? null : time(r.archivedAt, `${where}.archivedAt`),
    };
    records.push(row);
    for (const [name, entries] of Object.entries(r.history ?? {})) {
      for (const [k, e] of entries.entries()) {
        history.push({
          objectId: recordId,
          name,
          value: e.value ?? null,
          timestamp: time(e.timestamp, `${where}.history.${name}[${k}].timestamp`),
          sourceType: typeof e.sourceType === 'string' ? e.sourceType : 'API',
        });
      }
    }
    if (row.archivedAt !== null) continue;
    for (const property of type.uniqueProperties) {
      const value = row.properties[property];
      if (typeof value !== 'string' || value === '') continue;
      const normalized = value.trim().toLowerCase();
      const key = `${type.id}|${property}|${normalized}`;
      if (claimed.has(key))
        fail(`${where}: ${property} "${value}" is also held by record ${claimed.get(key)}`);
      claimed.set(key, recordId);
      uniqueValues.push({ objectTypeId: type.id, property, value: normalized, objectId: recordId });
    }
  }

  const typeIdOf = new Map(records.map((r) => [r.id, r.objectTypeId]));
  const associations: AssociationRow[] = doc.associations!.map((a, i) => {
    const where = `associations[${i}]`;
    const fromId = id(a?.fromId, `${where}.fromId`);
    const toId = id(a.toId, `${where}.toId`);
    if (typeIdOf.get(fromId) !== a.fromObjectTypeId || typeIdOf.get(toId) !== a.toObjectTypeId) {
      fail(`${where} connects records the document does not hold with those types`);
    }
    if (!Number.isInteger(a.typeId)) fail(`${where}.typeId must be an integer`);
    return {
      fromObjectTypeId: a.fromObjectTypeId,
      fromId,
      toObjectTypeId: a.toObjectTypeId,
      toId,
      category: category(a.category, where),
      typeId: a.typeId,
    };
  });

  const fixtureKeys: Array<[string, number]> = Object.entries(doc.fixtureKeys ?? {}).map(([key, value]) => {
    const recordId = id(value, `fixtureKeys.${key}`);
    if (!seen.has(recordId))
      fail(`fixtureKeys.${key} names record ${recordId}, which the document does not hold`);
    return [key, recordId];
  });

  const catalog: CatalogRow[] = (doc.catalog ?? []).map((c, i) => {
    if (!CATALOG_KINDS.includes(c?.kind) || typeof c.scope !== 'string' || typeof c.key !== 'string')
      fail(`catalog[${i}] needs a kind (${CATALOG_KINDS.join(', ')}), a scope and a key`);
    if (typeof c.value !== 'object' || c.value === null) fail(`catalog[${i}].value must be an object`);
    return { ...c, updatedAt: time(c.updatedAt, `catalog[${i}].updatedAt`) };
  });
  const plan = {
    schemas,
    labels,
    limits,
    records,
    history,
    uniqueValues,
    associations,
    fixtureKeys,
    catalog,
  };
  return { counters: countersFor(counters, plan), ...plan };
}

/** Replaces a portal's data with a plan's, inside the caller's transaction. */
export async function applyImport(
  tx: StoreTransaction,
  portalId: number,
  plan: ImportPlan,
  progress?: Progress,
): Promise<void> {
  {
    await tx.resetPortal(portalId);
    for (const [name, value] of Object.entries(plan.counters)) await tx.setCounter(portalId, name, value);
    for (const schema of plan.schemas) await tx.insertSchema(portalId, schema);
    for (const row of plan.catalog) await tx.putCatalog(portalId, row);
    await tx.insertDefinitions(portalId, plan.labels);
    for (const limit of plan.limits) await tx.upsertLimit(portalId, limit);
    for (let i = 0; i < plan.records.length; i += PAGE) {
      await tx.insertObjects(portalId, plan.records.slice(i, i + PAGE));
      progress?.(Math.min(i + PAGE, plan.records.length), plan.records.length, 'records');
    }
    for (let i = 0; i < plan.history.length; i += PAGE)
      await tx.appendHistory(portalId, plan.history.slice(i, i + PAGE));
    await tx.claimUniqueValues(portalId, plan.uniqueValues);
    for (let i = 0; i < plan.associations.length; i += PAGE * 5) {
      await tx.insertAssociations(portalId, plan.associations.slice(i, i + PAGE * 5));
      progress?.(Math.min(i + PAGE * 5, plan.associations.length), plan.associations.length, 'associations');
    }
    for (const [key, objectId] of plan.fixtureKeys) await tx.setFixtureKey(portalId, key, objectId);
  }
}
