/**
 * The PostgreSQL store, for teams that run several Spoke processes on one dataset. Writes
 * run in READ COMMITTED transactions; decisions that depend on other rows (limits, Primary)
 * take row locks on the records involved (`lockObjects`), so concurrent writers across
 * processes serialize exactly where they must. Serialization failures and deadlocks rerun
 * the transaction.
 */
import type { ChangeRelay } from '../change-relay.js';
import { PostgresChangeRelay } from './postgres-change-relay.js';
import pg, { type Pool, type PoolClient, type PoolConfig } from 'pg';
import { StoreUnavailableError, TransactionRetry } from '../store-errors.js';
import type { Store, StoreCapabilities, StoreReader, StoreTransaction } from '../store.js';
import { numberedPlaceholders, SqlInspection, type InspectionReader } from '../inspection.js';
import { Pipeline } from './postgres-pipeline.js';
import { PostgresTransaction } from './postgres-transaction.js';
import { migratePostgres } from './postgres-migrations.js';
import { postgresRateLimits } from './postgres-rate-limits.js';
import type { RateLimitStore } from '../rate-limit-store.js';
import type { SearchStore } from '../search-sql.js';
import { postgresSearch } from './postgres-search.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** Schema for Spoke's tables (default `public`). */
  readonly schema?: string;
  /** How often a transaction is rerun after a serialization failure or deadlock. */
  readonly maxRetries?: number;
}

const RETRYABLE = new Set(['40001', '40P01']);
/** SQLSTATE classes and driver errors that mean the connection, not the statement, failed. */
const CONNECTION_STATES = /^(08|57P0[1-3]|53300)/;
const CONNECTION_MESSAGES =
  /Connection terminated|connection error|not queryable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|timeout exceeded when trying to connect/i;

export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'string' && (CONNECTION_STATES.test(e.code) || /^E[A-Z]+$/.test(e.code)))
    return true;
  return typeof e?.message === 'string' && CONNECTION_MESSAGES.test(e.message);
}

function unavailableOr(error: unknown): unknown {
  return isConnectionError(error) ? new StoreUnavailableError(error) : error;
}

const INT8_OID = 20;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** IDs are BIGINT; every ID this server hands out fits a JavaScript number exactly. */
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text'),
} as PoolConfig['types'];

/** Reads run on the pool, outside any transaction; writes only inside `transaction`. */
export class PostgresStore extends PostgresTransaction implements Store {
  readonly capabilities: StoreCapabilities = {
    kind: 'postgres',
    serializedWrites: false,
    sharedChanges: true,
  };
  readonly description: string;
  readonly inspection: InspectionReader;
  readonly rateLimits: RateLimitStore;
  readonly search: SearchStore;
  readonly changeRelay: ChangeRelay;
  readonly #pool: Pool;
  readonly #maxRetries: number;

  private constructor(pool: Pool, description: string, maxRetries: number, changeRelay: ChangeRelay) {
    // Reads on the pool: a broken connection is a StoreUnavailableError (503), not a 500.
    const reads = {
      query: (...args: Parameters<Pool['query']>) =>
        (pool.query as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
          throw unavailableOr(error);
        }),
    } as unknown as Pick<Pool, 'query'>;
    super(reads);
    this.#pool = pool;
    this.description = description;
    this.#maxRetries = maxRetries;
    this.changeRelay = changeRelay;
    this.inspection = new SqlInspection(
      async (sql, params) => (await pool.query(numberedPlaceholders(sql), [...params])).rows,
    );
    this.rateLimits = postgresRateLimits(reads);
    this.search = postgresSearch(async (sql, params) => {
      try {
        return (await pool.query(numberedPlaceholders(sql), [...params])).rows;
      } catch (error) {
        throw unavailableOr(error);
      }
    });
  }

  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(schema))
      throw new Error(`Invalid PostgreSQL schema name "${schema}": use a-z, 0-9 and _`);
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      types,
      // Statements are written without waiting for the ones before (postgres-pipeline.ts).
      pipeline: true,
      options: `-c search_path=${schema}`,
      // Its own name in pg_stat_activity (a URL's application_name parameter wins).
      application_name: new URL(connectionString).searchParams.get('application_name') ?? 'spoke',
      // A database that is down must not hold a request forever: it gets a 503.
      connectionTimeoutMillis: 10_000,
    });
    // A client whose connection breaks emits 'error': while idle the pool listens, and while
    // checked out this listener does, so a terminated backend or a restarted server never
    // crashes the process. The query in flight fails, and the client is discarded on release.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      await migratePostgres(pool, schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const where = new URL(connectionString);
    where.password = '';
    const description = `postgres ${where.host}${where.pathname}${schema === 'public' ? '' : ` schema ${schema}`}`;
    const relay = new PostgresChangeRelay(connectionString, schema);
    return new PostgresStore(pool, description, options.maxRetries ?? 10, relay);
  }

  async #connect(): Promise<PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.#connect();
      let broken: Error | undefined;
      try {
        // BEGIN travels with the first statement waited for (postgres-pipeline.ts).
        const pipeline = new Pipeline(client, true);
        pipeline.send('BEGIN');
        const result = await fn(new PostgresTransaction(pipeline));
        await pipeline.query('COMMIT');
        return result;
      } catch (error) {
        if (isConnectionError(error)) {
          // The connection is gone: the client is destroyed, and the request gets a 503.
          broken = error as Error;
          throw new StoreUnavailableError(error);
        }
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: string }).code;
        const again = (code !== undefined && RETRYABLE.has(code)) || error instanceof TransactionRetry;
        if (again && attempt < this.#maxRetries) {
          await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
          continue;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  /** Always on a pooled connection of its own; `long` makes no difference here. */
  async readSnapshot<T>(fn: (reader: StoreReader) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    let broken: Error | undefined;
    try {
      const pipeline = new Pipeline(client, false);
      pipeline.send('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      return await fn(new PostgresTransaction(pipeline));
    } catch (error) {
      if (isConnectionError(error)) {
        broken = error as Error;
        throw new StoreUnavailableError(error);
      }
      throw error;
    } finally {
      // Not waited for: a read-only COMMIT cannot fail in a way a reader needs to know, and the
      // connection's next user waits for it anyway (answers come in order).
      if (!broken) client.query('COMMIT').catch(() => undefined);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
