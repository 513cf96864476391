/**
 * Portals (HubSpot "hubs") and the tokens that name them. Every record, association, label
 * and limit belongs to one portal, and portals share nothing (decision D21).
 *
 * Without configuration, any token means the default portal. Configured tokens (a file or
 * SPOKE_TOKENS) switch to strict mode, where only known tokens are accepted. Tokens made
 * through the admin API live in the store, so every Spoke process sharing the database
 * knows them.
 */
import { invalidPortalId, invalidTokenConfig, tokenTaken } from './admin-errors.js';
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';
import { UniqueViolationError } from '../store/store-errors.js';
import type { Store } from '../store/store.js';

/** The hub ID used when no tokens are configured. */
export const DEFAULT_PORTAL_ID = 4680000;

/** The scopes a token reports; Spoke does not enforce scopes. */
export const DEFAULT_SCOPES: readonly string[] = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.custom.read',
  'crm.objects.custom.write',
  'crm.schemas.custom.read',
  'crm.schemas.custom.write',
  'tickets',
];

/** What a token stands for. */
export interface TokenGrant {
  readonly portalId: number;
  readonly user: string;
  readonly userId: number;
  readonly scopes: readonly string[];
  /** The app whose installation the token stands for: its writes are that app's (D91). */
  readonly appId?: number;
  /** The owner the token's user is (configured tokens only; token-owners.ts). */
  readonly ownerId?: string;
}

export interface TokenDirectory {
  /** The grant for a token, or undefined when the token is not accepted. */
  grantFor(token: string): Promise<TokenGrant | undefined>;
}

export function defaultGrant(portalId: number = DEFAULT_PORTAL_ID): TokenGrant {
  return { portalId, user: `user@portal-${portalId}.spoke.local`, userId: 1, scopes: DEFAULT_SCOPES };
}

/**
 * Tokens the store names are cached: a token names one portal for good (a second
 * `POST /_spoke/portals` with it is a 409, and tokens are never deleted), so a cached grant
 * never goes stale. Misses are not cached: another process may name the token at any moment,
 * and from the moment it answers 201 the token must lead to its portal everywhere.
 */
export class PortalDirectory implements TokenDirectory {
  readonly #cache = new Map<string, TokenGrant>();

  constructor(
    private readonly store: Store,
    /** Tokens from configuration; undefined means open mode. */
    private readonly configured: ReadonlyMap<string, TokenGrant> | undefined,
  ) {}

  get strict(): boolean {
    return this.configured !== undefined;
  }

  configuredGrant(token: string): TokenGrant | undefined {
    return this.configured?.get(token);
  }

  async grantFor(token: string): Promise<TokenGrant | undefined> {
    const known = this.configured?.get(token) ?? this.#cache.get(token);
    if (known) return known;
    const row = await this.store.findToken(token);
    if (row) {
      const grant = {
        portalId: row.portalId,
        user: row.user,
        userId: row.userId,
        scopes: row.scopes,
        ...(row.appId != null && { appId: row.appId }),
      };
      this.#cache.set(token, grant);
      return grant;
    }
    return this.strict ? undefined : defaultGrant();
  }

  /** Every portal known: configured, made through the admin API, or holding data. */
  async portalIds(): Promise<number[]> {
    // Portal 0 holds counters that belong to no portal (portal IDs themselves).
    const ids = new Set<number>([
      DEFAULT_PORTAL_ID,
      ...(await this.store.listPortalIds()).filter((id) => id > 0),
    ]);
    for (const grant of this.configured?.values() ?? []) ids.add(grant.portalId);
    return [...ids].sort((a, b) => a - b);
  }

  /** Portals that configured tokens name. */
  configuredPortalIds(): number[] {
    return [...(this.configured?.values() ?? [])].map((grant) => grant.portalId);
  }

  async tokensOf(portalId: number): Promise<string[]> {
    const stored = (await this.store.listTokens(portalId)).map((t) => t.token);
    const configured = [...(this.configured ?? [])]
      .filter(([, g]) => g.portalId === portalId)
      .map(([t]) => t);
    return [...configured, ...stored];
  }
}

export interface NewPortalInput {
  readonly portalId?: number;
  readonly token?: string;
  readonly user?: string;
  readonly scopes?: readonly string[];
}

