/**
 * Helpers that create records through the API, for tests that need something to associate.
 */
import assert from 'node:assert/strict';
import type { Client } from './http.js';

export async function createRecord(
  api: Client,
  objectType: string,
  properties: Record<string, unknown> = {},
): Promise<string> {
  const response = await api.post(`/crm/v3/objects/${objectType}`, { properties });
  assert.equal(response.status, 201, response.text);
  return response.body.id as string;
}

export async function createRecords(api: Client, objectType: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push(await createRecord(api, objectType, { name: `${objectType} ${i}` }));
  return ids;
}
