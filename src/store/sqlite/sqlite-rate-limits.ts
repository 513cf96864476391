/**
 * The rate-limit role on SQLite. A count runs in the store's write transaction (group
 * commit's `BEGIN IMMEDIATE`), so processes sharing the file count one request at a time;
 * reads of the policy alone take the connection lock only.
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  dayKey,
  refusal,
  type RateLimitStore,
  type RatePolicyRow,
  type RateTake,
  type RateUsage,
  policyFromRow,
  type PolicyDbRow,
} from '../rate-limit-store.js';

type Run = <T>(fn: () => T) => Promise<T>;

export class SqliteRateLimits implements RateLimitStore {
  readonly #statements = new Map<string, Statement>();

  /** `read` runs under the connection lock; `write` inside a write transaction. */
  constructor(
    private readonly db: Database,
    private readonly read: Run,
    private readonly write: Run,
  ) {}

  #stmt(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  anyPolicy(): Promise<boolean> {
    return this.read(() => this.#stmt('SELECT 1 FROM rate_limit_policies LIMIT 1').get() !== undefined);
  }

  listPolicies(): Promise<RatePolicyRow[]> {
    return this.read(() =>
      (this.#stmt('SELECT * FROM rate_limit_policies ORDER BY portal_id').all() as PolicyDbRow[]).map(
        policyFromRow,
      ),
    );
  }

  putPolicy(row: RatePolicyRow): Promise<void> {
    return this.write(() => {
      this.#stmt(
        `INSERT INTO rate_limit_policies
           (portal_id, tier, ten_secondly, daily, search_secondly, time_zone, daily_headers)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (portal_id) DO UPDATE SET tier = excluded.tier, ten_secondly = excluded.ten_secondly,
           daily = excluded.daily, search_secondly = excluded.search_secondly,
           time_zone = excluded.time_zone, daily_headers = excluded.daily_headers`,
      ).run(
        row.portalId,
        row.tier,
        row.tenSecondly,
        row.daily,
        row.searchPerSecond,
        row.timeZone,
        row.dailyHeaders ? 1 : 0,
      );
    });
  }

  deletePolicy(portalId: number): Promise<boolean> {
    return this.write(
      () => this.#stmt('DELETE FROM rate_limit_policies WHERE portal_id = ?').run(portalId).changes > 0,
    );
  }

  take(request: RateTake): Promise<RateUsage | undefined> {
    const { portalId, caller, now } = request;
    return this.write(() => {
      const row = this.#stmt(
        'SELECT * FROM rate_limit_policies WHERE portal_id IN (?, 0) ORDER BY portal_id DESC LIMIT 1',
      ).get(portalId) as PolicyDbRow | undefined;
      if (!row) return undefined;
      const policy = policyFromRow(row);
      const day = dayKey(now, policy.timeZone);
      const span = Math.max(request.tenSecondlyWindowMs, request.searchWindowMs);
      // Hits that left every window go, and so do hits more than a window ahead (a clock set
      // back); hits slightly ahead (another process's clock) still count.
      this.#stmt('DELETE FROM rate_limit_hits WHERE portal_id = ? AND (at <= ? OR at > ?)').run(
        portalId,
        now - span,
        now + span,
      );
      this.#stmt('DELETE FROM rate_limit_days WHERE portal_id = ? AND day < ?').run(portalId, day);
      const countHits = this.#stmt(
        'SELECT count(*) FROM rate_limit_hits WHERE portal_id = ? AND bucket = ? AND at > ?',
      ).pluck();
      const tenKey = `t:${caller}`;
      const searchKey = `s:${caller}`;
      const used = {
        tenSecondly: countHits.get(portalId, tenKey, now - request.tenSecondlyWindowMs) as number,
        search: countHits.get(portalId, searchKey, now - request.searchWindowMs) as number,
        daily:
          (this.#stmt('SELECT used FROM rate_limit_days WHERE portal_id = ? AND day = ?')
            .pluck()
            .get(portalId, day) as number | undefined) ?? 0,
      };
      const refused = refusal(policy, request, used);
      if (refused === null) {
        const hit = this.#stmt('INSERT INTO rate_limit_hits (portal_id, bucket, at) VALUES (?, ?, ?)');
        if (request.tenSecondly) {
          hit.run(portalId, tenKey, now);
          used.tenSecondly++;
        }
        if (request.search) {
          hit.run(portalId, searchKey, now);
          used.search++;
        }
        this.#stmt(
          `INSERT INTO rate_limit_days (portal_id, day, used) VALUES (?, ?, 1)
           ON CONFLICT (portal_id, day) DO UPDATE SET used = used + 1`,
        ).run(portalId, day);
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

  setDailyUsage(portalId: number, day: string, used: number): Promise<void> {
    return this.write(() => {
      this.#stmt(
        `INSERT INTO rate_limit_days (portal_id, day, used) VALUES (?, ?, ?)
         ON CONFLICT (portal_id, day) DO UPDATE SET used = excluded.used`,
      ).run(portalId, day, used);
    });
  }

  clearUsage(portalId?: number): Promise<void> {
    return this.write(() => {
      if (portalId === undefined) {
        this.db.exec('DELETE FROM rate_limit_hits; DELETE FROM rate_limit_days;');
      } else {
        this.#stmt('DELETE FROM rate_limit_hits WHERE portal_id = ?').run(portalId);
        this.#stmt('DELETE FROM rate_limit_days WHERE portal_id = ?').run(portalId);
      }
    });
  }
}
