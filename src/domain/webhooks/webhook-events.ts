/**
 * A committed change, as the webhook events HubSpot would send for it: which subscriptions
 * hear of it and each event's fields (docs/decisions.md, "Webhooks"). Pure: the outbox hook
 * (webhook-service.ts) writes what this returns in the transaction of the change.
 */
import { hubspotDefinedType } from '../association-types.js';
import type { ChangeSet, ChangeSource, RecordChange } from '../changes.js';
import type { NewEvent, SubscriptionRow } from '../../store/webhooks.js';
import type { AssociationRow } from '../../store/store.js';

/** The standard objects webhooks name; every other type is `object.*` with its `objectTypeId`. */
const OBJECT_NAMES: Readonly<Record<string, string>> = {
  '0-1': 'contact',
  '0-2': 'company',
  '0-3': 'deal',
  '0-5': 'ticket',
  '0-7': 'product',
  '0-8': 'line_item',
};

const ACTIONS = ['creation', 'deletion', 'propertyChange', 'merge', 'restore', 'associationChange'] as const;

/** Every `eventType` a subscription may name (HubSpot's list; products have no associationChange). */
export const EVENT_TYPES: ReadonlySet<string> = new Set([
  ...['contact', 'company', 'deal', 'ticket', 'line_item', 'product', 'object'].flatMap((o) =>
    ACTIONS.filter((a) => !(o === 'product' && a === 'associationChange')).map((a) => `${o}.${a}`),
  ),
  'contact.privacyDeletion',
]);

/** Event types Spoke accepts but has nothing to send for (conversations, custom events). */
export const SILENT_EVENT_TYPES: ReadonlySet<string> = new Set([
  'conversation.creation',
  'conversation.deletion',
  'conversation.newMessage',
  'conversation.privacyDeletion',
  'conversation.propertyChange',
  'event.completed',
]);

export function objectName(objectTypeId: string): string {
  return OBJECT_NAMES[objectTypeId] ?? 'object';
}

/** The user a portal's UI actions and imports are credited to (a token's default user). */
const PORTAL_USER_ID = 1;

/**
 * `changeSource` and `sourceId` as HubSpot writes them for the write's origin (decision D25):
 * an API write is the installed integration's (`INTEGRATION`, the app's ID), an import or
 * fixture load is a user's import (`IMPORT`), the admin API stands for the CRM's UI
 * (`CRM_UI`, `userId:…`).
 */
export function changeOrigin(
  source: ChangeSource,
  integrationAppId: number,
): { changeSource: string; sourceId: string } {
  switch (source) {
    case 'API':
      return { changeSource: 'INTEGRATION', sourceId: String(integrationAppId) };
    case 'IMPORT':
    case 'FIXTURE':
      return { changeSource: 'IMPORT', sourceId: `userId:${PORTAL_USER_ID}` };
    case 'ADMIN':
      return { changeSource: 'CRM_UI', sourceId: `userId:${PORTAL_USER_ID}` };
  }
}

/** `CONTACT_TO_COMPANY`; a custom object by its type ID. */
function associationTypeName(row: AssociationRow): string {
  const name = (id: string) => (OBJECT_NAMES[id] ?? id).toUpperCase();
  return `${name(row.fromObjectTypeId)}_TO_${name(row.toObjectTypeId)}`;
}

/**
 * Rows that make an association an app hears of: HubSpot's own types (unlabeled, Primary),
 * and a custom object's types. A label between standard objects is a second row of an
 * association that already exists, so it sends nothing of its own.
 */
function reported(row: AssociationRow): boolean {
  if (row.category === 'HUBSPOT_DEFINED') return true;
  return !(row.fromObjectTypeId in OBJECT_NAMES) || !(row.toObjectTypeId in OBJECT_NAMES);
}

interface Draft {
  readonly objectTypeId: string;
  readonly action: string;
  readonly objectId: number;
  readonly propertyName?: string;
  readonly fields: Record<string, unknown>;
}

