/**
 * Errors of the webhooks v3 API: apps, their settings and subscriptions (docs/decisions.md,
 * "Webhooks"). Listed in docs/errors.md.
 */
import { errorFactory, simpleError, simpleErrors } from '../error-catalog.js';
import type { AppRow, SubscriptionRow } from '../rows.js';

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

/**
 * A second subscription for the same event (and property, and object type) would send every
 * event twice: refused, as HubSpot refuses it (decision D25).
 */
export const duplicateSubscription = errorFactory(
  { category: 'CONFLICT', message: 'App {appId} already has a subscription for {what}{id}' },
  (
    make,
    app: Pick<AppRow, 'appId'>,
    existing: Pick<SubscriptionRow, 'eventType' | 'propertyName' | 'objectTypeId'> & {
      id: number | undefined;
    },
  ) => {
    const what = [
      existing.eventType,
      existing.objectTypeId !== null ? `objectTypeId ${existing.objectTypeId}` : '',
      existing.propertyName !== null ? `property ${existing.propertyName}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return make(
      { appId: app.appId, what, id: existing.id === undefined ? '' : ` (ID ${existing.id})` },
      existing.id === undefined ? {} : { context: { subscriptionId: [String(existing.id)] } },
    );
  },
);

/** The `apps` of a fixture or export document (app-documents.ts). */
export const { invalidAppDocument, repeatedSubscription, appOfAnotherPortal } = simpleErrors(
  'VALIDATION_ERROR',
  {
    invalidAppDocument: '{at} must be {expected}',
    repeatedSubscription: '{at} repeats a subscription of the same app (decision D25)',
    appOfAnotherPortal: 'apps[{index}]: app {appId} belongs to portal {portalId}',
  },
);

/** The admin API's apps (`/_spoke/webhooks/apps`). */
export const appPortalNotFound = simpleError({
  category: 'OBJECT_NOT_FOUND',
  message: 'No portal with ID {portalId}: make it first (POST /_spoke/portals)',
});
export const appIdTaken = simpleError({ category: 'CONFLICT', message: 'An app with ID {appId} exists' });
export const developerKeyTaken = simpleError({
  category: 'CONFLICT',
  message: 'Another app has the developer API key {developerApiKey}',
});
export const invalidWebhookField = simpleError({
  category: 'VALIDATION_ERROR',
  message: '{field} must be {expected}',
});
