/**
 * Fixtures: a portal's starting state, written by hand, with records that refer to each
 * other by local keys instead of IDs (`spoke serve --seed fixtures.json`, `startSpoke({ seed })`,
 * POST /_spoke/portals/{portalId}/seed). Loading a fixture twice changes nothing the second
 * time: records are found again by key (and updated), labels and schemas by name.
 *
 *   {
 *     "portalId": 4680000,                     (optional: the default portal)
 *     "schemas": [ <ObjectSchemaEgg, as for POST /crm-object-schemas/v3/schemas> ],
 *     "labels":  [ { "from": "contacts", "to": "companies", "name": "manager",
 *                    "label": "Manager", "inverseLabel": "Employee" } ],
 *     "records": { "contacts":  [ { "key": "ada",  "properties": { "email": "ada@example.com" } } ],
 *                  "companies": [ { "key": "acme", "properties": { "name": "Acme" } } ] },
 *     "associations": [ { "from": "ada", "to": "acme", "types": ["primary", "manager"] } ],
 *     "limits":  [ { "from": "deals", "to": "contacts", "type": "unlabeled", "max": 5 } ],
 *     "settings": { "propertyValidation": "lenient" },
 *     "owners": [ { "email": "owner@example.com", "firstName": "Olga", "userId": 1 } ],
 *     "propertyGroups": { "contacts": [ { "name": "billing", "label": "Billing" } ] },
 *     "properties": { "contacts": [ <PropertyCreate, as for POST /crm/v3/properties/contacts> ] },
 *     "pipelines": { "deals": [ <PipelineInput, with "pipelineId" to fix its ID> ] }
 *     "rateLimits": { "tier": "professional", "timeZone": "America/New_York" },
 *     "apps": [ { "appId": 1001, "name": "My app", "clientSecret": "…", "targetUrl": "http://…",
 *                 "subscriptions": [ { "eventType": "contact.creation", "active": true } ] } ]
 *   }
 * Settings, owners, schemas, groups, properties and pipelines load before records, which are
 * validated against them; ones that exist already (by name or ID) are left as they are.
 *
 * An association's `types` are "unlabeled" (the default when left out), "primary", a label's
 * name, or `{ "associationCategory": …, "associationTypeId": … }`. A limit's `type` is
 * "unlabeled", "primary" or a label's name.
 */
