/**
 * Chunks of records' association rows on SQLite, without archived records. The rows are read
 * by a plain range scan of the association key; which of their records are archived is then
 * one range read of `objects_archived` (a partial index holding archived records only), so a
 * page costs one index probe per chunk rather than one per row, as the join to every row's
 * record did (a third of the page query's time).
 */
import type { Statement } from 'better-sqlite3';
import type { ChunkRequest, FetchChunks, PageRow } from '../record-pages.js';
import type { StatementName } from './sqlite-statements.js';

type Prepare = (name: StatementName, options: { raw?: boolean; pluck?: boolean }) => Statement;

const NONE: ReadonlySet<number> = new Set();

export function sqliteChunks(stmt: Prepare, portalId: number): FetchChunks {
  /** The archived records among the rows' records (every page's rows are in key order). */
  const archivedAmong = (toType: string, pages: readonly PageRow[][]): ReadonlySet<number> => {
    let low = Infinity;
    let high = -Infinity;
    let rows = 0;
    for (const page of pages) {
      if (page.length === 0) continue;
      low = Math.min(low, page[0]![1]);
      high = Math.max(high, page[page.length - 1]![1]);
      rows += page.length;
    }
    if (rows === 0) return NONE;
    const inRange = stmt('archivedBetween', { pluck: true }).all(
      portalId,
      toType,
      low,
      high,
      rows + 1,
    ) as number[];
    if (inRange.length === 0) return NONE;
    if (inRange.length <= rows) return new Set(inRange);
    // More archived records in the range than rows read: look each row's record up instead.
    const ids = [...new Set(pages.flatMap((page) => page.map((row) => row[1])))];
    return new Set(
      stmt('archivedAmong', { pluck: true }).all(JSON.stringify(ids), portalId, toType) as number[],
    );
  };

  /** The first `rowLimit` rows of live records after the cursor, reading on past archived ones. */
  const chunk = (r: ChunkRequest, first?: PageRow[]): PageRow[] => {
    let want = r.rowLimit;
    let raw =
      first ??
      (stmt('pageOfAssociations', { raw: true }).all(
        portalId,
        r.fromId,
        r.toObjectTypeId,
        r.afterToId,
        want,
      ) as PageRow[]);
    const rows: PageRow[] = [];
    for (;;) {
      const archived = archivedAmong(r.toObjectTypeId, [raw]);
      if (archived.size === 0 && rows.length === 0) return raw;
      for (const row of raw) if (!archived.has(row[1])) rows.push(row);
      if (raw.length < want || rows.length === r.rowLimit) return rows;
      const [, toId, category, typeId] = raw[raw.length - 1]!;
      want = r.rowLimit - rows.length;
      raw = stmt('pageOfAssociationsAfterRow', { raw: true }).all(
        portalId,
        r.fromId,
        r.toObjectTypeId,
        toId,
        category,
        typeId,
        want,
      ) as PageRow[];
    }
  };

  return (requests) => {
    const rowLimit = requests[0]?.rowLimit;
    const toType = requests[0]?.toObjectTypeId;
    if (
      requests.length > 1 &&
      requests.every((r) => r.rowLimit === rowLimit && r.toObjectTypeId === toType)
    ) {
      // A batch read: one statement instead of one call per record (about 7 times faster for
      // 1,000 records with one association each).
      const json = JSON.stringify(requests.map((r) => [r.fromId, r.toObjectTypeId, r.afterToId]));
      const texts = stmt('pagesOfAssociations', { pluck: true }).all({
        portal: portalId,
        requests: json,
        rowLimit,
      }) as string[];
      const pages = texts.map((text) => JSON.parse(text) as PageRow[]);
      const archived = archivedAmong(toType!, pages);
      if (archived.size === 0) return pages;
      return pages.map((page, i) => {
        const live = page.filter((row) => !archived.has(row[1]));
        // A full chunk that lost rows is read on past them.
        return live.length < page.length && page.length === rowLimit ? chunk(requests[i]!, page) : live;
      });
    }
    return requests.map((r) => chunk(r));
  };
}
