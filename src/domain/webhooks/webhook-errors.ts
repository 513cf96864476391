/**
 * Errors of the webhooks v3 API: apps, their settings and subscriptions (docs/decisions.md,
 * "Webhooks"). Listed in docs/errors.md.
 */
import { errorFactory, simpleError } from '../error-catalog.js';

export const invalidTargetUrl = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'targetUrl must be an {absolute}http or https URL, got {value}' },
  (make, value: string, absolute: boolean) =>
    make({ absolute: absolute ? 'absolute ' : '', value: JSON.stringify(value) }),
);

export const invalidConcurrency = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'throttling.maxConcurrentRequests must be an integer from 1 to 100',
});

export const appNotFound = simpleError({ category: 'OBJECT_NOT_FOUND', message: 'No app with ID {appId}' });

/** Webhooks settings belong to an app; the portal's tokens alone do not name one. */
export const appWithoutSettings = simpleError({
  category: 'OBJECT_NOT_FOUND',
  message: 'App {appId} has no webhook settings',
});

export const appCredentialsMissing = simpleError({
  category: 'INVALID_AUTHENTICATION',
  message:
    'Authentication credentials not found: use the app’s developer API key (hapikey) or a token of its portal',
});

export const subscriptionNotFound = simpleError({
  category: 'OBJECT_NOT_FOUND',
  message: 'No subscription with ID {id} in app {appId}',
});

export const unknownEventType = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'Unknown eventType {eventType}' },
  (make, eventType: string) =>
    make({ eventType: JSON.stringify(eventType) }, { context: { eventType: [eventType] } }),
);

export const propertyNameRequired = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'A {eventType} subscription needs a propertyName',
});

export const propertyNameNotAllowed = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'propertyName applies only to propertyChange subscriptions, not {eventType}',
});

export const objectTypeIdRequired = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'An {eventType} subscription needs an objectTypeId',
});

/** HubSpot's wording for the per-app maximum. */
export const tooManySubscriptions = simpleError({
  category: 'VALIDATION_ERROR',
  message:
    "Couldn't create another subscription. You've reached the maximum number allowed per application ({max}).",
});
