/**
 * The rate-limit role's SQL, written once for both databases with `?` placeholders (an
 * adapter translates them, as shared-sql.ts does), and the one implementation of the role
 * over it. What really differs between the databases is a capability the code reads:
 *
 * - `countInFunction`: PostgreSQL counts a request with one statement, the SQL function
 *   `spoke_rate_take` (postgres-migrations.ts), which locks the policy row so concurrent
 *   requests from any number of processes count one at a time. SQLite has no functions:
 *   it runs the shared counting steps below inside one write transaction (the single
 *   writer), which orders the counts the same way.
 * - `nativeBooleans`: PostgreSQL stores a BOOLEAN; SQLite stores 0 and 1.
 */
import {
  dayKey,
  policyFromRow,
  refusal,
  type PolicyDbRow,
  type RateLimitStore,
  type RatePolicyName,
  type RatePolicyRow,
  type RateTake,
  type RateUsage,
} from './rate-limit-store.js';

/** Runs one statement with `?` parameters; returns its rows (none for a write without RETURNING). */
export type RateSqlRunner = (
  sql: string,
  params: readonly unknown[],
) => Promise<Array<Record<string, unknown>>>;

export const RATE_LIMIT_SQL = {
  anyPolicy: 'SELECT 1 AS found FROM rate_limit_policies LIMIT 1',
  listPolicies: 'SELECT * FROM rate_limit_policies ORDER BY portal_id',
  putPolicy: `INSERT INTO rate_limit_policies
      (portal_id, tier, ten_secondly, daily, search_secondly, time_zone, daily_headers)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (portal_id) DO UPDATE SET tier = excluded.tier, ten_secondly = excluded.ten_secondly,
      daily = excluded.daily, search_secondly = excluded.search_secondly,
      time_zone = excluded.time_zone, daily_headers = excluded.daily_headers`,
  deletePolicy: 'DELETE FROM rate_limit_policies WHERE portal_id = ? RETURNING portal_id',
  setDailyUsage: `INSERT INTO rate_limit_days (portal_id, day, used) VALUES (?, ?, ?)
    ON CONFLICT (portal_id, day) DO UPDATE SET used = excluded.used`,
  clearHits: 'DELETE FROM rate_limit_hits',
  clearDays: 'DELETE FROM rate_limit_days',
  clearPortalHits: 'DELETE FROM rate_limit_hits WHERE portal_id = ?',
  clearPortalDays: 'DELETE FROM rate_limit_days WHERE portal_id = ?',
  // The counting steps, where a count runs in the store's transaction (no `countInFunction`).
  policyFor: 'SELECT * FROM rate_limit_policies WHERE portal_id IN (?, 0) ORDER BY portal_id DESC LIMIT 1',
  pruneHits: 'DELETE FROM rate_limit_hits WHERE portal_id = ? AND (at <= ? OR at > ?)',
  pruneDays: 'DELETE FROM rate_limit_days WHERE portal_id = ? AND day < ?',
  countHits: `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM rate_limit_hits
    WHERE portal_id = ? AND bucket = ? AND at > ?`,
  dayUsed: 'SELECT used FROM rate_limit_days WHERE portal_id = ? AND day = ?',
  insertHit: 'INSERT INTO rate_limit_hits (portal_id, bucket, at) VALUES (?, ?, ?)',
  countDay: `INSERT INTO rate_limit_days (portal_id, day, used) VALUES (?, ?, 1)
    ON CONFLICT (portal_id, day) DO UPDATE SET used = rate_limit_days.used + 1`,
  // The count in one statement, where the database has the function (`countInFunction`).
  takeFunction: 'SELECT * FROM spoke_rate_take(?, ?, ?, ?, ?, ?, ?)',
} as const;

export interface RateLimitCapabilities {
  /** A count is one call of `spoke_rate_take`; otherwise the shared steps in one write transaction. */
  readonly countInFunction: boolean;
  /** Booleans are bound as booleans; otherwise as 0 and 1. */
  readonly nativeBooleans: boolean;
}

export interface RateLimitDatabase {
  readonly capabilities: RateLimitCapabilities;
  /** Runs a read outside any write transaction. */
  readonly read: RateSqlRunner;
  /** Runs `fn` in one write transaction, its statements through the runner it is given. */
  write<T>(fn: (run: RateSqlRunner) => Promise<T>): Promise<T>;
}

const num = (value: unknown) => Number(value ?? 0);

export class SqlRateLimits implements RateLimitStore {
  constructor(private readonly db: RateLimitDatabase) {}

  async anyPolicy(): Promise<boolean> {
    return (await this.db.read(RATE_LIMIT_SQL.anyPolicy, [])).length > 0;
  }

