/**
 * The store's invariants, checked (`spoke check`, the tests after concurrent load, and every
 * import and fixture load before it commits):
 *  - every association type is defined for its direction, between records of the types the
 *    row names;
 *  - every association has its inverse on the other record (where the type has one);
 *  - the unlabeled type is present wherever another type is, in both directions;
 *  - no record has more associations of a type than its configured limit;
 *  - no association points at a record that does not exist;
 *  - every label has its inverse definition, between object types that exist, and a pair
 *    has at most 10 labels;
 *  - every limit is on a defined type, from 1 to 10,000, and a label's limit is at most the
 *    unlabeled type's;
 *  - every record's type exists, and no live record belongs to an archived schema;
 *  - every schema has labels, properties and requiredProperties that name its properties;
 *  - every record's values are ones its portal's catalog allows stored (catalog/stored-values.ts):
 *    defined properties, values of their types, live records in known pipelines and stages.
 */
import type { AssociationRow, DefinitionRow, StoreReader } from '../store/store.js';
import { MAX_LABELS_PER_PAIR } from './associations/label-service.js';
import { MAX_LIMIT } from './associations/limit-service.js';
import { PairTypes } from './associations/pair-types.js';
import { StoredValues } from './catalog/stored-values.js';
import type { ObjectType } from './object-types.js';
import type { ObjectTypeResolver } from './objects/object-type-resolver.js';

export interface IntegrityProblem {
  readonly portalId: number;
  readonly kind:
    | 'unknown-type'
    | 'missing-inverse'
    | 'missing-unlabeled'
    | 'over-limit'
    | 'dangling'
    | 'unknown-object-type'
    | 'type-mismatch'
    | 'orphan-definition'
    | 'too-many-labels'
    | 'orphan-limit'
    | 'limit-range'
    | 'stranded-record'
    | 'invalid-schema'
    | 'invalid-value';
  readonly detail: string;
}

export interface IntegrityOptions {
  /** Only these portals (all of them when left out). */
  readonly portalIds?: readonly number[];
  readonly maxProblems?: number;
}

export interface IntegrityReport {
  readonly portals: number;
  readonly records: number;
  readonly associations: number;
  readonly problems: IntegrityProblem[];
}

const PAGE = 5000;

function describe(row: AssociationRow): string {
  return `${row.fromObjectTypeId}:${row.fromId} → ${row.toObjectTypeId}:${row.toId} ${row.category}=${row.typeId}`;
}

