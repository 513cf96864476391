/**
 * The store's invariants, checked (`spoke check`, and the tests after concurrent load):
 *  - every association type is defined for its direction;
 *  - every association has its inverse on the other record (where the type has one);
 *  - the unlabeled type is present wherever another type is, in both directions;
 *  - no record has more associations of a type than its configured limit;
 *  - no association points at a record that does not exist.
 */
import type { AssociationRow, Store } from '../store/store.js';
import { PairTypes } from './associations/pair-types.js';
import type { ObjectTypeResolver } from './objects/object-type-resolver.js';

export interface IntegrityProblem {
  readonly portalId: number;
  readonly kind:
    | 'unknown-type'
    | 'missing-inverse'
    | 'missing-unlabeled'
    | 'over-limit'
    | 'dangling'
    | 'unknown-object-type';
  readonly detail: string;
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

export async function checkIntegrity(
  store: Store,
  objectTypes: ObjectTypeResolver,
  maxProblems = 1000,
): Promise<IntegrityReport> {
  const problems: IntegrityProblem[] = [];
  let records = 0;
  let associations = 0;
  const portalIds = await store.listPortalIds();

  for (const portalId of portalIds) {
    const report = (kind: IntegrityProblem['kind'], detail: string) => {
      if (problems.length < maxProblems) problems.push({ portalId, kind, detail });
    };

    const existing = new Set<number>();
    for (let after: number | undefined; ;) {
      const page = await store.scanObjects(portalId, after, PAGE);
      for (const row of page) existing.add(row.id);
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
            objectTypes.resolveById(portalId, from),
            objectTypes.resolveById(portalId, to),
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
      for (const id of [first.fromId, first.toId]) {
        if (!existing.has(id)) report('dangling', `${describe(first)}: record ${id} does not exist`);
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
