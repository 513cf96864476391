/**
 * The domain, assembled: one object per API area, sharing a store, a clock and an ID policy.
 */
import { ActivityFeed, type ChangeActivity } from './activity/activity-feed.js';
import { AssociationService } from './associations/association-service.js';
import { LabelService } from './associations/label-service.js';
import { LimitService } from './associations/limit-service.js';
import { PipelineCatalog } from './catalog/pipeline-catalog.js';
import { PropertyCatalog } from './catalog/property-catalog.js';
import { ManagedOptions } from './catalog/managed-options.js';
import { OwnerService } from './catalog/owner-service.js';
import { PipelineService } from './catalog/pipeline-service.js';
import { PortalSettings } from './catalog/portal-settings.js';
import { PropertyService } from './catalog/property-service.js';
import { RecordValidator, type ValidationMode } from './catalog/record-validator.js';
import { configuredOwners, type ConfiguredOwners } from './catalog/token-owners.js';
import { trackChanges } from './change-tracking.js';
import { ChangeFeed, portalsOf, type ChangeSet } from './changes.js';
import { ControllableClock } from './clock.js';
import type { FixtureServices } from './harness/fixtures.js';
import { HarnessService } from './harness/harness-service.js';
import { InspectService } from './inspect/inspect-service.js';
import { ObjectService } from './objects/object-service.js';
import { ObjectTypeResolver } from './objects/object-type-resolver.js';
import { SchemaService } from './objects/schema-service.js';
import { SearchLag } from './search/search-lag.js';
import type { SearchOptions } from './search/search-options.js';
import { SearchService } from './search/search-service.js';
import { PortalDirectory, type TokenGrant } from './portals.js';
import { RateLimiter } from './rate-limits/rate-limiter.js';
import { FaultInjector } from './faults/fault-rules.js';
import { sequentialRecordIds, type RecordIdPolicy } from './record-ids.js';
import { WebhookService } from './webhooks/webhook-service.js';
import type { Store } from '../store/store.js';

export interface DomainOptions {
  readonly store: Store;
  /** The clock; a fresh system-time ControllableClock by default. */
  readonly clock?: ControllableClock;
  readonly recordIds?: RecordIdPolicy;
  /** Tokens from configuration (strict mode); undefined accepts any token. */
  readonly tokens?: ReadonlyMap<string, TokenGrant>;
  /** Property validation for portals that have not set it (strict by default). */
  readonly propertyValidation?: ValidationMode;
  /** Search's default indexing lag and filter limits (HubSpot's 5/6/18 by default). */
  readonly search?: SearchOptions;
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
  readonly properties: PropertyService;
  readonly pipelines: PipelineService;
  readonly owners: OwnerService;
  readonly settings: PortalSettings;
  readonly validator: RecordValidator;
  readonly harness: HarnessService;
  /** Read-only views for the web UI. */
  readonly inspect: InspectService;
  /** What happened, for the UI's live view: requests, and each committed change set. */
  readonly activity: ActivityFeed;
  /** What each committed write transaction changed (changes.ts). */
  readonly changes: ChangeFeed;
  /** Webhook apps, settings, subscriptions and the outbox (webhooks/). */
  readonly webhooks: WebhookService;
  /** HubSpot's rate limits, off until a portal gets a policy. */
  readonly rateLimits: RateLimiter;
  /** Faults a test armed (none unless armed). */
  readonly faults: FaultInjector;
  /** CRM search (search/). */
  readonly search: SearchService;
  /** Search's opt-in indexing lag. */
  readonly searchLag: SearchLag;
}

/** The API areas on one store: the server's, or one transaction's (storeWithin). */
function apiServices(
  store: Store,
  clock: ControllableClock,
  recordIds: RecordIdPolicy,
  validation: ValidationMode,
  owned: ConfiguredOwners,
): FixtureServices {
  const objectTypes = new ObjectTypeResolver(store);
  const associations = new AssociationService(store, clock, objectTypes);
  const validator = new RecordValidator(
    new PropertyCatalog(),
    new PipelineCatalog(),
    clock,
    validation,
    owned,
  );
  const objects = new ObjectService(store, clock, recordIds, associations, objectTypes, validator);
  const labels = new LabelService(store, clock);
  const limits = new LimitService(store, objectTypes);
  const schemas = new SchemaService(store, clock, objectTypes);
  const managed = new ManagedOptions(validator.pipelines, owned);
  const properties = new PropertyService(store, clock, validator.properties, managed);
  const pipelines = new PipelineService(store, clock, validator.pipelines);
  const owners = new OwnerService(store, clock, owned);
  const settings = new PortalSettings(store, validator);
  return {
    ...{ store, objectTypes, objects, associations, labels, limits, schemas },
    ...{ properties, pipelines, owners, settings, validator },
  };
}

/** A change set as the activity feed shows it: per portal, record IDs per entity and action. */
export function changeActivities(set: ChangeSet): ChangeActivity[] {
  return portalsOf(set).map((portalId) => {
    // A Set per group: a batch of 2,000 pairs adds 4,000 rows, and a scan of the IDs so far per
    // row (Array.includes) was a tenth of batch create's profile.
    const groups = new Map<string, { entity: string; action: string; ids: Set<number> }>();
    const add = (entity: string, action: string, id: number) => {
      const key = `${entity}:${action}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { entity, action, ids: new Set() }));
      group.ids.add(id);
    };
    for (const r of set.records) if (r.portalId === portalId) add(r.objectTypeId, r.action, r.id);
    for (const a of set.associations)
      if (a.portalId === portalId) add(`associations:${a.row.fromObjectTypeId}`, a.action, a.row.fromId);
    for (const p of set.portals) if (p.portalId === portalId) add('portal', p.action, portalId);
    const changes = [...groups.values()].map(({ entity, action, ids }) => ({
      entity,
      action,
      recordIds: Array.from(ids, String),
    }));
    return { kind: 'change' as const, portalId, changes };
  });
}

export function createDomain(options: DomainOptions): Domain {
  const clock = options.clock ?? new ControllableClock();
  const changes = new ChangeFeed();
  const store = trackChanges(options.store, changes, clock);
  const recordIds = options.recordIds ?? sequentialRecordIds;
  const directory = new PortalDirectory(store, options.tokens);
  const validation = options.propertyValidation ?? 'strict';
  const owned = configuredOwners(options.tokens);
  const services = apiServices(store, clock, recordIds, validation, owned);
  const rateLimits = new RateLimiter(store.rateLimits, clock);
  const harness = new HarnessService(
    services,
    clock,
    directory,
    (scoped) => apiServices(scoped, clock, recordIds, validation, owned),
    rateLimits,
  );
  const inspect = new InspectService(store, directory, services.objects, services.objectTypes);
  const activity = new ActivityFeed();
  // Everywhere: with change sharing on, other instances' commits show in this feed too.
  changes.subscribe(
    (set) => {
      for (const event of changeActivities(set)) activity.publish(event);
    },
    { everywhere: true },
  );
  const webhooks = new WebhookService(store, clock);
  webhooks.attach(changes);
  const faults = new FaultInjector();
  const searchLag = new SearchLag(store, clock, options.search?.indexingLagMs ?? 0);
  const search = new SearchService(
    store,
    services.objectTypes,
    new PropertyCatalog(),
    services.validator,
    searchLag,
    options.search?.limits,
  );
  return {
    ...{ ...services, clock, directory, harness, inspect, activity, rateLimits, faults, changes, webhooks },
    ...{ search, searchLag },
  };
}
