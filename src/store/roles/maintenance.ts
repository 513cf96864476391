/** Maintenance: whole-portal scans (checks, exports) and reset. One of the store's roles (store.ts combines them). */
import type { AssociationRow, ObjectRow } from '../store.js';

export interface MaintenanceReader {
  /** All of a portal's association rows in key order, a page at a time (for checks and exports). */
  scanAssociations(
    portalId: number,
    after: AssociationRow | undefined,
    limit: number,
  ): Promise<AssociationRow[]>;

  /** All of a portal's records in ID order, a page at a time, archived ones included. */
  scanObjects(portalId: number, afterId: number | undefined, limit: number): Promise<ObjectRow[]>;
}

export interface MaintenanceWriter {
  /** Deletes every row of a portal's data (records, associations, labels, limits, schemas, counters). Tokens stay. */
  resetPortal(portalId: number): Promise<void>;
}
