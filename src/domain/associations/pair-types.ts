/**
 * The association types that exist between two object types for one portal: HubSpot's
 * built-in table plus the portal's own definitions (labels, and the unlabeled types of
 * custom objects). Built once per operation from one store read.
 */
import {
  hubspotDefinedType,
  hubspotDefinedTypesBetween,
  typeKey,
  type AssociationCategory,
  type AssociationType,
} from '../association-types.js';
import type { ObjectType } from '../object-types.js';
import type { DefinitionRow, StoreReader } from '../../store/store.js';

export function definitionToType(row: DefinitionRow): AssociationType {
  return {
    category: row.category,
    typeId: row.typeId,
    fromObjectTypeId: row.fromObjectTypeId,
    toObjectTypeId: row.toObjectTypeId,
    label: row.label,
    inverseTypeId: row.inverseTypeId,
    unlabeled: row.label === null,
    primary: false,
    primaryOwner: false,
    name: row.name,
  };
}

/** Both directions of one pair of object types. */
export class PairTypes {
  readonly fromObjectTypeId: string;
  readonly toObjectTypeId: string;
  readonly forward: readonly AssociationType[];
  readonly reverse: readonly AssociationType[];
  readonly #byKey = new Map<string, AssociationType>();

  constructor(
    readonly fromType: ObjectType,
    readonly toType: ObjectType,
    portalDefinitions: readonly DefinitionRow[],
  ) {
    const fromObjectTypeId = (this.fromObjectTypeId = fromType.id);
    const toObjectTypeId = (this.toObjectTypeId = toType.id);
    const own = portalDefinitions.map(definitionToType);
    const collect = (from: string, to: string) => [
      ...hubspotDefinedTypesBetween(from, to),
      ...own.filter((t) => t.fromObjectTypeId === from && t.toObjectTypeId === to),
    ];
    this.forward = collect(fromObjectTypeId, toObjectTypeId);
    this.reverse =
      fromObjectTypeId === toObjectTypeId ? this.forward : collect(toObjectTypeId, fromObjectTypeId);
    for (const type of [...this.forward, ...this.reverse]) {
      this.#byKey.set(`${type.fromObjectTypeId}>${typeKey(type.category, type.typeId)}`, type);
    }
  }

  static async load(
    reader: StoreReader,
    portalId: number,
    fromType: ObjectType,
    toType: ObjectType,
  ): Promise<PairTypes> {
    const definitions = await reader.definitionsBetween(portalId, fromType.id, toType.id);
    return new PairTypes(fromType, toType, definitions);
  }

  /** The object type with this ID (one of the pair). */
  objectType(objectTypeId: string): ObjectType {
    return objectTypeId === this.fromType.id ? this.fromType : this.toType;
  }

  /** The type with this identity from `fromObjectTypeId`'s side, if it is defined for that direction. */
  find(fromObjectTypeId: string, category: AssociationCategory, typeId: number): AssociationType | undefined {
    return this.#byKey.get(`${fromObjectTypeId}>${typeKey(category, typeId)}`);
  }

  /** The unlabeled type of a direction (what PUT default writes). */
  unlabeled(fromObjectTypeId: string): AssociationType | undefined {
    const list = fromObjectTypeId === this.fromObjectTypeId ? this.forward : this.reverse;
    return list.find((t) => t.unlabeled && t.inverseTypeId !== null);
  }

  /** The type written on the other record, or undefined when the type has no inverse. */
  inverseOf(type: AssociationType): AssociationType | undefined {
    if (type.inverseTypeId === null) return undefined;
    if (type.category === 'HUBSPOT_DEFINED') return hubspotDefinedType(type.inverseTypeId);
    return this.find(type.toObjectTypeId, type.category, type.inverseTypeId);
  }

  /** The objects API's name of a stored type. */
  nameOf(fromObjectTypeId: string, category: AssociationCategory, typeId: number): string {
    return this.find(fromObjectTypeId, category, typeId)?.name ?? `${category.toLowerCase()}_${typeId}`;
  }

  /** Display text of a stored type (null for unlabeled or unknown types). */
  labelOf(fromObjectTypeId: string, category: AssociationCategory, typeId: number): string | null {
    return this.find(fromObjectTypeId, category, typeId)?.label ?? null;
  }
}
