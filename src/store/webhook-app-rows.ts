/**
 * Writing apps and subscriptions as a document gives them (fixtures, a portal import): with
 * the IDs the document names where they are free, so an app keeps the `appId` its code was
 * written against. Reached as `tx.webhooks.apps`.
 */
import { toApp, toSubscription, type AppRow, type SubscriptionRow } from './webhook-rows.js';
import type { SqlRunner, WebhookDialect } from './webhooks.js';

const APP_COLUMNS = `portal_id, name, client_secret, developer_api_key, target_url, max_concurrent,
  signature_version, settings_created_at, settings_updated_at, created_at`;

export class WebhookAppRows {
  constructor(
    private readonly run: SqlRunner,
    private readonly dialect: WebhookDialect,
  ) {}

  async #free(table: 'webhook_apps' | 'webhook_subscriptions', column: string, id: number | undefined) {
    if (id === undefined) return false;
    return (await this.run(`SELECT 1 AS taken FROM ${table} WHERE ${column} = ?`, [id])).length === 0;
  }

  /** Inserts an app, as `appId` when no app has that ID (a new ID otherwise). */
  async insert(row: Omit<AppRow, 'appId'>, appId?: number): Promise<AppRow> {
    const explicit = await this.#free('webhook_apps', 'app_id', appId);
    const values = [
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
    ];
    const [created] = explicit
      ? await this.run(
          `INSERT INTO webhook_apps (app_id, ${APP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
          [appId, ...values],
        )
      : await this.run(
          `INSERT INTO webhook_apps (${APP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
          values,
        );
    if (explicit) await this.#syncSequence('webhook_apps', 'app_id');
    return toApp(created!);
  }

  /** Replaces an app's name, secret, signature version and settings. */
  async update(app: AppRow): Promise<void> {
    await this.run(
      `UPDATE webhook_apps SET name = ?, client_secret = ?, signature_version = ?, target_url = ?, max_concurrent = ?,
         settings_created_at = ?, settings_updated_at = ?
       WHERE app_id = ?`,
      [
        app.name,
        app.clientSecret,
        app.signatureVersion,
        app.targetUrl,
        app.maxConcurrentRequests,
        app.settingsCreatedAt,
        app.settingsUpdatedAt,
        app.appId,
      ],
    );
  }

  /** Whether another app holds this developer API key (they are unique). */
  async keyTaken(developerApiKey: string): Promise<boolean> {
    const rows = await this.run('SELECT 1 AS taken FROM webhook_apps WHERE developer_api_key = ?', [
      developerApiKey,
    ]);
    return rows.length > 0;
  }

  /** Deletes an app, its subscriptions and its pending events; false when there is none. */
  async deleteApp(appId: number): Promise<boolean> {
    await this.run('DELETE FROM webhook_subscriptions WHERE app_id = ?', [appId]);
    await this.run("DELETE FROM webhook_events WHERE app_id = ? AND status = 'pending'", [appId]);
    const rows = await this.run('DELETE FROM webhook_apps WHERE app_id = ? RETURNING app_id', [appId]);
    return rows.length > 0;
  }

  /** Deletes a portal's apps, their subscriptions with them. */
  async deleteOf(portalId: number): Promise<void> {
    const apps = await this.run('SELECT app_id FROM webhook_apps WHERE portal_id = ?', [portalId]);
    for (const app of apps) {
      await this.run('DELETE FROM webhook_subscriptions WHERE app_id = ?', [app.app_id]);
      await this.run('DELETE FROM webhook_apps WHERE app_id = ?', [app.app_id]);
    }
  }

  /**
   * Inserts a subscription, as `id` when no subscription has that ID; nothing when the app
   * has one for the same event already (a concurrent request made it): undefined then.
   */
  async insertSubscription(
    row: Omit<SubscriptionRow, 'id'>,
    id?: number,
  ): Promise<SubscriptionRow | undefined> {
    const explicit = await this.#free('webhook_subscriptions', 'id', id);
    const values = [
      row.appId,
      row.eventType,
      row.objectTypeId,
      row.propertyName,
      row.eventTypeName,
      row.active ? 1 : 0,
      row.createdAt,
      row.updatedAt,
    ];
    const columns = `app_id, event_type, object_type_id, property_name, event_type_name, active, created_at, updated_at`;
    const [created] = explicit
      ? await this.run(
          `INSERT INTO webhook_subscriptions (id, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING RETURNING *`,
          [id, ...values],
        )
      : await this.run(
          `INSERT INTO webhook_subscriptions (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *`,
          values,
        );
    if (explicit) await this.#syncSequence('webhook_subscriptions', 'id');
    return created && toSubscription(created);
  }

  /** After an explicit ID: the next generated one must be past it (PostgreSQL's identity). */
  async #syncSequence(table: string, column: string): Promise<void> {
    const sql = this.dialect.syncSequence?.(table, column);
    if (sql) await this.run(sql, []);
  }
}
