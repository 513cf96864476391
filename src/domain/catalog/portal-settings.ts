/**
 * A portal's settings (the admin API, fixtures): property validation, and search's indexing
 * lag (search/search-lag.ts, which reads it). A portal that has not set one gets the server's
 * default (`--property-validation`, `--search-indexing-lag` and their environment variables).
 */
import type { Store, StoreTransaction } from '../../store/store.js';
import { checkLag, SEARCH_LAG_SETTING } from '../search/search-lag.js';
import {
  PROPERTY_VALIDATION_SETTING,
  type RecordValidator,
  type ValidationMode,
} from './record-validator.js';

export interface PortalSettingsInput {
  /** null goes back to the server's default. */
  propertyValidation?: ValidationMode | null | undefined;
  /** Search's indexing lag in ms; null goes back to the server's default. */
  searchIndexingLagMs?: number | null | undefined;
}

export class PortalSettings {
  constructor(
    private readonly store: Store,
    private readonly validator: RecordValidator,
  ) {}

  async get(portalId: number): Promise<{ propertyValidation: ValidationMode }> {
    return { propertyValidation: await this.validator.mode(this.store, portalId) };
  }

  async set(portalId: number, input: PortalSettingsInput, tx?: StoreTransaction): Promise<void> {
    const writes: Array<[string, string | undefined]> = [];
    if (input.propertyValidation !== undefined)
      writes.push([PROPERTY_VALIDATION_SETTING, input.propertyValidation ?? undefined]);
    const lag = input.searchIndexingLagMs;
    if (lag !== undefined)
      writes.push([SEARCH_LAG_SETTING, lag === null ? undefined : String(checkLag(lag))]);
    if (writes.length === 0) return;
    const apply = async (t: StoreTransaction) => {
      for (const [name, value] of writes) await t.setPortalSetting(portalId, name, value);
    };
    if (tx) await apply(tx);
    else await this.store.transaction(apply);
  }
}
