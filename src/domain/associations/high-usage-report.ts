/**
 * The associations high-usage report (POST …/usage/high-usage-report/{userId}). It reads
 * limits and usage and keeps the latest report per portal in memory; it shares nothing with
 * the records operations, so it lives apart from AssociationService (which delegates to it).
 */
import type { AssociationCategory } from '../association-types.js';
import type { Clock } from '../clock.js';
import type { Store } from '../../store/store.js';

/** Records at or above this share of their limit are in the report (HubSpot's "Associate records" guide: 80 %). */
export const HIGH_USAGE_THRESHOLD = 0.8;

export interface HighUsageRecord {
  readonly fromObjectTypeId: string;
  readonly fromObjectId: number;
  readonly toObjectTypeId: string;
  readonly category: AssociationCategory;
  readonly typeId: number;
  readonly count: number;
  readonly limit: number;
}

export interface HighUsageReport {
  readonly userId: number;
  readonly userEmail: string;
  readonly enqueuedAt: number;
  readonly records: readonly HighUsageRecord[];
}

/** Spoke has no user directory; a user's address is derived from the ID. */
function userEmailOf(userId: number): string {
  return `user-${userId}@spoke.local`;
}

export class HighUsageReports {
  /** The latest report of each portal, for the admin API: HubSpot emails it, Spoke has no mail to send. */
  readonly #reports = new Map<number, HighUsageReport>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * POST …/usage/high-usage-report/{userId}. HubSpot emails the user a report of records at
   * 80 % or more of a configured association limit; Spoke computes the same report and
   * keeps the latest one per portal (readable through the admin API).
   */
  async requestHighUsageReport(portalId: number, userId: number): Promise<HighUsageReport> {
    const enqueuedAt = this.clock.now();
    const records: HighUsageRecord[] = [];
    for (const limit of await this.store.listLimits(portalId)) {
      const threshold = Math.ceil(limit.maxToObjectIds * HIGH_USAGE_THRESHOLD);
      for (const usage of await this.store.associationUsage(
        portalId,
        limit.category,
        limit.typeId,
        threshold,
      )) {
        records.push({
          fromObjectTypeId: limit.fromObjectTypeId,
          fromObjectId: usage.fromId,
          toObjectTypeId: limit.toObjectTypeId,
          category: limit.category,
          typeId: limit.typeId,
          count: usage.count,
          limit: limit.maxToObjectIds,
        });
      }
    }
    const report = { userId, userEmail: userEmailOf(userId), enqueuedAt, records };
    this.#reports.set(portalId, report);
    return report;
  }

  latestHighUsageReport(portalId: number): HighUsageReport | undefined {
    return this.#reports.get(portalId);
  }
}
