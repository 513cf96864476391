/**
 * CRM record bodies on the wire: request schemas and the `SimplePublicObject` shapes.
 */
import { Type, type Static } from 'typebox';
import type { AssociatedIds } from '../../domain/associations/association-service.js';
import { isoTimestamp } from '../../domain/clock.js';
import type { ObjectType } from '../../domain/object-types.js';
import type { ObjectRow, PropertyMap } from '../../store/store.js';
import { AssociationSpecList, PublicObjectId } from './associations.js';

export const ObjectCreateBody = Type.Object({
  properties: Type.Record(Type.String(), Type.Unknown()),
  associations: Type.Optional(Type.Array(Type.Object({ to: PublicObjectId, types: AssociationSpecList }))),
});
export type ObjectCreateBody = Static<typeof ObjectCreateBody>;

/**
 * A query parameter that takes a list: repeated keys (`properties=a&properties=b`, what the
 * official client sends) or commas (`properties=a,b`, what other clients send).
 */
export function listParam(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

export const ListQueryParam = Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())]));

export interface SimplePublicObjectJson {
  id: string;
  properties: PropertyMap;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export function simplePublicObject(
  row: ObjectRow,
  properties: PropertyMap = row.properties,
): SimplePublicObjectJson {
  const json: SimplePublicObjectJson = {
    id: String(row.id),
    properties,
    createdAt: isoTimestamp(row.createdAt),
    updatedAt: isoTimestamp(row.updatedAt),
    archived: row.archivedAt !== null,
  };
  if (row.archivedAt !== null) json.archivedAt = isoTimestamp(row.archivedAt);
  return json;
}

export interface AssociationsJson {
  [toTypeName: string]: {
    results: Array<{ id: string; type: string }>;
    paging?: { next: { after: string } };
  };
}

/** The `associations` map of `SimplePublicObjectWithAssociations`, keyed by the type's API name. */
export function associationsJson(associations: Map<ObjectType, AssociatedIds>): AssociationsJson | undefined {
  if (associations.size === 0) return undefined;
  const json: AssociationsJson = {};
  for (const [type, ids] of associations) {
    json[type.name] = {
      results: ids.results.map((r) => ({ id: String(r.id), type: r.type })),
      ...(ids.after !== undefined && { paging: { next: { after: ids.after } } }),
    };
  }
  return json;
}
