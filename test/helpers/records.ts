/**
 * Helpers that create records through the API, for tests that need something to associate.
 */
import assert from 'node:assert/strict';
import { findStandardObjectType } from '../../src/domain/object-types.js';
import type { Client } from './http.js';

/**
 * A name for a record of any type, in a property HubSpot defines for that type: writes are
 * validated against the portal's definitions, so an arbitrary `name` would be refused.
 */
export function namedProperties(objectType: string, label: string): Record<string, string> {
  const type = findStandardObjectType(objectType);
  switch (type?.id) {
    case '0-1':
      return { firstname: label };
    case '0-3':
      return { dealname: label, dealstage: 'appointmentscheduled' };
    case '0-5':
      return { subject: label };
    case '0-46':
      return { hs_note_body: label };
    case '0-27':
      return { hs_task_subject: label };
    case '0-48':
      return { hs_call_title: label };
    case '0-47':
      return { hs_meeting_title: label };
    case '0-49':
      return { hs_email_subject: label };
    case '0-14':
      return { hs_title: label };
    case '0-136':
      return { hs_lead_name: label };
    case '0-2':
    case '0-7':
    case '0-8':
      return { name: label };
    default:
      return {};
  }
}

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
    ids.push(await createRecord(api, objectType, namedProperties(objectType, `${objectType} ${i}`)));
  return ids;
}
