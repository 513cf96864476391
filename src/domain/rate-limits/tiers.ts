/**
 * HubSpot's rate limits as rules (docs/decisions.md, "Rate limits and faults"): the tiers of HubSpot's
 * usage guidelines, which requests count in which window, and the words of HubSpot's 429s.
 * The store counts; this file decides what a portal allows.
 */
import { invalidRateLimit, invalidTimeZone, unknownTier } from '../admin-errors.js';
import type { RatePolicyName, RatePolicyRow } from '../../store/rate-limit-store.js';

export const TEN_SECONDLY_WINDOW_MS = 10_000;
export const SEARCH_WINDOW_MS = 1_000;

interface Tier {
  readonly tenSecondly: number | null;
  readonly daily: number | null;
  /** OAuth (public app) calls get no X-HubSpot-RateLimit-Daily headers. */
  readonly dailyHeaders: boolean;
}

/**
 * HubSpot's tiers (usage guidelines): per-10-second limits per app, daily limits per
 * account. `api-limit-increase` is Professional with one pack (250 per 10 s, 625,000 +
 * 1,000,000 a day); `public-app` is an OAuth app installed in the account (110 per 10 s per
 * installing account, no daily limit published). Search is 5 per second in every tier.
 */
export const TIERS: Readonly<Record<string, Tier>> = {
  free: { tenSecondly: 100, daily: 250_000, dailyHeaders: true },
  starter: { tenSecondly: 100, daily: 250_000, dailyHeaders: true },
  professional: { tenSecondly: 190, daily: 625_000, dailyHeaders: true },
  enterprise: { tenSecondly: 190, daily: 1_000_000, dailyHeaders: true },
  'api-limit-increase': { tenSecondly: 250, daily: 1_625_000, dailyHeaders: true },
  'public-app': { tenSecondly: 110, daily: null, dailyHeaders: false },
};

export const SEARCH_PER_SECOND = 5;

/** What a test or a configuration asks for: a tier, optionally with its numbers changed. */
export interface RateLimitSettings {
  readonly tier: string;
  /** IANA time zone whose midnight resets the daily count (the portal's; default UTC). */
  readonly timeZone?: string;
  readonly tenSecondly?: number | null;
  readonly daily?: number | null;
  readonly searchPerSecond?: number | null;
}

export const TIER_NAMES = [...Object.keys(TIERS), 'off'];

function checkLimit(value: number | null | undefined, name: string): void {
  if (value === undefined || value === null) return;
  if (!Number.isInteger(value) || value < 0 || value > 1_000_000_000) {
    throw invalidRateLimit({ name });
  }
}

function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw invalidTimeZone({ timeZone });
  }
}

/** The policy a portal gets from settings (portal 0: the default for every portal). */
export function policyFor(portalId: number, settings: RateLimitSettings): RatePolicyRow {
  const timeZone = settings.timeZone ?? 'UTC';
  checkTimeZone(timeZone);
  checkLimit(settings.tenSecondly, 'tenSecondly');
  checkLimit(settings.daily, 'daily');
  checkLimit(settings.searchPerSecond, 'searchPerSecond');
  if (settings.tier === 'off') {
    return {
      portalId,
      tier: 'off',
      tenSecondly: null,
      daily: null,
      searchPerSecond: null,
      timeZone,
      dailyHeaders: false,
    };
  }
  const tier = TIERS[settings.tier];
  if (!tier) {
    throw unknownTier({ tier: settings.tier, tiers: TIER_NAMES.join(', ') });
  }
  return {
    portalId,
    tier: settings.tier,
    tenSecondly: settings.tenSecondly === undefined ? tier.tenSecondly : settings.tenSecondly,
    daily: settings.daily === undefined ? tier.daily : settings.daily,
    searchPerSecond: settings.searchPerSecond === undefined ? SEARCH_PER_SECOND : settings.searchPerSecond,
    timeZone,
    dailyHeaders: tier.dailyHeaders,
  };
}

/** Settings a policy was made from, as the admin API shows them. */
export function settingsOf(policy: RatePolicyRow): Required<RateLimitSettings> & { portalId: number } {
  return {
    portalId: policy.portalId,
    tier: policy.tier,
    timeZone: policy.timeZone,
    tenSecondly: policy.tenSecondly,
    daily: policy.daily,
    searchPerSecond: policy.searchPerSecond,
  };
}

/** Whether a policy limits anything at all (`off` does not, and sends no headers). */
export function limitsAnything(policy: RatePolicyRow): boolean {
  return policy.tier !== 'off';
}

/** HubSpot's search endpoints: any `POST …/search` (they count in the search window). */
export function isSearch(method: string, path: string): boolean {
  return method === 'POST' && /\/search\/?$/.test(path);
}

/**
 * Operations HubSpot's specs mark `x-hubspot-rate-limit-exemptions: ["ten-secondly"]`:
 * search, association batches, label and configuration definitions, the high-usage report.
 * They count toward the day but not the rolling 10 seconds.
 */
const TEN_SECONDLY_EXEMPT: readonly RegExp[] = [
  /^\/crm\/(v4|[0-9]{4}-[0-9]{2}(-beta)?)\/associations\/usage\/high-usage-report\//,
  /^\/crm\/associations\/[^/]+\/usage\/high-usage-report\//,
  /^\/crm\/(v3|v4)\/associations\/[^/]+\/[^/]+\/batch\//,
  /^\/crm\/associations\/[^/]+\/[^/]+\/[^/]+\/batch\//,
  /^\/crm\/(v4\/associations|associations\/[^/]+)\/[^/]+\/[^/]+\/labels(\/[^/]+)?\/?$/,
  /^\/crm\/(v4\/associations|associations\/[^/]+)\/definitions\/configurations\//,
];

export function countsInTenSecondly(method: string, path: string): boolean {
  if (isSearch(method, path)) return false;
  return !TEN_SECONDLY_EXEMPT.some((pattern) => pattern.test(path));
}

/** HubSpot's 429 message for each policy (the official client matches on these). */
export const RATE_LIMIT_MESSAGES: Readonly<Record<RatePolicyName, string>> = {
  DAILY: 'You have reached your daily limit.',
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  SECONDLY: 'You have reached your secondly limit.',
};
