/**
 * Talking to Spoke: the admin API under /_spoke/ (with the admin token when the server asks
 * for one), and the CRM API under /crm/ with a portal's own token (search and lookups).
 * The response types are the server's own (src/domain/inspect), imported as types only.
 */
import type { ActivityEvent } from '../../src/domain/activity/activity-feed.js';
import type { UsageReport } from '../../src/domain/inspect/association-usage.js';
import type { Graph } from '../../src/domain/inspect/neighbourhood.js';
import type { PortalCounts, PortalDetail } from '../../src/domain/inspect/portal-overview.js';
import type { GroupPage, RecordDetail, RecordPage } from '../../src/domain/inspect/record-view.js';
import type { SnapshotInfo } from '../../src/store/store.js';

export type {
  ActivityEvent,
  Graph,
  GroupPage,
  PortalCounts,
  PortalDetail,
  RecordDetail,
  RecordPage,
  SnapshotInfo,
  UsageReport,
};

const TOKEN_KEY = 'spoke.adminToken';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** Raised when the admin API wants a token: the app shows the token form. */
export class NeedsAdminToken extends ApiError {}

let tokenListeners: Array<() => void> = [];
let requiredListeners: Array<() => void> = [];

export const adminToken = {
  get(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    for (const listener of tokenListeners) listener();
  },
  onChange(listener: () => void): () => void {
    tokenListeners.push(listener);
    return () => (tokenListeners = tokenListeners.filter((l) => l !== listener));
  },
  /** Called when the server answers 401: it wants a (different) admin token. */
  onRequired(listener: () => void): () => void {
    requiredListeners.push(listener);
    return () => (requiredListeners = requiredListeners.filter((l) => l !== listener));
  },
  required(): void {
    for (const listener of requiredListeners) listener();
  },
};

export function adminHeaders(): Record<string, string> {
  const token = adminToken.get();
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function parse(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function messageOf(body: unknown, fallback: string): string {
  return typeof body === 'object' && body !== null && 'message' in body
    ? String((body as { message: unknown }).message)
    : fallback;
}

/** A call to the admin API (/_spoke/…). */
export async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/_spoke${path}`, {
    method,
    headers: {
      ...adminHeaders(),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const parsed = await parse(response);
  if (response.status === 401) {
    adminToken.required();
    throw new NeedsAdminToken(401, messageOf(parsed, 'Admin token needed'));
  }
  if (!response.ok)
    throw new ApiError(response.status, messageOf(parsed, `${method} ${path}: ${response.status}`), parsed);
  return parsed as T;
}

export interface CrmResponse<T> {
  readonly status: number;
  readonly body: T;
}

/** A call to HubSpot's API as a client of one portal would make it (its bearer token). */
export async function crm<T>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<CrmResponse<T>> {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await parse(response)) as T };
}

export const api = {
  overview: () => admin<{ results: PortalCounts[] }>('GET', '/overview'),
  portal: (portalId: number) => admin<PortalDetail>('GET', `/portals/${portalId}/overview`),
  records: (portalId: number, type: string, after?: string, limit = 25) =>
    admin<RecordPage>(
      'GET',
      `/portals/${portalId}/objects/${encodeURIComponent(type)}?limit=${limit}${after ? `&after=${after}` : ''}`,
    ),
  record: (portalId: number, id: string) => admin<RecordDetail>('GET', `/portals/${portalId}/records/${id}`),
  group: (portalId: number, id: string, toType: string, category: string, typeId: number, after: string) =>
    admin<GroupPage>(
      'GET',
      `/portals/${portalId}/records/${id}/associations/${encodeURIComponent(toType)}?category=${category}&typeId=${typeId}&after=${after}&limit=25`,
    ),
  graph: (portalId: number, id: string, depth: 1 | 2, perType: number) =>
    admin<Graph>('GET', `/portals/${portalId}/graph/${id}?depth=${depth}&perType=${perType}`),
  neighbours: (portalId: number, id: string, toType: string, after: string, shown: number, perType: number) =>
    admin<Graph>(
      'GET',
      `/portals/${portalId}/graph/${id}/neighbours/${encodeURIComponent(toType)}?after=${after}&shown=${shown}&perType=${perType}`,
    ),
  usage: (portalId: number) => admin<UsageReport>('GET', `/portals/${portalId}/association-usage`),
  activity: (after = 0, limit = 200) =>
    admin<{ results: ActivityEvent[]; lastSeq: number }>('GET', `/activity?after=${after}&limit=${limit}`),
  resetPortal: (portalId: number) => admin<void>('POST', `/portals/${portalId}/reset`),
  snapshot: (portalId: number, name: string) =>
    admin<SnapshotInfo>('POST', `/portals/${portalId}/snapshots`, { name }),
  restore: (portalId: number, name: string) =>
    admin<void>('POST', `/portals/${portalId}/snapshots/${encodeURIComponent(name)}/restore`),
  deleteSnapshot: (portalId: number, name: string) =>
    admin<void>('DELETE', `/portals/${portalId}/snapshots/${encodeURIComponent(name)}`),
  createToken: (portalId: number) => admin<{ token: string }>('POST', '/portals', { portalId }),
};
