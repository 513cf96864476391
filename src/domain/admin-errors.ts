/**
 * Errors of Spoke's own admin surface (`/_spoke/...` and the CLI's configuration): portals and
 * tokens, the clock, fault rules and rate-limit tiers. Listed in docs/errors.md.
 */
import { errorFactory, simpleErrors } from './error-catalog.js';

export const {
  invalidPortalId,
  invalidTokenConfig,
  instantOutOfRange,
  invalidClockStep,
  invalidClockTime,
  invalidFaultRule,
  invalidRateLimit,
  invalidTimeZone,
  unknownTier,
  noRateLimits,
  invalidDailyUsage,
  invalidRateLimitPortal,
  invalidRateLimitEntry,
} = simpleErrors('VALIDATION_ERROR', {
  invalidPortalId: 'portalId must be an integer from 1 to 2147483647, got {portalId}',
  invalidTokenConfig: 'Invalid token configuration for "{token}": {problem}',
  instantOutOfRange: '{what} must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z',
  invalidClockStep: 'stepMs must be between 0 and {max} (one day)',
  invalidClockTime: '"now" is not an ISO 8601 time: {now}',
  invalidFaultRule: 'Invalid fault rule: {problem}',
  invalidRateLimit: '{name} must be a whole number from 0 to 1000000000, or null for no limit',
  invalidTimeZone: 'timeZone must be an IANA time zone such as America/New_York, got "{timeZone}"',
  unknownTier: 'Unknown rate-limit tier "{tier}": use one of {tiers}',
  noRateLimits: 'Portal {portalId} has no rate limits: set a tier first',
  invalidDailyUsage: 'daily must be a whole number from 0',
  invalidRateLimitPortal: 'Invalid rate-limit configuration: "{key}" is not a portal ID or "*"',
  invalidRateLimitEntry: 'Invalid rate-limit configuration for "{key}": give a tier name or { "tier": … }',
});

export const tokenTaken = errorFactory(
  { category: 'CONFLICT', message: 'Token {token}… already names portal {portalId}' },
  (make, token: string, portalId: number) => make({ token: token.slice(0, 6), portalId }),
);

export const faultRuleNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'No fault rule "{id}"' },
  (make, id: string) => make({ id }, { context: { id: [id] } }),
);