/** The invariants of the given portals (all portals by default), read through `store`. */
export async function checkIntegrity(
  store: StoreReader,
  objectTypes: ObjectTypeResolver,
  options: IntegrityOptions = {},
): Promise<IntegrityReport> {
  const maxProblems = options.maxProblems ?? 1000;
  const problems: IntegrityProblem[] = [];
  let records = 0;
  let associations = 0;
  const portalIds = options.portalIds ?? (await store.listPortalIds());

  for (const portalId of portalIds) {
    const report = (kind: IntegrityProblem['kind'], detail: string) => {
      if (problems.length < maxProblems) problems.push({ portalId, kind, detail });
    };
    await checkCatalog(store, objectTypes, portalId, report);

    const schemas = new Map((await store.listSchemas(portalId)).map((s) => [s.objectTypeId, s]));
    const existing = new Map<number, string>();
    const values = new StoredValues(store, portalId);
    const types = new Map<string, ObjectType | undefined>();
    const typeOf = async (objectTypeId: string) => {
      if (!types.has(objectTypeId))
        types.set(
          objectTypeId,
          await objectTypes.resolveAnyById(portalId, objectTypeId, store).catch(() => undefined),
        );
      return types.get(objectTypeId);
    };
    for (let after: number | undefined; ;) {
      const page = await store.scanObjects(portalId, after, PAGE);
      for (const row of page) {
        existing.set(row.id, row.objectTypeId);
        if (row.objectTypeId.startsWith('2-')) {
          const schema = schemas.get(row.objectTypeId);
          if (!schema)
            report('stranded-record', `record ${row.id} is of ${row.objectTypeId}, which no schema defines`);
          else if (schema.archivedAt !== null && row.archivedAt === null)
            report('stranded-record', `record ${row.id} is live, but its schema ${schema.name} is archived`);
        } else {
          try {
            await objectTypes.resolveById(portalId, row.objectTypeId, store);
          } catch {
            report('stranded-record', `record ${row.id} is of the unknown type ${row.objectTypeId}`);
          }
        }
        const type = await typeOf(row.objectTypeId);
        if (type)
          for (const problem of (await values.check(type, row.properties, row.archivedAt === null)).problems)
            report('invalid-value', `record ${row.id}: ${problem.name}: ${problem.message}`);
      }
      records += page.length;
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.id;
    }

    const pairTypes = new Map<string, PairTypes | null>();
    const typesFor = async (from: string, to: string) => {
      const key = `${from}|${to}`;
      if (!pairTypes.has(key)) {
        try {
          const [a, b] = await Promise.all([
            objectTypes.resolveAnyById(portalId, from, store),
            objectTypes.resolveAnyById(portalId, to, store),
          ]);
          pairTypes.set(key, await PairTypes.load(store, portalId, a, b));
        } catch {
          pairTypes.set(key, null);
        }
      }
      return pairTypes.get(key)!;
    };

    // Rows come in key order, so one pair's rows (one direction) arrive together.
    let pair: AssociationRow[] = [];
    const checkPair = async (rows: AssociationRow[]) => {
      if (rows.length === 0) return;
      const first = rows[0]!;
      for (const [id, type] of [
        [first.fromId, first.fromObjectTypeId],
        [first.toId, first.toObjectTypeId],
      ] as const) {
        const actual = existing.get(id);
        if (actual === undefined) report('dangling', `${describe(first)}: record ${id} does not exist`);
        else if (actual !== type) report('type-mismatch', `${describe(first)}: record ${id} is of ${actual}`);
      }
      const types = await typesFor(first.fromObjectTypeId, first.toObjectTypeId);
      if (!types) {
        report('unknown-object-type', describe(first));
        return;
      }
      const unlabeled = types.unlabeled(first.fromObjectTypeId);
      if (
        !unlabeled ||
        !rows.some((r) => r.category === unlabeled.category && r.typeId === unlabeled.typeId)
      ) {
        report('missing-unlabeled', `${describe(first)}: no unlabeled type between the pair`);
      }
      const reverse = await store.associationsBetween(
        portalId,
        { objectTypeId: first.toObjectTypeId, id: first.toId },
        { objectTypeId: first.fromObjectTypeId, id: first.fromId },
      );
      for (const row of rows) {
        const type = types.find(row.fromObjectTypeId, row.category, row.typeId);
        if (!type) {
          report('unknown-type', describe(row));
          continue;
        }
        const inverse = types.inverseOf(type);
        if (inverse && !reverse.some((r) => r.category === inverse.category && r.typeId === inverse.typeId)) {
          report('missing-inverse', `${describe(row)}: no ${inverse.category}=${inverse.typeId} back`);
        }
      }
    };

    for (let after: AssociationRow | undefined; ;) {
      const page = await store.scanAssociations(portalId, after, PAGE);
      associations += page.length;
      for (const row of page) {
        const head = pair[0];
        if (
          head &&
          (head.fromId !== row.fromId || head.toId !== row.toId || head.toObjectTypeId !== row.toObjectTypeId)
        ) {
          await checkPair(pair);
          pair = [];
        }
        pair.push(row);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1];
    }
    await checkPair(pair);

    for (const limit of await store.listLimits(portalId)) {
      const over = await store.associationUsage(
        portalId,
        limit.category,
        limit.typeId,
        limit.maxToObjectIds + 1,
      );
      for (const usage of over) {
        report(
          'over-limit',
          `${limit.fromObjectTypeId}:${usage.fromId} has ${usage.count} associations of ${limit.category}=${limit.typeId}; the limit is ${limit.maxToObjectIds}`,
        );
      }
    }
  }
  return { portals: portalIds.length, records, associations, problems };
}

type Report = (kind: IntegrityProblem['kind'], detail: string) => void;

const describeDefinition = (d: DefinitionRow) =>
  `${d.category}=${d.typeId} "${d.name}" (${d.fromObjectTypeId} → ${d.toObjectTypeId})`;

