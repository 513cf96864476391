/**
 * Hash routes, so every view has a URL that survives a reload and the server serves one file:
 *
 *   #/                                portals
 *   #/p/{portal}/objects/{type}       records of a type (?q= a search)
 *   #/p/{portal}/records/{id}         a record
 *   #/p/{portal}/graph/{id}           a record's neighbourhood
 *   #/p/{portal}/labels               labels and limits
 *   #/activity                        the activity feed
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { view: 'portals' }
  | { view: 'records'; portalId: number; type: string; query: string }
  | { view: 'record'; portalId: number; id: string }
  | { view: 'graph'; portalId: number; id: string }
  | { view: 'labels'; portalId: number }
  | { view: 'activity' };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(search);
  if (parts[0] === 'activity') return { view: 'activity' };
  if (parts[0] === 'p' && parts[1] && /^\d+$/.test(parts[1])) {
    const portalId = Number(parts[1]);
    if (parts[2] === 'objects' && parts[3])
      return { view: 'records', portalId, type: parts[3], query: query.get('q') ?? '' };
    if (parts[2] === 'records' && parts[3]) return { view: 'record', portalId, id: parts[3] };
    if (parts[2] === 'graph' && parts[3]) return { view: 'graph', portalId, id: parts[3] };
    if (parts[2] === 'labels') return { view: 'labels', portalId };
  }
  return { view: 'portals' };
}

export const href = {
  portals: () => '#/',
  records: (portalId: number, type: string, query = '') =>
    `#/p/${portalId}/objects/${encodeURIComponent(type)}${query ? `?q=${encodeURIComponent(query)}` : ''}`,
  record: (portalId: number, id: string) => `#/p/${portalId}/records/${id}`,
  graph: (portalId: number, id: string) => `#/p/${portalId}/graph/${id}`,
  labels: (portalId: number) => `#/p/${portalId}/labels`,
  activity: () => '#/activity',
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function navigate(to: string): void {
  location.hash = to;
}
