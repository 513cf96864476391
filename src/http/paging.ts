/**
 * `paging.next` of a list: the cursor, and the `link` to the next page in one form for every
 * list (docs/decisions.md, "Wire format"): the request's path and query, with `after` set to
 * the next cursor and `limit` to the page size, other parameters (`properties`, `archived`)
 * kept as the request sent them.
 */
import type { FastifyRequest } from 'fastify';

export interface NextPage {
  next: { after: string; link: string };
}

export function nextPage(request: FastifyRequest, after: string, limit: number): NextPage {
  const [path, query = ''] = request.url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.delete('after');
  params.delete('limit');
  params.set('after', after);
  params.set('limit', String(limit));
  return { next: { after, link: `${path}?${params.toString()}` } };
}
