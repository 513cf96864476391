/**
 * Apps with their client secrets, settings and subscriptions as documents hold them: a
 * fixture's `apps` (merged into the portal's apps, found again by `appId` or name) and a
 * portal export's `apps` (replacing the portal's apps on import). An app keeps the `appId`
 * and subscription IDs the document names where no other app holds them, so code written
 * against an app ID keeps working after a seed or an import.
 * The apps a document loads do not hear of the document's own records (quiet-apps.ts).
 */
import { appOfAnotherPortal, invalidAppDocument, repeatedSubscription } from './webhook-errors.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { isoTimestamp } from '../clock.js';
import type { AppRow, SubscriptionRow, WebhookStore } from '../../store/webhooks.js';
import { markLoaded } from './quiet-apps.js';
import { objectTypeIdOf } from './webhook-events.js';
import {
  DEFAULT_MAX_CONCURRENT,
  checkConcurrency,
  checkSubscription,
  checkTargetUrl,
} from './webhook-service.js';

export interface SubscriptionDocument {
  id?: number | string;
  eventType: string;
  propertyName?: string;
  objectTypeId?: string;
  eventTypeName?: string;
  active?: boolean;
}

export interface AppDocument {
  appId?: number | string;
  name?: string;
  clientSecret?: string;
  developerApiKey?: string;
  targetUrl?: string | null;
  maxConcurrentRequests?: number;
  signatureVersion?: 'v1' | 'v2';
  subscriptions?: SubscriptionDocument[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function optionalText(doc: Record<string, unknown>, key: string, where: string): void {
  const value = doc[key];
  if (value !== undefined && (typeof value !== 'string' || value === '' || value.length > 500))
    throw invalidAppDocument({
      at: `${where}.${key}`,
      expected: 'a non-empty string of at most 500 characters',
    });
}

function optionalId(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  const id = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (!Number.isSafeInteger(id) || (id as number) < 1)
    throw invalidAppDocument({ at: where, expected: 'a positive integer ID' });
  return id as number;
}

/** Checks a document's `apps` (`where` names it in messages); throws a ValidationError. */
export function readAppDocuments(value: unknown, where: string): AppDocument[] {
  if (!Array.isArray(value)) throw invalidAppDocument({ at: where, expected: 'an array' });
  return value.map((raw, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(raw)) throw invalidAppDocument({ at, expected: 'an object' });
    optionalId(raw.appId, `${at}.appId`);
    for (const key of ['name', 'clientSecret', 'developerApiKey']) optionalText(raw, key, at);
    if (raw.targetUrl !== undefined && raw.targetUrl !== null) {
      if (typeof raw.targetUrl !== 'string')
        throw invalidAppDocument({ at: `${at}.targetUrl`, expected: 'a string' });
      checkTargetUrl(raw.targetUrl);
    }
    if (raw.maxConcurrentRequests !== undefined) checkConcurrency(raw.maxConcurrentRequests as number);
    if (raw.signatureVersion !== undefined && raw.signatureVersion !== 'v1' && raw.signatureVersion !== 'v2')
      throw invalidAppDocument({ at: `${at}.signatureVersion`, expected: '"v1" or "v2"' });
    const subscriptions = raw.subscriptions ?? [];
    if (!Array.isArray(subscriptions))
      throw invalidAppDocument({ at: `${at}.subscriptions`, expected: 'an array' });
    const seen = new Set<string>();
    subscriptions.forEach((sub, j) => {
      const subAt = `${at}.subscriptions[${j}]`;
      if (!isObject(sub) || typeof sub.eventType !== 'string')
        throw invalidAppDocument({ at: subAt, expected: 'an object with an eventType' });
      for (const key of ['propertyName', 'objectTypeId', 'eventTypeName']) optionalText(sub, key, subAt);
      if (sub.active !== undefined && typeof sub.active !== 'boolean')
        throw invalidAppDocument({ at: `${subAt}.active`, expected: 'true or false' });
      optionalId(sub.id, `${subAt}.id`);
      checkSubscription(sub as unknown as SubscriptionDocument);
      const key = JSON.stringify([sub.eventType, sub.objectTypeId ?? '', sub.propertyName ?? '']);
      if (seen.has(key)) throw repeatedSubscription({ at: subAt });
      seen.add(key);
    });
    return raw as unknown as AppDocument;
  });
}

function subscriptionKey(s: Pick<SubscriptionRow, 'eventType' | 'objectTypeId' | 'propertyName'>) {
  return {
    eventType: s.eventType,
    objectTypeId: s.eventType.startsWith('object.') ? objectTypeIdOf(s.objectTypeId ?? '') : null,
    propertyName: s.propertyName ?? null,
  };
}

/**
 * Writes a document's apps into `portalId`: `replace` (an import) deletes the portal's apps
 * first; `merge` (a fixture) updates the app with the document's `appId` (or, without one,
 * its name) and adds the subscriptions it lacks. Returns how many apps were made and updated.
 */
export async function writeAppDocuments(
  w: WebhookStore,
  portalId: number,
  documents: readonly AppDocument[],
  now: number,
  mode: 'replace' | 'merge',
): Promise<{ created: number; updated: number }> {
  // The portal's apps before the document: only apps the document installs anew stay quiet.
  const installed = new Set((await w.listApps(portalId)).map((a) => a.appId));
  if (mode === 'replace') await w.apps.deleteOf(portalId);
  const mine = await w.listApps(portalId);
  const counts = { created: 0, updated: 0 };
  for (const [i, doc] of documents.entries()) {
    const appId = optionalId(doc.appId, `apps[${i}].appId`);
    let found =
      appId !== undefined ? await w.getApp(appId) : mine.find((a) => a.name === (doc.name ?? 'Spoke app'));
    if (found && found.portalId !== portalId) {
      // An import into another portal (a copy) makes a new app; a fixture names the wrong one.
      if (mode === 'merge')
        throw appOfAnotherPortal({ index: i, appId: found.appId, portalId: found.portalId });
      found = undefined;
    }
    const targetUrl = doc.targetUrl ?? found?.targetUrl ?? null;
    const maxConcurrentRequests =
      doc.maxConcurrentRequests ?? found?.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT;
    // Settings loaded again unchanged keep their times: a fixture's second load changes nothing.
    const unchanged = found?.targetUrl === targetUrl && found.maxConcurrentRequests === maxConcurrentRequests;
    const fields = {
      portalId,
      name: doc.name ?? found?.name ?? 'Spoke app',
      clientSecret: doc.clientSecret ?? found?.clientSecret ?? randomUUID(),
      maxConcurrentRequests,
      signatureVersion: doc.signatureVersion ?? found?.signatureVersion ?? 'v1',
      targetUrl,
      settingsCreatedAt: targetUrl === null ? null : (found?.settingsCreatedAt ?? now),
      settingsUpdatedAt: targetUrl === null ? null : unchanged ? (found?.settingsUpdatedAt ?? now) : now,
    };
    let app: AppRow;
    if (found) {
      app = { ...found, ...fields };
      await w.apps.update(app);
      counts.updated++;
    } else {
      // A key another app holds (a portal imported twice into one database) gets a new one.
      const key = doc.developerApiKey;
      const developerApiKey =
        key !== undefined && !(await w.apps.keyTaken(key)) ? key : randomBytes(18).toString('base64url');
      app = await w.apps.insert({ ...fields, developerApiKey, createdAt: now }, appId);
      counts.created++;
    }
    if (!installed.has(app.appId)) markLoaded(app.appId);
    const existing = await w.listSubscriptions(app.appId);
    for (const [j, sub] of (doc.subscriptions ?? []).entries()) {
      const key = subscriptionKey({
        eventType: sub.eventType,
        objectTypeId: sub.objectTypeId ?? null,
        propertyName: sub.propertyName ?? null,
      });
      const same = existing.find((s) => JSON.stringify(subscriptionKey(s)) === JSON.stringify(key));
      if (same) {
        if (sub.active !== undefined && sub.active !== same.active)
          await w.setSubscriptionActive(app.appId, same.id, sub.active, now);
        continue;
      }
      await w.apps.insertSubscription(
        {
          appId: app.appId,
          ...key,
          eventTypeName: sub.eventTypeName ?? null,
          active: sub.active ?? false,
          createdAt: now,
          updatedAt: now,
        },
        optionalId(sub.id, `apps[${i}].subscriptions[${j}].id`),
      );
    }
  }
  return counts;
}

/** A portal's apps as an export document holds them. */
export async function appDocumentsOf(
  w: Pick<WebhookStore, 'listApps' | 'listSubscriptions'>,
  portalId: number,
): Promise<AppDocument[]> {
  const apps = [];
  for (const app of await w.listApps(portalId)) {
    apps.push({
      appId: app.appId,
      name: app.name,
      clientSecret: app.clientSecret,
      developerApiKey: app.developerApiKey,
      targetUrl: app.targetUrl,
      maxConcurrentRequests: app.maxConcurrentRequests,
      signatureVersion: app.signatureVersion,
      createdAt: isoTimestamp(app.createdAt),
      subscriptions: (await w.listSubscriptions(app.appId)).map((s) => ({
        id: s.id,
        eventType: s.eventType,
        ...(s.objectTypeId !== null && { objectTypeId: s.objectTypeId }),
        ...(s.propertyName !== null && { propertyName: s.propertyName }),
        ...(s.eventTypeName !== null && { eventTypeName: s.eventTypeName }),
        active: s.active,
      })),
    });
  }
  return apps;
}
