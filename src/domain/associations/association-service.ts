/**
 * The Associations v4 records API as domain operations: PUT default, labeled PUT, list,
 * delete, and the batch endpoints. HTTP parses and shapes; this decides. The writes are here;
 * the reads are in association-reads.ts, the high-usage report in high-usage-report.ts, and the
 * shapes they take and return in association-io.ts.
 */
import { hubspotDefinedType, isAssociationCategory, type AssociationType } from '../association-types.js';
import type { Clock } from '../clock.js';
import type { BatchOutcome } from '../batch.js';
import { SpokeError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import type { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import type { AssociationRow, Store, StoreReader, StoreTransaction } from '../../store/store.js';
import {
  invalidAssociationTypes,
  invalidObjectIds,
  noDefaultAssociation,
  type SpecLike,
  type TypedRecord,
} from './association-errors.js';
import type {
  ArchiveInput,
  AssociatedIds,
  AssociationPage,
  AssociationSpec,
  BatchReadResult,
  DefaultAssociation,
  LabeledPairInput,
  LabelsBetween,
  NewRecordAssociation,
  PairInput,
  ReadInput,
} from './association-io.js';
import { AssociationReads } from './association-reads.js';
import { HighUsageReports, type HighUsageReport } from './high-usage-report.js';
import { liveCheck, typedRecord } from './live-records.js';
import { PairTypes } from './pair-types.js';
import { PairWriter, type LabelMode, type PairWrite } from './pair-writer.js';
import { lockForWrite, pairLock } from '../write-locks.js';

/** Labels (non-null texts) of the forward rows between a pair. */
function labelsOf(rows: readonly AssociationRow[], types: PairTypes): string[] {
  const labels: string[] = [];
  for (const row of rows) {
    const label = types.labelOf(row.fromObjectTypeId, row.category, row.typeId);
    if (label !== null) labels.push(label);
  }
  return labels;
}

/**
 * The records API's entry point. It holds the writes; the reads and the high-usage report are
 * their own classes (they share no state or locking with the writes), and the methods below
 * delegate to them so callers keep one object per API area (domain.associations).
 */
export class AssociationService {
  readonly #reads: AssociationReads;
  readonly #highUsage: HighUsageReports;

  constructor(
    private readonly store: Store,
    clock: Clock,
    private readonly objectTypes: ObjectTypeResolver,
  ) {
    this.#reads = new AssociationReads(store);
    this.#highUsage = new HighUsageReports(store, clock);
  }

  /** GET …/associations/{toType}: see AssociationReads.list. */
  list(
    portalId: number,
    fromType: ObjectType,
    fromId: number,
    toType: ObjectType,
    after: string | undefined,
    limit: number,
  ): Promise<AssociationPage> {
    return this.#reads.list(portalId, fromType, fromId, toType, after, limit);
  }

  /** The `associations` of an objects-API read: see AssociationReads.associatedIds. */
  associatedIds(
    portalId: number,
    fromType: ObjectType,
    fromId: number,
    toTypes: readonly ObjectType[],
  ): Promise<Map<ObjectType, AssociatedIds>> {
    return this.#reads.associatedIds(portalId, fromType, fromId, toTypes);
  }

  /** POST …/batch/read: see AssociationReads.batchRead. */
  batchRead(
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
    inputs: readonly ReadInput[],
  ): Promise<BatchOutcome<BatchReadResult>> {
    return this.#reads.batchRead(portalId, fromType, toType, inputs);
  }

  /** POST …/usage/high-usage-report/{userId}: see HighUsageReports. */
  requestHighUsageReport(portalId: number, userId: number): Promise<HighUsageReport> {
    return this.#highUsage.requestHighUsageReport(portalId, userId);
  }

  latestHighUsageReport(portalId: number): HighUsageReport | undefined {
    return this.#highUsage.latestHighUsageReport(portalId);
  }

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
    const isLive = await liveCheck(
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
}
