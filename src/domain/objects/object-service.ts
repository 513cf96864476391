/**
 * CRM records: the objects API's rules (issue "CRM records"). Records have string IDs on the
 * wire, property values are strings, the server maintains `hs_object_id`, `createdate`,
 * `lastmodifieddate` and `hs_lastmodifieddate`, a contact's email is unique per portal, and
 * archived records are hidden together with their associations (decision D12).
 *
 * This class is the one entry point routes and the harness use. Single-record writes live
 * here; the rest is split by what it holds and delegated to: the shared write steps
 * (record-writes.ts), key lookups (record-keys.ts), batches (object-batch.ts), merge and GDPR
 * delete (record-merge.ts) and reads (object-reads.ts).
 */
import type { AssociatedIds } from '../associations/association-io.js';
import type { AssociationService } from '../associations/association-service.js';
import type { BatchOutcome } from '../batch.js';
import type { Clock } from '../clock.js';
import type { ObjectType } from '../object-types.js';
import type { RecordIdPolicy } from '../record-ids.js';
import { lockForWrite, typeLock } from '../write-locks.js';
import type { HistoryRow, ObjectRow, Store } from '../../store/store.js';
import type { ObjectTypeResolver } from './object-type-resolver.js';
import type { RecordValidator } from '../catalog/record-validator.js';
import { ObjectBatch, type WrittenObject } from './object-batch.js';
import { ObjectReads, type ObjectPage } from './object-reads.js';
import { RecordKeys, type RecordKey } from './record-keys.js';
import { RecordMerge } from './record-merge.js';
import { RecordWrites, type CreateObjectInput, type UpdateObjectInput } from './record-writes.js';

// The names callers imported from here before the split keep working from here.
export type { WrittenObject } from './object-batch.js';
export { OBJECT_PAGE_DEFAULT, OBJECT_PAGE_MAX, type ObjectPage } from './object-reads.js';
export type { RecordKey } from './record-keys.js';
export { recordNotFound } from './object-errors.js';
export type { AssociationForCreate, CreateObjectInput, UpdateObjectInput } from './record-writes.js';

