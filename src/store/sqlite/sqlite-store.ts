/**
 * The embedded default store, on better-sqlite3. One connection per process, WAL mode so
 * readers never wait for the writer, and `BEGIN IMMEDIATE` write transactions so several
 * processes (`--workers`) sharing one file take turns instead of failing.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import { AsyncLock } from '../lock.js';
import { TransactionRetry } from '../store-errors.js';
import type { StoreReader, Store, StoreCapabilities, StoreTransaction } from '../store.js';
import { SqlInspection, type InspectionReader } from '../inspection.js';
import type { RateLimitStore } from '../rate-limit-store.js';
import { GroupCommit } from './group-commit.js';
import { migrateSqlite } from './sqlite-migrations.js';
import { sqliteRateLimits } from './sqlite-rate-limits.js';
import { sqliteSearch } from './sqlite-search.js';
import type { SearchStore } from '../search-sql.js';
import { SqliteTransaction } from './sqlite-transaction.js';

export interface SqliteStoreOptions {
  /**
   * How long one attempt to start a write waits, blocking, for another process's
   * transaction, in ms. After that the write waits without blocking (group-commit.ts).
   */
  busyTimeoutMs?: number;
  /** How long a write waits in all for another process's transaction (a long import), in ms. */
  writeWaitMs?: number;
}

/** Every read of the Store, each of which the store runs under its lock (the constructor). */
const READER_METHODS = [
  'getObject',
  'listPortalIds',
  'findToken',
  'listTokens',
  'getCounters',
  'historyOf',
  'findFixtureKey',
  'listFixtureKeys',
  'listSnapshots',
  'scanAssociations',
  'scanObjects',
  'listObjects',
  'findByUniqueValue',
  'getPropertyHistory',
  'listSchemas',
  'getSchema',
  'listCatalog',
  'getCatalog',
  'getPortalSetting',
  'allAssociationsOf',
  'getObjectHeads',
  'associationsBetweenMany',
  'associationsBetween',
  'listAssociations',
  'countAssociations',
  'findAssociationsOfType',
  'associationUsage',
  'listDefinitions',
  'getDefinition',
  'listLimits',
  'definitionsBetween',
  'limitsBetween',
] as const satisfies readonly (keyof StoreReader)[];

/** Fails to compile when a read is missing above (it would be undefined at run time). */
const allReads: Exclude<keyof StoreReader, (typeof READER_METHODS)[number]> extends never ? true : never =
  true;
void allReads;

// The reads READER_METHODS defines on each instance.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- see READER_METHODS
export interface SqliteStore extends StoreReader {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see READER_METHODS
export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities = { kind: 'sqlite', serializedWrites: true, sharedChanges: false };
  readonly description: string;
  readonly inspection: InspectionReader;
  readonly rateLimits: RateLimitStore;
  readonly search: SearchStore;
  readonly #db: Database;
  readonly #queries: SqliteTransaction;
  readonly #lock: AsyncLock;
  readonly #groups: GroupCommit<StoreTransaction>;

  /** The database file, for connections of their own (long snapshots); undefined in memory. */
  readonly #file: string | undefined;

