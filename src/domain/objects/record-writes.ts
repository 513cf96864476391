/**
 * The steps every record write is made of: checking a client's properties, inserting a
 * record, applying an update, claiming unique values and recording history. Single writes
 * (object-service.ts), batches (object-batch.ts) and merges (record-merge.ts) share them, so
 * a record written one way is stored exactly as one written another way.
 */
import { duplicateValue } from './object-errors.js';
import type { AssociationSpec } from '../associations/association-io.js';
import type { AssociationService } from '../associations/association-service.js';
import { isoTimestamp, type Clock } from '../clock.js';
import type { ObjectType } from '../object-types.js';
import { RECORD_ID_COUNTER, type RecordIdPolicy } from '../record-ids.js';
import { TransactionRetry, UniqueViolationError } from '../../store/store-errors.js';
import { lockForWrite, typeLock } from '../write-locks.js';
import type { HistoryRow, ObjectRow, PropertyMap, StoreTransaction } from '../../store/store.js';
import type { ObjectTypeResolver } from './object-type-resolver.js';
import type { RecordValidator } from '../catalog/record-validator.js';
import { normalizeProperties } from './properties.js';
import { normalizeUnique, type RecordKey } from './record-keys.js';

export interface AssociationForCreate {
  readonly toId: number;
  readonly types: readonly AssociationSpec[];
}

export interface CreateObjectInput {
  readonly properties: Record<string, unknown>;
  readonly associations?: readonly AssociationForCreate[];
  readonly objectWriteTraceId?: string;
}

export interface UpdateObjectInput extends RecordKey {
  readonly properties: Record<string, unknown>;
  readonly objectWriteTraceId?: string;
}

/** Properties the server maintains; values a client sends for them are ignored. */
export const SYSTEM_PROPERTIES = new Set([
  'hs_object_id',
  'createdate',
  'lastmodifieddate',
  'hs_lastmodifieddate',
]);

export class RecordWrites {
  constructor(
    private readonly clock: Clock,
    private readonly ids: RecordIdPolicy,
    private readonly associations: AssociationService,
    private readonly objectTypes: ObjectTypeResolver,
    private readonly validator: RecordValidator,
  ) {}

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
   * every write; their history is derived on read instead of stored (see ObjectReads.history).
   */
  #history(id: number, changes: PropertyMap, at: number): HistoryRow[] {
    return Object.entries(changes)
      .filter(([name]) => !SYSTEM_PROPERTIES.has(name))
      .map(([name, value]) => ({ objectId: id, name, value, timestamp: at, sourceType: 'API' }));
  }

  /** Claims the unique values among `properties`; a value another record holds is a 409. */
  async claimUnique(
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
      // A refused claim leaves the transaction usable (the store's contract), so the holder, a
      // concurrent write that committed the value after the check above, is read here.
      await tx.claimUniqueValues(portalId, claims);
    } catch (error) {
      if (!(error instanceof UniqueViolationError)) throw error;
      for (const claim of claims) {
        const holder = await tx.findByUniqueValue(portalId, type.id, claim.property, claim.value);
        if (holder !== undefined && holder !== id) throw duplicateValue(type, claim.property, holder);
      }
      // The holder let go of the value again before this read: the whole write reruns.
      throw new TransactionRetry('a unique value was claimed and released concurrently');
    }
  }

  async insert(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    input: CreateObjectInput,
  ): Promise<ObjectRow> {
    // The type's schema, properties and pipelines may change until this write holds the type's
    // lock (schema archive and catalog changes take it exclusive): lock, then check against them.
    await lockForWrite(tx, portalId, typeLock(type.id, 'shared'));
    await this.objectTypes.requireLive(tx, portalId, type);
    const { properties, unique } = await this.#clientProperties(tx, portalId, type, input.properties);
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
    await this.claimUnique(tx, portalId, type, id, row.properties, unique);
    await tx.appendHistory(portalId, this.#history(id, row.properties, now));
    if (input.associations && input.associations.length > 0) {
      await this.associations.associateNewRecord(tx, portalId, { type, id }, input.associations);
    }
    return row;
  }

  async applyUpdate(
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
    await this.claimUnique(tx, portalId, type, row.id, properties, unique);
    await tx.updateObject(portalId, row.id, properties, now);
    await tx.appendHistory(portalId, this.#history(row.id, changed, now));
    return { ...row, properties, updatedAt: now };
  }
}
