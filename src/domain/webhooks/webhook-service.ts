/**
 * Webhook apps, their settings and subscriptions (HubSpot's webhooks v3 API), and the
 * outbox: each write transaction that changed something writes the events its portal's
 * subscriptions hear of, in the same transaction (docs/decisions.md, "Webhooks"). Delivery is
 * the dispatcher's (webhook-dispatcher.ts).
 */
import { portalsOf, type ChangeFeed, type ChangeSet } from '../changes.js';
import { CHANGE_SET_PART } from '../change-tracking.js';
import { isoTimestamp, type Clock } from '../clock.js';
import {
  appCredentialsMissing,
  appNotFound,
  invalidConcurrency,
  invalidTargetUrl,
  invalidWebhookField,
  objectTypeIdRequired,
  propertyNameNotAllowed,
  propertyNameRequired,
  subscriptionNotFound,
  duplicateSubscription,
  tooManySubscriptions,
  unknownEventType,
} from './webhook-errors.js';
import type { AppRow, AttemptRow, EventRow, SubscriptionRow, WebhookStore } from '../../store/webhooks.js';
import type { Store } from '../../store/store.js';
import { importDiff } from './import-diff.js';
import { loadedApps } from './quiet-apps.js';
import {
  EVENT_TYPES,
  SILENT_EVENT_TYPES,
  eventsFor,
  isStandardObjectType,
  objectTypeIdOf,
} from './webhook-events.js';

/** HubSpot's per-app maximum. */
export const MAX_SUBSCRIPTIONS = 1000;
export const DEFAULT_MAX_CONCURRENT = 10;

export interface SubscriptionInput {
  readonly eventType: string;
  readonly propertyName?: string;
  readonly objectTypeId?: string;
  readonly eventTypeName?: string;
  readonly active?: boolean;
}

export function checkTargetUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidTargetUrl(value, true);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidTargetUrl(value, false);
  // Credentials in the URL would be sent to the receiver in the clear; a fragment never is sent.
  if (url.username || url.password || value.includes('#'))
    throw invalidWebhookField({ field: 'targetUrl', expected: 'a URL without user:password@ or #fragment' });
}

export function checkConcurrency(value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 100) throw invalidConcurrency({});
}

/** A subscription's eventType and the fields it needs (propertyName, objectTypeId). */
export function checkSubscription(input: SubscriptionInput): void {
  const { eventType } = input;
  if (!EVENT_TYPES.has(eventType) && !SILENT_EVENT_TYPES.has(eventType)) throw unknownEventType(eventType);
  const propertyChange = eventType.endsWith('.propertyChange');
  if (propertyChange && !input.propertyName) throw propertyNameRequired({ eventType });
  if (!propertyChange && input.propertyName !== undefined) throw propertyNameNotAllowed({ eventType });
  if (eventType.startsWith('object.') && !input.objectTypeId) throw objectTypeIdRequired({ eventType });
}

export class WebhookService {
  readonly #wroteEvents = new WeakSet<ChangeSet>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Writes the outbox rows of every change set, inside its transaction. */
  attach(feed: ChangeFeed): void {
    feed.inTransaction(async (tx, whole) => {
      // An import reports what it changed, not every record it wrote (import-diff.ts).
      const set = importDiff(whole);
      for (const portalId of portalsOf(set)) {
        // Apps a fixture or import loads in this transaction hear nothing of its records.
        const loaded = loadedApps();
        const subscriptions = (await tx.webhooks.listenersOf(portalId)).filter((s) => !loaded?.has(s.appId));
        if (subscriptions.length === 0) continue;
        // The app whose token made the write, when the token is linked to one of the
        // portal's apps; otherwise the portal's first app (decision D91).
        const apps = await tx.webhooks.listApps(portalId);
        const credited = apps.find((a) => a.appId === set.appId) ?? apps[0];
        const events = eventsFor(set, portalId, subscriptions, credited?.appId ?? subscriptions[0]!.appId);
        if (events.length > 0) {
          await tx.webhooks.insertEvents(events);
          this.#wroteEvents.add(whole);
        }
      }
    });
  }

  /**
   * Whether a committed change set may have written outbox events: only then is the
   * dispatcher worth waking at once (it polls for everything else, other instances' events
   * and retries). A part of a large transaction is published as a copy, so any part of that
   * size counts as one that did.
   */
  wroteEvents(set: ChangeSet): boolean {
    if (this.#wroteEvents.has(set)) return true;
    return set.records.length + set.associations.length + set.portals.length >= CHANGE_SET_PART;
  }

  #run<T>(fn: (w: WebhookStore) => Promise<T>): Promise<T> {
    return this.store.transaction((tx) => fn(tx.webhooks));
  }

  listApps(portalId?: number): Promise<AppRow[]> {
    return this.#run((w) => w.listApps(portalId));
  }

