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
 *     "limits":  [ { "from": "deals", "to": "contacts", "type": "unlabeled", "max": 5 } ]
 *   }
 *
 * An association's `types` are "unlabeled" (the default when left out), "primary", a label's
 * name, or `{ "associationCategory": …, "associationTypeId": … }`. A limit's `type` is
 * "unlabeled", "primary" or a label's name.
 */
import type { AssociationService, AssociationSpec } from '../associations/association-service.js';
import type { LabelService } from '../associations/label-service.js';
import type { LimitService } from '../associations/limit-service.js';
import { PairTypes } from '../associations/pair-types.js';
import type { AssociationType } from '../association-types.js';
import { ValidationError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import type { ObjectService } from '../objects/object-service.js';
import type { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import type { SchemaInput, SchemaService } from '../objects/schema-service.js';
import type { Store } from '../../store/store.js';

export interface Fixtures {
  /** The portal to load into (the default portal when left out). */
  portalId?: number;
  schemas?: SchemaInput[];
  labels?: Array<{ from: string; to: string; name: string; label: string; inverseLabel?: string }>;
  records?: Record<string, Array<{ key: string; properties?: Record<string, unknown> }>>;
  associations?: Array<{ from: string; to: string; types?: Array<string | AssociationSpec> }>;
  limits?: Array<{ from: string; to: string; type?: string; max: number }>;
}

export interface FixtureSummary {
  schemas: { created: number; existing: number };
  labels: { created: number; existing: number };
  records: { created: number; updated: number };
  associations: number;
  limits: number;
}

export interface FixtureServices {
  store: Store;
  objectTypes: ObjectTypeResolver;
  objects: ObjectService;
  associations: AssociationService;
  labels: LabelService;
  limits: LimitService;
  schemas: SchemaService;
}

function invalid(message: string): ValidationError {
  return new ValidationError(`Invalid fixtures: ${message}`);
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

  for (const schema of fixtures.schemas ?? []) {
    const existing = await s.objectTypes.findSchema(portalId, `p_${String(schema.name).toLowerCase()}`);
    if (existing && existing.archivedAt === null) summary.schemas.existing++;
    else {
      await s.schemas.create(portalId, schema);
      summary.schemas.created++;
    }
  }

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