  async listPolicies(): Promise<RatePolicyRow[]> {
    const rows = await this.db.read(RATE_LIMIT_SQL.listPolicies, []);
    return (rows as unknown as PolicyDbRow[]).map(policyFromRow);
  }

  async putPolicy(row: RatePolicyRow): Promise<void> {
    const dailyHeaders = this.db.capabilities.nativeBooleans ? row.dailyHeaders : row.dailyHeaders ? 1 : 0;
    await this.db.write((run) =>
      run(RATE_LIMIT_SQL.putPolicy, [
        row.portalId,
        row.tier,
        row.tenSecondly,
        row.daily,
        row.searchPerSecond,
        row.timeZone,
        dailyHeaders,
      ]),
    );
  }

  async deletePolicy(portalId: number): Promise<boolean> {
    const rows = await this.db.write((run) => run(RATE_LIMIT_SQL.deletePolicy, [portalId]));
    return rows.length > 0;
  }

  take(request: RateTake): Promise<RateUsage | undefined> {
    return this.db.capabilities.countInFunction ? this.#takeInFunction(request) : this.#takeInSteps(request);
  }

  async #takeInFunction(request: RateTake): Promise<RateUsage | undefined> {
    const [row] = await this.db.write((run) =>
      run(RATE_LIMIT_SQL.takeFunction, [
        request.portalId,
        request.caller,
        request.now,
        request.tenSecondly,
        request.search,
        request.tenSecondlyWindowMs,
        request.searchWindowMs,
      ]),
    );
    if (!row) return undefined;
    return {
      policy: policyFromRow(row as unknown as PolicyDbRow),
      refused: row.refused as RatePolicyName | null,
      tenSecondlyUsed: num(row.ten_used),
      dailyUsed: num(row.daily_used),
      searchUsed: num(row.search_used),
    };
  }

  /** The steps `spoke_rate_take` takes, one statement each, in the caller's write transaction. */
  #takeInSteps(request: RateTake): Promise<RateUsage | undefined> {
    const { portalId, caller, now } = request;
    return this.db.write(async (run) => {
      const [row] = await run(RATE_LIMIT_SQL.policyFor, [portalId]);
      if (!row) return undefined;
      const policy = policyFromRow(row as unknown as PolicyDbRow);
      const day = dayKey(now, policy.timeZone);
      const span = Math.max(request.tenSecondlyWindowMs, request.searchWindowMs);
      // Hits that left every window go, and so do hits more than a window ahead (a clock set
      // back); hits slightly ahead (another process's clock) still count.
      await run(RATE_LIMIT_SQL.pruneHits, [portalId, now - span, now + span]);
      await run(RATE_LIMIT_SQL.pruneDays, [portalId, day]);
      const hits = async (bucket: string, windowMs: number) =>
        num((await run(RATE_LIMIT_SQL.countHits, [portalId, bucket, now - windowMs]))[0]?.n);
      const tenKey = `t:${caller}`;
      const searchKey = `s:${caller}`;
      const used = {
        tenSecondly: await hits(tenKey, request.tenSecondlyWindowMs),
        search: await hits(searchKey, request.searchWindowMs),
        daily: num((await run(RATE_LIMIT_SQL.dayUsed, [portalId, day]))[0]?.used),
      };
      const refused = refusal(policy, request, used);
      if (refused === null) {
        if (request.tenSecondly) {
          await run(RATE_LIMIT_SQL.insertHit, [portalId, tenKey, now]);
          used.tenSecondly++;
        }
        if (request.search) {
          await run(RATE_LIMIT_SQL.insertHit, [portalId, searchKey, now]);
          used.search++;
        }
        await run(RATE_LIMIT_SQL.countDay, [portalId, day]);
        used.daily++;
      }
      return {
        policy,
        refused,
        tenSecondlyUsed: used.tenSecondly,
        dailyUsed: used.daily,
        searchUsed: used.search,
      };
    });
  }

  async setDailyUsage(portalId: number, day: string, used: number): Promise<void> {
    await this.db.write((run) => run(RATE_LIMIT_SQL.setDailyUsage, [portalId, day, used]));
  }

  async clearUsage(portalId?: number): Promise<void> {
    await this.db.write(async (run) => {
      if (portalId === undefined) {
        await run(RATE_LIMIT_SQL.clearHits, []);
        await run(RATE_LIMIT_SQL.clearDays, []);
      } else {
        await run(RATE_LIMIT_SQL.clearPortalHits, [portalId]);
        await run(RATE_LIMIT_SQL.clearPortalDays, [portalId]);
      }
    });
  }
}
