/**
 * Faults on demand: rules a test arms so that chosen requests fail the way HubSpot and the
 * network fail (a 5xx, a 429, a stall, a dropped connection), before the request runs or
 * after it ran (the write happened, the answer was lost). Never on unless armed; rules live
 * in this process, are listed, and go on reset. Chance is seeded, so a run repeats.
 */
import { faultRuleNotFound, invalidFaultRule } from '../admin-errors.js';
import type { RateLimitPolicyName } from '../errors.js';

export type FaultKind = 'status' | 'delay' | 'drop';
export type FaultStatus = 429 | 500 | 502 | 503 | 504;
export type FaultPhase = 'before' | 'after';

export interface FaultRuleInput {
  /** HTTP method to match (any when left out). */
  readonly method?: string;
  /** Path pattern: `*` matches within one segment, `**` across segments (`/crm/v3/objects/**`). */
  readonly path?: string;
  /** Only requests of this portal (any when left out). */
  readonly portalId?: number;
  readonly kind: FaultKind;
  /** For `status`: the status to answer, with HubSpot's body for it. */
  readonly status?: FaultStatus;
  /** For a 429: the limit it names (TEN_SECONDLY_ROLLING by default, which clients retry). */
  readonly policyName?: RateLimitPolicyName;
  /** For `delay`: how long to stall, in milliseconds. */
  readonly delayMs?: number;
  /** `before` the request runs (nothing happens), or `after` it ran (its writes stay). */
  readonly when?: FaultPhase;
  /** How many requests it hits, then it disarms (unlimited when left out). */
  readonly times?: number;
  /** Chance that a matching request is hit, 0 to 1 (1 by default). */
  readonly probability?: number;
  /** Seed for `probability` (1 by default). */
  readonly seed?: number;
}

export interface FaultRule extends Required<Pick<FaultRuleInput, 'kind' | 'when' | 'path' | 'method'>> {
  readonly id: string;
  readonly portalId: number | null;
  readonly status: FaultStatus | null;
  readonly policyName: RateLimitPolicyName | null;
  readonly delayMs: number | null;
  readonly probability: number;
  readonly seed: number;
  /** Requests it may still hit (null: unlimited). */
  remaining: number | null;
  /** Requests it has hit. */
  hits: number;
}

const STATUSES: readonly number[] = [429, 500, 502, 503, 504];
const POLICIES: readonly string[] = ['TEN_SECONDLY_ROLLING', 'DAILY', 'SECONDLY'];
const MAX_DELAY_MS = 600_000;

/** mulberry32: small, seeded, and the same sequence everywhere. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pathPattern(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const source = escaped.replace(/\*\*|\*/g, (star) => (star === '**' ? '.*' : '[^/]*'));
  return new RegExp(`^${source}/?$`);
}

function check(input: FaultRuleInput): void {
  const fail = (message: string): never => {
    throw invalidFaultRule({ problem: message });
  };
  if (!['status', 'delay', 'drop'].includes(input.kind)) fail('"kind" must be status, delay or drop');
  if (input.kind === 'status' && !STATUSES.includes(input.status ?? 0))
    fail('"status" must be one of 429, 500, 502, 503, 504');
  if (input.kind !== 'status' && input.status !== undefined) fail('"status" goes with kind "status"');
  if (input.policyName !== undefined && (input.status !== 429 || !POLICIES.includes(input.policyName)))
    fail('"policyName" goes with status 429 and is TEN_SECONDLY_ROLLING, DAILY or SECONDLY');
  const delay = input.delayMs;
  if (input.kind === 'delay' && !(Number.isInteger(delay) && delay! >= 0 && delay! <= MAX_DELAY_MS))
    fail(`"delayMs" must be a whole number from 0 to ${MAX_DELAY_MS}`);
  if (input.when !== undefined && input.when !== 'before' && input.when !== 'after')
    fail('"when" must be before or after');
  if (input.times !== undefined && !(Number.isInteger(input.times) && input.times >= 1))
    fail('"times" must be a whole number from 1');
  const p = input.probability;
  if (p !== undefined && !(typeof p === 'number' && p >= 0 && p <= 1))
    fail('"probability" must be from 0 to 1');
  if (input.path !== undefined && !input.path.startsWith('/')) fail('"path" must start with /');
}

export interface FaultRequest {
  readonly method: string;
  readonly path: string;
  readonly portalId: number;
}

export class FaultInjector {
  readonly #rules: Array<{ rule: FaultRule; pattern: RegExp; random: () => number }> = [];
  #nextId = 1;

  arm(input: FaultRuleInput): FaultRule {
    check(input);
    const rule: FaultRule = {
      id: `fault-${this.#nextId++}`,
      method: (input.method ?? '*').toUpperCase(),
      path: input.path ?? '/**',
      portalId: input.portalId ?? null,
      kind: input.kind,
      status: input.status ?? null,
      policyName: input.status === 429 ? (input.policyName ?? 'TEN_SECONDLY_ROLLING') : null,
      delayMs: input.delayMs ?? null,
      when: input.when ?? 'before',
      probability: input.probability ?? 1,
      seed: input.seed ?? 1,
      remaining: input.times ?? null,
      hits: 0,
    };
    this.#rules.push({ rule, pattern: pathPattern(rule.path), random: seededRandom(rule.seed) });
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.#rules.map(({ rule }) => ({ ...rule }));
  }

  remove(id: string): void {
    const at = this.#rules.findIndex(({ rule }) => rule.id === id);
    if (at < 0) throw faultRuleNotFound(id);
    this.#rules.splice(at, 1);
  }

  /** Disarms every rule (reset). */
  clear(): void {
    this.#rules.length = 0;
  }

  /** The first armed rule that hits this request, counted as a hit; undefined for none. */
  take(request: FaultRequest): FaultRule | undefined {
    for (const entry of this.#rules) {
      const { rule } = entry;
      if (rule.remaining === 0) continue;
      if (rule.method !== '*' && rule.method !== request.method) continue;
      if (rule.portalId !== null && rule.portalId !== request.portalId) continue;
      if (!entry.pattern.test(request.path)) continue;
      if (rule.probability < 1 && !(entry.random() < rule.probability)) continue;
      if (rule.remaining !== null) rule.remaining--;
      rule.hits++;
      return { ...rule };
    }
    return undefined;
  }
}
