/**
 * Resolves the object type a request names (compat-decisions 6): standard types from the
 * static registry, custom types (`2-N`, `p_{name}`, `p{portalId}_{name}`) from the portal's
 * schemas. Bare custom names are refused, as HubSpot has done since 2025-06-24.
 */
import {
  findStandardObjectType,
  parseCustomTypeReference,
  standardObjectTypeById,
  unknownObjectType,
  type ObjectType,
} from '../object-types.js';
import type { SchemaRow, StoreReader } from '../../store/store.js';
import { customObjectType } from './custom-object-type.js';

export class ObjectTypeResolver {
  constructor(private readonly store: StoreReader) {}

  /** Resolves a name or ID, or throws `Unable to infer object type from: …` (400). */
  async resolve(portalId: number, value: string): Promise<ObjectType> {
    const standard = findStandardObjectType(value);
    if (standard) return standard;
    const schema = await this.findSchema(portalId, value);
    if (!schema || schema.archivedAt !== null) throw unknownObjectType(value);
    return customObjectType(portalId, schema);
  }

  /** The type with this `0-N` / `2-N` ID, as stored on records and definitions. */
  async resolveById(portalId: number, objectTypeId: string): Promise<ObjectType> {
    return standardObjectTypeById(objectTypeId) ?? this.resolve(portalId, objectTypeId);
  }

  /** The schema a custom type reference names, archived or not. */
  async findSchema(portalId: number, value: string): Promise<SchemaRow | undefined> {
    const reference = parseCustomTypeReference(value);
    if (!reference) return undefined;
    if (reference.kind === 'id') return this.store.getSchema(portalId, reference.id);
    if (reference.portalId !== undefined && reference.portalId !== portalId) return undefined;
    const schemas = await this.store.listSchemas(portalId);
    return schemas.find((s) => s.name === reference.name);
  }
}
