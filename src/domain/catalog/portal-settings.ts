/**
 * A portal's settings (the admin API, fixtures): for now, property validation. A portal that
 * has not set it gets the server's default (`--property-validation`, SPOKE_PROPERTY_VALIDATION).
 */
import type { Store, StoreTransaction } from '../../store/store.js';
import {
  PROPERTY_VALIDATION_SETTING,
  type RecordValidator,
  type ValidationMode,
} from './record-validator.js';

export interface PortalSettingsInput {
  /** null goes back to the server's default. */
  propertyValidation?: ValidationMode | null | undefined;
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
    if (input.propertyValidation === undefined) return;
    const value = input.propertyValidation ?? undefined;
    if (tx) await tx.setPortalSetting(portalId, PROPERTY_VALIDATION_SETTING, value);
    else
      await this.store.transaction((t) => t.setPortalSetting(portalId, PROPERTY_VALIDATION_SETTING, value));
  }
}
