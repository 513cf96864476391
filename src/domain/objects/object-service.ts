/**
 * CRM records: create, read, and the associations given at creation.
 */
import type {
  AssociatedIds,
  AssociationService,
  AssociationSpec,
} from '../associations/association-service.js';
import type { Clock } from '../clock.js';
import { isoTimestamp } from '../clock.js';
import { NotFoundError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import { RECORD_ID_COUNTER, type RecordIdPolicy } from '../record-ids.js';
import type { ObjectRow, PropertyMap, Store } from '../../store/store.js';
import type { ObjectTypeResolver } from './object-type-resolver.js';
import { normalizeProperties } from './properties.js';

export interface AssociationForCreate {
  readonly toId: number;
  readonly types: readonly AssociationSpec[];
}

export interface CreateObjectInput {
  readonly properties: Record<string, unknown>;
  readonly associations?: readonly AssociationForCreate[];
}

/** HubSpot's body for a record that does not exist (associations-api.md §9.2). */
export function recordNotFound(type: ObjectType, id: number | string): NotFoundError {
  return new NotFoundError('resource not found', {
    context: { objectType: [type.id], objectId: [String(id)] },
  });
}

/** The properties the server maintains on every record. */
function systemProperties(id: number, createdAt: number, updatedAt: number): PropertyMap {
  const modified = isoTimestamp(updatedAt);
  return {
    hs_object_id: String(id),
    createdate: isoTimestamp(createdAt),
    lastmodifieddate: modified,
    hs_lastmodifieddate: modified,
  };
}

export class ObjectService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: RecordIdPolicy,
    private readonly associations: AssociationService,
    private readonly objectTypes: ObjectTypeResolver,
  ) {}

  async create(portalId: number, type: ObjectType, input: CreateObjectInput): Promise<ObjectRow> {
    const properties = normalizeProperties(input.properties);
    return this.store.transaction(async (tx) => {
      const [sequence] = await tx.nextCounterValues(portalId, RECORD_ID_COUNTER, 1);
      const id = this.ids.recordId(sequence!);
      const now = this.clock.now();
      const row: ObjectRow = {
        id,
        objectTypeId: type.id,
        properties: { ...properties, ...systemProperties(id, now, now) },
        createdAt: now,
        updatedAt: now,
        archivedAt: null,
      };
      await tx.insertObjects(portalId, [row]);
      if (input.associations && input.associations.length > 0) {
        await this.associations.associateNewRecord(tx, portalId, { type, id }, input.associations);
      }
      return row;
    });
  }

  /** A live record, or 404. */
  async get(portalId: number, type: ObjectType, id: number): Promise<ObjectRow> {
    const row = await this.store.getObject(portalId, id);
    if (!row || row.objectTypeId !== type.id || row.archivedAt !== null) throw recordNotFound(type, id);
    return row;
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
