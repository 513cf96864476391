/**
 * The domain, assembled: one object per API area, sharing a store, a clock and an ID policy.
 */
import { ActivityFeed } from './activity/activity-feed.js';
import { AssociationService } from './associations/association-service.js';
import { LabelService } from './associations/label-service.js';
import { LimitService } from './associations/limit-service.js';
import { ControllableClock } from './clock.js';
import type { FixtureServices } from './harness/fixtures.js';
import { HarnessService } from './harness/harness-service.js';
import { InspectService } from './inspect/inspect-service.js';
import { ObjectService } from './objects/object-service.js';
import { ObjectTypeResolver } from './objects/object-type-resolver.js';
import { SchemaService } from './objects/schema-service.js';
import { PortalDirectory, type TokenGrant } from './portals.js';
import { RateLimiter } from './rate-limits/rate-limiter.js';
import { FaultInjector } from './faults/fault-rules.js';
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
  /** HubSpot's rate limits, off until a portal gets a policy. */
  readonly rateLimits: RateLimiter;
  /** Faults a test armed (none unless armed). */
  readonly faults: FaultInjector;
}

/** The API areas on one store: the server's, or one transaction's (storeWithin). */
function apiServices(store: Store, clock: ControllableClock, recordIds: RecordIdPolicy): FixtureServices {
  const objectTypes = new ObjectTypeResolver(store);
  const associations = new AssociationService(store, clock, objectTypes);
  const objects = new ObjectService(store, clock, recordIds, associations, objectTypes);
  const labels = new LabelService(store, clock);
  const limits = new LimitService(store, objectTypes);
  const schemas = new SchemaService(store, clock, objectTypes);
  return { store, objectTypes, objects, associations, labels, limits, schemas };
}

export function createDomain(options: DomainOptions): Domain {
  const { store } = options;
  const clock = options.clock ?? new ControllableClock();
  const recordIds = options.recordIds ?? sequentialRecordIds;
  const directory = new PortalDirectory(store, options.tokens);
  const services = apiServices(store, clock, recordIds);
  const rateLimits = new RateLimiter(store.rateLimits, clock);
  const harness = new HarnessService(
    services,
    clock,
    directory,
    (scoped) => apiServices(scoped, clock, recordIds),
    rateLimits,
  );
  const inspect = new InspectService(store, directory, services.objects, services.objectTypes);
  const activity = new ActivityFeed();
  const faults = new FaultInjector();
  return { ...services, clock, directory, harness, inspect, activity, rateLimits, faults };
}
