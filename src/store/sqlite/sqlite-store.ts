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
import { SqliteRateLimits } from './sqlite-rate-limits.js';
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
    this.#groups = new GroupCommit<StoreTransaction>(
      db,
      this.#lock,
      this.#queries,
      () => this.#queries.catalog.invalidate(),
      writeWaitMs,
    );
    this.rateLimits = new SqliteRateLimits(
      db,
      (fn) => this.#lock.run(fn),
      (fn) => this.#groups.run(async () => fn()),
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

  // Reads outside a transaction wait for a running one, so they never see its uncommitted rows.
  getObject: StoreReader['getObject'] = (...args) => this.#lock.run(() => this.#queries.getObject(...args));
  listPortalIds: StoreReader['listPortalIds'] = (...args) =>
    this.#lock.run(() => this.#queries.listPortalIds(...args));
  findToken: StoreReader['findToken'] = (...args) => this.#lock.run(() => this.#queries.findToken(...args));
  listTokens: StoreReader['listTokens'] = (...args) =>
    this.#lock.run(() => this.#queries.listTokens(...args));
  getCounters: StoreReader['getCounters'] = (...args) =>
    this.#lock.run(() => this.#queries.getCounters(...args));
  historyOf: StoreReader['historyOf'] = (...args) => this.#lock.run(() => this.#queries.historyOf(...args));
  findFixtureKey: StoreReader['findFixtureKey'] = (...args) =>
    this.#lock.run(() => this.#queries.findFixtureKey(...args));
  listFixtureKeys: StoreReader['listFixtureKeys'] = (...args) =>
    this.#lock.run(() => this.#queries.listFixtureKeys(...args));
  listSnapshots: StoreReader['listSnapshots'] = (...args) =>
    this.#lock.run(() => this.#queries.listSnapshots(...args));
  scanAssociations: StoreReader['scanAssociations'] = (...args) =>
    this.#lock.run(() => this.#queries.scanAssociations(...args));
  scanObjects: StoreReader['scanObjects'] = (...args) =>
    this.#lock.run(() => this.#queries.scanObjects(...args));
  listObjects: StoreReader['listObjects'] = (...args) =>
    this.#lock.run(() => this.#queries.listObjects(...args));
  findByUniqueValue: StoreReader['findByUniqueValue'] = (...args) =>
    this.#lock.run(() => this.#queries.findByUniqueValue(...args));
  getPropertyHistory: StoreReader['getPropertyHistory'] = (...args) =>
    this.#lock.run(() => this.#queries.getPropertyHistory(...args));
  listSchemas: StoreReader['listSchemas'] = (...args) =>
    this.#lock.run(() => this.#queries.listSchemas(...args));
  getSchema: StoreReader['getSchema'] = (...args) => this.#lock.run(() => this.#queries.getSchema(...args));
  listCatalog: StoreReader['listCatalog'] = (...args) =>
    this.#lock.run(() => this.#queries.listCatalog(...args));
  getCatalog: StoreReader['getCatalog'] = (...args) =>
    this.#lock.run(() => this.#queries.getCatalog(...args));
  getPortalSetting: StoreReader['getPortalSetting'] = (...args) =>
    this.#lock.run(() => this.#queries.getPortalSetting(...args));
  allAssociationsOf: StoreReader['allAssociationsOf'] = (...args) =>
    this.#lock.run(() => this.#queries.allAssociationsOf(...args));
  getObjectHeads: StoreReader['getObjectHeads'] = (...args) =>
    this.#lock.run(() => this.#queries.getObjectHeads(...args));
  associationsBetweenMany: StoreReader['associationsBetweenMany'] = (...args) =>
    this.#lock.run(() => this.#queries.associationsBetweenMany(...args));
  associationsBetween: StoreReader['associationsBetween'] = (...args) =>
    this.#lock.run(() => this.#queries.associationsBetween(...args));
  listAssociations: StoreReader['listAssociations'] = (...args) =>
    this.#lock.run(() => this.#queries.listAssociations(...args));
  countAssociations: StoreReader['countAssociations'] = (...args) =>
    this.#lock.run(() => this.#queries.countAssociations(...args));
  findAssociationsOfType: StoreReader['findAssociationsOfType'] = (...args) =>
    this.#lock.run(() => this.#queries.findAssociationsOfType(...args));
  associationUsage: StoreReader['associationUsage'] = (...args) =>
    this.#lock.run(() => this.#queries.associationUsage(...args));
  listDefinitions: StoreReader['listDefinitions'] = (...args) =>
    this.#lock.run(() => this.#queries.listDefinitions(...args));
  getDefinition: StoreReader['getDefinition'] = (...args) =>
    this.#lock.run(() => this.#queries.getDefinition(...args));
  listLimits: StoreReader['listLimits'] = (...args) =>
    this.#lock.run(() => this.#queries.listLimits(...args));
  definitionsBetween: StoreReader['definitionsBetween'] = (...args) =>
    this.#lock.run(() => this.#queries.definitionsBetween(...args));
  limitsBetween: StoreReader['limitsBetween'] = (...args) =>
    this.#lock.run(() => this.#queries.limitsBetween(...args));
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