import { invalidFixtures } from './harness-errors.js';
import type { AssociationSpec } from '../associations/association-io.js';
import type { AssociationService } from '../associations/association-service.js';
import type { LabelService } from '../associations/label-service.js';
import type { LimitService } from '../associations/limit-service.js';
import { PairTypes } from '../associations/pair-types.js';
import type { AssociationType } from '../association-types.js';
import type { ValidationError } from '../errors.js';
import { readAppDocuments, type AppDocument } from '../webhooks/app-documents.js';
import type { ObjectType } from '../object-types.js';
import type { ObjectService } from '../objects/object-service.js';
import type { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import type { SchemaInput, SchemaService } from '../objects/schema-service.js';
import { policyFor, type RateLimitSettings } from '../rate-limits/tiers.js';
import type { Store } from '../../store/store.js';
import type { OwnerInput, OwnerService } from '../catalog/owner-service.js';
import type { PipelineInput, PipelineService } from '../catalog/pipeline-service.js';
import type { PortalSettings, PortalSettingsInput } from '../catalog/portal-settings.js';
import type { PropertyInput } from '../catalog/property-types.js';
import type { PropertyService } from '../catalog/property-service.js';
import type { RecordValidator } from '../catalog/record-validator.js';

export interface Fixtures {
  /** The portal to load into (the default portal when left out). */
  portalId?: number;
  /**
   * A token that reaches `portalId` (created when missing, unless tokens are configured);
   * `spoke-portal-{portalId}` when left out.
   */
  token?: string;
  schemas?: SchemaInput[];
  labels?: Array<{ from: string; to: string; name: string; label: string; inverseLabel?: string }>;
  records?: Record<string, Array<{ key: string; properties?: Record<string, unknown> }>>;
  associations?: Array<{ from: string; to: string; types?: Array<string | AssociationSpec> }>;
  limits?: Array<{ from: string; to: string; type?: string; max: number }>;
  settings?: PortalSettingsInput;
  owners?: OwnerInput[];
  propertyGroups?: Record<string, Array<{ name: string; label: string; displayOrder?: number }>>;
  properties?: Record<string, PropertyInput[]>;
  pipelines?: Record<string, PipelineInput[]>;
  /** HubSpot's rate limits for the portal (set once the rest has loaded). */
  rateLimits?: RateLimitSettings;
  /** Webhook apps with their client secrets, settings and subscriptions (loaded last). */
  apps?: AppDocument[];
}

export interface FixtureSummary {
  schemas: { created: number; existing: number };
  labels: { created: number; existing: number };
  records: { created: number; updated: number };
  associations: number;
  limits: number;
  /** Webhook apps made and updated, when the fixture has `apps`. */
  apps?: { created: number; updated: number };
}

export interface FixtureServices {
  store: Store;
  objectTypes: ObjectTypeResolver;
  objects: ObjectService;
  associations: AssociationService;
  labels: LabelService;
  limits: LimitService;
  schemas: SchemaService;
  properties: PropertyService;
  pipelines: PipelineService;
  owners: OwnerService;
  settings: PortalSettings;
  validator: RecordValidator;
}

function invalid(message: string): ValidationError {
  return invalidFixtures(message);
}

/** Finds a named type of a direction: "unlabeled", "primary", or a label's internal name. */
async function typeByName(
  s: FixtureServices,
  portalId: number,
  from: ObjectType,
  to: ObjectType,
  name: string,
): Promise<AssociationType> {
  const types = await PairTypes.load(s.store, portalId, from, to);
  const forward = types.forward;
  const found =
    name === 'unlabeled' || name === 'default'
      ? types.unlabeled(from.id)
      : name === 'primary'
        ? forward.find((t) => t.primary)
        : forward.find((t) => t.name === name);
  if (!found) throw invalid(`no association type "${name}" from ${from.singular} to ${to.singular}`);
  return found;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
const FIXTURE_KEYS = [
  'apps',
  'portalId',
  'token',
  'schemas',
  'labels',
  'records',
  'associations',
  'limits',
  'rateLimits',
  'settings',
  'owners',
  'propertyGroups',
  'properties',
  'pipelines',
];
/** Fixture keys are stored in an indexed column: long enough for any name, short enough to index. */
export const MAX_FIXTURE_KEY = 256;

/** The document's shape, checked before anything is written: a malformed fixture is a 400 naming where. */
export function checkFixtureShape(fixtures: unknown): asserts fixtures is Fixtures {
  function fail(where: string, what: string): never {
    throw invalid(`${where} ${what}`);
  }
  if (!isObject(fixtures)) fail('the document', 'must be an object');
  const doc = fixtures as Record<string, unknown>;
  // A misspelt key ("record", "association") would otherwise load nothing, silently.
  for (const key of Object.keys(doc)) {
    if (!FIXTURE_KEYS.includes(key))
      fail(`unknown key "${key}":`, `a fixture has only ${FIXTURE_KEYS.map((k) => `"${k}"`).join(', ')}`);
  }
  if (doc.token !== undefined && !isText(doc.token)) fail('"token"', 'must be a non-empty string');
  const list = (key: string): unknown[] => {
    const value = doc[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) fail(`"${key}"`, 'must be an array');
    return value as unknown[];
  };
  if (doc.apps !== undefined) {
    try {
      readAppDocuments(doc.apps, '"apps"');
    } catch (error) {
      throw invalid((error as Error).message);
    }
  }
  if (doc.portalId !== undefined && (!Number.isInteger(doc.portalId) || (doc.portalId as number) < 1))
    fail('"portalId"', 'must be a positive integer');
  if (doc.rateLimits !== undefined) {
    if (!isObject(doc.rateLimits) || !isText(doc.rateLimits.tier))
      fail('"rateLimits"', 'must be an object with a "tier"');
    try {
      policyFor(0, doc.rateLimits as unknown as RateLimitSettings);
    } catch (error) {
      fail('"rateLimits":', (error as Error).message);
    }
  }
  list('schemas').forEach((v, i) => {
    if (!isObject(v) || !isText(v.name)) fail(`schemas[${i}]`, 'must be a schema with a name');
  });
  list('labels').forEach((v, i) => {
    if (!isObject(v) || !isText(v.from) || !isText(v.to) || !isText(v.name) || !isText(v.label))
      fail(`labels[${i}]`, 'needs "from", "to", "name" and "label" strings');
    if (v.inverseLabel !== undefined && !isText(v.inverseLabel))
      fail(`labels[${i}].inverseLabel`, 'must be a string');
  });
  if (doc.records !== undefined) {
    if (!isObject(doc.records)) fail('"records"', 'must map object types to arrays of records');
    for (const [type, records] of Object.entries(doc.records as Record<string, unknown>)) {
      if (!Array.isArray(records)) fail(`records.${type}`, 'must be an array');
      (records as unknown[]).forEach((r, i) => {
        if (!isObject(r) || !isText(r.key) || r.key.length > MAX_FIXTURE_KEY)
          fail(`records.${type}[${i}]`, `needs a "key" of 1 to ${MAX_FIXTURE_KEY} characters`);
        if (r.properties !== undefined && !isObject(r.properties))
          fail(`records.${type}[${i}].properties`, 'must be an object');
      });
    }
  }
  list('associations').forEach((v, i) => {
    if (!isObject(v) || !isText(v.from) || !isText(v.to))
      fail(`associations[${i}]`, 'needs "from" and "to" record keys');
    if (v.types !== undefined) {
      if (!Array.isArray(v.types)) fail(`associations[${i}].types`, 'must be an array');
      (v.types as unknown[]).forEach((t, k) => {
        const spec =
          isObject(t) && typeof t.associationCategory === 'string' && Number.isInteger(t.associationTypeId);
        if (!isText(t) && !spec)
          fail(
            `associations[${i}].types[${k}]`,
            'must be a type name or {associationCategory, associationTypeId}',
          );
      });
    }
  });
  for (const key of ['owners'] as const) {
    list(key).forEach((v, i) => {
      if (!isObject(v) || !isText(v.email)) fail(`${key}[${i}]`, 'needs an "email"');
    });
  }
  for (const key of ['propertyGroups', 'properties', 'pipelines'] as const) {
    if (doc[key] === undefined) continue;
    if (!isObject(doc[key])) fail(`"${key}"`, 'must map object types to arrays');
    for (const [type, items] of Object.entries(doc[key] as Record<string, unknown>))
      if (!Array.isArray(items) || !items.every(isObject))
        fail(`${key}.${type}`, 'must be an array of objects');
  }
  if (doc.settings !== undefined && !isObject(doc.settings)) fail('"settings"', 'must be an object');
  list('limits').forEach((v, i) => {
    if (!isObject(v) || !isText(v.from) || !isText(v.to) || !Number.isInteger(v.max))
      fail(`limits[${i}]`, 'needs "from" and "to" strings and an integer "max"');
    if (v.type !== undefined && !isText(v.type)) fail(`limits[${i}].type`, 'must be a string');
  });
}

export async function loadFixtures(
  s: FixtureServices,
  portalId: number,
  fixtures: Fixtures,
): Promise<FixtureSummary> {
  if (typeof fixtures !== 'object' || fixtures === null || Array.isArray(fixtures))
    throw invalid('the document must be an object');
  const summary: FixtureSummary = {
    schemas: { created: 0, existing: 0 },
    labels: { created: 0, existing: 0 },
    records: { created: 0, updated: 0 },
    associations: 0,
    limits: 0,
  };

  if (fixtures.settings) await s.settings.set(portalId, fixtures.settings);
  for (const owner of fixtures.owners ?? []) await s.owners.put(portalId, owner);

  for (const schema of fixtures.schemas ?? []) {
    const existing = await s.objectTypes.findSchema(portalId, `p_${String(schema.name).toLowerCase()}`);
    if (existing && existing.archivedAt === null) summary.schemas.existing++;
    else {
      await s.schemas.create(portalId, schema);
      summary.schemas.created++;
    }
  }

  await loadCatalog(s, portalId, fixtures);

  for (const label of fixtures.labels ?? []) {
    const [from, to] = await Promise.all([
      s.objectTypes.resolve(portalId, label.from),
      s.objectTypes.resolve(portalId, label.to),
    ]);
    const types = await PairTypes.load(s.store, portalId, from, to);
    if ([...types.forward, ...types.reverse].some((t) => t.name === label.name && t.label !== null))
      summary.labels.existing++;
    else {
      await s.labels.create(portalId, from, to, label);
      summary.labels.created++;
    }
  }

  const keyed = new Map<string, { type: ObjectType; id: number }>();
  for (const [typeName, records] of Object.entries(fixtures.records ?? {})) {
    if (!Array.isArray(records)) throw invalid(`records.${typeName} must be an array`);
    const type = await s.objectTypes.resolve(portalId, typeName);
    for (const record of records) {
      if (typeof record?.key !== 'string' || record.key === '')
        throw invalid(`every record in records.${typeName} needs a "key"`);
      if (keyed.has(record.key)) throw invalid(`key "${record.key}" is used twice`);
      const properties = record.properties ?? {};
      const knownId = await s.store.findFixtureKey(portalId, record.key);
      const known = knownId === undefined ? undefined : await s.store.getObject(portalId, knownId);
      if (known && known.objectTypeId === type.id && known.archivedAt === null) {
        await s.objects.update(portalId, type, { id: String(known.id), properties });
        keyed.set(record.key, { type, id: known.id });
        summary.records.updated++;
      } else {
        const row = await s.objects.create(portalId, type, { properties });
        await s.store.transaction((tx) => tx.setFixtureKey(portalId, record.key, row.id));
        keyed.set(record.key, { type, id: row.id });
        summary.records.created++;
      }
    }
  }

  const recordOf = (key: string) => {
    const found = keyed.get(key);
    if (!found) throw invalid(`association names key "${key}", which no record has`);
    return found;
  };
  for (const association of fixtures.associations ?? []) {
    const from = recordOf(association.from);
    const to = recordOf(association.to);
    const specs: AssociationSpec[] = [];
    for (const type of association.types ?? ['unlabeled']) {
      if (typeof type === 'object') specs.push(type);
      else {
        const found = await typeByName(s, portalId, from.type, to.type, type);
        specs.push({ associationCategory: found.category, associationTypeId: found.typeId });
      }
    }
    await s.associations.putLabels(portalId, from.type, from.id, to.type, to.id, specs);
    summary.associations++;
  }

  for (const limit of fixtures.limits ?? []) {
    const [from, to] = await Promise.all([
      s.objectTypes.resolve(portalId, limit.from),
      s.objectTypes.resolve(portalId, limit.to),
    ]);
    const type = await typeByName(s, portalId, from, to, limit.type ?? 'unlabeled');
    const input = [{ category: type.category, typeId: type.typeId, maxToObjectIds: limit.max }];
    const configured = (await s.limits.listPair(portalId, from, to)).some(
      (l) => l.category === type.category && l.typeId === type.typeId,
    );
    const outcome = await s.limits.write(portalId, from, to, input, configured ? 'update' : 'create');
    if (outcome.errors[0]) throw outcome.errors[0];
    summary.limits++;
  }
  return summary;
}

/** Property groups, properties and pipelines: made unless one of the same name or ID exists. */
async function loadCatalog(s: FixtureServices, portalId: number, fixtures: Fixtures): Promise<void> {
  for (const [typeName, groups] of Object.entries(fixtures.propertyGroups ?? {})) {
    const type = await s.objectTypes.resolve(portalId, typeName);
    const existing = new Set((await s.properties.listGroups(portalId, type)).map((g) => g.name));
    for (const group of groups)
      if (!existing.has(group.name)) await s.properties.createGroup(portalId, type, group);
  }
  for (const [typeName, properties] of Object.entries(fixtures.properties ?? {})) {
    const type = await s.objectTypes.resolve(portalId, typeName);
    const existing = new Set((await s.properties.list(portalId, type)).map((p) => p.name));
    for (const property of properties)
      if (!existing.has(String(property.name))) await s.properties.create(portalId, type, property);
  }
  for (const [typeName, pipelines] of Object.entries(fixtures.pipelines ?? {})) {
    const type = await s.objectTypes.resolve(portalId, typeName);
    const existing = await s.pipelines.list(portalId, type);
    for (const pipeline of pipelines) {
      const found = existing.some((p) => p.id === pipeline.pipelineId || p.label === pipeline.label);
      if (!found) await s.pipelines.create(portalId, type, pipeline);
    }
  }
}
