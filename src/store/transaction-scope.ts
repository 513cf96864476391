/**
 * A Store that lives inside one transaction: its reads are the transaction's, and each
 * `transaction(fn)` it runs is a savepoint of it. The domain's services run on it to do many
 * operations as one (fixtures: all of them land, or none), each taking its own locks and
 * making its own checks as it would alone.
 */
import type { Store, StoreReader, StoreTransaction } from './store.js';

export function storeWithin(tx: StoreTransaction, base: Store): Store {
  const scoped: Partial<Store> = {
    capabilities: base.capabilities,
    description: base.description,
    rateLimits: base.rateLimits,
    transaction: (fn) => tx.savepoint(() => fn(tx)),
    readSnapshot: <T>(fn: (reader: StoreReader) => Promise<T>) => fn(tx),
    close: async () => {},
  };
  return new Proxy(tx, {
    get(target, property) {
      if (Object.hasOwn(scoped, property)) return scoped[property as keyof Store];
      const value = (target as unknown as Record<PropertyKey, unknown>)[property];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as Store;
}
