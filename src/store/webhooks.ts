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
}

export interface AppRow {
  readonly appId: number;
  readonly portalId: number;
  readonly name: string;
  readonly clientSecret: string;
  readonly developerApiKey: string;
  readonly targetUrl: string | null;
  readonly maxConcurrentRequests: number;
  readonly signatureVersion: 'v1' | 'v2';
  readonly settingsCreatedAt: number | null;
  readonly settingsUpdatedAt: number | null;
  readonly createdAt: number;
}

export interface SubscriptionRow {
  readonly id: number;
  readonly appId: number;
  readonly eventType: string;
  readonly objectTypeId: string | null;
  readonly propertyName: string | null;
  /** The spec's `eventTypeName` (custom event types), kept and echoed as given. */
  readonly eventTypeName: string | null;
  readonly active: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** An event waiting in the outbox (or delivered, or given up on). */
export interface EventRow {
  readonly id: number;
  readonly appId: number;
  readonly portalId: number;
  readonly subscriptionId: number;
  readonly subscriptionType: string;
  readonly objectId: number;
  readonly occurredAt: number;
  /** The event's other fields (propertyName, associationType, changeSource, ...). */
  readonly fields: Record<string, unknown>;
  /** Failed attempts so far: the next POST carries this as `attemptNumber`. */
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly status: 'pending' | 'delivered' | 'failed';
}

export type NewEvent = Omit<EventRow, 'id' | 'attempts' | 'status'>;

export interface AttemptRow {
  readonly id: number;
  readonly appId: number;
  readonly eventIds: readonly number[];
  readonly attemptNumber: number;
  readonly url: string;
  readonly startedAt: number;
  readonly durationMs: number;
  /** The receiver's status code; null when no response came (refused, timed out). */
  readonly statusCode: number | null;
  readonly ok: boolean;
  readonly error: string | null;
  /** The first 2,000 characters of the response body. */
  readonly responseBody: string | null;
  readonly requestBody: string;
}

export type NewAttempt = Omit<AttemptRow, 'id'>;

const bool = (v: unknown) => v === true || v === 1 || v === '1';
const num = (v: unknown) => Number(v);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toApp(r: Record<string, unknown>): AppRow {
  return {
    appId: num(r.app_id),
    portalId: num(r.portal_id),
    name: String(r.name),
    clientSecret: String(r.client_secret),
    developerApiKey: String(r.developer_api_key),
    targetUrl: (r.target_url as string | null) ?? null,
    maxConcurrentRequests: num(r.max_concurrent),
    signatureVersion: r.signature_version === 'v2' ? 'v2' : 'v1',
    settingsCreatedAt: numOrNull(r.settings_created_at),
    settingsUpdatedAt: numOrNull(r.settings_updated_at),
    createdAt: num(r.created_at),
  };
}

function toSubscription(r: Record<string, unknown>): SubscriptionRow {
  return {
    id: num(r.id),
    appId: num(r.app_id),
    eventType: String(r.event_type),
    objectTypeId: (r.object_type_id as string | null) ?? null,
    propertyName: (r.property_name as string | null) ?? null,
    eventTypeName: (r.event_type_name as string | null) ?? null,
    active: bool(r.active),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

function toEvent(r: Record<string, unknown>): EventRow {
  return {
    id: num(r.id),
    appId: num(r.app_id),
    portalId: num(r.portal_id),
    subscriptionId: num(r.subscription_id),
    subscriptionType: String(r.subscription_type),
    objectId: num(r.object_id),
    occurredAt: num(r.occurred_at),
    fields: JSON.parse(String(r.fields)) as Record<string, unknown>,
    attempts: num(r.attempts),
    nextAttemptAt: num(r.next_attempt_at),
    status: r.status as EventRow['status'],
  };
}

function toAttempt(r: Record<string, unknown>): AttemptRow {
  return {
    id: num(r.id),
    appId: num(r.app_id),
    eventIds: JSON.parse(String(r.event_ids)) as number[],
    attemptNumber: num(r.attempt_number),
    url: String(r.url),
    startedAt: num(r.started_at),
    durationMs: num(r.duration_ms),
    statusCode: numOrNull(r.status_code),
    ok: bool(r.ok),
    error: (r.error as string | null) ?? null,
    responseBody: (r.response_body as string | null) ?? null,
    requestBody: String(r.request_body),
  };
}

const APP_COLUMNS = `portal_id, name, client_secret, developer_api_key, target_url, max_concurrent,
  signature_version, settings_created_at, settings_updated_at, created_at`;

export class WebhookStore {
  constructor(
    private readonly run: SqlRunner,
    private readonly dialect: WebhookDialect,
  ) {}

  async insertApp(row: Omit<AppRow, 'appId'>): Promise<AppRow> {
    const [created] = await this.run(
      `INSERT INTO webhook_apps (${APP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        row.portalId,
        row.name,
        row.clientSecret,
        row.developerApiKey,
        row.targetUrl,
        row.maxConcurrentRequests,
        row.signatureVersion,
        row.settingsCreatedAt,
        row.settingsUpdatedAt,
        row.createdAt,
      ],
    );
    return toApp(created!);
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
    const rows = await this.run(
      `SELECT s.* FROM webhook_subscriptions s JOIN webhook_apps a ON a.app_id = s.app_id
       WHERE a.portal_id = ? AND a.target_url IS NOT NULL AND s.active = 1 ORDER BY s.id`,
      [portalId],
    );
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

  async markDelivered(ids: readonly number[], owner: string): Promise<void> {
    for (const id of ids) {
      await this.run(
        `UPDATE webhook_events SET status = 'delivered', lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND (lease_owner = ? OR lease_owner IS NULL)`,
        [id, owner],
      );
    }
  }

  /** A failed attempt: retried at `nextAttemptAt`, or given up on (`failed`) after the last one. */
  async markFailed(
    ids: readonly number[],
    owner: string,
    nextAttemptAt: number,
    giveUp: boolean,
  ): Promise<void> {
    for (const id of ids) {
      await this.run(
        `UPDATE webhook_events SET attempts = attempts + 1, next_attempt_at = ?, status = ?,
           lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND status = 'pending' AND (lease_owner = ? OR lease_owner IS NULL)`,
        [nextAttemptAt, giveUp ? 'failed' : 'pending', id, owner],
      );
    }
  }

  async countPending(): Promise<{ pending: number; nextAttemptAt: number | null }> {
    const [row] = await this.run(
      "SELECT COUNT(*) AS n, MIN(next_attempt_at) AS next FROM webhook_events WHERE status = 'pending'",
      [],
    );
    return { pending: num(row!.n), nextAttemptAt: numOrNull(row!.next) };
  }

  async listEvents(appId: number, limit: number): Promise<EventRow[]> {
    const rows = await this.run('SELECT * FROM webhook_events WHERE app_id = ? ORDER BY id LIMIT ?', [
      appId,
      limit,
    ]);
    return rows.map(toEvent);
  }

  async insertAttempt(a: NewAttempt): Promise<void> {
    await this.run(
      `INSERT INTO webhook_attempts (app_id, event_ids, attempt_number, url, started_at, duration_ms, status_code, ok,
         error, response_body, request_body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      ],
    );
  }

  async listAttempts(appId: number | undefined, limit: number): Promise<AttemptRow[]> {
    const rows =
      appId === undefined
        ? await this.run('SELECT * FROM webhook_attempts ORDER BY id LIMIT ?', [limit])
        : await this.run('SELECT * FROM webhook_attempts WHERE app_id = ? ORDER BY id LIMIT ?', [
            appId,
            limit,
          ]);
    return rows.map(toAttempt);
  }
}
