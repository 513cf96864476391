/**
 * The webhooks role: apps (with their client secret and settings), subscriptions, the
 * outbox of events and the log of delivery attempts. Both adapters share this SQL, written
 * once with `?` placeholders; an adapter supplies how to run a statement on the
 * transaction's connection, and one dialect difference: how a lease skips rows another
 * transaction has locked (PostgreSQL's SKIP LOCKED; SQLite's single writer needs nothing).
 *
 * The role is reached only through a transaction (`tx.webhooks`): outbox rows are written in
 * the transaction of the change they report, and a lease is one atomic UPDATE.
 */

/** Runs one statement with positional `?` parameters; returns its rows (none for writes). */
export type SqlRunner = (sql: string, params: readonly unknown[]) => Promise<Array<Record<string, unknown>>>;

export interface WebhookDialect {
  /** Appended to the lease's row selection: rows another instance is leasing are skipped. */
  readonly skipLocked: string;
  /** Appended to a row read that must hold the row until the transaction ends. */
  readonly forUpdate: string;
  /**
   * A statement that moves a table's ID generator past the IDs in it, after a row was
   * inserted with an explicit ID (PostgreSQL's identity columns; SQLite's AUTOINCREMENT
   * follows by itself).
   */
  readonly syncSequence?: (table: string, column: string) => string;
}

import { WebhookAppRows } from './webhook-app-rows.js';
import { WebhookSlots } from './webhook-slots.js';
import {
  num,
  numOrNull,
  toApp,
  toAttempt,
  toEvent,
  toSubscription,
  type AppRow,
  type AttemptRow,
  type EventRow,
  type NewAttempt,
  type NewEvent,
  type SubscriptionRow,
} from './webhook-rows.js';

export type { AppRow, AttemptRow, EventRow, NewAttempt, NewEvent, SubscriptionRow } from './webhook-rows.js';

/**
 * The webhooks role of a reader outside a transaction (`Store.readSnapshot`): both adapters'
 * readers carry it, for the dispatcher's read-only checks.
 */
export function webhookReads(
  reader: object,
): Pick<WebhookStore, 'hasDue' | 'hasPrunable' | 'listApps' | 'listSubscriptions'> {
  const webhooks = (reader as { webhooks?: WebhookStore }).webhooks;
  if (!webhooks) throw new Error('This store’s reader has no webhooks role');
  return webhooks;
}

/**
 * Who hears of a portal's changes (listenersOf). Exported so that PostgreSQL can read it with
 * the write before it (postgres-transaction.ts, decision D65).
 */
export const LISTENERS_SQL = `SELECT s.* FROM webhook_subscriptions s JOIN webhook_apps a ON a.app_id = s.app_id
       WHERE a.portal_id = ? AND a.target_url IS NOT NULL AND s.active = 1 ORDER BY s.id`;

export class WebhookStore {
  /** Apps and subscriptions as a document gives them (fixtures, imports). */
  readonly apps: WebhookAppRows;
  /** Requests in flight per app, across instances. */
  readonly slots: WebhookSlots;

  constructor(
    private readonly run: SqlRunner,
    private readonly dialect: WebhookDialect,
  ) {
    this.apps = new WebhookAppRows(run, dialect);
    this.slots = new WebhookSlots(run, dialect);
  }

  /**
   * Holds the app's row until the transaction ends, so checks of its subscriptions (the
   * 1,000 cap) by concurrent transactions run one after another (SQLite's single writer
   * serializes them anyway). False when there is no such app.
   */
  async lockApp(appId: number): Promise<boolean> {
    const rows = await this.run(`SELECT app_id FROM webhook_apps WHERE app_id = ?${this.dialect.forUpdate}`, [
      appId,
    ]);
    return rows.length > 0;
  }

  insertApp(row: Omit<AppRow, 'appId'>): Promise<AppRow> {
    return this.apps.insert(row);
  }

  async getApp(appId: number): Promise<AppRow | undefined> {
    const [row] = await this.run('SELECT * FROM webhook_apps WHERE app_id = ?', [appId]);
    return row && toApp(row);
  }

  async listApps(portalId?: number): Promise<AppRow[]> {
    const rows =
      portalId === undefined
        ? await this.run('SELECT * FROM webhook_apps ORDER BY app_id', [])
        : await this.run('SELECT * FROM webhook_apps WHERE portal_id = ? ORDER BY app_id', [portalId]);
    return rows.map(toApp);
  }

  async updateSettings(
    appId: number,
    settings: Pick<AppRow, 'targetUrl' | 'maxConcurrentRequests' | 'settingsCreatedAt' | 'settingsUpdatedAt'>,
  ): Promise<void> {
    await this.run(
      `UPDATE webhook_apps SET target_url = ?, max_concurrent = ?, settings_created_at = ?, settings_updated_at = ?
       WHERE app_id = ?`,
      [
        settings.targetUrl,
        settings.maxConcurrentRequests,
        settings.settingsCreatedAt,
        settings.settingsUpdatedAt,
        appId,
      ],
    );
  }

