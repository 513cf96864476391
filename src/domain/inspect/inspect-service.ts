/**
 * What the web UI reads, assembled: portals and their counts, records and a record's
 * associations, a record's neighbourhood as a graph, and the use of each association type.
 * Read-only; every list is paged or aggregated in the database.
 */
import type { ObjectService } from '../objects/object-service.js';
import type { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import type { PortalDirectory } from '../portals.js';
import type { Store } from '../../store/store.js';
import { AssociationUsage } from './association-usage.js';
import { Neighbourhood } from './neighbourhood.js';
import { PortalOverview } from './portal-overview.js';
import { RecordView } from './record-view.js';

export class InspectService {
  readonly portals: PortalOverview;
  readonly records: RecordView;
  readonly graph: Neighbourhood;
  readonly usage: AssociationUsage;

  constructor(
    store: Store,
    directory: PortalDirectory,
    objects: ObjectService,
    objectTypes: ObjectTypeResolver,
  ) {
    this.portals = new PortalOverview(store, directory);
    this.records = new RecordView(store, objects, objectTypes);
    this.graph = new Neighbourhood(store, objectTypes);
    this.usage = new AssociationUsage(store, objectTypes);
  }
}
