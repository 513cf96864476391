/**
 * The objects API's reads: one record, a batch of records, a page of a type's records, a
 * record's property history and the IDs it is associated with. None of them lock: a read
 * sees what has committed.
 */
import type { AssociatedIds } from '../associations/association-io.js';
import type { AssociationService } from '../associations/association-service.js';
import type { BatchOutcome } from '../batch.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { SpokeError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import type { HistoryRow, ObjectRow, Store } from '../../store/store.js';
import type { ObjectTypeResolver } from './object-type-resolver.js';
import type { RecordKey, RecordKeys } from './record-keys.js';
import { SYSTEM_PROPERTIES } from './record-writes.js';

export interface ObjectPage {
  readonly rows: ObjectRow[];
  readonly after?: string;
}

export const OBJECT_PAGE_DEFAULT = 10;
export const OBJECT_PAGE_MAX = 100;

export class ObjectReads {
  constructor(
    private readonly store: Store,
    private readonly keys: RecordKeys,
    private readonly associations: AssociationService,
    private readonly objectTypes: ObjectTypeResolver,
  ) {}

  /** A record by ID or unique property; archived ones only when asked for. */
  async get(portalId: number, type: ObjectType, key: RecordKey, archived = false): Promise<ObjectRow> {
    return this.keys.existing(this.store, portalId, type, key, archived);
  }

  /** POST …/batch/read: missing records are reported per input. */
  async batchRead(
    portalId: number,
    type: ObjectType,
    keys: readonly RecordKey[],
    archived = false,
    /** The request's idProperty: checked even when there are no keys. */
    idProperty?: string,
  ): Promise<BatchOutcome<ObjectRow>> {
    // A non-unique idProperty fails the whole request, as HubSpot's batch endpoints do (D75),
    // before any record is read and whether or not there are inputs.
    const named = new Set(keys.map((k) => k.idProperty));
    if (idProperty !== undefined) named.add(idProperty);
    for (const name of named) await this.keys.checkIdProperty(this.store, portalId, type, name);
    const results: ObjectRow[] = [];
    const errors: SpokeError[] = [];
    const seen = new Set<number>();
    for (const key of keys) {
      try {
        const row = await this.keys.existing(this.store, portalId, type, key, archived);
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