  /**
   * Inserts a subscription, or nothing when the app already has one for the same eventType,
   * objectTypeId and propertyName (a unique index, so two concurrent requests cannot both
   * land): undefined then.
   */
  async insertSubscription(row: Omit<SubscriptionRow, 'id'>): Promise<SubscriptionRow | undefined> {
    const [created] = await this.run(
      `INSERT INTO webhook_subscriptions (app_id, event_type, object_type_id, property_name, event_type_name, active,
         created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *`,
      [
        row.appId,
        row.eventType,
        row.objectTypeId,
        row.propertyName,
        row.eventTypeName,
        row.active ? 1 : 0,
        row.createdAt,
        row.updatedAt,
      ],
    );
    return created && toSubscription(created);
  }

  /** The app's subscription for this eventType, objectTypeId and propertyName, if any. */
  async findSubscription(
    appId: number,
    key: Pick<SubscriptionRow, 'eventType' | 'objectTypeId' | 'propertyName'>,
  ): Promise<SubscriptionRow | undefined> {
    const [row] = await this.run(
      `SELECT * FROM webhook_subscriptions WHERE app_id = ? AND event_type = ?
         AND COALESCE(object_type_id, '') = ? AND COALESCE(property_name, '') = ?`,
      [appId, key.eventType, key.objectTypeId ?? '', key.propertyName ?? ''],
    );
    return row && toSubscription(row);
  }

  async listSubscriptions(appId: number): Promise<SubscriptionRow[]> {
    const rows = await this.run('SELECT * FROM webhook_subscriptions WHERE app_id = ? ORDER BY id', [appId]);
    return rows.map(toSubscription);
  }

  async countSubscriptions(appId: number): Promise<number> {
    const [row] = await this.run('SELECT COUNT(*) AS n FROM webhook_subscriptions WHERE app_id = ?', [appId]);
    return num(row!.n);
  }

  async setSubscriptionActive(appId: number, id: number, active: boolean, now: number): Promise<boolean> {
    const rows = await this.run(
      'UPDATE webhook_subscriptions SET active = ?, updated_at = ? WHERE app_id = ? AND id = ? RETURNING id',
      [active ? 1 : 0, now, appId, id],
    );
    return rows.length > 0;
  }

  async deleteSubscription(appId: number, id: number): Promise<boolean> {
    const rows = await this.run(
      'DELETE FROM webhook_subscriptions WHERE app_id = ? AND id = ? RETURNING id',
      [appId, id],
    );
    return rows.length > 0;
  }

  /** The active subscriptions of the apps of a portal that have a target URL: who hears of a change. */
  async listenersOf(portalId: number): Promise<SubscriptionRow[]> {
    const rows = await this.run(LISTENERS_SQL, [portalId]);
    return rows.map(toSubscription);
  }

  async insertEvents(events: readonly NewEvent[]): Promise<void> {
    for (const e of events) {
      await this.run(
        `INSERT INTO webhook_events (app_id, portal_id, subscription_id, subscription_type, object_id, occurred_at,
           fields, attempts, next_attempt_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 'pending')`,
        [
          e.appId,
          e.portalId,
          e.subscriptionId,
          e.subscriptionType,
          e.objectId,
          e.occurredAt,
          JSON.stringify(e.fields),
          e.nextAttemptAt,
        ],
      );
    }
  }

  /**
   * Takes up to `limit` due events no live lease holds, for `owner` until `leaseUntil`
   * (wall-clock ms): another instance does not take them until then.
   */
  async lease(
    owner: string,
    now: number,
    wallNow: number,
    leaseUntil: number,
    limit: number,
  ): Promise<EventRow[]> {
    const rows = await this.run(
      `UPDATE webhook_events SET lease_owner = ?, lease_until = ?
       WHERE id IN (SELECT id FROM webhook_events
         WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
         ORDER BY id LIMIT ?${this.dialect.skipLocked})
       RETURNING *`,
      [owner, leaseUntil, now, wallNow, limit],
    );
    return rows.map(toEvent).sort((a, b) => a.id - b.id);
  }

