/**
 * Merging two records and GDPR-deleting one: the two writes that remove a record for good
 * (rather than archive it), and so must lock every record and association type they touch.
 */
import { mergeIntoItself } from './object-errors.js';
import { PairTypes } from '../associations/pair-types.js';
import { PairWriter } from '../associations/pair-writer.js';
import { changesOf } from '../changes.js';
import type { ObjectType } from '../object-types.js';
import { TransactionRetry } from '../../store/store-errors.js';
import { lockForWrite, pairLock, typeLock } from '../write-locks.js';
import type { AssociationRow, ObjectRow, PropertyMap, Store, StoreTransaction } from '../../store/store.js';
import type { ObjectTypeResolver } from './object-type-resolver.js';
import type { RecordValidator } from '../catalog/record-validator.js';
import { normalizeUnique, type RecordKey, type RecordKeys } from './record-keys.js';
import { recordNotFound } from './object-errors.js';
import { SYSTEM_PROPERTIES, type RecordWrites } from './record-writes.js';

export class RecordMerge {
  constructor(
    private readonly store: Store,
    private readonly keys: RecordKeys,
    private readonly writes: RecordWrites,
    private readonly objectTypes: ObjectTypeResolver,
    private readonly validator: RecordValidator,
  ) {}

  /**
   * POST /crm/v3/objects/{objectType}/merge: the primary record keeps its values
   * (filling gaps from the merged one), takes over the merged record's associations, and
   * lists the merged ID in `hs_merged_object_ids`. The merged record is removed.
   */
  async merge(portalId: number, type: ObjectType, primaryKey: string, mergedKey: string): Promise<ObjectRow> {
    return this.store.transaction(async (tx) => {
      // Read without locks, to learn what to lock: both records, the merged record's
      // associated records and the pairs of types its associations use.
      const seenPrimary = await this.keys.existing(tx, portalId, type, { id: primaryKey });
      const seenMerged = await this.keys.existing(tx, portalId, type, { id: mergedKey });
      if (seenPrimary.id === seenMerged.id) {
        throw mergeIntoItself(primaryKey);
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
      const primary = await this.keys.existing(tx, portalId, type, { id: String(seenPrimary.id) });
      const merged = await this.keys.existing(tx, portalId, type, { id: String(seenMerged.id) });
      const rows = await tx.allAssociationsOf(portalId, merged.id);
      if (rows.some((r) => !otherTypes.has(r.toObjectTypeId) || !others.has(r.toId)))
        throw new TransactionRetry('the merged record gained associations before its locks');

      const filled: PropertyMap = {};
      for (const [name, value] of Object.entries(merged.properties)) {
        if (SYSTEM_PROPERTIES.has(name) || value === null || value === '') continue;
        const current = Object.hasOwn(primary.properties, name) ? primary.properties[name] : undefined;
        if (current === undefined || current === null || current === '') filled[name] = value;
      }
      // Checked like a write: what the catalog no longer allows is not carried over.
      const valid = await this.validator.validSubset(tx, portalId, type, filled, primary.properties);
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
      const updated = await this.writes.applyUpdate(
        tx,
        portalId,
        type,
        primary,
        { ...valid, ...extras },
        true,
      );
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
      const id = await this.keys.idOf(tx, portalId, type, key);
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
}