export class ObjectService {
  readonly #keys: RecordKeys;
  readonly #writes: RecordWrites;
  readonly #batch: ObjectBatch;
  readonly #merge: RecordMerge;
  readonly #reads: ObjectReads;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    ids: RecordIdPolicy,
    associations: AssociationService,
    private readonly objectTypes: ObjectTypeResolver,
    private readonly validator: RecordValidator,
  ) {
    this.#keys = new RecordKeys(validator);
    this.#writes = new RecordWrites(clock, ids, associations, objectTypes, validator);
    this.#batch = new ObjectBatch(store, this.#keys, this.#writes);
    this.#merge = new RecordMerge(store, this.#keys, this.#writes, objectTypes, validator);
    this.#reads = new ObjectReads(store, this.#keys, associations, objectTypes);
  }

  // ---- writes ----

  async create(portalId: number, type: ObjectType, input: CreateObjectInput): Promise<ObjectRow> {
    return this.store.transaction((tx) => this.#writes.insert(tx, portalId, type, input));
  }

  /** PATCH …/{objectId}: a partial update; `null` or "" clears a value. */
  async update(portalId: number, type: ObjectType, input: UpdateObjectInput): Promise<ObjectRow> {
    return this.store.transaction(async (tx) => {
      const row = await this.#keys.locked(tx, portalId, type, input);
      return this.#writes.applyUpdate(tx, portalId, type, row, input.properties);
    });
  }

  /** DELETE …/{objectId} and batch/archive: archived records and their associations are hidden, not deleted. */
  async archive(portalId: number, type: ObjectType, keys: readonly RecordKey[]): Promise<void> {
    await this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const ids = new Map<RecordKey, number | undefined>();
      for (const key of keys) ids.set(key, await this.#keys.idOf(tx, portalId, type, key));
      // Locked first, all in one call (in ID order), then read again.
      await lockForWrite(tx, portalId, typeLock(type.id, 'shared'));
      await tx.lockObjects(
        portalId,
        [...ids.values()].filter((id): id is number => id !== undefined),
      );
      for (const key of keys) {
        const id = ids.get(key);
        const row = id === undefined ? undefined : await tx.getObject(portalId, id);
        // Archiving what is missing or already archived changes nothing (HubSpot answers 204).
        if (!row || row.objectTypeId !== type.id || row.archivedAt !== null) continue;
        await tx.setArchived(portalId, [row.id], now);
        // An archived contact's email may be used again (restoring it claims it back).
        await tx.releaseUniqueValues(portalId, row.id);
      }
    });
  }

  /** Brings an archived record back, with its associations. */
  async restore(portalId: number, type: ObjectType, id: number): Promise<ObjectRow> {
    return this.store.transaction(async (tx) => {
      const row = await this.#keys.locked(tx, portalId, type, { id: String(id) }, true);
      await this.objectTypes.requireLive(tx, portalId, type);
      await this.validator.checkRestoredPipeline(tx, portalId, type, row.properties);
      await this.#writes.claimUnique(tx, portalId, type, row.id, row.properties);
      await tx.setArchived(portalId, [row.id], null);
      return { ...row, archivedAt: null };
    });
  }

  // ---- batches (object-batch.ts) ----

  /** POST …/batch/create: multi-status when every input has an `objectWriteTraceId`. */
  async batchCreate(
    portalId: number,
    type: ObjectType,
    inputs: readonly CreateObjectInput[],
  ): Promise<BatchOutcome<WrittenObject>> {
    return this.#batch.create(portalId, type, inputs);
  }

  /** POST …/batch/update. */
  async batchUpdate(
    portalId: number,
    type: ObjectType,
    inputs: readonly UpdateObjectInput[],
  ): Promise<BatchOutcome<WrittenObject>> {
    return this.#batch.update(portalId, type, inputs);
  }

  /** POST …/batch/upsert. */
  async batchUpsert(
    portalId: number,
    type: ObjectType,
    inputs: readonly UpdateObjectInput[],
  ): Promise<BatchOutcome<WrittenObject>> {
    return this.#batch.upsert(portalId, type, inputs);
  }

  // ---- merge and GDPR delete (record-merge.ts) ----

  /** POST …/{objectType}/merge. */
  async merge(portalId: number, type: ObjectType, primaryKey: string, mergedKey: string): Promise<ObjectRow> {
    return this.#merge.merge(portalId, type, primaryKey, mergedKey);
  }

  /** POST /crm/v3/objects/contacts/gdpr-delete. */
  async gdprDelete(portalId: number, type: ObjectType, key: RecordKey): Promise<void> {
    return this.#merge.gdprDelete(portalId, type, key);
  }

  // ---- reads (object-reads.ts) ----

  async get(portalId: number, type: ObjectType, key: RecordKey, archived = false): Promise<ObjectRow> {
    return this.#reads.get(portalId, type, key, archived);
  }

  async batchRead(
    portalId: number,
    type: ObjectType,
    keys: readonly RecordKey[],
    archived = false,
    idProperty?: string,
  ): Promise<BatchOutcome<ObjectRow>> {
    return this.#reads.batchRead(portalId, type, keys, archived, idProperty);
  }

  async list(
    portalId: number,
    type: ObjectType,
    after: string | undefined,
    limit: number,
    archived: boolean,
  ): Promise<ObjectPage> {
    return this.#reads.list(portalId, type, after, limit, archived);
  }

  async history(
    portalId: number,
    row: ObjectRow,
    names: readonly string[],
  ): Promise<Map<string, HistoryRow[]>> {
    return this.#reads.history(portalId, row, names);
  }

  async associationsOf(
    portalId: number,
    row: ObjectRow,
    type: ObjectType,
    toTypeNames: readonly string[],
  ): Promise<Map<ObjectType, AssociatedIds>> {
    return this.#reads.associationsOf(portalId, row, type, toTypeNames);
  }
}
