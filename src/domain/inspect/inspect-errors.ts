/** Errors of the inspector's views (`/_spoke/inspect/...`). Listed in docs/errors.md. */
import { errorFactory } from '../error-catalog.js';

/** The inspector looks a record up by ID alone, whatever its type. */
export const inspectedRecordNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'Portal {portalId} has no record {id}' },
  (make, portalId: number, id: number) => make({ portalId, id }, { context: { id: [String(id)] } }),
);