/** Makes a portal with a token of its own (admin API, `startSpoke`, parallel test workers). */
export async function createPortal(
  store: Store,
  clock: Clock,
  directory: PortalDirectory,
  input: NewPortalInput,
): Promise<TokenGrant & { token: string }> {
  const token = input.token ?? `spoke-${randomBytes(12).toString('hex')}`;
  if (
    input.portalId !== undefined &&
    (!Number.isInteger(input.portalId) || input.portalId < 1 || input.portalId > 2 ** 31 - 1)
  ) {
    throw invalidPortalId({ portalId: input.portalId });
  }
  const taken = (portalId: number) => tokenTaken(token, portalId);
  const existing = directory.configuredGrant(token) ?? (await store.findToken(token));
  if (existing) throw taken(existing.portalId);
  try {
    return await insertPortal(store, clock, input, token);
  } catch (error) {
    // Created at the same moment by another request: the token's primary key decides.
    if (!(error instanceof UniqueViolationError)) throw error;
    throw taken((await store.findToken(token))?.portalId ?? 0);
  }
}

async function insertPortal(
  store: Store,
  clock: Clock,
  input: NewPortalInput,
  token: string,
): Promise<TokenGrant & { token: string }> {
  return store.transaction(async (tx) => {
    const portalId =
      input.portalId ?? DEFAULT_PORTAL_ID + (await tx.nextCounterValues(0, 'portal_id', 1))[0]!;
    const grant = {
      ...defaultGrant(portalId),
      ...(input.user && { user: input.user }),
      ...(input.scopes && { scopes: input.scopes }),
    };
    await tx.insertToken({ token, ...grant, createdAt: clock.now() });
    return { token, ...grant };
  });
}

/**
 * Tokens from configuration: a JSON object mapping each token to a portal ID or to
 * `{ "portalId": 101, "user": "alice@example.com", "userId": 77, "ownerId": "10000077",
 * "scopes": [...] }` (the user, and the owner that user is: token-owners.ts), or the short form
 * `token=portalId,token=portalId` (SPOKE_TOKENS).
 */
export function parseTokenConfig(text: string): Map<string, TokenGrant> {
  const tokens = new Map<string, TokenGrant>();
  const trimmed = text.trim();
  const entries: Array<[string, unknown]> = trimmed.startsWith('{')
    ? Object.entries(JSON.parse(trimmed) as Record<string, unknown>)
    : trimmed
        .split(',')
        .filter(Boolean)
        .map((pair) => {
          const [token, portal] = pair.split('=');
          return [token?.trim() ?? '', portal?.trim()];
        });
  for (const [token, value] of entries) {
    const spec =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : { portalId: value };
    const portalId = Number(spec.portalId);
    if (!token || !Number.isInteger(portalId) || portalId < 1) {
      throw invalidTokenConfig({ token, problem: 'portalId must be a positive integer' });
    }
    if (spec.userId !== undefined && (!Number.isInteger(spec.userId) || (spec.userId as number) < 1))
      throw invalidTokenConfig({ token, problem: 'userId must be a positive integer' });
    if (spec.ownerId !== undefined && !/^\d{1,12}$/.test(String(spec.ownerId)))
      throw invalidTokenConfig({ token, problem: 'ownerId must be a number' });
    tokens.set(token, {
      ...defaultGrant(portalId),
      ...(typeof spec.user === 'string' && { user: spec.user }),
      ...(spec.userId !== undefined && { userId: spec.userId as number }),
      ...(spec.ownerId !== undefined && { ownerId: String(spec.ownerId) }),
      ...(Array.isArray(spec.scopes) && { scopes: spec.scopes.map(String) }),
    });
  }
  checkOwnerClaims(tokens);
  return tokens;
}

/**
 * One owner is one user, and one user one owner (decision D71): tokens of a portal that name
 * the same `ownerId` name the same user (`userId` and `user`), and tokens that name different
 * owners name different users. Otherwise the owners API would find one owner under two user
 * IDs, or `idProperty=userId` would lead one user's tokens to two owners.
 */
function checkOwnerClaims(tokens: ReadonlyMap<string, TokenGrant>) {
  const byOwner = new Map<string, [string, TokenGrant]>();
  const byUser = new Map<string, [string, TokenGrant]>();
  for (const [token, grant] of tokens) {
    if (grant.ownerId === undefined) continue;
    const claim = byOwner.get(`${grant.portalId}:${grant.ownerId}`);
    if (claim && (claim[1].userId !== grant.userId || claim[1].user !== grant.user))
      throw invalidTokenConfig({
        token,
        problem: `owner ${grant.ownerId} is already the owner of user ${claim[1].userId} (${claim[1].user}, token "${claim[0]}"); one owner is one user`,
      });
    const user = byUser.get(`${grant.portalId}:${grant.userId}`);
    if (user && user[1].ownerId !== grant.ownerId)
      throw invalidTokenConfig({
        token,
        problem: `user ${grant.userId} already is owner ${user[1].ownerId} (token "${user[0]}"); one user is one owner, so give each token's user its own userId`,
      });
    byOwner.set(`${grant.portalId}:${grant.ownerId}`, [token, grant]);
    byUser.set(`${grant.portalId}:${grant.userId}`, [token, grant]);
  }
}