/** Labels, limits and schemas: the catalog every write reads. */
async function checkCatalog(
  store: StoreReader,
  objectTypes: ObjectTypeResolver,
  portalId: number,
  report: Report,
): Promise<void> {
  for (const schema of await store.listSchemas(portalId)) {
    const d = schema.definition as Record<string, unknown>;
    const properties = Array.isArray(d.properties) ? (d.properties as Array<{ name?: unknown }>) : undefined;
    const names = new Set(properties?.map((p) => p?.name));
    const labels = d.labels as { singular?: unknown; plural?: unknown } | undefined;
    const problem = !properties
      ? 'has no properties'
      : !Array.isArray(d.requiredProperties)
        ? 'has no requiredProperties'
        : (d.requiredProperties as unknown[]).find((n) => !names.has(n)) !== undefined
          ? 'requires a property it does not define'
          : typeof labels?.singular !== 'string' || typeof labels?.plural !== 'string'
            ? 'has no labels.singular and labels.plural'
            : undefined;
    if (problem) report('invalid-schema', `schema ${schema.name} (${schema.objectTypeId}) ${problem}`);
  }

  const definitions = await store.listDefinitions(portalId);
  const byId = new Map(definitions.map((d) => [`${d.category}=${d.typeId}`, d]));
  const labelNames = new Map<string, Set<string>>();
  for (const d of definitions) {
    try {
      // An archived schema keeps its definitions until it is purged.
      await objectTypes.resolveAnyById(portalId, d.fromObjectTypeId, store);
      await objectTypes.resolveAnyById(portalId, d.toObjectTypeId, store);
    } catch {
      report('orphan-definition', `${describeDefinition(d)} is between object types that do not exist`);
    }
    const inverse = d.inverseTypeId === null ? undefined : byId.get(`${d.category}=${d.inverseTypeId}`);
    if (
      d.inverseTypeId === null ||
      !inverse ||
      inverse.inverseTypeId !== d.typeId ||
      inverse.fromObjectTypeId !== d.toObjectTypeId ||
      inverse.toObjectTypeId !== d.fromObjectTypeId
    ) {
      report('orphan-definition', `${describeDefinition(d)} has no inverse definition pointing back at it`);
    }
    if (d.label !== null) {
      const pair = [d.fromObjectTypeId, d.toObjectTypeId].sort().join('|');
      const names = labelNames.get(pair) ?? new Set<string>();
      names.add(d.name);
      labelNames.set(pair, names);
    }
  }
  for (const [pair, names] of labelNames) {
    if (names.size > MAX_LABELS_PER_PAIR)
      report(
        'too-many-labels',
        `${pair} has ${names.size} labels; at most ${MAX_LABELS_PER_PAIR} are allowed`,
      );
  }

  const limits = await store.listLimits(portalId);
  for (const limit of limits) {
    const what = `limit ${limit.category}=${limit.typeId} (${limit.fromObjectTypeId} → ${limit.toObjectTypeId})`;
    if (
      !Number.isInteger(limit.maxToObjectIds) ||
      limit.maxToObjectIds < 1 ||
      limit.maxToObjectIds > MAX_LIMIT
    )
      report('limit-range', `${what} is ${limit.maxToObjectIds}; limits run from 1 to ${MAX_LIMIT}`);
    let types: PairTypes;
    try {
      const [from, to] = await Promise.all([
        objectTypes.resolveAnyById(portalId, limit.fromObjectTypeId, store),
        objectTypes.resolveAnyById(portalId, limit.toObjectTypeId, store),
      ]);
      types = await PairTypes.load(store, portalId, from, to);
    } catch {
      report('orphan-limit', `${what} is between object types that do not exist`);
      continue;
    }
    const type = types.find(limit.fromObjectTypeId, limit.category, limit.typeId);
    if (!type) {
      report('orphan-limit', `${what} is on a type that is not defined for that direction`);
      continue;
    }
    const unlabeled = types.unlabeled(limit.fromObjectTypeId);
    const unlabeledLimit =
      unlabeled &&
      limits.find(
        (l) =>
          l.category === unlabeled.category &&
          l.typeId === unlabeled.typeId &&
          l.fromObjectTypeId === limit.fromObjectTypeId,
      );
    if (!type.unlabeled && unlabeledLimit && limit.maxToObjectIds > unlabeledLimit.maxToObjectIds)
      report(
        'limit-range',
        `${what} is ${limit.maxToObjectIds}, above the unlabeled type's limit of ${unlabeledLimit.maxToObjectIds}`,
      );
  }
}
