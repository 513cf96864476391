/**
 * Owners (HubSpot's users and queues that records are assigned to through
 * `hubspot_owner_id`). The owners API only reads them; they are made through the admin API
 * and fixtures. An owner's `userId` links it to a token's user, so `GET /crm/v3/owners/{userId}
 * ?idProperty=userId` finds the owner behind a test token (docs/decisions.md, "Properties, pipelines and owners").
 */
import {
  invalidOwnerId,
  invalidOwnerType,
  ownerNeedsEmail,
  ownerIsTokenUser,
  ownerNotFound,
  userHasOwner,
} from './catalog-errors.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { isoTimestamp, type Clock } from '../clock.js';
import { lockForWrite } from '../write-locks.js';
import { NO_CONFIGURED_OWNERS, type ConfiguredOwners } from './token-owners.js';
import type { LockMode, LockRequest, Store, StoreTransaction } from '../../store/store.js';

export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  userIdIncludingInactive: number;
  type: 'PERSON' | 'QUEUE';
  teams: Array<{ id: string; name: string; primary: boolean }>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface OwnerInput {
  id?: string | number | undefined;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  userId?: number | undefined;
  type?: string | undefined;
  teams?: Array<{ id: string; name: string; primary?: boolean }> | undefined;
}

const OWNER_COUNTER = 'owner_ids';

/**
 * The lock on a portal's owners: owner changes take it exclusive, record writes that assign an
 * owner take it shared before they read the owner (decision D28), so no write
 * assigns an owner after its archive committed.
 */
export function ownersLock(mode: LockMode): LockRequest[] {
  return [{ scope: 'object-type', key: 'owners', mode }];
}
/** Owner and user IDs look like HubSpot's (eight digits). */
const OWNER_ID_BASE = 10_000_000;
const USER_ID_BASE = 20_000_000;

/** A portal's owners: the ones configured tokens name, and the stored ones over them. */
export async function portalOwners(
  reader: Pick<Store, 'listCatalog'>,
  portalId: number,
  configured: ConfiguredOwners,
): Promise<Owner[]> {
  const byId = new Map(configured(portalId).map((o) => [o.id, o]));
  for (const row of await reader.listCatalog(portalId, 'owner', ''))
    byId.set(row.key, row.value as unknown as Owner);
  return [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id));
}

export class OwnerService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly configured: ConfiguredOwners = NO_CONFIGURED_OWNERS,
  ) {}

  #all(reader: Pick<Store, 'listCatalog'>, portalId: number): Promise<Owner[]> {
    return portalOwners(reader, portalId, this.configured);
  }

  /** GET /crm/v3/owners: by ID, optionally one email, in pages. */
  async list(
    portalId: number,
    options: { email?: string | undefined; after?: string | undefined; limit: number; archived: boolean },
  ) {
    const afterId = decodeCursor(options.after);
    const email = options.email?.toLowerCase();
    const matching = (await this.#all(this.store, portalId)).filter(
      (o) =>
        o.archived === options.archived &&
        (email === undefined || o.email.toLowerCase() === email) &&
        (afterId === undefined || Number(o.id) > afterId),
    );
    const limit = Math.min(Math.max(options.limit, 1), 500);
    const page = matching.slice(0, limit);
    const next = matching.length > limit ? encodeCursor(Number(page[page.length - 1]!.id)) : undefined;
    return { results: page, ...(next !== undefined && { after: next }) };
  }

  async get(portalId: number, id: string, idProperty: 'id' | 'userId', archived: boolean): Promise<Owner> {
    const found = (await this.#all(this.store, portalId)).find(
      (o) => (idProperty === 'userId' ? String(o.userId) === id : o.id === id) && o.archived === archived,
    );
    if (!found) throw ownerNotFound(id);
    return found;
  }

  /** Admin API and fixtures: makes an owner, or updates the one with the same ID or email. */
  async put(
    portalId: number,
    input: OwnerInput,
    tx?: StoreTransaction,
  ): Promise<{ owner: Owner; created: boolean }> {
    const run = async (t: StoreTransaction) => {
      await lockForWrite(t, portalId, ownersLock('exclusive'));
      return this.#put(t, portalId, input);
    };
    return tx ? run(tx) : this.store.transaction(run);
  }

  async #put(tx: StoreTransaction, portalId: number, input: OwnerInput) {
    if (typeof input.email !== 'string' || !input.email.includes('@')) throw ownerNeedsEmail(input.email);
    const type = input.type ?? 'PERSON';
    if (type !== 'PERSON' && type !== 'QUEUE') throw invalidOwnerType(type);
    const all = await this.#all(tx, portalId);
    const existing =
      all.find((o) => input.id !== undefined && o.id === String(input.id)) ??
      all.find((o) => input.id === undefined && o.email.toLowerCase() === input.email!.toLowerCase());
    if (input.userId !== undefined && all.some((o) => o.userId === input.userId && o.id !== existing?.id))
      throw userHasOwner(input.userId);
    // One owner is one user (decision D71): the owner a token names stays that token's user's.
    const claimed = this.configured(portalId).find((o) => o.id === existing?.id);
    if (claimed && input.userId !== undefined && input.userId !== claimed.userId)
      throw ownerIsTokenUser(claimed.id, claimed.userId);
    const now = isoTimestamp(this.clock.now());
    let id = existing?.id ?? (input.id !== undefined ? String(input.id) : undefined);
    if (id !== undefined && !/^\d{1,12}$/.test(id)) throw invalidOwnerId(id);
    // A generated ID or user skips those taken (an owner made with an explicit ID can hold the
    // counter's next one): it must not overwrite that owner, nor share its user (D71).
    while (id === undefined || (existing === undefined && all.some((o) => o.id === id))) {
      const [n] = await tx.nextCounterValues(portalId, OWNER_COUNTER, 1);
      id = String(OWNER_ID_BASE + n!);
    }
    let userId = input.userId ?? existing?.userId ?? USER_ID_BASE + (Number(id) % OWNER_ID_BASE);
    while (all.some((o) => o.userId === userId && o.id !== id)) userId += 1;
    const owner: Owner = {
      id,
      email: input.email,
      firstName: input.firstName ?? existing?.firstName ?? '',
      lastName: input.lastName ?? existing?.lastName ?? '',
      userId,
      userIdIncludingInactive: userId,
      type,
      teams: (input.teams ?? existing?.teams ?? []).map((t) => ({
        id: String(t.id),
        name: t.name,
        primary: t.primary ?? false,
      })),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      archived: false,
    };
    await tx.putCatalog(portalId, {
      kind: 'owner',
      scope: '',
      key: id,
      value: owner as unknown as Record<string, unknown>,
      updatedAt: this.clock.now(),
    });
    return { owner, created: existing === undefined };
  }

  /** Admin API: archives an owner (records keep its ID; new writes cannot use it). */
  async archive(portalId: number, id: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await lockForWrite(tx, portalId, ownersLock('exclusive'));
      const owner = (await this.#all(tx, portalId)).find((o) => o.id === id);
      if (!owner || owner.archived) throw ownerNotFound(id);
      const now = this.clock.now();
      const value = { ...owner, archived: true, updatedAt: isoTimestamp(now) };
      await tx.putCatalog(portalId, { kind: 'owner', scope: '', key: id, value, updatedAt: now });
    });
  }
}
