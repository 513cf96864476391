/**
 * Rate limiting, off by default (Spoke is for speed). A policy set for a portal, or for
 * every portal, lives in the store; so do the counts, so every process and instance on one
 * database counts against one limit. While no policy exists anywhere, requests cost nothing:
 * this process asks the store whether one appeared at most once a second (a policy set
 * through another instance's admin API takes effect here within that second).
 */
import { invalidDailyUsage, noRateLimits } from '../admin-errors.js';
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import {
  dayKey,
  type RatePolicyRow,
  type RateLimitStore,
  type RateUsage,
} from '../../store/rate-limit-store.js';
import {
  countsInTenSecondly,
  isSearch,
  limitsAnything,
  policyFor,
  SEARCH_WINDOW_MS,
  TEN_SECONDLY_WINDOW_MS,
  type RateLimitSettings,
} from './tiers.js';

/** Portal 0 holds the default for every portal without a policy of its own. */
export const ALL_PORTALS = 0;

/** How often, in real milliseconds, a process without policies asks whether one appeared. */
const RECHECK_MS = 1_000;

export interface RateRequest {
  readonly portalId: number;
  readonly token: string;
  readonly method: string;
  /** The request path, without its query. */
  readonly path: string;
}

/** A counted request: the policy, its use afterwards, and whether it is a search. */
export interface RateVerdict extends RateUsage {
  readonly search: boolean;
}

export class RateLimiter {
  #active = false;
  #checkedAt = -Infinity;

  constructor(
    private readonly store: RateLimitStore,
    private readonly clock: Clock,
  ) {}

  /** Sets a portal's limits (ALL_PORTALS: the default for every portal). */
  async set(portalId: number, settings: RateLimitSettings): Promise<RatePolicyRow> {
    const policy = policyFor(portalId, settings);
    await this.store.putPolicy(policy);
    this.#active = true;
    return policy;
  }

  /** Removes a portal's own limits (it falls back on the default, if one is set). */
  async remove(portalId: number): Promise<boolean> {
    return this.store.deletePolicy(portalId);
  }

  async list(): Promise<RatePolicyRow[]> {
    return this.store.listPolicies();
  }

  /** The policy that applies to a portal: its own, or the default. */
  async policyOf(portalId: number): Promise<RatePolicyRow | undefined> {
    const policies = await this.store.listPolicies();
    return policies.find((p) => p.portalId === portalId) ?? policies.find((p) => p.portalId === ALL_PORTALS);
  }

  /** Forgets the counts (a portal's, or every one's): a fresh window and a fresh day. */
  async clearUsage(portalId?: number): Promise<void> {
    await this.store.clearUsage(portalId);
  }

  /**
   * Burns quota: sets how many requests the portal has made today (in its policy's time
   * zone, on the clock), so a test reaches a real daily limit without making the requests.
   */
  async setDailyUsage(portalId: number, used: number): Promise<{ day: string; used: number }> {
    const policy = await this.policyOf(portalId);
    if (!policy) throw noRateLimits({ portalId });
    if (!Number.isInteger(used) || used < 0) throw invalidDailyUsage({});
    const day = dayKey(this.clock.now(), policy.timeZone);
    await this.store.setDailyUsage(portalId, day, used);
    return { day, used };
  }

  async #anyPolicy(): Promise<boolean> {
    if (this.#active) return true;
    const now = Date.now();
    if (now - this.#checkedAt < RECHECK_MS) return false;
    this.#checkedAt = now;
    this.#active = await this.store.anyPolicy();
    return this.#active;
  }

  /** Counts a request; undefined when no limits apply to its portal. */
  async count(request: RateRequest): Promise<RateVerdict | undefined> {
    if (!(await this.#anyPolicy())) return undefined;
    const search = isSearch(request.method, request.path);
    const usage = await this.store.take({
      portalId: request.portalId,
      caller: callerOf(request.token),
      now: this.clock.now(),
      tenSecondly: countsInTenSecondly(request.method, request.path),
      search,
      tenSecondlyWindowMs: TEN_SECONDLY_WINDOW_MS,
      searchWindowMs: SEARCH_WINDOW_MS,
    });
    if (!usage || !limitsAnything(usage.policy)) return undefined;
    return { ...usage, search };
  }
}

/** Tokens are counted under a digest: the counts table holds no credentials. */
function callerOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 22);
}
