/**
 * The rate-limit role: each portal's limits and the requests counted against them. Both live
 * in the database, so every Spoke process and instance on it shares one count (HubSpot
 * counts per app and account, not per server). The domain decides what a tier allows and
 * which windows a request counts in (src/domain/rate-limits/); an adapter only counts, and
 * does it atomically: on PostgreSQL one statement, a SQL function, on SQLite one
 * `BEGIN IMMEDIATE` transaction.
 */

/** Which of HubSpot's rate limits a request went over (its `policyName`). */
export type RateLimitPolicyName = 'DAILY' | 'SECONDLY' | 'TEN_SECONDLY_ROLLING';

/** A portal's limits. Portal 0 holds the default for every portal without a row of its own. */
export interface RatePolicyRow {
  readonly portalId: number;
  /** The tier's name (`off` turns limits off for a portal when a default is set). */
  readonly tier: string;
  /** Requests per token in any rolling 10 seconds; null: no such limit. */
  readonly tenSecondly: number | null;
  /** Requests per portal per day in `timeZone`; null: no daily limit. */
  readonly daily: number | null;
  /** Search requests per token in any rolling second; null: no search limit. */
  readonly searchPerSecond: number | null;
  /** IANA time zone whose midnight starts a new day. */
  readonly timeZone: string;
  /** Whether responses carry the X-HubSpot-RateLimit-Daily headers (not on OAuth calls). */
  readonly dailyHeaders: boolean;
}

/** Which limit refused a request: HubSpot's policy names (SECONDLY: the search limit). */
export type RatePolicyName = RateLimitPolicyName;

export interface RateTake {
  readonly portalId: number;
  /** Names the caller (a digest of its token): the rolling windows count per caller. */
  readonly caller: string;
  /** Epoch milliseconds, from the controllable clock. */
  readonly now: number;
  /** Counts in the rolling 10-second window (false for operations HubSpot exempts). */
  readonly tenSecondly: boolean;
  /** Counts in the search window. */
  readonly search: boolean;
  readonly tenSecondlyWindowMs: number;
  readonly searchWindowMs: number;
}

/** The portal's policy and its use after the request (unchanged when refused). */
export interface RateUsage {
  readonly policy: RatePolicyRow;
  readonly refused: RatePolicyName | null;
  readonly tenSecondlyUsed: number;
  readonly dailyUsed: number;
  readonly searchUsed: number;
}

export interface RateLimitStore {
  /** Whether any portal (or the default) has limits; cheap, asked at most once a second. */
  anyPolicy(): Promise<boolean>;
  listPolicies(): Promise<RatePolicyRow[]>;
  putPolicy(row: RatePolicyRow): Promise<void>;
  deletePolicy(portalId: number): Promise<boolean>;
  /**
   * Counts one request, atomically across processes: with the portal's policy (its own, or
   * the default), refuses it when a window it counts in is full, and otherwise counts it in
   * each. Undefined when no policy applies. A refused request is not counted.
   */
  take(request: RateTake): Promise<RateUsage | undefined>;
  /** Sets how many requests a portal has made on a day (tests burn quota without making them). */
  setDailyUsage(portalId: number, day: string, used: number): Promise<void>;
  /** Forgets what was counted, for one portal or all. */
  clearUsage(portalId?: number): Promise<void>;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) an instant falls on in a time zone; PostgreSQL computes the same key. */
export function dayKey(epochMs: number, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  return format.format(new Date(epochMs));
}

/** The decision a count makes once it has read the counts (rate-limit-sql.ts; spoke_rate_take on PostgreSQL). */
export function refusal(
  policy: RatePolicyRow,
  request: RateTake,
  used: { daily: number; tenSecondly: number; search: number },
): RatePolicyName | null {
  if (policy.daily !== null && used.daily >= policy.daily) return 'DAILY';
  if (request.search && policy.searchPerSecond !== null && used.search >= policy.searchPerSecond)
    return 'SECONDLY';
  if (request.tenSecondly && policy.tenSecondly !== null && used.tenSecondly >= policy.tenSecondly)
    return 'TEN_SECONDLY_ROLLING';
  return null;
}

/** A policy row as either database returns it: PostgreSQL's bigints as strings, SQLite's booleans as 0/1. */
export interface PolicyDbRow {
  portal_id: number | string;
  tier: string;
  ten_secondly: number | string | null;
  daily: number | string | null;
  search_secondly: number | string | null;
  time_zone: string;
  daily_headers: number | boolean;
}

const count = (value: number | string | null) => (value === null ? null : Number(value));

/** One mapping from a stored policy row for both adapters. */
export function policyFromRow(row: PolicyDbRow): RatePolicyRow {
  return {
    portalId: Number(row.portal_id),
    tier: row.tier,
    tenSecondly: count(row.ten_secondly),
    daily: count(row.daily),
    searchPerSecond: count(row.search_secondly),
    timeZone: row.time_zone,
    dailyHeaders: row.daily_headers === true || row.daily_headers === 1,
  };
}