function recordDrafts(change: RecordChange): Draft[] {
  const base = { objectTypeId: change.objectTypeId, objectId: change.id };
  switch (change.action) {
    case 'created':
      return [{ ...base, action: 'creation', fields: { changeFlag: 'CREATED' } }, ...propertyDrafts(change)];
    case 'updated':
      return propertyDrafts(change);
    case 'archived':
      return [{ ...base, action: 'deletion', fields: { changeFlag: 'DELETED' } }];
    case 'restored':
      return [{ ...base, action: 'restore', fields: { changeFlag: 'RESTORED' } }];
    case 'merged':
      return [
        {
          ...base,
          action: 'merge',
          fields: {
            changeFlag: 'MERGED',
            primaryObjectId: change.id,
            mergedObjectIds: change.mergedIds ?? [],
            newObjectId: change.id,
            numberOfPropertiesMoved: Object.keys(change.properties).length,
          },
        },
      ];
    case 'privacyDeleted':
      return [{ ...base, action: 'privacyDeletion', fields: { changeFlag: 'DELETED' } }];
    case 'deleted':
      return [{ ...base, action: 'deletion', fields: { changeFlag: 'DELETED' } }];
  }
}

function propertyDrafts(change: RecordChange): Draft[] {
  return Object.entries(change.properties).map(([name, value]) => ({
    objectTypeId: change.objectTypeId,
    objectId: change.id,
    action: 'propertyChange',
    propertyName: name,
    fields: { propertyName: name, propertyValue: value ?? '' },
  }));
}

function associationDraft(row: AssociationRow, removed: boolean): Draft {
  const primary = row.category === 'HUBSPOT_DEFINED' && hubspotDefinedType(row.typeId)?.primary === true;
  return {
    objectTypeId: row.fromObjectTypeId,
    objectId: row.fromId,
    action: 'associationChange',
    fields: {
      associationType: associationTypeName(row),
      fromObjectId: row.fromId,
      toObjectId: row.toId,
      associationRemoved: removed,
      isPrimaryAssociation: primary,
    },
  };
}

/**
 * A subscription's object type as a type ID: the generic `object.*` family names standard
 * objects by name too ("contact", as the spec's example says) or by ID ("0-1").
 */
/** Whether `objectTypeId` (after objectTypeIdOf) is a standard object type events are sent for. */
export function isStandardObjectType(objectTypeId: string): boolean {
  return Object.hasOwn(OBJECT_NAMES, objectTypeId);
}

export function objectTypeIdOf(value: string): string {
  const found = Object.entries(OBJECT_NAMES).find(([, name]) => name === value.toLowerCase());
  return found ? found[0] : value;
}

function matches(sub: SubscriptionRow, draft: Draft): boolean {
  if (sub.eventType === `object.${draft.action}`) {
    // The generic family: any object type, standard ones included, named by the subscription.
    if (sub.objectTypeId === null || objectTypeIdOf(sub.objectTypeId) !== draft.objectTypeId) return false;
  } else if (sub.eventType !== `${objectName(draft.objectTypeId)}.${draft.action}`) return false;
  if (draft.action === 'propertyChange') return sub.propertyName === draft.propertyName;
  return true;
}

/**
 * The events one portal's part of a change set sends to the given subscriptions.
 * `integrationAppId`: the app an API write is credited to (the app of the write's token, or
 * the portal's first app: decision D91).
 */
export function eventsFor(
  set: ChangeSet,
  portalId: number,
  subscriptions: readonly SubscriptionRow[],
  integrationAppId: number,
): NewEvent[] {
  if (subscriptions.length === 0) return [];
  // A merge reports the records merged away: they send no deletion of their own.
  const explained = new Set(
    set.records
      .filter((r) => r.portalId === portalId && r.action === 'merged')
      .flatMap((r) => r.mergedIds ?? []),
  );
  const drafts: Draft[] = [];
  for (const change of set.records) {
    if (change.portalId !== portalId) continue;
    if (change.action === 'deleted' && explained.has(change.id)) continue;
    drafts.push(...recordDrafts(change));
  }
  for (const change of set.associations) {
    if (change.portalId === portalId && reported(change.row))
      drafts.push(associationDraft(change.row, change.action === 'removed'));
  }
  const origin = changeOrigin(set.source, integrationAppId);
  const events: NewEvent[] = [];
  for (const draft of drafts) {
    for (const sub of subscriptions) {
      if (!matches(sub, draft)) continue;
      const generic = sub.eventType.startsWith('object.');
      events.push({
        appId: sub.appId,
        portalId,
        subscriptionId: sub.id,
        subscriptionType: sub.eventType,
        objectId: draft.objectId,
        occurredAt: set.occurredAt,
        fields: {
          ...draft.fields,
          ...origin,
          // The generic object.* format names the type, and says whether a property is sensitive.
          ...(generic && { objectTypeId: draft.objectTypeId }),
          ...(generic && draft.action === 'propertyChange' && { isSensitive: false }),
        },
        nextAttemptAt: set.occurredAt,
      });
    }
  }
  return events;
}
