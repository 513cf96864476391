/**
 * The store methods both adapters hand to their catalog and snapshot helpers, written once:
 * the properties, pipelines and owners catalog (catalog-store.ts) and portal administration
 * (roles/portal-admin.ts, maintenance's reset). `withRoleReads` gives a reads class the reads,
 * `withRoleWrites` a transaction class the writes.
 */
import type { CatalogReader, CatalogWriter } from './catalog-store.js';
import type { MaintenanceWriter } from './roles/maintenance.js';
import type { PortalAdminReader, PortalAdminWriter } from './roles/portal-admin.js';

type AdminWrites = Omit<PortalAdminWriter, 'nextCounterValues'> & MaintenanceWriter;

/** What a class delegates to: its catalog entries and its portal's admin queries. */
export interface RoleHelpers {
  readonly entries: CatalogReader & CatalogWriter;
  readonly portalAdmin: PortalAdminReader & AdminWrites;
}

// Mixins need a constructor of any arguments (TypeScript's rule for mixin bases).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor<T> = abstract new (...args: any[]) => T;

/** Which helper answers which method. */
const READS = {
  entries: ['listCatalog', 'getCatalog', 'getPortalSetting'],
  portalAdmin: [
    'listPortalIds',
    'findToken',
    'listTokens',
    'getCounters',
    'findFixtureKey',
    'listFixtureKeys',
    'listSnapshots',
  ],
} as const satisfies {
  entries: readonly (keyof CatalogReader)[];
  portalAdmin: readonly (keyof PortalAdminReader)[];
};

const WRITES = {
  entries: ['putCatalog', 'deleteCatalog', 'setPortalSetting'],
  portalAdmin: [
    'insertToken',
    'setCounter',
    'setFixtureKey',
    'resetPortal',
    'createSnapshot',
    'restoreSnapshot',
    'deleteSnapshot',
  ],
} as const satisfies {
  entries: readonly (keyof CatalogWriter)[];
  portalAdmin: readonly (keyof AdminWrites)[];
};

/** Fails to compile when a role method is in no table (it would be undefined at run time). */
type Missing<All, Listed> = Exclude<keyof All, Listed>;
const complete: [
  Missing<CatalogReader, (typeof READS.entries)[number]>,
  Missing<PortalAdminReader, (typeof READS.portalAdmin)[number]>,
  Missing<CatalogWriter, (typeof WRITES.entries)[number]>,
  Missing<AdminWrites, (typeof WRITES.portalAdmin)[number]>,
] extends [never, never, never, never]
  ? true
  : never = true;
void complete;

/** Own methods of `self` that call its helper's method of the same name, at call time. */
function delegate(self: RoleHelpers, table: Record<keyof RoleHelpers, readonly string[]>): void {
  for (const helper of ['entries', 'portalAdmin'] as const) {
    for (const name of table[helper]) {
      Object.defineProperty(self, name, {
        value: (...args: unknown[]) =>
          (self[helper] as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args),
        writable: true,
        configurable: true,
      });
    }
  }
}

export function withRoleReads<B extends Constructor<RoleHelpers>>(Base: B) {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the methods `delegate` defines
  interface RoleReads extends CatalogReader, PortalAdminReader {}
  // eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- as above
  abstract class RoleReads extends Base {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's constructor
    constructor(...args: any[]) {
      super(...args);
      delegate(this, READS);
    }
  }
  return RoleReads;
}

export function withRoleWrites<B extends Constructor<RoleHelpers>>(Base: B) {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the methods `delegate` defines
  interface RoleWrites extends CatalogWriter, AdminWrites {}
  // eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- as above
  abstract class RoleWrites extends Base {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's constructor
    constructor(...args: any[]) {
      super(...args);
      delegate(this, WRITES);
    }
  }
  return RoleWrites;
}

/** What an adapter's reads class extends: the role reads, delegated to helpers it sets up. */
abstract class HelpersOwner implements RoleHelpers {
  abstract readonly entries: RoleHelpers['entries'];
  abstract readonly portalAdmin: RoleHelpers['portalAdmin'];
}

export const RoleReadsBase = withRoleReads(HelpersOwner);
