/**
 * One kind of catalog entry of an object type (properties, groups, pipelines): HubSpot's
 * defaults, with what the portal added or changed (the store's catalog role) laid on top, by
 * key. The one place that reads and writes those overrides, so every kind layers the same way.
 */
import type { ObjectType } from '../object-types.js';
import type { CatalogKind } from '../../store/catalog-store.js';
import type { StoreReader, StoreTransaction } from '../../store/store.js';

export class CatalogLayer<T> {
  constructor(
    private readonly kind: CatalogKind,
    private readonly defaults: (type: ObjectType) => readonly T[],
    private readonly keyOf: (entry: T) => string,
  ) {}

  /** Every entry of the type, archived ones included, by key. */
  async all(reader: StoreReader, portalId: number, type: ObjectType): Promise<Map<string, T>> {
    const byKey = new Map(this.defaults(type).map((entry) => [this.keyOf(entry), entry]));
    for (const row of await reader.listCatalog(portalId, this.kind, type.id))
      byKey.set(row.key, row.value as unknown as T);
    return byKey;
  }

  /** Stores an entry the portal made or changed. */
  async save(tx: StoreTransaction, portalId: number, type: ObjectType, entry: T, now: number) {
    await tx.putCatalog(portalId, {
      kind: this.kind,
      scope: type.id,
      key: this.keyOf(entry),
      value: entry as unknown as Record<string, unknown>,
      updatedAt: now,
    });
  }
}
