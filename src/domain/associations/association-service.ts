/**
 * The Associations v4 records API as domain operations: PUT default, labeled PUT, list,
 * delete, and the batch endpoints. HTTP parses and shapes; this decides.
 */
import {
  hubspotDefinedType,
  isAssociationCategory,
  type AssociationCategory,
  type AssociationType,
} from '../association-types.js';
import type { Clock } from '../clock.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { BatchOutcome } from '../batch.js';
import { SpokeError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import type { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import type { AssociationRow, RecordRef, Store, StoreReader, StoreTransaction } from '../../store/store.js';
import {
  invalidAssociationTypes,
  invalidObjectIds,
  noAssociationsFound,
  noDefaultAssociation,
  type SpecLike,
  type TypedRecord,
} from './association-errors.js';
import { PairTypes } from './pair-types.js';
import { PairWriter, type LabelMode, type PairWrite } from './pair-writer.js';
import { lockForWrite, pairLock } from '../write-locks.js';

/** A type as clients name it (`AssociationSpec`). */
export interface AssociationSpec {
  readonly associationCategory: AssociationCategory;
  readonly associationTypeId: number;
}

export interface TypeWithLabel {
  readonly category: AssociationCategory;
  readonly typeId: number;
  readonly label: string | null;
}

export interface AssociatedRecord {
  readonly toObjectId: number;
  readonly associationTypes: TypeWithLabel[];
}

export interface AssociationPage {
  readonly results: AssociatedRecord[];
  /** Cursor of the next page; absent on the last page. */
  readonly after?: string;
}

export interface AssociatedIds {
  readonly results: Array<{ id: number; type: string }>;
  readonly after?: string;
}

export interface DefaultAssociation {
  readonly fromId: number;
  readonly toId: number;
  readonly spec: AssociationSpec;
}

export interface LabelsBetween {
  readonly fromObjectTypeId: string;
  readonly fromObjectId: number;
  readonly toObjectTypeId: string;
  readonly toObjectId: number;
  readonly labels: string[];
}

export interface PairInput {
  readonly from: number;
  readonly to: number;
}

export interface LabeledPairInput extends PairInput {
  readonly types: readonly AssociationSpec[];
}

export interface ArchiveInput {
  readonly from: number;
  readonly to: readonly number[];
}

export interface ReadInput {
  readonly id: number;
  readonly after?: string;
}

export interface BatchReadResult {
  readonly fromId: number;
  readonly to: AssociatedRecord[];
  readonly after?: string;
}

export const LIST_PAGE_MAX = 500;
export const BATCH_READ_PAGE = 500;

function typedRecord(type: ObjectType, id: number): TypedRecord & RecordRef {
  return { type, id, objectTypeId: type.id };
}

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

/** Labels (non-null texts) of the forward rows between a pair. */
function labelsOf(rows: readonly AssociationRow[], types: PairTypes): string[] {
  const labels: string[] = [];
  for (const row of rows) {
    const label = types.labelOf(row.fromObjectTypeId, row.category, row.typeId);
    if (label !== null) labels.push(label);
  }
  return labels;
}

export interface NewRecordAssociation {
  readonly toId: number;
  readonly types: readonly AssociationSpec[];
}

export class AssociationService {
  readonly #reports = new Map<number, HighUsageReport>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly objectTypes: ObjectTypeResolver,
  ) {}

  /**
   * The `associations` of a record being created (POST /crm/v3/objects/{type}). A type ID
   * names its direction, so it also names the object type of the `to` record. Any invalid
   * input fails the whole create.
   */
  async associateNewRecord(
    tx: StoreTransaction,
    portalId: number,
    record: TypedRecord,
    inputs: readonly NewRecordAssociation[],
  ): Promise<void> {
    const groups = new Map<string, { toType: ObjectType; inputs: LabeledPairInput[] }>();
    for (const input of inputs) {
      const toTypeIds = new Set<string>();
      for (const spec of input.types) {
        const toTypeId = await this.#targetTypeOf(tx, portalId, record.type, spec);
        if (toTypeId === undefined) throw invalidAssociationTypes([spec]);
        toTypeIds.add(toTypeId);
      }
      if (toTypeIds.size !== 1) throw invalidAssociationTypes(input.types);
      const [toTypeId] = toTypeIds;
      const toType = await this.objectTypes.resolveById(portalId, toTypeId!, tx);
      const group = groups.get(toType.id) ?? { toType, inputs: [] };
      group.inputs.push({ from: record.id, to: input.toId, types: input.types });
      groups.set(toType.id, group);
    }
    // The pairs' catalogs, before they are read: a label deleted or a limit set meanwhile waits.
    await lockForWrite(
      tx,
      portalId,
      [...groups.values()].map((g) => pairLock(record.type.id, g.toType.id, 'shared')),
    );
    for (const { toType, inputs: pairInputs } of groups.values()) {
      const types = await PairTypes.load(tx, portalId, record.type, toType);
      this.#requireDefaultPair(types);
      // The new record is not visible to other transactions: only its targets need a lock.
      const targets = pairInputs.map((i) => i.to);
      const outcome = await this.#writeBatch(tx, portalId, types, pairInputs, 'keep', targets, () => []);
      if (outcome.errors[0]) throw outcome.errors[0];
    }
  }

  async #targetTypeOf(
    reader: StoreReader,
    portalId: number,
    fromType: ObjectType,
    spec: AssociationSpec,
  ): Promise<string | undefined> {
    if (!isAssociationCategory(spec.associationCategory)) return undefined;
    // Type IDs are 32-bit: a larger one names no type (and fits no store's column).
    if (!Number.isInteger(spec.associationTypeId) || Math.abs(spec.associationTypeId) > 2 ** 31 - 1)
      return undefined;
    const type =
      spec.associationCategory === 'HUBSPOT_DEFINED'
        ? hubspotDefinedType(spec.associationTypeId)
        : await reader.getDefinition(portalId, spec.associationCategory, spec.associationTypeId);
    return type && type.fromObjectTypeId === fromType.id ? type.toObjectTypeId : undefined;
  }

  /**
   * Reads these records' heads in one query, and answers for each whether it exists, is
   * live, and has the type its reference says.
   */
  async #liveCheck(
    reader: StoreReader,
    portalId: number,
    records: readonly RecordRef[],
  ): Promise<(record: RecordRef) => boolean> {
    const heads = await reader.getObjectHeads(portalId, [...new Set(records.map((r) => r.id))]);
    const live = new Set(heads.filter((h) => h.archivedAt === null).map((h) => `${h.objectTypeId}:${h.id}`));
    return (record) => live.has(`${record.objectTypeId}:${record.id}`);
  }

  /**
   * A batch of pair writes: each input is checked on its own (its types, its records), the
   * inputs that pass are written together, and every input gets its result or its error.
   */
  async #writeBatch<R>(
    tx: StoreTransaction,
    portalId: number,
    types: PairTypes,
    inputs: readonly LabeledPairInput[],
    mode: LabelMode,
    lockIds: readonly number[],
    shape: (write: PairWrite, rows: AssociationRow[]) => R[],
  ): Promise<BatchOutcome<R>> {
    const { fromType, toType } = types;
    const added = inputs.map((input) => {
      try {
        return this.#resolveSpecs(types, fromType, input.types);
      } catch (error) {
        if (error instanceof SpokeError) return error;
        throw error;
      }
    });
    const writer = await PairWriter.create(tx, portalId, types);
    const valid = added.flatMap((a) => (a instanceof SpokeError ? [] : a));
    await tx.lockObjects(portalId, lockIds, writer.commutes(mode, valid) ? 'shared' : 'exclusive');
    // Read under the lock: a record cannot be archived or deleted between this check and the write.
    const isLive = await this.#liveCheck(
      tx,
      portalId,
      inputs.flatMap((i) => [typedRecord(fromType, i.from), typedRecord(toType, i.to)]),
    );
    const prepared: Array<PairWrite | SpokeError> = inputs.map((input, index) => {
      const add = added[index]!;
      if (add instanceof SpokeError) return add;
      const from = typedRecord(fromType, input.from);
      const to = typedRecord(toType, input.to);
      const invalid = [from, to].filter((r) => !isLive(r));
      return invalid.length > 0 ? invalidObjectIds(invalid) : { from, to, add };
    });
    const writes = prepared.filter((p): p is PairWrite => !(p instanceof SpokeError));
    const outcomes = writes.length > 0 ? await writer.writeMany(writes, mode) : [];
    const results: R[] = [];
    const errors: SpokeError[] = [];
    let next = 0;
    for (const item of prepared) {
      if (item instanceof SpokeError) {
        errors.push(item);
        continue;
      }
      const outcome = outcomes[next++]!;
      if ('error' in outcome) errors.push(outcome.error);
      else results.push(...shape(item, outcome.rows));
    }
    return { results, errors };
  }

  #resolveSpecs(types: PairTypes, from: ObjectType, specs: readonly SpecLike[]): AssociationType[] {
    const resolved: AssociationType[] = [];
    const invalid: SpecLike[] = [];
    for (const spec of specs) {
      const type = isAssociationCategory(spec.associationCategory)
        ? types.find(from.id, spec.associationCategory, spec.associationTypeId)
        : undefined;
      if (type) resolved.push(type);
      else invalid.push(spec);
    }
    if (invalid.length > 0) throw invalidAssociationTypes(invalid);
    return resolved;
  }

  #requireDefaultPair(types: PairTypes): void {
    if (!types.unlabeled(types.fromType.id) || !types.unlabeled(types.toType.id)) {
      throw noDefaultAssociation(types.fromType, types.toType);
    }
  }

  /** PUT …/associations/default/…: the unlabeled type in both directions (decision D8). */
  async createDefault(
    portalId: number,
    fromType: ObjectType,
    fromId: number,
    toType: ObjectType,
    toId: number,
  ): Promise<DefaultAssociation[]> {
    const outcome = await this.batchCreateDefault(portalId, fromType, toType, [{ from: fromId, to: toId }]);
    if (outcome.errors[0]) throw outcome.errors[0];
    return outcome.results;
  }

  async batchCreateDefault(
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    inputs: readonly PairInput[],
  ): Promise<BatchOutcome<DefaultAssociation>> {
    return this.store.transaction(async (tx) => {
      await lockForWrite(tx, portalId, [pairLock(fromType.id, toType.id, 'shared')]);
      const types = await PairTypes.load(tx, portalId, fromType, toType);
      this.#requireDefaultPair(types);
      const forward = types.unlabeled(fromType.id)!;
      const reverse = types.unlabeled(toType.id)!;
      const labeled = inputs.map((i) => ({ ...i, types: [] }));
      const records = inputs.flatMap((i) => [i.from, i.to]);
      return this.#writeBatch(tx, portalId, types, labeled, 'keep', records, ({ from, to }) => [
        {
          fromId: from.id,
          toId: to.id,
          spec: { associationCategory: forward.category, associationTypeId: forward.typeId },
        },
        {
          fromId: to.id,
          toId: from.id,
          spec: { associationCategory: reverse.category, associationTypeId: reverse.typeId },
        },
      ]);
    });
  }

  /** PUT …/associations/{toType}/{toId} with a body of specs (decision D10). */
  async putLabels(
    portalId: number,
    fromType: ObjectType,
    fromId: number,
    toType: ObjectType,
    toId: number,
    specs: readonly AssociationSpec[],
  ): Promise<LabelsBetween> {
    const outcome = await this.batchCreate(portalId, fromType, toType, [
      { from: fromId, to: toId, types: specs },
    ]);
    if (outcome.errors[0]) throw outcome.errors[0];
    return outcome.results[0]!;
  }

  /** `replace` (v4: the types given become the pair's labels) or `keep` (v3: the types are added). */
  async batchCreate(
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    inputs: readonly LabeledPairInput[],
    mode: LabelMode = 'replace',
  ): Promise<BatchOutcome<LabelsBetween>> {
    return this.store.transaction(async (tx) => {
      await lockForWrite(tx, portalId, [pairLock(fromType.id, toType.id, 'shared')]);
      const types = await PairTypes.load(tx, portalId, fromType, toType);
      this.#requireDefaultPair(types);
      const records = inputs.flatMap((i) => [i.from, i.to]);
      return this.#writeBatch(tx, portalId, types, inputs, mode, records, ({ from, to }, rows) => [
        {
          fromObjectTypeId: fromType.id,
          fromObjectId: from.id,
          toObjectTypeId: toType.id,
          toObjectId: to.id,
          labels: labelsOf(rows, types),
        },
      ]);
    });
  }

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
      const isLive = await this.#liveCheck(reader, portalId, [from]);
      if (!isLive(from)) return { results: [] };
      const types = await PairTypes.load(reader, portalId, fromType, toType);
      return this.#page(reader, portalId, types, fromId, afterToId, pageSize);
    });
  }

  async #page(
    reader: StoreReader,
    portalId: number,
    types: PairTypes,
    fromId: number,
    afterToId: number | undefined,
    pageSize: number,
  ): Promise<AssociationPage> {
    const [page] = await this.#pages(reader, portalId, types, [{ fromId, afterToId }], pageSize);
    return page!;
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
      starts.map(({ fromId, afterToId }) => ({
        fromId,
        toObjectTypeId: types.toType.id,
        ...(afterToId !== undefined && { afterToId }),
        limit: pageSize + 1,
      })),
    );
    return pages.map((rows) => {
      const records = groupByRecord(rows, types);
      if (records.length <= pageSize) return { results: records };
      const page = records.slice(0, pageSize);
      return { results: page, after: encodeCursor(page[page.length - 1]!.toObjectId) };
    });
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
      const page = await this.#page(this.store, portalId, types, fromId, undefined, LIST_PAGE_MAX);
      if (page.results.length === 0) continue;
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
      const isLive = await this.#liveCheck(reader, portalId, records);
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

  /** DELETE …/associations/{toType}/{toId}: every type, both directions (decision D16). */
  async removeAll(portalId: number, fromType: ObjectType, fromId: number, toType: ObjectType, toId: number) {
    await this.batchArchive(portalId, fromType, toType, [{ from: fromId, to: [toId] }]);
  }

  async batchArchive(
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    inputs: readonly ArchiveInput[],
  ) {
    await this.store.transaction(async (tx) => {
      await lockForWrite(tx, portalId, [pairLock(fromType.id, toType.id, 'shared')]);
      // Removals lock the records too: a concurrent write must not re-add labels without their unlabeled type.
      await tx.lockObjects(
        portalId,
        inputs.flatMap((i) => [i.from, ...i.to]),
      );
      const pairs = inputs.flatMap((i) => i.to.map((to) => [i.from, to] as const));
      await tx.deleteAssociationsOfPairs(portalId, fromType.id, toType.id, pairs);
    });
  }

  /** POST …/batch/labels/archive: removes the named types; the unlabeled one removes everything. */
  async batchArchiveLabels(
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    inputs: readonly LabeledPairInput[],
  ): Promise<BatchOutcome<never>> {
    return this.store.transaction(async (tx) => {
      await lockForWrite(tx, portalId, [pairLock(fromType.id, toType.id, 'shared')]);
      const types = await PairTypes.load(tx, portalId, fromType, toType);
      const writer = await PairWriter.create(tx, portalId, types);
      // Validate every input first: an unknown type rejects the whole request, nothing written.
      const resolved = inputs.map((input) => this.#resolveSpecs(types, fromType, input.types));
      await tx.lockObjects(
        portalId,
        inputs.flatMap((i) => [i.from, i.to]),
      );
      for (const [index, input] of inputs.entries()) {
        await writer.remove(
          typedRecord(fromType, input.from),
          typedRecord(toType, input.to),
          resolved[index]!,
        );
      }
      return { results: [], errors: [] };
    });
  }

  /**
   * POST …/usage/high-usage-report/{userId}. HubSpot emails the user a report of records at
   * 80 % or more of a configured association limit; Spoke computes the same report and
   * keeps the latest one per portal (readable through the admin API).
   */
  async requestHighUsageReport(portalId: number, userId: number): Promise<HighUsageReport> {
    const enqueuedAt = this.clock.now();
    const records: HighUsageRecord[] = [];
    for (const limit of await this.store.listLimits(portalId)) {
      const threshold = Math.ceil(limit.maxToObjectIds * HIGH_USAGE_THRESHOLD);
      for (const usage of await this.store.associationUsage(
        portalId,
        limit.category,
        limit.typeId,
        threshold,
      )) {
        records.push({
          fromObjectTypeId: limit.fromObjectTypeId,
          fromObjectId: usage.fromId,
          toObjectTypeId: limit.toObjectTypeId,
          category: limit.category,
          typeId: limit.typeId,
          count: usage.count,
          limit: limit.maxToObjectIds,
        });
      }
    }
    const report = { userId, userEmail: userEmailOf(userId), enqueuedAt, records };
    this.#reports.set(portalId, report);
    return report;
  }

  latestHighUsageReport(portalId: number): HighUsageReport | undefined {
    return this.#reports.get(portalId);
  }
}

/** Records at or above this share of their limit are in the report (HubSpot's "Associate records" guide: 80 %). */
export const HIGH_USAGE_THRESHOLD = 0.8;

export interface HighUsageRecord {
  readonly fromObjectTypeId: string;
  readonly fromObjectId: number;
  readonly toObjectTypeId: string;
  readonly category: AssociationCategory;
  readonly typeId: number;
  readonly count: number;
  readonly limit: number;
}

export interface HighUsageReport {
  readonly userId: number;
  readonly userEmail: string;
  readonly enqueuedAt: number;
  readonly records: readonly HighUsageRecord[];
}

/** Spoke has no user directory; a user's address is derived from the ID. */
function userEmailOf(userId: number): string {
  return `user-${userId}@spoke.local`;
}
