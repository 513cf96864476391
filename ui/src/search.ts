/**
 * The records view's search box. HubSpot's CRM search (POST /crm/v3/objects/{type}/search)
 * is used when this Spoke serves it: each object type is probed once with HubSpot's own
 * request shape, at run time. Until it exists, a query is looked up as a record ID, or as
 * the value of a unique property (a contact's email) through the objects API.
 */
import { api, crm } from './api.js';

export interface SearchHit {
  readonly id: string;
  readonly properties: Record<string, string | null>;
}

export interface SearchResult {
  readonly how: 'search' | 'lookup';
  readonly hits: SearchHit[];
  readonly total: number;
  /** The next page's offset (search only). */
  readonly after?: string;
  readonly note?: string;
}

const support = new Map<string, Promise<boolean>>();

/** Whether POST …/search answers for this portal and type (asked once per page load). */
export function searchSupported(token: string, type: string): Promise<boolean> {
  const key = `${token}|${type}`;
  let known = support.get(key);
  if (!known) {
    known = crm<{ results?: unknown }>(token, 'POST', `/crm/v3/objects/${encodeURIComponent(type)}/search`, {
      filterGroups: [],
      limit: 1,
    }).then(
      (response) => response.status === 200 && Array.isArray(response.body?.results),
      () => false,
    );
    support.set(key, known);
  }
  return known;
}

/** Unique properties by object type (HubSpot's idProperty values Spoke knows). */
const UNIQUE: Record<string, string> = { contacts: 'email', contact: 'email', '0-1': 'email' };

export async function search(
  portalId: number,
  token: string | null,
  type: string,
  query: string,
  after?: string,
): Promise<SearchResult> {
  if (token && (await searchSupported(token, type))) {
    const response = await crm<{
      total: number;
      results: SearchHit[];
      paging?: { next?: { after: string } };
    }>(token, 'POST', `/crm/v3/objects/${encodeURIComponent(type)}/search`, {
      query,
      limit: 25,
      after: after ?? '0',
      filterGroups: [],
    });
    if (response.status !== 200) {
      const message = (response.body as unknown as { message?: string })?.message;
      throw new Error(`Search answered ${response.status}${message ? `: ${message}` : ''}`);
    }
    return {
      how: 'search',
      hits: response.body.results,
      total: response.body.total,
      ...(response.body.paging?.next && { after: response.body.paging.next.after }),
    };
  }
  const note =
    `This Spoke has no CRM search for ${type} yet (POST /crm/v3/objects/${type}/search): ` +
    `"${query}" was looked up as a record ID${UNIQUE[type] ? ` or ${UNIQUE[type]}` : ''}.`;
  const trimmed = query.trim();
  if (!token) {
    // No token reaches this portal's CRM API: the admin API can still find a record by ID.
    if (!/^\d+$/.test(trimmed)) return { how: 'lookup', hits: [], total: 0, note };
    const record = await api.record(portalId, trimmed).catch(() => undefined);
    const hits = record
      ? [{ id: record.id, properties: Object.fromEntries(record.properties.map((p) => [p.name, p.value])) }]
      : [];
    return { how: 'lookup', hits, total: hits.length, note };
  }
  const lookups: string[] = [];
  if (/^\d+$/.test(trimmed)) lookups.push(`/crm/v3/objects/${encodeURIComponent(type)}/${trimmed}`);
  const unique = UNIQUE[type];
  if (unique && trimmed !== '')
    lookups.push(
      `/crm/v3/objects/${encodeURIComponent(type)}/${encodeURIComponent(trimmed)}?idProperty=${unique}`,
    );
  const hits: SearchHit[] = [];
  for (const path of lookups) {
    const response = await crm<SearchHit>(token, 'GET', path);
    if (response.status === 200 && !hits.some((h) => h.id === response.body.id)) hits.push(response.body);
  }
  return { how: 'lookup', hits, total: hits.length, note };
}
