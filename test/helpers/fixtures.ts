/**
 * Setup through the domain, for tests that need many records quickly. Assertions still go
 * over HTTP; this only builds the starting state.
 */
import { DEFAULT_PORTAL_ID } from '../../src/domain/portals.js';
import { findStandardObjectType } from '../../src/domain/object-types.js';
import { namedProperties } from './records.js';
import type { TestServer } from './server.js';

export async function seedRecords(
  server: TestServer,
  objectType: string,
  count: number,
  portalId = DEFAULT_PORTAL_ID,
): Promise<string[]> {
  const type = findStandardObjectType(objectType);
  if (!type) throw new Error(`unknown type ${objectType}`);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const row = await server.domain.objects.create(portalId, type, {
      properties: namedProperties(objectType, `${objectType} ${i}`),
    });
    ids.push(String(row.id));
  }
  return ids;
}

/** A portal label written straight to the store (the schema API has its own tests). */
export async function seedLabel(
  server: TestServer,
  fromObjectTypeId: string,
  toObjectTypeId: string,
  typeId: number,
  label: string,
  inverseTypeId: number,
  inverseLabel = label,
  portalId = DEFAULT_PORTAL_ID,
): Promise<void> {
  const name = label.toLowerCase().replace(/\W+/g, '_');
  await server.store.transaction((tx) =>
    tx.insertDefinitions(portalId, [
      {
        category: 'USER_DEFINED',
        typeId,
        fromObjectTypeId,
        toObjectTypeId,
        name,
        label,
        inverseTypeId,
        createdAt: 1,
      },
      {
        category: 'USER_DEFINED',
        typeId: inverseTypeId,
        fromObjectTypeId: toObjectTypeId,
        toObjectTypeId: fromObjectTypeId,
        name,
        label: inverseLabel,
        inverseTypeId: typeId,
        createdAt: 1,
      },
    ]),
  );
}
