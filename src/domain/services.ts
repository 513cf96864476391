/**
 * The domain, assembled: one object per API area, sharing a store, a clock and an ID policy.
 */
import { AssociationService } from './associations/association-service.js';
import { LabelService } from './associations/label-service.js';
import { LimitService } from './associations/limit-service.js';
import { systemClock, type Clock } from './clock.js';
import { ObjectService } from './objects/object-service.js';
import { ObjectTypeResolver } from './objects/object-type-resolver.js';
import { SchemaService } from './objects/schema-service.js';
import { sequentialRecordIds, type RecordIdPolicy } from './record-ids.js';
import type { Store } from '../store/store.js';

export interface DomainOptions {
  readonly store: Store;
  readonly clock?: Clock;
  readonly recordIds?: RecordIdPolicy;
}

export interface Domain {
  readonly store: Store;
  readonly clock: Clock;
  readonly objectTypes: ObjectTypeResolver;
  readonly objects: ObjectService;
  readonly associations: AssociationService;
  readonly labels: LabelService;
  readonly limits: LimitService;
  readonly schemas: SchemaService;
}

export function createDomain(options: DomainOptions): Domain {
  const { store } = options;
  const clock = options.clock ?? systemClock;
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
  return { store, clock, objectTypes, objects, associations, labels, limits, schemas };
}
