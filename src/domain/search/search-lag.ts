/**
 * Indexing lag, opt-in. HubSpot's search finds new and changed records only "a few moments"
 * after the write; by default Spoke's search reads its own writes. A portal with a lag set
 * (its setting, or the server's `--search-indexing-lag`) does not find a new record until the
 * lag has passed on the portal's clock since its creation, or until an admin call marks
 * everything written so far as indexed; a changed record stays found (decision D53). Setting a lag marks what was written before as
 * indexed too. Instants are milliseconds: a write in the same millisecond as a flush counts
 * as flushed (docs/decisions.md, "Search").
 */
import { searchLagOutOfRange } from './search-errors.js';
import type { Clock } from '../clock.js';
import type { Store } from '../../store/store.js';

export const SEARCH_LAG_SETTING = 'searchIndexingLagMs';
const INDEXED_THROUGH_SETTING = 'searchIndexedThrough';
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

  /** Records written after this instant are not found yet; undefined: every record is. */
  async visibleThrough(portalId: number): Promise<number | undefined> {
    const setting = await this.store.getPortalSetting(portalId, SEARCH_LAG_SETTING);
    const lag = setting === undefined ? this.defaultLagMs : Number(setting);
    if (!(lag > 0)) return undefined;
    const through = await this.store.getPortalSetting(portalId, INDEXED_THROUGH_SETTING);
    const cutoff = this.clock.now() - lag;
    return through === undefined ? cutoff : Math.max(cutoff, Number(through));
  }

  /** Sets the portal's lag (null: the server's default); what was written before is indexed. */
  async set(portalId: number, lagMs: number | null): Promise<void> {
    const value = lagMs === null ? undefined : String(checkLag(lagMs));
    const now = String(this.clock.now());
    await this.store.transaction(async (tx) => {
      await tx.setPortalSetting(portalId, SEARCH_LAG_SETTING, value);
      await tx.setPortalSetting(portalId, INDEXED_THROUGH_SETTING, now);
    });
  }

  /** Makes every record written so far visible to search at once. */
  async flush(portalId: number): Promise<void> {
    const now = String(this.clock.now());
    await this.store.transaction((tx) => tx.setPortalSetting(portalId, INDEXED_THROUGH_SETTING, now));
  }
}
