/**
 * Errors of Spoke's own admin surface (`/_spoke/...` and the CLI's configuration): portals and
 * tokens, the clock, fault rules and rate-limit tiers. Listed in docs/errors.md.
 */
import { errorFactory, simpleError } from './error-catalog.js';

export const invalidPortalId = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'portalId must be an integer from 1 to 2147483647, got {portalId}',
});

export const tokenTaken = errorFactory(
  { category: 'CONFLICT', message: 'Token {token}… already names portal {portalId}' },
  (make, token: string, portalId: number) => make({ token: token.slice(0, 6), portalId }),
);

export const invalidTokenConfig = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'Invalid token configuration for "{token}": portalId must be a positive integer',
});

export const instantOutOfRange = simpleError({
  category: 'VALIDATION_ERROR',
  message: '{what} must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z',
});

export const invalidClockStep = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'stepMs must be between 0 and {max} (one day)',
});

export const invalidClockTime = simpleError({
  category: 'VALIDATION_ERROR',
  message: '"now" is not an ISO 8601 time: {now}',
});

export const invalidFaultRule = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'Invalid fault rule: {problem}',
});

export const faultRuleNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'No fault rule "{id}"' },
  (make, id: string) => make({ id }, { context: { id: [id] } }),
);

export const invalidRateLimit = simpleError({
  category: 'VALIDATION_ERROR',
  message: '{name} must be a whole number from 0 to 1000000000, or null for no limit',
});

export const invalidTimeZone = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'timeZone must be an IANA time zone such as America/New_York, got "{timeZone}"',
});

export const unknownTier = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'Unknown rate-limit tier "{tier}": use one of {tiers}',
});

export const noRateLimits = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'Portal {portalId} has no rate limits: set a tier first',
});

export const invalidDailyUsage = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'daily must be a whole number from 0',
});

export const invalidRateLimitPortal = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'Invalid rate-limit configuration: "{key}" is not a portal ID or "*"',
});

export const invalidRateLimitEntry = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'Invalid rate-limit configuration for "{key}": give a tier name or { "tier": … }',
});
