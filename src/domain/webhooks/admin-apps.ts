/**
 * Apps made, changed and deleted through the admin API (`/_spoke/webhooks/apps`), checked
 * as strictly as a fixture's: a known portal, fields of the right JSON type (no coercion),
 * an `appId` and `developerApiKey` used as given or refused when another app holds them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { AppRow } from '../rows.js';
import type { Store } from '../../store/store.js';
import { tokenTaken } from '../admin-errors.js';
import { defaultGrant } from '../portals.js';
import {
  appIdTaken,
  appNotFound,
  appPortalNotFound,
  developerKeyTaken,
  invalidWebhookField,
} from './webhook-errors.js';
import { checkConcurrency, checkTargetUrl, DEFAULT_MAX_CONCURRENT } from './webhook-service.js';

const FIELDS: Record<string, string> = {
  portalId: 'integer',
  appId: 'integer',
  name: 'string',
  clientSecret: 'string',
  developerApiKey: 'string',
  targetUrl: 'string',
  maxConcurrentRequests: 'integer',
  signatureVersion: 'string',
  accessToken: 'string',
};

/** Refuses fields the admin API does not know and values of the wrong JSON type (as sent). */
export function checkAppInput(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalidWebhookField({ field: 'The body', expected: 'a JSON object' });
  for (const [field, value] of Object.entries(body)) {
    const type = allowed.includes(field) ? FIELDS[field] : undefined;
    if (!type)
      throw invalidWebhookField({ field, expected: `absent (the fields are ${allowed.join(', ')})` });
    if (field === 'targetUrl' && value === null) continue; // PATCH: clears it
    const ok = type === 'integer' ? Number.isInteger(value) && (value as number) > 0 : typeof value === type;
    if (!ok)
      throw invalidWebhookField({ field, expected: type === 'integer' ? 'a positive integer' : 'a string' });
    if (type === 'string' && field !== 'targetUrl' && (value as string).length === 0)
      throw invalidWebhookField({ field, expected: 'a non-empty string' });
  }
  const signature = (body as { signatureVersion?: unknown }).signatureVersion;
  if (signature !== undefined && signature !== 'v1' && signature !== 'v2')
    throw invalidWebhookField({ field: 'signatureVersion', expected: '"v1" or "v2"' });
  return body as Record<string, unknown>;
}

export const CREATE_FIELDS = Object.keys(FIELDS);
export const UPDATE_FIELDS = [
  'name',
  'clientSecret',
  'targetUrl',
  'maxConcurrentRequests',
  'signatureVersion',
];

export interface AppInput {
  readonly portalId: number;
  readonly appId?: number;
  readonly name?: string;
  readonly clientSecret?: string;
  readonly developerApiKey?: string;
  readonly targetUrl?: string | null;
  readonly maxConcurrentRequests?: number;
  readonly signatureVersion?: 'v1' | 'v2';
  /**
   * A bearer token for the app's installation in its portal (as an OAuth app's access token
   * is): API writes made with it are credited to this app in webhook events (decision D91).
   */
  readonly accessToken?: string;
}

export class AdminApps {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly portalIds: () => Promise<number[]>,
  ) {}

  async create(input: AppInput): Promise<AppRow> {
    if (typeof input.targetUrl === 'string') checkTargetUrl(input.targetUrl);
    if (input.maxConcurrentRequests !== undefined) checkConcurrency(input.maxConcurrentRequests);
    if (!(await this.portalIds()).includes(input.portalId))
      throw appPortalNotFound({ portalId: input.portalId });
    const now = this.clock.now();
    const targetUrl = input.targetUrl ?? null;
    return this.store.transaction(async (tx) => {
      const w = tx.webhooks;
      if (input.appId !== undefined && (await w.getApp(input.appId)))
        throw appIdTaken({ appId: input.appId });
      if (input.developerApiKey !== undefined && (await w.apps.keyTaken(input.developerApiKey)))
        throw developerKeyTaken({ developerApiKey: input.developerApiKey });
      const taken = input.accessToken === undefined ? undefined : await tx.findToken(input.accessToken);
      if (taken) throw tokenTaken(input.accessToken!, taken.portalId);
      const created = await w.apps.insert(
        {
          portalId: input.portalId,
          name: input.name ?? 'Spoke app',
          clientSecret: input.clientSecret ?? randomUUID(),
          developerApiKey: input.developerApiKey ?? randomBytes(18).toString('base64url'),
          targetUrl,
          maxConcurrentRequests: input.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT,
          signatureVersion: input.signatureVersion ?? 'v1',
          settingsCreatedAt: targetUrl === null ? null : now,
          settingsUpdatedAt: targetUrl === null ? null : now,
          createdAt: now,
        },
        input.appId,
      );
      if (input.accessToken !== undefined)
        await tx.insertToken({
          token: input.accessToken,
          ...defaultGrant(input.portalId),
          createdAt: now,
          appId: created.appId,
        });
      return created;
    });
  }

  async update(
    appId: number,
    input: Omit<AppInput, 'portalId' | 'appId' | 'developerApiKey'>,
  ): Promise<AppRow> {
    if (typeof input.targetUrl === 'string') checkTargetUrl(input.targetUrl);
    if (input.maxConcurrentRequests !== undefined) checkConcurrency(input.maxConcurrentRequests);
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const found = await tx.webhooks.getApp(appId);
      if (!found) throw appNotFound({ appId });
      const targetUrl = input.targetUrl === undefined ? found.targetUrl : input.targetUrl;
      const settingsChanged =
        targetUrl !== found.targetUrl ||
        (input.maxConcurrentRequests ?? found.maxConcurrentRequests) !== found.maxConcurrentRequests;
      const app: AppRow = {
        ...found,
        name: input.name ?? found.name,
        clientSecret: input.clientSecret ?? found.clientSecret,
        signatureVersion: input.signatureVersion ?? found.signatureVersion,
        maxConcurrentRequests: input.maxConcurrentRequests ?? found.maxConcurrentRequests,
        targetUrl,
        settingsCreatedAt: targetUrl === null ? null : (found.settingsCreatedAt ?? now),
        settingsUpdatedAt:
          targetUrl === null ? null : settingsChanged ? now : (found.settingsUpdatedAt ?? now),
      };
      await tx.webhooks.apps.update(app);
      return app;
    });
  }

  /** Deletes the app, its subscriptions and its events not yet delivered. */
  async delete(appId: number): Promise<void> {
    await this.store.transaction(async (tx) => {
      if (!(await tx.webhooks.apps.deleteApp(appId))) throw appNotFound({ appId });
    });
  }
}
