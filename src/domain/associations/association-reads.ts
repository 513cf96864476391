/**
 * The Associations v4 records API's reads: a record's list, the `associations` of an
 * objects-API read, and batch read. They take no locks and write nothing, so they live apart
 * from the writes in AssociationService (which delegates to them).
 */
import type { BatchOutcome } from '../batch.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { SpokeError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import type { AssociationRow, Store, StoreReader } from '../../store/store.js';
import { noAssociationsFound } from './association-errors.js';
import type {
  AssociatedIds,
  AssociatedRecord,
  AssociationPage,
  BatchReadResult,
  ReadInput,
} from './association-io.js';
import { liveCheck, typedRecord } from './live-records.js';
import { PairTypes } from './pair-types.js';

export const LIST_PAGE_MAX = 500;
export const BATCH_READ_PAGE = 500;

/** Groups rows (ordered by toId) into one entry per associated record. */
function groupByRecord(rows: readonly AssociationRow[], types: PairTypes): AssociatedRecord[] {
  const records: AssociatedRecord[] = [];
  let current: AssociatedRecord | undefined;
  // A page's rows mostly share one type: look its label up once per run, not once per row.
  let last: AssociationRow | undefined;
  let label: string | null = null;
  for (const row of rows) {
    if (!current || current.toObjectId !== row.toId) {
      current = { toObjectId: row.toId, associationTypes: [] };
      records.push(current);
    }
    if (
      !last ||
      last.category !== row.category ||
      last.typeId !== row.typeId ||
      last.fromObjectTypeId !== row.fromObjectTypeId
    ) {
      label = types.labelOf(row.fromObjectTypeId, row.category, row.typeId);
      last = row;
    }
    current.associationTypes.push({ category: row.category, typeId: row.typeId, label });
  }
  return records;
}

/** The rows of one page, and one more to tell whether another page follows. */
function pageQuery(toType: ObjectType, fromId: number, afterToId: number | undefined, pageSize: number) {
  return {
    fromId,
    toObjectTypeId: toType.id,
    ...(afterToId !== undefined && { afterToId }),
    limit: pageSize + 1,
  };
}

function pageOf(rows: readonly AssociationRow[], types: PairTypes, pageSize: number): AssociationPage {
  const records = groupByRecord(rows, types);
  if (records.length <= pageSize) return { results: records };
  const page = records.slice(0, pageSize);
  return { results: page, after: encodeCursor(page[page.length - 1]!.toObjectId) };
}

export class AssociationReads {
  constructor(private readonly store: Store) {}

  /** GET …/associations/{toType}: one entry per associated record, keyset-paged (decision D13). */
  async list(
    portalId: number,
    fromType: ObjectType,
    fromId: number,
    toType: ObjectType,
    after: string | undefined,
    limit: number,
  ): Promise<AssociationPage> {
    const afterToId = decodeCursor(after);
    const pageSize = Math.min(Math.max(limit, 1), LIST_PAGE_MAX);
    return this.store.readSnapshot(async (reader) => {
      const from = typedRecord(fromType, fromId);
      // Asked at once, so PostgreSQL answers all three in one round trip (decision D65); the
      // page of a record that is not live is read and dropped.
      const [isLive, types, [rows]] = await Promise.all([
        liveCheck(reader, portalId, [from]),
        PairTypes.load(reader, portalId, fromType, toType),
        reader.listAssociations(portalId, [pageQuery(toType, fromId, afterToId, pageSize)]),
      ]);
      if (!isLive(from)) return { results: [] };
      return pageOf(rows!, types, pageSize);
    });
  }

  /** Pages of several records, read together (one round trip on PostgreSQL). */
  async #pages(
    reader: StoreReader,
    portalId: number,
    types: PairTypes,
    starts: ReadonlyArray<{ fromId: number; afterToId: number | undefined }>,
    pageSize: number,
  ): Promise<AssociationPage[]> {
    const pages = await reader.listAssociations(
      portalId,
      starts.map(({ fromId, afterToId }) => pageQuery(types.toType, fromId, afterToId, pageSize)),
    );
    return pages.map((rows) => pageOf(rows, types, pageSize));
  }

  /**
   * The `associations` of an objects-API read: for each requested type, the first page of
   * associated records as `{id, type}` pairs, one per association type. Types with nothing
   * associated are left out, as HubSpot does.
   */
  async associatedIds(
    portalId: number,
    fromType: ObjectType,
    fromId: number,
    toTypes: readonly ObjectType[],
  ): Promise<Map<ObjectType, AssociatedIds>> {
    const result = new Map<ObjectType, AssociatedIds>();
    for (const toType of toTypes) {
      const types = await PairTypes.load(this.store, portalId, fromType, toType);
      const [page] = await this.#pages(
        this.store,
        portalId,
        types,
        [{ fromId, afterToId: undefined }],
        LIST_PAGE_MAX,
      );
      if (!page || page.results.length === 0) continue;
      const ids = page.results.flatMap((record) =>
        record.associationTypes.map((t) => ({
          id: record.toObjectId,
          type: types.nameOf(fromType.id, t.category, t.typeId),
        })),
      );
      result.set(toType, { results: ids, ...(page.after !== undefined && { after: page.after }) });
    }
    return result;
  }

  /** POST …/batch/read: a page per input; inputs with nothing associated are errors (decision D15). */
  async batchRead(
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    inputs: readonly ReadInput[],
  ): Promise<BatchOutcome<BatchReadResult>> {
    const cursors = inputs.map((input) => decodeCursor(input.after));
    // One read transaction: every page comes from the same state of the store, and SQLite
    // takes its read lock once instead of once per record.
    return this.store.readSnapshot(async (reader) => {
      const records = inputs.map((i) => typedRecord(fromType, i.id));
      const isLive = await liveCheck(reader, portalId, records);
      const live = records.map(isLive);
      const types = await PairTypes.load(reader, portalId, fromType, toType);
      const readable = inputs.flatMap((input, index) =>
        live[index] ? [{ fromId: input.id, afterToId: cursors[index] }] : [],
      );
      const pages = await this.#pages(reader, portalId, types, readable, BATCH_READ_PAGE);
      const results: BatchReadResult[] = [];
      const errors: SpokeError[] = [];
      let next = 0;
      for (const [index, input] of inputs.entries()) {
        const page = live[index] ? pages[next++]! : { results: [] };
        if (page.results.length === 0) {
          errors.push(noAssociationsFound(fromType, String(input.id), toType));
          continue;
        }
        results.push({
          fromId: input.id,
          to: page.results,
          ...(page.after !== undefined && { after: page.after }),
        });
      }
      return { results, errors };
    });
  }
}
