/**
 * The portal export document: everything a portal holds (records with their property
 * history, associations, labels, limits, custom object schemas, ID counters, fixture keys),
 * as one JSON document. `spoke export` writes it, `spoke import` and the admin API read it
 * back (portal-import.ts). Import replaces the portal's data in one transaction: a document
 * that fails validation, or any write, changes nothing.
 *
 * Format (version 2):
 *   { "format": "spoke-portal-export", "version": 2, "portalId": 4680000, "exportedAt": ISO,
 *     "counters": { "record_id": 12, ... },
 *     "schemas":  [ { objectTypeId, name, definition, createdAt, updatedAt, archivedAt } ],
 *     "labels":   [ { category, typeId, fromObjectTypeId, toObjectTypeId, name, label, inverseTypeId, createdAt } ],
 *     "limits":   [ { category, typeId, fromObjectTypeId, toObjectTypeId, maxToObjectIds } ],
 *     "settings": { "propertyValidation": "lenient" },   (what the portal set; {} when nothing)
 *     "catalog":  [ { kind: property|group|pipeline|owner, scope: objectTypeId or "", key, value, updatedAt } ],
 *     "records":  [ { id, objectTypeId, properties, createdAt, updatedAt, archivedAt,
 *                     history: { property: [ { value, timestamp, sourceType } ] } } ],
 *     "associations": [ { fromObjectTypeId, fromId, toObjectTypeId, toId, category, typeId } ],
 *     "fixtureKeys": { "ada": "10000000001" },
 *     "apps": [ { appId, name, clientSecret, developerApiKey, targetUrl, maxConcurrentRequests,
 *                 signatureVersion, createdAt, subscriptions: [ { id, eventType, propertyName?,
 *                 objectTypeId?, eventTypeName?, active } ] } ] }   (webhook apps, when any)
 * IDs are strings and times ISO 8601, as on HubSpot's wire; both directions of every
 * association are listed.
 */
import type { AssociationCategory } from '../association-types.js';
import { isoTimestamp } from '../clock.js';
import type {
  AssociationRow,
  DefinitionRow,
  HistoryRow,
  LimitRow,
  SchemaRow,
  Store,
  StoreReader,
} from '../../store/store.js';
import type { CatalogKind, CatalogRow } from '../../store/catalog-store.js';
import { PROPERTY_VALIDATION_SETTING } from '../catalog/record-validator.js';

import { appDocumentsOf, type AppDocument } from '../webhooks/app-documents.js';
import { webhookReads } from '../../store/webhooks.js';

export const EXPORT_FORMAT = 'spoke-portal-export';
/** 2: with `settings` and `catalog` (version 1 documents had neither; both import). */
export const EXPORT_VERSION = 2;
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
  settings: { propertyValidation?: string };
  catalog: Array<Omit<CatalogRow, 'updatedAt'> & { updatedAt: string }>;
  records: ExportedRecord[];
  associations: ExportedAssociation[];
  fixtureKeys: Record<string, string>;
  apps?: AppDocument[];
}

/** Reports progress of long exports and imports (a progress bar on a TTY). */
export type Progress = (done: number, total: number | undefined, what: string) => void;

/** The catalog rows an export carries: a portal's own schema around its records. */
const CATALOG_KINDS: readonly CatalogKind[] = ['group', 'property', 'pipeline', 'owner'];

async function exportedSettings(reader: StoreReader, portalId: number): Promise<PortalExport['settings']> {
  const mode = await reader.getPortalSetting(portalId, PROPERTY_VALIDATION_SETTING);
  return mode === undefined ? {} : { propertyValidation: mode };
}

/** One kind after another: the view is one connection, which runs one query at a time. */
async function exportedCatalog(reader: StoreReader, portalId: number): Promise<PortalExport['catalog']> {
  const rows = [];
  for (const kind of CATALOG_KINDS) rows.push(...(await reader.listCatalog(portalId, kind)));
  return rows.map((row) => ({ ...row, updatedAt: isoTimestamp(row.updatedAt) }));
}

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
      const apps = await appDocumentsOf(webhookReads(reader), portalId);
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
        settings: await exportedSettings(reader, portalId),
        catalog: await exportedCatalog(reader, portalId),
        // Webhook apps with their secrets, settings and subscriptions, when the portal has any.
        ...(apps.length > 0 && { apps }),
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
