/**
 * Apps a document (a fixture, an import) loads in the current transaction: the outbox skips
 * them, so they do not hear of the document's own records, which are the portal's starting
 * state rather than changes made after the app was installed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const loading = new AsyncLocalStorage<Set<number>>();

/** Runs `fn` so that the apps it loads (see `markLoaded`) hear nothing of its changes. */
export function withLoadedApps<T>(fn: () => Promise<T>): Promise<T> {
  return loading.run(new Set(), fn);
}

/** Notes that the current document loaded `appId`. */
export function markLoaded(appId: number): void {
  loading.getStore()?.add(appId);
}

/** The apps loaded in this context so far, if any. */
export function loadedApps(): ReadonlySet<number> | undefined {
  return loading.getStore();
}