  constructor(db: Database, description: string, writeWaitMs = DEFAULT_WRITE_WAIT_MS, file?: string) {
    this.#db = db;
    this.#file = file;
    this.description = description;
    migrateSqlite(db);
    this.#queries = new SqliteTransaction(db);
    this.#lock = new AsyncLock(() => this.#queries.catalog.expire());
    // Reads outside a transaction wait for a running one, so they never see its uncommitted rows.
    for (const name of READER_METHODS) {
      const read = (this.#queries[name] as (...args: unknown[]) => unknown).bind(this.#queries);
      Object.defineProperty(this, name, {
        value: (...args: unknown[]) => this.#lock.run(() => read(...args)),
        writable: true,
        configurable: true,
      });
    }
    this.#groups = new GroupCommit<StoreTransaction>(
      db,
      this.#lock,
      this.#queries,
      () => this.#queries.catalog.invalidate(),
      writeWaitMs,
    );
    this.rateLimits = sqliteRateLimits(
      db,
      (fn) => this.#lock.run(fn),
      (fn) => this.#groups.run(fn),
    );
    const statements = new Map<string, Statement>();
    this.search = sqliteSearch(db, (sql, params) =>
      this.#lock.run(() => {
        let statement = statements.get(sql);
        if (!statement) {
          // Searches vary in shape: keep the cache of prepared statements bounded.
          if (statements.size >= 1000) statements.clear();
          statements.set(sql, (statement = db.prepare(sql)));
        }
        return statement.all(...params) as Array<Record<string, unknown>>;
      }),
    );
    const changes = db.prepare('SELECT total_changes()').pluck();
    this.inspection = new SqlInspection(
      (sql, params) =>
        this.#lock.run(() => {
          let statement = statements.get(sql);
          if (!statement) statements.set(sql, (statement = db.prepare(sql)));
          return statement.all(...params) as Array<Record<string, unknown>>;
        }),
      // This connection's writes (rolled back ones too), and other processes' commits.
      () => this.#lock.run(() => `${changes.get()}:${db.pragma('data_version', { simple: true })}`),
    );
  }

  async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#groups.run(fn);
      } catch (error) {
        // Writes are serialized, so what a transaction read cannot change under it; a rerun
        // is asked for only defensively, and granted a few times.
        if (error instanceof TransactionRetry && attempt < 3) continue;
        throw error;
      }
    }
  }

  /**
   * A deferred read transaction; on the shared connection, it holds the lock until it ends.
   * A long one (a file database) opens a connection of its own: WAL gives it a snapshot
   * while this connection goes on writing and reading.
   */
  async readSnapshot<T>(fn: (reader: StoreReader) => Promise<T>, options?: { long?: boolean }): Promise<T> {
    if (options?.long && this.#file !== undefined) {
      const db = new BetterSqlite3(this.#file, { fileMustExist: true });
      try {
        db.pragma('busy_timeout = 5000');
        db.exec('BEGIN');
        return await fn(new SqliteTransaction(db));
      } finally {
        if (db.inTransaction) db.exec('COMMIT');
        db.close();
      }
    }
    return this.#lock.run(async () => {
      this.#db.exec('BEGIN');
      try {
        return await fn(this.#queries);
      } finally {
        this.#db.exec('COMMIT');
      }
    });
  }

  async close(): Promise<void> {
    await this.#lock.run(() => this.#db.close());
  }
}

/** A write waits this long for another process's transaction before it answers 503. */
export const DEFAULT_WRITE_WAIT_MS = 300_000;

/** Opens (or creates) a SQLite store at a file path, or in memory for `:memory:`. */
export function openSqliteStore(location: string, options: SqliteStoreOptions = {}): SqliteStore {
  const inMemory = location === ':memory:';
  if (!inMemory) {
    mkdirSync(dirname(location), { recursive: true });
    // The database holds every portal's data: only its owner may read it. SQLite creates
    // the -wal and -shm files with the database file's mode.
    closeSync(openSync(location, 'a', 0o600));
  }
  const db = new BetterSqlite3(location);
  if (!inMemory) db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a killed process loses nothing that was committed.
  db.pragma('synchronous = NORMAL');
  // Short: a blocking wait stalls every request of this process. Longer waits happen
  // between attempts, off the event loop (group-commit.ts).
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 50}`);
  db.pragma('cache_size = -65536');
  // Checkpoint the WAL in bigger steps (16 MB): a bulk restore or import then commits
  // without copying its pages back into the database file on the spot.
  db.pragma('wal_autocheckpoint = 4000');
  return new SqliteStore(db, `sqlite ${location}`, options.writeWaitMs, inMemory ? undefined : location);
}