  /**
   * Renews `owner`'s lease on the events of one batch, just before they are sent, until
   * `leaseUntil`: the IDs it still holds (a lease that ran out may have passed to another
   * instance, which then sends those events; this one must not).
   */
  async claim(ids: readonly number[], owner: string, leaseUntil: number): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.run(
      `UPDATE webhook_events SET lease_until = ?
       WHERE id IN (${ids.map(() => '?').join(', ')}) AND lease_owner = ? AND status = 'pending'
       RETURNING id`,
      [leaseUntil, ...ids, owner],
    );
    return rows.map((r) => num(r.id)).sort((a, b) => a - b);
  }

  /**
   * Delivered at `now` (Spoke's clock): pruned once the retention period has passed. A
   * receiver's 2xx counts whoever holds the lease now: a success is never discarded.
   */
  async markDelivered(ids: readonly number[], now: number): Promise<void> {
    for (const id of ids) {
      await this.run(
        `UPDATE webhook_events SET status = 'delivered', lease_owner = NULL, lease_until = NULL, finished_at = ?
         WHERE id = ? AND status <> 'delivered'`,
        [now, id],
      );
    }
  }

  /**
   * A failed attempt at `now`: retried at `nextAttemptAt`, or given up on (`failed`, finished
   * at `now`) after the last one.
   */
  async markFailed(
    ids: readonly number[],
    owner: string,
    now: number,
    nextAttemptAt: number,
    giveUp: boolean,
  ): Promise<void> {
    for (const id of ids) {
      await this.run(
        `UPDATE webhook_events SET attempts = attempts + 1, next_attempt_at = ?, status = ?,
           lease_owner = NULL, lease_until = NULL, finished_at = ?
         WHERE id = ? AND status = 'pending' AND (lease_owner = ? OR lease_owner IS NULL)`,
        [nextAttemptAt, giveUp ? 'failed' : 'pending', giveUp ? now : null, id, owner],
      );
    }
  }

  /** Whether an event is due and not leased: a read, so an idle dispatcher writes nothing. */
  async hasDue(now: number, wallNow: number): Promise<boolean> {
    const rows = await this.run(
      `SELECT id FROM webhook_events
       WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) LIMIT 1`,
      [now, wallNow],
    );
    return rows.length > 0;
  }

  /** Whether an event or attempt finished at or before `cutoff` waits to be pruned. */
  async hasPrunable(cutoff: number): Promise<boolean> {
    const events = await this.run(
      'SELECT id FROM webhook_events WHERE finished_at IS NOT NULL AND finished_at <= ? LIMIT 1',
      [cutoff],
    );
    if (events.length > 0) return true;
    return (
      (await this.run('SELECT id FROM webhook_attempts WHERE logged_at <= ? LIMIT 1', [cutoff])).length > 0
    );
  }

  /**
   * Deletes up to `limit` events delivered or given up on at or before `cutoff`, and up to
   * `limit` attempts logged by then, oldest first: one bounded pass.
   */
  async prune(cutoff: number, limit: number): Promise<{ events: number; attempts: number }> {
    const events = await this.run(
      `DELETE FROM webhook_events WHERE id IN (SELECT id FROM webhook_events
         WHERE finished_at IS NOT NULL AND finished_at <= ? ORDER BY finished_at, id LIMIT ?)
       RETURNING id`,
      [cutoff, limit],
    );
    const attempts = await this.run(
      `DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts
         WHERE logged_at <= ? ORDER BY logged_at, id LIMIT ?)
       RETURNING id`,
      [cutoff, limit],
    );
    return { events: events.length, attempts: attempts.length };
  }

  async countPending(): Promise<{ pending: number; nextAttemptAt: number | null }> {
    const [row] = await this.run(
      "SELECT COUNT(*) AS n, MIN(next_attempt_at) AS next FROM webhook_events WHERE status = 'pending'",
      [],
    );
    return { pending: num(row!.n), nextAttemptAt: numOrNull(row!.next) };
  }

  /** The app's `limit` most recent events, oldest first. */
  async listEvents(appId: number, limit: number): Promise<EventRow[]> {
    const rows = await this.run(
      `SELECT * FROM (SELECT * FROM webhook_events WHERE app_id = ? ORDER BY id DESC LIMIT ?) AS recent ORDER BY id`,
      [appId, limit],
    );
    return rows.map(toEvent);
  }

  /** Logs an attempt at `now` (Spoke's clock): pruned once the retention period has passed. */
  async insertAttempt(a: NewAttempt, now: number): Promise<void> {
    await this.run(
      `INSERT INTO webhook_attempts (app_id, event_ids, attempt_number, url, started_at, duration_ms, status_code, ok,
         error, response_body, request_body, logged_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        a.appId,
        JSON.stringify(a.eventIds),
        a.attemptNumber,
        a.url,
        a.startedAt,
        a.durationMs,
        a.statusCode,
        a.ok ? 1 : 0,
        a.error,
        a.responseBody,
        a.requestBody,
        now,
      ],
    );
  }

  /** The `limit` most recent attempts (of one app, or all), oldest first. */
  async listAttempts(appId: number | undefined, limit: number): Promise<AttemptRow[]> {
    const where = appId === undefined ? '' : 'WHERE app_id = ?';
    const rows = await this.run(
      `SELECT * FROM (SELECT * FROM webhook_attempts ${where} ORDER BY id DESC LIMIT ?) AS recent ORDER BY id`,
      appId === undefined ? [limit] : [appId, limit],
    );
    return rows.map(toAttempt);
  }
}
