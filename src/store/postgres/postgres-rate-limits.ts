/**
 * The rate-limit role on PostgreSQL. Counting a request is one round trip: the SQL function
 * `spoke_rate_take` (postgres-migrations.ts) locks the policy row, drops hits that left
 * their window, counts, decides and records, all in the one statement's transaction. The
 * row lock makes concurrent requests from any number of processes count one at a time.
 */
import type { Pool } from 'pg';
import {
  policyFromRow,
  type PolicyDbRow,
  type RateLimitStore,
  type RatePolicyName,
  type RatePolicyRow,
  type RateTake,
  type RateUsage,
} from '../rate-limit-store.js';

type Query = Pick<Pool, 'query'>;

export class PostgresRateLimits implements RateLimitStore {
  constructor(private readonly db: Query) {}

  async anyPolicy(): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM rate_limit_policies LIMIT 1');
    return rows.length > 0;
  }

  async listPolicies(): Promise<RatePolicyRow[]> {
    const { rows } = await this.db.query<PolicyDbRow>('SELECT * FROM rate_limit_policies ORDER BY portal_id');
    return rows.map(policyFromRow);
  }

  async putPolicy(row: RatePolicyRow): Promise<void> {
    await this.db.query(
      `INSERT INTO rate_limit_policies
         (portal_id, tier, ten_secondly, daily, search_secondly, time_zone, daily_headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (portal_id) DO UPDATE SET tier = excluded.tier, ten_secondly = excluded.ten_secondly,
         daily = excluded.daily, search_secondly = excluded.search_secondly,
         time_zone = excluded.time_zone, daily_headers = excluded.daily_headers`,
      [
        row.portalId,
        row.tier,
        row.tenSecondly,
        row.daily,
        row.searchPerSecond,
        row.timeZone,
        row.dailyHeaders,
      ],
    );
  }

  async deletePolicy(portalId: number): Promise<boolean> {
    const result = await this.db.query('DELETE FROM rate_limit_policies WHERE portal_id = $1', [portalId]);
    return (result.rowCount ?? 0) > 0;
  }

  async take(request: RateTake): Promise<RateUsage | undefined> {
    const { rows } = await this.db.query<
      PolicyDbRow & {
        refused: RatePolicyName | null;
        ten_used: number;
        daily_used: number;
        search_used: number;
      }
    >('SELECT * FROM spoke_rate_take($1, $2, $3, $4, $5, $6, $7)', [
      request.portalId,
      request.caller,
      request.now,
      request.tenSecondly,
      request.search,
      request.tenSecondlyWindowMs,
      request.searchWindowMs,
    ]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      policy: policyFromRow(row),
      refused: row.refused,
      tenSecondlyUsed: Number(row.ten_used),
      dailyUsed: Number(row.daily_used),
      searchUsed: Number(row.search_used),
    };
  }

  async setDailyUsage(portalId: number, day: string, used: number): Promise<void> {
    await this.db.query(
      `INSERT INTO rate_limit_days (portal_id, day, used) VALUES ($1, $2, $3)
       ON CONFLICT (portal_id, day) DO UPDATE SET used = excluded.used`,
      [portalId, day, used],
    );
  }

  async clearUsage(portalId?: number): Promise<void> {
    if (portalId === undefined) {
      await this.db.query('DELETE FROM rate_limit_hits');
      await this.db.query('DELETE FROM rate_limit_days');
    } else {
      await this.db.query('DELETE FROM rate_limit_hits WHERE portal_id = $1', [portalId]);
      await this.db.query('DELETE FROM rate_limit_days WHERE portal_id = $1', [portalId]);
    }
  }
}
