/**
 * CRM records: the objects API's rules (issue "CRM records"). Records have string IDs on the
 * wire, property values are strings, the server maintains `hs_object_id`, `createdate`,
 * `lastmodifieddate` and `hs_lastmodifieddate`, a contact's email is unique per portal, and
 * archived records are hidden together with their associations (decision D12).
 */
import type { AssociatedIds, AssociationSpec } from '../associations/association-io.js';
import type { AssociationService } from '../associations/association-service.js';
import { PairTypes } from '../associations/pair-types.js';
import { PairWriter } from '../associations/pair-writer.js';
import type { BatchOutcome } from '../batch.js';
import { isoTimestamp, type Clock } from '../clock.js';
import { changesOf } from '../changes.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ConflictError, NotFoundError, SpokeError, ValidationError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import { parseRecordId, RECORD_ID_COUNTER, type RecordIdPolicy } from '../record-ids.js';
import { TransactionRetry, UniqueViolationError } from '../../store/store-errors.js';
import { lockForWrite, pairLock, typeLock } from '../write-locks.js';
import type {
  AssociationRow,
  HistoryRow,
  ObjectRow,
  PropertyMap,
  Store,
  StoreReader,
  StoreTransaction,
} from '../../store/store.js';
import type { ObjectTypeResolver } from './object-type-resolver.js';
import type { RecordValidator } from '../catalog/record-validator.js';
import { normalizeProperties } from './properties.js';

export interface AssociationForCreate {
  readonly toId: number;
  readonly types: readonly AssociationSpec[];
}

export interface CreateObjectInput {
  readonly properties: Record<string, unknown>;
  readonly associations?: readonly AssociationForCreate[];
  readonly objectWriteTraceId?: string;
}

/** A record named by its ID, or by the value of a unique property (`idProperty`). */
export interface RecordKey {
  readonly id: string;
  readonly idProperty?: string | undefined;
}

export interface UpdateObjectInput extends RecordKey {
  readonly properties: Record<string, unknown>;
  readonly objectWriteTraceId?: string;
}

export interface WrittenObject {
  readonly row: ObjectRow;
  readonly objectWriteTraceId?: string;
  /** Upserts only: whether the record was created. */
  readonly created?: boolean;
}

export interface ObjectPage {
  readonly rows: ObjectRow[];
  readonly after?: string;
}

export const OBJECT_PAGE_DEFAULT = 10;
export const OBJECT_PAGE_MAX = 100;

/** Properties the server maintains; values a client sends for them are ignored. */
const SYSTEM_PROPERTIES = new Set(['hs_object_id', 'createdate', 'lastmodifieddate', 'hs_lastmodifieddate']);

/** HubSpot's body for a record that does not exist (captured from HubSpot's objects API). */
export function recordNotFound(type: ObjectType, id: number | string): NotFoundError {
  return new NotFoundError('resource not found', {
    context: { objectType: [type.id], objectId: [String(id)] },
  });
}

function normalizeUnique(value: string): string {
  return value.trim().toLowerCase();
}

/** Batch create without an `objectWriteTraceId` on every input is all-or-nothing (HubSpot's rule). */
function isMultiStatus(inputs: readonly { objectWriteTraceId?: string | undefined }[]): boolean {
  return (
    inputs.length > 0 &&
    inputs.every((i) => typeof i.objectWriteTraceId === 'string' && i.objectWriteTraceId !== '')
  );
}

function withTraceId(error: SpokeError, traceId: string | undefined): SpokeError {
  if (traceId === undefined) return error;
  return new SpokeError(error.category, error.message, {
    context: { ...error.context, objectWriteTraceId: [traceId] },
    ...(error.errors && { errors: error.errors }),
    ...(error.subCategory && { subCategory: error.subCategory }),
  });
}

