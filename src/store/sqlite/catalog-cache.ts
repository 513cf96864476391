/**
 * A cache of the portal catalog (association definitions and limits), which every
 * association request reads and which almost never changes. It is dropped whenever the
 * catalog might have changed:
 * - this connection wrote a catalog row: temporary triggers (which live only on this
 *   connection) call back into JS, so no write path can forget to invalidate;
 * - a transaction or savepoint rolled back: rows read inside it may never have committed;
 * - another connection (another `--workers` process) committed anything: `PRAGMA
 *   data_version` changes. It is read once per hold of the connection's lock, not per
 *   lookup: on this machine any statement costs about as much as the query it would save.
 */
import type { Database, Statement } from 'better-sqlite3';

const CATALOG_TABLES = ['association_definitions', 'association_limits'] as const;

export class CatalogCache {
  readonly #dataVersion: Statement;
  readonly #entries = new Map<string, unknown>();
  #lastDataVersion: unknown;
  #checked = false;

  constructor(db: Database) {
    db.function('spoke_catalog_changed', () => {
      this.invalidate();
      return null;
    });
    for (const table of CATALOG_TABLES) {
      for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
        db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS spoke_${table}_${event.toLowerCase()}
          AFTER ${event} ON main.${table} BEGIN SELECT spoke_catalog_changed(); END`);
      }
    }
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  invalidate(): void {
    this.#entries.clear();
  }

  /** Call when the connection's lock is released: the next holder checks for other connections' commits. */
  expire(): void {
    this.#checked = false;
  }

  /** The cached value for `key`, loading it when absent or when another connection committed. */
  get<T>(key: string, load: () => T): T {
    if (!this.#checked) {
      this.#checked = true;
      const dataVersion = this.#dataVersion.get();
      if (dataVersion !== this.#lastDataVersion) {
        this.#entries.clear();
        this.#lastDataVersion = dataVersion;
      }
    }
    if (this.#entries.has(key)) return this.#entries.get(key) as T;
    const value = load();
    this.#entries.set(key, value);
    return value;
  }
}
