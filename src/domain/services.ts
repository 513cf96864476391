/**
 * The domain, assembled: one object per API area, sharing a store, a clock and an ID policy.
 */
import { ActivityFeed } from './activity/activity-feed.js';
import { AssociationService } from './associations/association-service.js';
import { LabelService } from './associations/label-service.js';
import { LimitService } from './associations/limit-service.js';
import { ControllableClock } from './clock.js';
import { HarnessService } from './harness/harness-service.js';
import { InspectService } from './inspect/inspect-service.js';
import { ObjectService } from './objects/object-service.js';
import { ObjectTypeResolver } from './objects/object-type-resolver.js';
import { SchemaService } from './objects/schema-service.js';
import { PortalDirectory, type TokenGrant } from './portals.js';
import { sequentialRecordIds, type RecordIdPolicy } from './record-ids.js';
import type { Store } from '../store/store.js';

export interface DomainOptions {
  readonly store: Store;
  /** The clock; a fresh system-time ControllableClock by default. */
  readonly clock?: ControllableClock;
  readonly recordIds?: RecordIdPolicy;
  /** Tokens from configuration (strict mode); undefined accepts any token. */
  readonly tokens?: ReadonlyMap<string, TokenGrant>;
}

export interface Domain {
  readonly store: Store;
  readonly clock: ControllableClock;
  readonly directory: PortalDirectory;
  readonly objectTypes: ObjectTypeResolver;
  readonly objects: ObjectService;
  readonly associations: AssociationService;
  readonly labels: LabelService;
  readonly limits: LimitService;
  readonly schemas: SchemaService;
  readonly harness: HarnessService;
  /** Read-only views for the web UI. */
  readonly inspect: InspectService;
  /** What happened, for the UI's live view (requests now; the store's change feed later). */
  readonly activity: ActivityFeed;
}

export function createDomain(options: DomainOptions): Domain {
  const { store } = options;
  const clock = options.clock ?? new ControllableClock();
  const directory = new PortalDirectory(store, options.tokens);
  const objectTypes = new ObjectTypeResolver(store);
  const associations = new AssociationService(store, clock, objectTypes);
  const objects = new ObjectService(
    store,
    clock,
    options.recordIds ?? sequentialRecordIds,
    associations,
    objectTypes,
  );
  const labels = new LabelService(store, clock);
  const limits = new LimitService(store, objectTypes);
  const schemas = new SchemaService(store, clock, objectTypes);
  const harness = new HarnessService(
    { store, objectTypes, objects, associations, labels, limits, schemas },
    clock,
    directory,
  );
  const inspect = new InspectService(store, directory, objects, objectTypes);
  const activity = new ActivityFeed();
  return {
    store,
    clock,
    directory,
    objectTypes,
    objects,
    associations,
    labels,
    limits,
    schemas,
    harness,
    inspect,
    activity,
  };
}
