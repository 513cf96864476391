/**
 * Pages of records' associations, counted in associated records rather than rows (a record
 * has one row per association type). Adapters read rows in key order with a SQL LIMIT and
 * hand them here: a plain ordered range scan, whose plan needs no statistics (a
 * `DISTINCT … LIMIT` subquery made PostgreSQL rescan the range once per row of a table it
 * had not analyzed yet).
 */
import { categoryFromCode } from './category-codes.js';
import type { AssociationRow, ListAssociationsQuery } from './store.js';

/** A row as the adapters read it: from_type, to_id, category code, type_id. */
export type PageRow = readonly [fromType: string, toId: number, category: number, typeId: number];

/** Up to `rowLimit` rows of one record with `to_id > afterToId`, in key order. */
export interface ChunkRequest {
  readonly fromId: number;
  readonly toObjectTypeId: string;
  readonly afterToId: number;
  readonly rowLimit: number;
}

/**
 * Reads one chunk per request, answers in request order. Taking them all at once lets a
 * client-server database read a batch of 1,000 records in one round trip, not 1,000.
 */
export type FetchChunks = (requests: readonly ChunkRequest[]) => PageRow[][] | Promise<PageRow[][]>;

export async function readRecordPages(
  queries: readonly ListAssociationsQuery[],
  fetchChunks: FetchChunks,
): Promise<AssociationRow[][]> {
  // Most records have one or two rows, so limit + 1 rows usually hold the whole page.
  const firsts = await fetchChunks(
    queries.map((q) => ({
      fromId: q.fromId,
      toObjectTypeId: q.toObjectTypeId,
      afterToId: q.afterToId ?? -1,
      rowLimit: q.limit + 1,
    })),
  );
  const pages: AssociationRow[][] = [];
  for (const [index, query] of queries.entries()) {
    pages.push(await readRecordPage(query, firsts[index]!, fetchChunks));
  }
  return pages;
}

async function readRecordPage(
  query: ListAssociationsQuery,
  first: PageRow[],
  fetchChunks: FetchChunks,
): Promise<AssociationRow[]> {
  const { fromId, toObjectTypeId, limit } = query;
  const rows: AssociationRow[] = [];
  let records = 0;
  let after = query.afterToId ?? -1;
  let chunk = limit + 1;
  let batch: PageRow[] | undefined = first;
  for (;;) {
    batch ??= (await fetchChunks([{ fromId, toObjectTypeId, afterToId: after, rowLimit: chunk }]))[0]!;
    const exhausted = batch.length < chunk;
    let end = batch.length;
    if (!exhausted) {
      // A full chunk may end inside a record: its last record is left for the next chunk,
      // which starts after the last complete one.
      const lastToId = batch[end - 1]![1];
      while (end > 0 && batch[end - 1]![1] === lastToId) end--;
      if (end === 0) {
        chunk *= 2; // one record with more types than a whole chunk
        batch = undefined;
        continue;
      }
    }
    for (let i = 0; i < end; i++) {
      const [fromType, toId, category, typeId] = batch[i]!;
      if (toId !== after) {
        if (records === limit) return rows;
        records++;
        after = toId;
      }
      rows.push({
        fromObjectTypeId: fromType,
        fromId,
        toObjectTypeId,
        toId,
        category: categoryFromCode(category),
        typeId,
      });
    }
    // Every record read so far is complete: the possibly partial last one was left out.
    if (exhausted || records === limit) return rows;
    batch = undefined;
  }
}
