/**
 * One page of a record's associations, counted in associated records rather than rows (a
 * record has one row per association type). Both adapters read rows in key order with a SQL
 * LIMIT and hand them here: a plain ordered range scan, whose plan needs no statistics (a
 * `DISTINCT … LIMIT` subquery made PostgreSQL rescan the range once per row of a table it
 * had not analyzed yet).
 */
import { categoryFromCode } from './category-codes.js';
import type { AssociationRow, ListAssociationsQuery } from './store.js';

/** A row as the adapters read it: from_type, to_id, category code, type_id. */
export type PageRow = readonly [fromType: string, toId: number, category: number, typeId: number];

/** Reads up to `rowLimit` rows with `to_id > afterToId`, in key order. */
export type FetchPageRows = (afterToId: number, rowLimit: number) => PageRow[] | Promise<PageRow[]>;

export async function readRecordPage(
  query: ListAssociationsQuery,
  fetchRows: FetchPageRows,
): Promise<AssociationRow[]> {
  const { fromId, toObjectTypeId, limit } = query;
  const rows: AssociationRow[] = [];
  let records = 0;
  let after = query.afterToId ?? -1;
  // Most records have one or two rows. A full chunk may end inside a record, so its last
  // record is left for the next chunk, which starts after the last complete one.
  let chunk = limit + 1;
  for (;;) {
    const batch = await fetchRows(after, chunk);
    const exhausted = batch.length < chunk;
    let end = batch.length;
    if (!exhausted) {
      const lastToId = batch[end - 1]![1];
      while (end > 0 && batch[end - 1]![1] === lastToId) end--;
      if (end === 0) {
        chunk *= 2; // one record with more types than a whole chunk
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
  }
}
