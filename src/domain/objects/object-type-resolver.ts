/**
 * Resolves the object type a request names (decision D6): standard types from the
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

  /**
   * Resolves a name or ID, or throws `Unable to infer object type from: …` (400). Inside a
   * transaction, pass it as `reader`: the schema is then read under its locks.
   */
  async resolve(portalId: number, value: string, reader: StoreReader = this.store): Promise<ObjectType> {
    const standard = findStandardObjectType(value);
    if (standard) return standard;
    const schema = await this.findSchema(portalId, value, reader);
    if (!schema || schema.archivedAt !== null) throw unknownObjectType(value);
    return customObjectType(portalId, schema);
  }

  /** The type with this `0-N` / `2-N` ID, as stored on records and definitions. */
  async resolveById(
    portalId: number,
    objectTypeId: string,
    reader: StoreReader = this.store,
  ): Promise<ObjectType> {
    return standardObjectTypeById(objectTypeId) ?? this.resolve(portalId, objectTypeId, reader);
  }

  /** The schema a custom type reference names, archived or not. */
  async findSchema(
    portalId: number,
    value: string,
    reader: StoreReader = this.store,
  ): Promise<SchemaRow | undefined> {
    const reference = parseCustomTypeReference(value);
    if (!reference) return undefined;
    if (reference.kind === 'id') return reader.getSchema(portalId, reference.id);
    if (reference.portalId !== undefined && reference.portalId !== portalId) return undefined;
    const schemas = await reader.listSchemas(portalId);
    return schemas.find((s) => s.name === reference.name);
  }

  /** The type with this ID, archived schemas included (records and definitions keep their type). */
  async resolveAnyById(
    portalId: number,
    objectTypeId: string,
    reader: StoreReader = this.store,
  ): Promise<ObjectType> {
    const standard = standardObjectTypeById(objectTypeId);
    if (standard) return standard;
    const schema = await this.findSchema(portalId, objectTypeId, reader);
    if (!schema) throw unknownObjectType(objectTypeId);
    return customObjectType(portalId, schema);
  }

  /** Inside a write: the custom type must still be live (its schema may have been archived since the request resolved it). */
  async requireLive(reader: StoreReader, portalId: number, type: ObjectType): Promise<void> {
    if (!type.id.startsWith('2-')) return;
    const schema = await reader.getSchema(portalId, type.id);
    if (!schema || schema.archivedAt !== null) throw unknownObjectType(type.id);
  }
}
