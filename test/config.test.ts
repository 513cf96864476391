/**
 * Configuration: the property validation default, from a flag or the environment.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, resolveConfig } from '../src/config.js';

describe('--property-validation', () => {
  it('takes strict or lenient from the flag, then SPOKE_PROPERTY_VALIDATION; nothing set leaves the default', () => {
    assert.equal(resolveConfig({ propertyValidation: 'lenient' }, {}).propertyValidation, 'lenient');
    assert.equal(resolveConfig({}, { SPOKE_PROPERTY_VALIDATION: 'lenient' }).propertyValidation, 'lenient');
    assert.equal(
      resolveConfig({ propertyValidation: 'strict' }, { SPOKE_PROPERTY_VALIDATION: 'lenient' })
        .propertyValidation,
      'strict',
    );
    assert.equal(resolveConfig({}, {}).propertyValidation, undefined);
    assert.throws(() => resolveConfig({ propertyValidation: 'loose' }, {}), ConfigError);
  });
});

describe('--webhook-retention-ms', () => {
  it('takes milliseconds from the flag, then SPOKE_WEBHOOK_RETENTION_MS, and refuses nonsense', () => {
    assert.equal(resolveConfig({ webhookRetentionMs: '3600000' }, {}).webhookRetentionMs, 3_600_000);
    assert.equal(resolveConfig({}, { SPOKE_WEBHOOK_RETENTION_MS: '60000' }).webhookRetentionMs, 60_000);
    assert.equal(resolveConfig({}, {}).webhookRetentionMs, undefined);
    assert.throws(() => resolveConfig({ webhookRetentionMs: 'week' }, {}), ConfigError);
    assert.throws(() => resolveConfig({ webhookRetentionMs: '5' }, {}), ConfigError);
  });
});
