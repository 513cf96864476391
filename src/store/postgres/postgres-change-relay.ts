/**
 * The change relay on PostgreSQL: NOTIFY on a channel per schema. A notification is sent at
 * COMMIT and dropped on ROLLBACK, and a transaction's notifications arrive together and in
 * commit order, which is what the change feed promises. A payload holds at most 8000 bytes,
 * so a message goes in parts (`id part count text`) that the listener puts back together.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ChangeRelay } from '../change-relay.js';
import type { StoreTransaction } from '../store.js';
import { PostgresTransaction } from './postgres-transaction.js';

/** Characters per part: at most 4 bytes each in UTF-8, so a part stays under 8000 bytes. */
const PART_CHARS = 1900;

export class PostgresChangeRelay implements ChangeRelay {
  readonly #channel: string;

  constructor(
    private readonly connectionString: string,
    schema: string,
  ) {
    this.#channel = `spoke_changes_${schema}`;
  }

  async send(tx: StoreTransaction, message: string): Promise<void> {
    if (!(tx instanceof PostgresTransaction)) throw new Error('A change relay sends inside its own store');
    const id = randomBytes(8).toString('hex');
    const count = Math.max(1, Math.ceil(message.length / PART_CHARS));
    const parts = Array.from(
      { length: count },
      (_, i) => `${id} ${i} ${count} ${message.slice(i * PART_CHARS, (i + 1) * PART_CHARS)}`,
    );
    await tx.notifyOnCommit(this.#channel, parts);
  }

  async listen(handler: (message: string) => void): Promise<() => Promise<void>> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('error', () => undefined);
    const pending = new Map<string, string[]>();
    client.on('notification', ({ channel, payload }) => {
      if (channel !== this.#channel || payload === undefined) return;
      const [id, part, count] = payload.split(' ', 3) as [string, string, string];
      const text = payload.slice(id.length + part.length + count.length + 3);
      const parts = pending.get(id) ?? [];
      parts[Number(part)] = text;
      if (parts.filter((p) => p !== undefined).length < Number(count)) {
        pending.set(id, parts);
        return;
      }
      pending.delete(id);
      try {
        handler(parts.join(''));
      } catch {
        // A failing listener must not stop the others' messages.
      }
    });
    await client.connect();
    await client.query(`LISTEN ${this.#channel}`);
    return async () => {
      await client.end().catch(() => undefined);
    };
  }
}
