/**
 * The owners configured tokens name: a token configured with an `ownerId` stands for a user
 * who is an owner of its portal, so `GET /crm/v3/owners/{userId}?idProperty=userId` with the
 * token's `user_id` finds the owner behind it (HubSpot's MCP server resolves "me" that way).
 * They are configuration, like the tokens: not stored, so a reset, a snapshot restore or an
 * import keeps them; an owner the portal stores with the same ID stands over one.
 */
import type { TokenGrant } from '../portals.js';
import type { Owner } from './owner-service.js';

const EPOCH = new Date(0).toISOString();

/** A portal's configured owners, by portal; empty when no token names one. */
export type ConfiguredOwners = (portalId: number) => readonly Owner[];

export const NO_CONFIGURED_OWNERS: ConfiguredOwners = () => [];

export function configuredOwners(tokens: ReadonlyMap<string, TokenGrant> | undefined): ConfiguredOwners {
  const byPortal = new Map<number, Owner[]>();
  for (const grant of tokens?.values() ?? []) {
    if (grant.ownerId === undefined) continue;
    const owners = byPortal.get(grant.portalId) ?? [];
    if (owners.some((o) => o.id === grant.ownerId)) continue;
    owners.push({
      id: grant.ownerId,
      email: grant.user,
      firstName: '',
      lastName: '',
      userId: grant.userId,
      userIdIncludingInactive: grant.userId,
      type: 'PERSON',
      teams: [],
      createdAt: EPOCH,
      updatedAt: EPOCH,
      archived: false,
    });
    byPortal.set(grant.portalId, owners);
  }
  return (portalId) => byPortal.get(portalId) ?? [];
}
