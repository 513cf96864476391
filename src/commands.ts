/**
 * The CLI's commands other than `serve`, as functions of a database URL: they open the
 * store, do their work, and close it. cli.ts parses arguments and calls them.
 */
import { checkIntegrity, type IntegrityReport } from './domain/integrity.js';
import { ObjectTypeResolver } from './domain/objects/object-type-resolver.js';
import { createStore } from './store/create-store.js';

export async function checkStore(databaseUrl: string): Promise<IntegrityReport> {
  const store = await createStore(databaseUrl);
  try {
    return await checkIntegrity(store, new ObjectTypeResolver(store));
  } finally {
    await store.close();
  }
}