export class ObjectService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: RecordIdPolicy,
    private readonly associations: AssociationService,
    private readonly objectTypes: ObjectTypeResolver,
    private readonly validator: RecordValidator,
  ) {}

  // ---- writes ----

  /**
   * The properties a client may write, checked against the portal's definitions and
   * normalized as HubSpot returns them (record-validator.ts); `current` for an update.
   */
  async #clientProperties(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    input: Record<string, unknown>,
    current?: PropertyMap,
  ) {
    return this.validator.check(tx, portalId, type, normalizeProperties(input), current);
  }

  /**
   * History rows for the properties a client wrote. The server's own properties change with
   * every write; their history is derived on read instead of stored (see `history`).
   */
  #history(id: number, changes: PropertyMap, at: number): HistoryRow[] {
    return Object.entries(changes)
      .filter(([name]) => !SYSTEM_PROPERTIES.has(name))
      .map(([name, value]) => ({ objectId: id, name, value, timestamp: at, sourceType: 'API' }));
  }

  /** Claims the unique values among `properties`; a value another record holds is a 409. */
  async #claimUnique(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    id: number,
    properties: PropertyMap,
    unique?: readonly string[],
  ) {
    const names = unique ?? (await this.validator.uniqueProperties(tx, portalId, type));
    const claims = names
      .filter((name) => typeof properties[name] === 'string' && properties[name] !== '')
      .map((name) => ({
        objectTypeId: type.id,
        property: name,
        value: normalizeUnique(properties[name]!),
        objectId: id,
      }));
    if (claims.length === 0) return;
    for (const claim of claims) {
      const holder = await tx.findByUniqueValue(portalId, type.id, claim.property, claim.value);
      if (holder !== undefined && holder !== id) throw duplicateValue(type, claim.property, holder);
    }
    await tx.releaseUniqueValues(
      portalId,
      id,
      claims.map((c) => c.property),
    );
    try {
      await tx.claimUniqueValues(portalId, claims);
    } catch (error) {
      if (!(error instanceof UniqueViolationError)) throw error;
      const claim = claims[0]!;
      const holder = await tx.findByUniqueValue(portalId, type.id, claim.property, claim.value);
      throw duplicateValue(type, claim.property, holder ?? 0);
    }
  }

  async #insert(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    input: CreateObjectInput,
  ): Promise<ObjectRow> {
    const { properties, unique } = await this.#clientProperties(tx, portalId, type, input.properties);
    // A custom type's schema may have been archived since the request resolved it: read it
    // again under its lock, which an archive takes exclusive.
    await lockForWrite(tx, portalId, typeLock(type.id, 'shared'));
    await this.objectTypes.requireLive(tx, portalId, type);
    const now = this.clock.now();
    let row: ObjectRow;
    // An ID already taken (an import that set no counters, a seeded sequence that wrapped
    // onto an imported record) is skipped: a create never fails on the counter.
    for (let attempt = 0; ; attempt++) {
      const [sequence] = await tx.nextCounterValues(portalId, RECORD_ID_COUNTER, 1);
      const id = this.ids.recordId(sequence!);
      const system: PropertyMap = {
        hs_object_id: String(id),
        createdate: isoTimestamp(now),
        lastmodifieddate: isoTimestamp(now),
        hs_lastmodifieddate: isoTimestamp(now),
      };
      row = {
        id,
        objectTypeId: type.id,
        properties: { ...properties, ...system },
        createdAt: now,
        updatedAt: now,
        archivedAt: null,
      };
      if ((await tx.insertObjects(portalId, [row])) === 1) break;
      if (attempt >= 10_000) throw new Error(`No free record ID in portal ${portalId}`);
    }
    const id = row.id;
    await this.#claimUnique(tx, portalId, type, id, row.properties, unique);
    await tx.appendHistory(portalId, this.#history(id, row.properties, now));
    if (input.associations && input.associations.length > 0) {
      await this.associations.associateNewRecord(tx, portalId, { type, id }, input.associations);
    }
    return row;
  }

  async create(portalId: number, type: ObjectType, input: CreateObjectInput): Promise<ObjectRow> {
    return this.store.transaction((tx) => this.#insert(tx, portalId, type, input));
  }

  /**
   * POST …/batch/create. With an `objectWriteTraceId` on every input, failed inputs are
   * reported one by one (multi-status); otherwise the first failure fails the whole batch.
   */
  async batchCreate(
    portalId: number,
    type: ObjectType,
    inputs: readonly CreateObjectInput[],
  ): Promise<BatchOutcome<WrittenObject>> {
    const multiStatus = isMultiStatus(inputs);
    return this.store.transaction((tx) =>
      this.#eachInput(tx, inputs, multiStatus, async (input) => ({
        row: await this.#insert(tx, portalId, type, input),
        ...(input.objectWriteTraceId !== undefined && { objectWriteTraceId: input.objectWriteTraceId }),
      })),
    );
  }

  /** Runs each input in a savepoint; in multi-status mode a failure is reported, otherwise thrown. */
  async #eachInput<I extends { objectWriteTraceId?: string | undefined }, R>(
    tx: StoreTransaction,
    inputs: readonly I[],
    multiStatus: boolean,
    run: (input: I) => Promise<R>,
  ): Promise<BatchOutcome<R>> {
    const results: R[] = [];
    const errors: SpokeError[] = [];
    for (const input of inputs) {
      try {
        results.push(await tx.savepoint(() => run(input)));
      } catch (error) {
        if (!(error instanceof SpokeError) || !multiStatus) throw error;
        errors.push(withTraceId(error, input.objectWriteTraceId));
      }
    }
    return { results, errors };
  }

  /** The numeric ID a key names, or undefined when no record has it. */
  async #idOf(
    reader: StoreReader,
    portalId: number,
    type: ObjectType,
    key: RecordKey,
  ): Promise<number | undefined> {
    if (key.idProperty === undefined || key.idProperty === '' || key.idProperty === 'hs_object_id') {
      return parseRecordId(key.id);
    }
    if (!(await this.validator.uniqueProperties(reader, portalId, type)).includes(key.idProperty)) {
      throw new ValidationError(
        `Property "${key.idProperty}" cannot be used as idProperty: it is not a unique identifier property of ${type.singular}`,
        { context: { idProperty: [key.idProperty] } },
      );
    }
    return reader.findByUniqueValue(portalId, type.id, key.idProperty, normalizeUnique(key.id));
  }

  async #existing(reader: StoreReader, portalId: number, type: ObjectType, key: RecordKey, archived = false) {
    const id = await this.#idOf(reader, portalId, type, key);
    const row = id === undefined ? undefined : await reader.getObject(portalId, id);
    if (!row || row.objectTypeId !== type.id || (row.archivedAt !== null) !== archived)
      throw recordNotFound(type, key.id);
    return row;
  }

  /**
   * The record a key names, locked exclusive and read again under the lock: what a write
   * decides on cannot change or go away before it commits.
   */
  async #locked(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    key: RecordKey,
    archived = false,
  ): Promise<ObjectRow> {
    const id = await this.#idOf(tx, portalId, type, key);
    if (id === undefined) throw recordNotFound(type, key.id);
    await lockForWrite(tx, portalId, typeLock(type.id, 'shared'));
    await tx.lockObjects(portalId, [id]);
    const row = await this.#existing(tx, portalId, type, { id: String(id) }, archived);
    if (key.idProperty !== undefined && (await this.#idOf(tx, portalId, type, key)) !== id)
      throw new TransactionRetry(`${key.idProperty} ${key.id} moved to another record`);
    return row;
  }

  async #applyUpdate(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    row: ObjectRow,
    input: Record<string, unknown>,
    trusted = false,
  ): Promise<ObjectRow> {
    // `trusted`: values the server sets itself (a merge's), not checked as a client's.
    const { properties: changes, unique } = trusted
      ? { properties: input as PropertyMap, unique: undefined }
      : await this.#clientProperties(tx, portalId, type, input, row.properties);
    const changed: PropertyMap = {};
    for (const [name, value] of Object.entries(changes))
      if (row.properties[name] !== value) changed[name] = value;
    const now = this.clock.now();
    const modified = isoTimestamp(now);
    Object.assign(changed, { lastmodifieddate: modified, hs_lastmodifieddate: modified });
    const properties = { ...row.properties, ...changed };
    await this.#claimUnique(tx, portalId, type, row.id, properties, unique);
    await tx.updateObject(portalId, row.id, properties, now);
    await tx.appendHistory(portalId, this.#history(row.id, changed, now));
    return { ...row, properties, updatedAt: now };
  }

  /** PATCH …/{objectId}: a partial update; `null` or "" clears a value. */
  async update(portalId: number, type: ObjectType, input: UpdateObjectInput): Promise<ObjectRow> {
    return this.store.transaction(async (tx) => {
      const row = await this.#locked(tx, portalId, type, input);
      return this.#applyUpdate(tx, portalId, type, row, input.properties);
    });
  }

  /** POST …/batch/update: records that are missing or invalid are reported per input. */
  async batchUpdate(
    portalId: number,
    type: ObjectType,
    inputs: readonly UpdateObjectInput[],
  ): Promise<BatchOutcome<WrittenObject>> {
    return this.store.transaction((tx) =>
      this.#eachInput(tx, inputs, true, async (input) => {
        const row = await this.#locked(tx, portalId, type, input);
        return {
          row: await this.#applyUpdate(tx, portalId, type, row, input.properties),
          ...(input.objectWriteTraceId !== undefined && { objectWriteTraceId: input.objectWriteTraceId }),
        };
      }),
    );
  }

  /**
   * POST …/batch/upsert: updates the record the key names, or creates one. With a unique
   * `idProperty`, a created record takes the key as that property's value.
   */
  async batchUpsert(
    portalId: number,
    type: ObjectType,
    inputs: readonly UpdateObjectInput[],
  ): Promise<BatchOutcome<WrittenObject>> {
    return this.store.transaction((tx) =>
      this.#eachInput(tx, inputs, true, async (input) => {
        const id = await this.#idOf(tx, portalId, type, input);
        await lockForWrite(tx, portalId, typeLock(type.id, 'shared'));
        if (id !== undefined) await tx.lockObjects(portalId, [id]);
        const existing = id === undefined ? undefined : await tx.getObject(portalId, id);
        const traceId =
          input.objectWriteTraceId !== undefined ? { objectWriteTraceId: input.objectWriteTraceId } : {};
        if (existing && existing.objectTypeId === type.id && existing.archivedAt === null) {
          return {
            row: await this.#applyUpdate(tx, portalId, type, existing, input.properties),
            created: false,
            ...traceId,
          };
        }
        if (input.idProperty === undefined || input.idProperty === 'hs_object_id') {
          throw recordNotFound(type, input.id);
        }
        const properties = { ...input.properties, [input.idProperty]: input.id };
        return { row: await this.#insert(tx, portalId, type, { properties }), created: true, ...traceId };
      }),
    );
  }

  /** DELETE …/{objectId} and batch/archive: archived records and their associations are hidden, not deleted. */
  async archive(portalId: number, type: ObjectType, keys: readonly RecordKey[]): Promise<void> {
    await this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const ids = new Map<RecordKey, number | undefined>();
      for (const key of keys) ids.set(key, await this.#idOf(tx, portalId, type, key));
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
      const row = await this.#locked(tx, portalId, type, { id: String(id) }, true);
      await this.objectTypes.requireLive(tx, portalId, type);
      await this.#claimUnique(tx, portalId, type, row.id, row.properties);
      await tx.setArchived(portalId, [row.id], null);
      return { ...row, archivedAt: null };
    });
  }

  /**
   * POST /crm/v3/objects/{objectType}/merge: the primary record keeps its values
   * (filling gaps from the merged one), takes over the merged record's associations, and
   * lists the merged ID in `hs_merged_object_ids`. The merged record is removed.
   */
  async merge(portalId: number, type: ObjectType, primaryKey: string, mergedKey: string): Promise<ObjectRow> {
    return this.store.transaction(async (tx) => {
      // Read without locks, to learn what to lock: both records, the merged record's
      // associated records and the pairs of types its associations use.
      const seenPrimary = await this.#existing(tx, portalId, type, { id: primaryKey });
      const seenMerged = await this.#existing(tx, portalId, type, { id: mergedKey });
      if (seenPrimary.id === seenMerged.id) {
        throw new ValidationError('A record cannot be merged into itself', {
          context: { objectId: [primaryKey] },
        });
      }
      const seen = await tx.allAssociationsOf(portalId, seenMerged.id);
      const otherTypes = new Set(seen.map((r) => r.toObjectTypeId));
      const others = new Set(seen.map((r) => r.toId));
      await lockForWrite(tx, portalId, [
        ...typeLock(type.id, 'shared'),
        ...[...otherTypes].map((other) => pairLock(type.id, other, 'shared')),
      ]);
      await tx.lockObjects(portalId, [seenPrimary.id, seenMerged.id, ...others]);
      // Read again under the locks: a concurrent merge the other way, or a GDPR delete, may
      // have removed either record; then this merge finds nothing to merge.
      const primary = await this.#existing(tx, portalId, type, { id: String(seenPrimary.id) });
      const merged = await this.#existing(tx, portalId, type, { id: String(seenMerged.id) });
      const rows = await tx.allAssociationsOf(portalId, merged.id);
      if (rows.some((r) => !otherTypes.has(r.toObjectTypeId) || !others.has(r.toId)))
        throw new TransactionRetry('the merged record gained associations before its locks');

      const filled: PropertyMap = {};
      for (const [name, value] of Object.entries(merged.properties)) {
        if (SYSTEM_PROPERTIES.has(name) || value === null || value === '') continue;
        const current = Object.hasOwn(primary.properties, name) ? primary.properties[name] : undefined;
        if (current === undefined || current === null || current === '') filled[name] = value;
      }
      const mergedIds = [primary.properties.hs_merged_object_ids, String(merged.id)]
        .filter(Boolean)
        .join(';');
      const extras: PropertyMap = { hs_merged_object_ids: mergedIds };
      const unique = await this.validator.uniqueProperties(tx, portalId, type);
      for (const name of unique) {
        const value = merged.properties[name];
        if (name === 'email' && value && value !== primary.properties.email) {
          extras.hs_additional_emails = [primary.properties.hs_additional_emails, value]
            .filter(Boolean)
            .join(';');
        }
      }
      // The merged record goes first: its associated records' counts drop by one before the
      // primary record takes its place, so a record at its limit does not refuse the merge.
      await tx.deleteObjects(portalId, [{ objectTypeId: type.id, id: merged.id }]);
      await this.#moveAssociations(tx, portalId, type, rows, primary.id);
      const updated = await this.#applyUpdate(tx, portalId, type, primary, { ...filled, ...extras }, true);
      // The merged record's unique values now lead to the primary one.
      for (const property of unique) {
        const value = merged.properties[property];
        if (typeof value !== 'string' || value === '') continue;
        const normalized = normalizeUnique(value);
        if ((await tx.findByUniqueValue(portalId, type.id, property, normalized)) === undefined) {
          await tx.claimUniqueValues(portalId, [
            { objectTypeId: type.id, property, value: normalized, objectId: primary.id },
          ]);
        }
      }
      changesOf(tx)?.merged(portalId, type.id, primary.id, [merged.id]);
      return updated;
    });
  }

  /** Re-points every association of `fromId` to `toId`, keeping the primary record's Primary types. */
  async #moveAssociations(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    rows: readonly AssociationRow[],
    toId: number,
  ) {
    const groups = new Map<string, AssociationRow[]>();
    for (const row of rows) {
      if (row.toId === toId) continue;
      const key = `${row.toObjectTypeId}:${row.toId}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    const writers = new Map<string, { types: PairTypes; writer: PairWriter }>();
    for (const group of groups.values()) {
      const toTypeId = group[0]!.toObjectTypeId;
      let pair = writers.get(toTypeId);
      if (!pair) {
        const otherType = await this.objectTypes.resolveById(portalId, toTypeId, tx);
        const types = await PairTypes.load(tx, portalId, type, otherType);
        pair = { types, writer: await PairWriter.create(tx, portalId, types) };
        writers.set(toTypeId, pair);
      }
      const add = [];
      for (const row of group) {
        const found = pair.types.find(type.id, row.category, row.typeId);
        if (!found) continue;
        if (
          found.primary &&
          (await tx.findAssociationsOfType(portalId, toId, found.category, found.typeId)).length > 0
        )
          continue;
        add.push(found);
      }
      const other = { objectTypeId: toTypeId, id: group[0]!.toId };
      const [outcome] = await pair.writer.writeMany(
        [{ from: { objectTypeId: type.id, id: toId }, to: other, add }],
        'keep',
      );
      if (outcome && 'error' in outcome) throw outcome.error;
    }
  }

  /** POST /crm/v3/objects/contacts/gdpr-delete: the record and its associations, gone for good. */
  async gdprDelete(portalId: number, type: ObjectType, key: RecordKey): Promise<void> {
    await this.store.transaction(async (tx) => {
      const id = await this.#idOf(tx, portalId, type, key);
      if (id === undefined) throw recordNotFound(type, key.id);
      await lockForWrite(tx, portalId);
      await tx.lockObjects(portalId, [id]);
      // Read under the lock: a merge that removed it first leaves nothing to delete.
      const row = await tx.getObject(portalId, id);
      if (!row || row.objectTypeId !== type.id) throw recordNotFound(type, key.id);
      await tx.deleteObjects(portalId, [{ objectTypeId: type.id, id: row.id }]);
      changesOf(tx)?.privacyDeleted(portalId, type.id, row.id);
    });
  }

  // ---- reads ----

  /** A record by ID or unique property; archived ones only when asked for. */
  async get(portalId: number, type: ObjectType, key: RecordKey, archived = false): Promise<ObjectRow> {
    return this.#existing(this.store, portalId, type, key, archived);
  }

  /** POST …/batch/read: missing records are reported per input. */
  async batchRead(
    portalId: number,
    type: ObjectType,
    keys: readonly RecordKey[],
    archived = false,
  ): Promise<BatchOutcome<ObjectRow>> {
    const results: ObjectRow[] = [];
    const errors: SpokeError[] = [];
    const seen = new Set<number>();
    for (const key of keys) {
      try {
        const row = await this.#existing(this.store, portalId, type, key, archived);
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        results.push(row);
      } catch (error) {
        if (error instanceof SpokeError) errors.push(error);
        else throw error;
      }
    }
    return { results, errors };
  }

  /** GET …/{objectType}: keyset pages by ID (decision D13's opaque `after`). */
  async list(
    portalId: number,
    type: ObjectType,
    after: string | undefined,
    limit: number,
    archived: boolean,
  ): Promise<ObjectPage> {
    const pageSize = Math.min(Math.max(limit, 1), OBJECT_PAGE_MAX);
    const afterId = decodeCursor(after);
    const rows = await this.store.listObjects(portalId, {
      objectTypeId: type.id,
      ...(afterId !== undefined && { afterId }),
      limit: pageSize + 1,
      archived,
    });
    if (rows.length <= pageSize) return { rows };
    const page = rows.slice(0, pageSize);
    return { rows: page, after: encodeCursor(page[page.length - 1]!.id) };
  }

  /** `propertiesWithHistory`: each named property's values, newest first. */
  async history(
    portalId: number,
    row: ObjectRow,
    names: readonly string[],
  ): Promise<Map<string, HistoryRow[]>> {
    const history = new Map<string, HistoryRow[]>(names.map((n) => [n, []]));
    const stored = names.filter((n) => !SYSTEM_PROPERTIES.has(n));
    for (const entry of await this.store.getPropertyHistory(portalId, row.id, stored))
      history.get(entry.name)?.push(entry);
    // The server's properties: their current value, calculated when the record last changed.
    for (const name of names.filter((n) => SYSTEM_PROPERTIES.has(n))) {
      const value = row.properties[name] ?? null;
      const timestamp = name === 'createdate' || name === 'hs_object_id' ? row.createdAt : row.updatedAt;
      history.set(name, [{ objectId: row.id, name, value, timestamp, sourceType: 'CALCULATED' }]);
    }
    return history;
  }

  /** The associated IDs a read asks for with `associations=companies,deals`. */
  async associationsOf(
    portalId: number,
    row: ObjectRow,
    type: ObjectType,
    toTypeNames: readonly string[],
  ): Promise<Map<ObjectType, AssociatedIds>> {
    if (toTypeNames.length === 0 || row.archivedAt !== null) return new Map();
    const toTypes = await Promise.all(toTypeNames.map((name) => this.objectTypes.resolve(portalId, name)));
    return this.associations.associatedIds(portalId, type, row.id, [...new Set(toTypes)]);
  }
}

function duplicateValue(type: ObjectType, property: string, existingId: number): ConflictError {
  const message =
    type.id === '0-1' && property === 'email'
      ? `Contact already exists. Existing ID: ${existingId}`
      : `A ${type.singular} with this ${property} already exists. Existing ID: ${existingId}`;
  return new ConflictError(message, { context: { property: [property], existingId: [String(existingId)] } });
}
