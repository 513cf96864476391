/**
 * The association types of each pair of object types in a portal, as the web UI's labels
 * and limits view shows them: HubSpot's types and the portal's labels, each with how many
 * associations use it and, where a limit is set, how close records come to it.
 *
 * A direction is listed when the portal uses it, has labels on it, or limits it.
 */
import type { AssociationCategory } from '../association-types.js';
import { PairTypes } from '../associations/pair-types.js';
import { HIGH_USAGE_THRESHOLD } from '../associations/high-usage-report.js';
import type { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import type { Store } from '../../store/store.js';
import { ObjectCatalog } from './object-catalog.js';
import { summary, typeView, type AssociationTypeView, type RecordSummary } from './record-view.js';

export interface TypeUsage extends AssociationTypeView {
  /** Associations of this type, one direction. */
  readonly associations: number;
  /** Records with at least one. */
  readonly records: number;
  readonly maxPerRecord: number;
  /** The configured limit (`maxToObjectIds`), if any. */
  readonly limit: number | null;
  /** Records at HubSpot's high-usage threshold of the limit or above (80 %). */
  readonly nearLimit: number;
  readonly atLimit: number;
  /** The records closest to the limit, with how many they have. */
  readonly heaviest: ReadonlyArray<RecordSummary & { count: number }>;
  /** A label the portal defined (USER_DEFINED), as opposed to HubSpot's own types. */
  readonly custom: boolean;
  readonly inverseTypeId: number | null;
}

export interface PairUsage {
  readonly fromObjectTypeId: string;
  readonly fromTypeName: string;
  readonly toObjectTypeId: string;
  readonly toTypeName: string;
  readonly types: readonly TypeUsage[];
}

export interface UsageReport {
  readonly highUsageThreshold: number;
  readonly pairs: readonly PairUsage[];
}

const key = (from: string, to: string) => `${from}|${to}`;

export class AssociationUsage {
  constructor(
    private readonly store: Store,
    private readonly objectTypes: ObjectTypeResolver,
  ) {}

  async report(portalId: number): Promise<UsageReport> {
    const [usage, definitions, limits, catalog] = await Promise.all([
      this.store.inspection.typeUsage(portalId),
      this.store.listDefinitions(portalId),
      this.store.listLimits(portalId),
      ObjectCatalog.load(this.store, portalId),
    ]);
    const directions = new Map<string, [string, string]>();
    for (const row of [...usage, ...definitions, ...limits])
      directions.set(key(row.fromObjectTypeId, row.toObjectTypeId), [
        row.fromObjectTypeId,
        row.toObjectTypeId,
      ]);

    const heavyIds = usage.flatMap((u) => u.heaviest.map((h) => h.fromId));
    const heavyRows = new Map(
      (await this.store.inspection.recordsByIds(portalId, [...new Set(heavyIds)])).map((r) => [r.id, r]),
    );

    const pairs: PairUsage[] = [];
    for (const [from, to] of [...directions.values()].sort((a, b) => key(...a).localeCompare(key(...b)))) {
      const fromType = await this.objectTypes.resolveById(portalId, from).catch(() => undefined);
      const toType = await this.objectTypes.resolveById(portalId, to).catch(() => undefined);
      // A custom object archived since: its rows stay, but the UI cannot name its types.
      if (!fromType || !toType) continue;
      const types = await PairTypes.load(this.store, portalId, fromType, toType);
      const listed = new Map<string, { category: AssociationCategory; typeId: number }>();
      for (const type of types.forward) listed.set(`${type.category}:${type.typeId}`, type);
      for (const row of usage.filter((u) => u.fromObjectTypeId === from && u.toObjectTypeId === to))
        listed.set(`${row.category}:${row.typeId}`, row);
      pairs.push({
        fromObjectTypeId: from,
        fromTypeName: fromType.name,
        toObjectTypeId: to,
        toTypeName: toType.name,
        types: [...listed.values()].map(({ category, typeId }) => {
          const used = usage.find(
            (u) => u.fromObjectTypeId === from && u.category === category && u.typeId === typeId,
          );
          const limit = limits.find(
            (l) => l.fromObjectTypeId === from && l.category === category && l.typeId === typeId,
          );
          return {
            ...typeView(types, from, category, typeId),
            custom: category !== 'HUBSPOT_DEFINED',
            inverseTypeId: types.find(from, category, typeId)?.inverseTypeId ?? null,
            associations: used?.rows ?? 0,
            records: used?.records ?? 0,
            maxPerRecord: used?.maxPerRecord ?? 0,
            limit: limit?.maxToObjectIds ?? null,
            nearLimit: limit ? (used?.nearLimit ?? 0) : 0,
            atLimit: limit ? (used?.atLimit ?? 0) : 0,
            heaviest: (limit ? (used?.heaviest ?? []) : []).flatMap((h) => {
              const row = heavyRows.get(h.fromId);
              return row ? [{ ...summary(catalog, row), count: h.count }] : [];
            }),
          };
        }),
      });
    }
    return { highUsageThreshold: HIGH_USAGE_THRESHOLD, pairs };
  }
}
