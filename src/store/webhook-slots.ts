/**
 * Delivery slots: an app has `maxConcurrentRequests` rows here, and a request in flight holds
 * one (docs/decisions.md D40). Rows, not a counter in one process, so every instance on one
 * database counts against the same limit; a slot is leased like an event (wall-clock ms), so
 * a process that dies holding one frees it when the lease runs out.
 */
import type { SqlRunner, WebhookDialect } from './webhooks.js';

export class WebhookSlots {
  constructor(
    private readonly run: SqlRunner,
    private readonly dialect: WebhookDialect,
  ) {}

  /**
   * Takes a free slot of the app's first `size` for `owner` until `leaseUntil`: its number, or
   * undefined when all are held (by this or another instance).
   */
  async take(
    appId: number,
    size: number,
    owner: string,
    wallNow: number,
    leaseUntil: number,
  ): Promise<number | undefined> {
    const [count] = await this.run('SELECT COUNT(*) AS n FROM webhook_slots WHERE app_id = ? AND slot < ?', [
      appId,
      size,
    ]);
    if (Number(count!.n) < size) {
      for (let slot = 0; slot < size; slot++) {
        await this.run('INSERT INTO webhook_slots (app_id, slot) VALUES (?, ?) ON CONFLICT DO NOTHING', [
          appId,
          slot,
        ]);
      }
    }
    const [taken] = await this.run(
      `UPDATE webhook_slots SET owner = ?, lease_until = ?
       WHERE app_id = ? AND slot = (SELECT slot FROM webhook_slots
         WHERE app_id = ? AND slot < ? AND (lease_until IS NULL OR lease_until < ?)
         ORDER BY slot LIMIT 1${this.dialect.skipLocked})
       RETURNING slot`,
      [owner, leaseUntil, appId, appId, size, wallNow],
    );
    return taken ? Number(taken.slot) : undefined;
  }

  /** Frees a slot `owner` holds (nothing when its lease ran out and another took it). */
  async release(appId: number, slot: number, owner: string): Promise<void> {
    await this.run(
      'UPDATE webhook_slots SET owner = NULL, lease_until = NULL WHERE app_id = ? AND slot = ? AND owner = ?',
      [appId, slot, owner],
    );
  }
}