  /**
   * The app a webhooks API request names, if its credentials may use it: the app's developer
   * API key (`hapikey`), or a token of the portal the app belongs to.
   */
  async authorizedApp(appId: number, credentials: { hapikey?: string; portalId?: number }): Promise<AppRow> {
    const app = await this.#run((w) => w.getApp(appId));
    const allowed =
      app !== undefined &&
      ((credentials.hapikey !== undefined && credentials.hapikey === app.developerApiKey) ||
        (credentials.portalId !== undefined && credentials.portalId === app.portalId));
    if (!app && (credentials.hapikey !== undefined || credentials.portalId !== undefined))
      throw appNotFound({ appId });
    if (!allowed) throw appCredentialsMissing({});
    return app;
  }

  async getApp(appId: number): Promise<AppRow> {
    const app = await this.#run((w) => w.getApp(appId));
    if (!app) throw appNotFound({ appId });
    return app;
  }

  async configure(app: AppRow, targetUrl: string, maxConcurrentRequests: number): Promise<AppRow> {
    checkTargetUrl(targetUrl);
    checkConcurrency(maxConcurrentRequests);
    const now = this.clock.now();
    const settings = {
      targetUrl,
      maxConcurrentRequests,
      settingsCreatedAt: app.settingsCreatedAt ?? now,
      settingsUpdatedAt: now,
    };
    await this.#run((w) => w.updateSettings(app.appId, settings));
    return { ...app, ...settings };
  }

  /** DELETE settings: no target URL, so nothing is written to the outbox for the app. */
  async clearSettings(app: AppRow): Promise<void> {
    await this.#run((w) =>
      w.updateSettings(app.appId, {
        targetUrl: null,
        maxConcurrentRequests: DEFAULT_MAX_CONCURRENT,
        settingsCreatedAt: null,
        settingsUpdatedAt: null,
      }),
    );
  }

  listSubscriptions(app: AppRow): Promise<SubscriptionRow[]> {
    return this.#run((w) => w.listSubscriptions(app.appId));
  }

  async getSubscription(app: AppRow, id: number): Promise<SubscriptionRow> {
    const found = (await this.listSubscriptions(app)).find((s) => s.id === id);
    if (!found) throw subscriptionNotFound({ id, appId: app.appId });
    return found;
  }

  async createSubscription(app: AppRow, input: SubscriptionInput): Promise<SubscriptionRow> {
    checkSubscription(input);
    const { eventType } = input;
    const now = this.clock.now();
    const key = {
      eventType,
      objectTypeId: eventType.startsWith('object.') ? objectTypeIdOf(input.objectTypeId ?? '') : null,
      propertyName: input.propertyName ?? null,
    };
    return this.store.transaction(async (tx) => {
      // Creations for one app run one at a time, so the count below is not stale (D41).
      if (!(await tx.webhooks.lockApp(app.appId))) throw appNotFound({ appId: app.appId });
      const typeId = key.objectTypeId;
      // An object.* subscription names a standard type or one of the portal's custom objects.
      if (typeId !== null && !isStandardObjectType(typeId) && !(await tx.getSchema(app.portalId, typeId)))
        throw invalidWebhookField({
          field: 'objectTypeId',
          expected: `an object type of portal ${app.portalId}, not ${typeId}`,
        });
      const existing = await tx.webhooks.findSubscription(app.appId, key);
      if (existing) throw duplicateSubscription(app, existing);
      if ((await tx.webhooks.countSubscriptions(app.appId)) >= MAX_SUBSCRIPTIONS) {
        throw tooManySubscriptions({ max: MAX_SUBSCRIPTIONS });
      }
      const created = await tx.webhooks.insertSubscription({
        appId: app.appId,
        ...key,
        eventTypeName: input.eventTypeName ?? null,
        active: input.active ?? false,
        createdAt: now,
        updatedAt: now,
      });
      // A concurrent request inserted the same subscription after the check above.
      if (!created) throw duplicateSubscription(app, { ...key, id: undefined });
      return created;
    });
  }

  async setActive(app: AppRow, id: number, active: boolean): Promise<SubscriptionRow> {
    const updated = await this.#run((w) => w.setSubscriptionActive(app.appId, id, active, this.clock.now()));
    if (!updated) throw subscriptionNotFound({ id, appId: app.appId });
    return this.getSubscription(app, id);
  }

  async deleteSubscription(app: AppRow, id: number): Promise<void> {
    const deleted = await this.#run((w) => w.deleteSubscription(app.appId, id));
    if (!deleted) throw subscriptionNotFound({ id, appId: app.appId });
  }

  listAttempts(appId: number | undefined, limit: number): Promise<AttemptRow[]> {
    return this.#run((w) => w.listAttempts(appId, limit));
  }

  listEvents(appId: number, limit: number): Promise<EventRow[]> {
    return this.#run((w) => w.listEvents(appId, limit));
  }

  /** Events not yet delivered nor given up on, and when the next is due. */
  async pending(): Promise<{ pending: number; nextAttemptAt: string | null }> {
    const { pending, nextAttemptAt } = await this.#run((w) => w.countPending());
    return { pending, nextAttemptAt: nextAttemptAt === null ? null : isoTimestamp(nextAttemptAt) };
  }
}
