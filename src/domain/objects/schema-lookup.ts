/**
 * The schema an `objectType` path segment names, or the 404 HubSpot answers. Shared by the
 * schema endpoints (schema-service.ts) and their association endpoints
 * (schema-associations.ts), which both re-read it under their locks.
 */
import { schemaNotFound } from './object-errors.js';
import type { SchemaRow, StoreReader } from '../../store/store.js';
import type { ObjectTypeResolver } from './object-type-resolver.js';

export async function requireSchema(
  objectTypes: ObjectTypeResolver,
  reader: StoreReader,
  portalId: number,
  objectType: string,
  archived = false,
): Promise<SchemaRow> {
  const row = await objectTypes.findSchema(portalId, objectType, reader);
  if (!row || (row.archivedAt !== null) !== archived) {
    throw schemaNotFound(objectType, archived);
  }
  return row;
}
