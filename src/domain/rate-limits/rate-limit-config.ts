/**
 * Rate limits from configuration (`--rate-limits`, SPOKE_RATE_LIMITS): a tier for every
 * portal, or tiers per portal, each optionally with the portal's time zone:
 *
 *   professional                               every portal
 *   starter@America/New_York,4680001=public-app   every portal, and portal 4680001
 *   {"*": "enterprise", "4680001": {"tier": "free", "daily": 1000}}   JSON, with numbers
 */
import { invalidRateLimitEntry, invalidRateLimitPortal } from '../admin-errors.js';
import { ALL_PORTALS } from './rate-limiter.js';
import { policyFor, type RateLimitSettings } from './tiers.js';

function portalOf(key: string): number {
  if (key === '*' || key === '') return ALL_PORTALS;
  const id = Number(key);
  if (!Number.isInteger(id) || id < 1 || id > 2 ** 31 - 1) {
    throw invalidRateLimitPortal({ key });
  }
  return id;
}

function shortForm(text: string): RateLimitSettings {
  const [tier, timeZone] = text.split('@').map((part) => part.trim());
  return { tier: tier ?? '', ...(timeZone && { timeZone }) };
}

/** Portal ID (0: every portal) to settings; each is checked as the admin API checks it. */
export function parseRateLimitConfig(text: string): Map<number, RateLimitSettings> {
  const settings = new Map<number, RateLimitSettings>();
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    for (const [key, value] of Object.entries(JSON.parse(trimmed) as Record<string, unknown>)) {
      const entry =
        typeof value === 'string' ? shortForm(value) : (value as RateLimitSettings | null | undefined);
      if (typeof entry !== 'object' || entry === null || typeof entry.tier !== 'string') {
        throw invalidRateLimitEntry({ key });
      }
      settings.set(portalOf(key), entry);
    }
  } else {
    for (const item of trimmed.split(',').filter((part) => part.trim() !== '')) {
      const at = item.indexOf('=');
      settings.set(
        at < 0 ? ALL_PORTALS : portalOf(item.slice(0, at).trim()),
        shortForm(at < 0 ? item : item.slice(at + 1)),
      );
    }
  }
  for (const [portalId, entry] of settings) policyFor(portalId, entry);
  return settings;
}
