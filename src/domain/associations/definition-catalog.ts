/**
 * The one way association definitions leave the catalog: label deletes (v4 labels API),
 * schema association deletes and schema purges (schemas API) all come through here, so a
 * definition's limits always go with it. A limit left behind would still be listed by the
 * limits API and is what `spoke check` reports as `orphan-limit`.
 */
import type { AssociationCategory } from '../association-types.js';
import type { StoreTransaction } from '../../store/store.js';

/** Deletes the definitions `typeIds` of `category` and every limit on them, inside `tx`. */
export async function deleteDefinitionsAndLimits(
  tx: StoreTransaction,
  portalId: number,
  category: AssociationCategory,
  typeIds: readonly number[],
): Promise<void> {
  await tx.deleteDefinitions(portalId, category, typeIds);
  for (const typeId of typeIds) await tx.deleteLimit(portalId, category, typeId);
}
