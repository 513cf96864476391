/**
 * Indexing lag, opt-in. HubSpot's search finds new and changed records only "a few moments"
 * after the write; by default Spoke's search reads its own writes. A portal with a lag set
 * (its setting, or the server's `--search-indexing-lag`) does not find a new record until the
 * lag has passed on the portal's clock since its creation, or until an admin call marks
 * everything written so far as indexed; a changed record stays found (decision D53). Setting a lag marks what was written before as
 * indexed too. Instants are milliseconds, so the flush also notes which records were created
 * in its own millisecond: one created after the flush in that millisecond (a frozen clock) is
 * not found until the lag has passed (decision D82; docs/decisions.md, "Search").
 */
import { searchLagOutOfRange } from './search-errors.js';
import type { Clock } from '../clock.js';
import type { Store } from '../../store/store.js';

export const SEARCH_LAG_SETTING = 'searchIndexingLagMs';
const INDEXED_THROUGH_SETTING = 'searchIndexedThrough';
/** The IDs of the records created in the flush's millisecond before it, as JSON. */
const INDEXED_AT_THROUGH_SETTING = 'searchIndexedAtThrough';
/**
 * At most this many records created in the flush's millisecond are noted; past that, every
 * record of that millisecond counts as flushed (decision D82).
 */
export const MAX_FLUSH_TIES = 10_000;

/** Which records search finds during the lag (search-sql.ts, SearchPlan). */
export interface SearchVisibility {
  readonly visibleThrough: number;
  readonly visibleAtThrough?: readonly number[];
}
/** A day: a longer lag is a mistake, not a test of polling. */
export const MAX_SEARCH_LAG_MS = 86_400_000;

export function checkLag(value: unknown, what = 'searchIndexingLagMs'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SEARCH_LAG_MS)
    throw searchLagOutOfRange({ what, max: MAX_SEARCH_LAG_MS });
  return value;
}

export interface SearchLagState {
  /** The portal's lag in ms (0: search reads its own writes). */
  readonly lagMs: number;
  /** Whether the portal set it, or has the server's default. */
  readonly portalSetting: boolean;
  /** Records last written at or before this instant are found whatever the lag (ISO 8601). */
  readonly indexedThrough: string | null;
}

export class SearchLag {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly defaultLagMs = 0,
  ) {}

  async state(portalId: number): Promise<SearchLagState> {
    const setting = await this.store.getPortalSetting(portalId, SEARCH_LAG_SETTING);
    const through = await this.store.getPortalSetting(portalId, INDEXED_THROUGH_SETTING);
    return {
      lagMs: setting === undefined ? this.defaultLagMs : Number(setting),
      portalSetting: setting !== undefined,
      indexedThrough: through === undefined ? null : new Date(Number(through)).toISOString(),
    };
  }

  /** Records written after the instant are not found yet; undefined: every record is. */
  async visibleThrough(portalId: number): Promise<SearchVisibility | undefined> {
    const setting = await this.store.getPortalSetting(portalId, SEARCH_LAG_SETTING);
    const lag = setting === undefined ? this.defaultLagMs : Number(setting);
    if (!(lag > 0)) return undefined;
    const cutoff = this.clock.now() - lag;
    const through = await this.store.getPortalSetting(portalId, INDEXED_THROUGH_SETTING);
    // Once the lag has passed the flush, its millisecond is found whole (created_at <= cutoff).
    if (through === undefined || Number(through) <= cutoff) return { visibleThrough: cutoff };
    const ties = await this.store.getPortalSetting(portalId, INDEXED_AT_THROUGH_SETTING);
    return {
      visibleThrough: Number(through),
      ...(ties !== undefined && { visibleAtThrough: JSON.parse(ties) as number[] }),
    };
  }

  /** Sets the portal's lag (null: the server's default); what was written before is indexed. */
  async set(portalId: number, lagMs: number | null): Promise<void> {
    const value = lagMs === null ? undefined : String(checkLag(lagMs));
    await this.#markIndexed(portalId, [[SEARCH_LAG_SETTING, value]]);
  }

  /** Makes every record written so far visible to search at once. */
  async flush(portalId: number): Promise<void> {
    await this.#markIndexed(portalId, []);
  }

  /** Marks what was written so far as indexed: the instant, and who was created in it. */
  async #markIndexed(portalId: number, also: Array<[string, string | undefined]>): Promise<void> {
    const now = this.clock.now();
    const ties = await this.store.search.createdAt(portalId, now, MAX_FLUSH_TIES + 1);
    const noted = ties.length > MAX_FLUSH_TIES ? undefined : JSON.stringify(ties);
    await this.store.transaction(async (tx) => {
      for (const [key, value] of also) await tx.setPortalSetting(portalId, key, value);
      await tx.setPortalSetting(portalId, INDEXED_THROUGH_SETTING, String(now));
      await tx.setPortalSetting(portalId, INDEXED_AT_THROUGH_SETTING, noted);
    });
  }
}
