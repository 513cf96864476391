/**
 * CRM record bodies on the wire: request schemas and the `SimplePublicObject` family of
 * response shapes.
 */
import { Type, type Static } from 'typebox';
import type { AssociatedIds } from '../../domain/associations/association-io.js';
import { isoTimestamp } from '../../domain/clock.js';
import type { ObjectType } from '../../domain/object-types.js';
import type { HistoryRow, ObjectRow, PropertyMap } from '../../domain/rows.js';
import { AssociationSpecList, IdValue, PublicObjectId } from './associations.js';

const Properties = Type.Record(Type.String(), Type.Unknown());
const Associations = Type.Array(Type.Object({ to: PublicObjectId, types: AssociationSpecList }));

export const ObjectCreateBody = Type.Object({
  properties: Properties,
  associations: Type.Optional(Associations),
  objectWriteTraceId: Type.Optional(Type.String()),
});
export type ObjectCreateBody = Static<typeof ObjectCreateBody>;

export const ObjectUpdateBody = Type.Object({ properties: Properties });
export type ObjectUpdateBody = Static<typeof ObjectUpdateBody>;

export const BatchCreateBody = Type.Object({ inputs: Type.Array(ObjectCreateBody) });
export type BatchCreateBody = Static<typeof BatchCreateBody>;

const BatchUpdateInput = Type.Object({
  id: IdValue,
  idProperty: Type.Optional(Type.String()),
  properties: Properties,
  objectWriteTraceId: Type.Optional(Type.String()),
});
export const BatchUpdateBody = Type.Object({ inputs: Type.Array(BatchUpdateInput) });
export type BatchUpdateBody = Static<typeof BatchUpdateBody>;

export const BatchReadBody = Type.Object({
  inputs: Type.Array(Type.Object({ id: IdValue })),
  properties: Type.Optional(Type.Array(Type.String())),
  propertiesWithHistory: Type.Optional(Type.Array(Type.String())),
  idProperty: Type.Optional(Type.String()),
});
export type BatchReadBody = Static<typeof BatchReadBody>;

export const BatchArchiveBody = Type.Object({ inputs: Type.Array(Type.Object({ id: IdValue })) });
export type BatchArchiveBody = Static<typeof BatchArchiveBody>;

export const MergeBody = Type.Object({ primaryObjectId: IdValue, objectIdToMerge: IdValue });
export type MergeBody = Static<typeof MergeBody>;

export const GdprDeleteBody = Type.Object({ objectId: IdValue, idProperty: Type.Optional(Type.String()) });
export type GdprDeleteBody = Static<typeof GdprDeleteBody>;

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

export interface ValueWithTimestampJson {
  value: string;
  timestamp: string;
  sourceType: string;
}

export interface SimplePublicObjectJson {
  id: string;
  properties: PropertyMap;
  propertiesWithHistory?: Record<string, ValueWithTimestampJson[]>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  objectWriteTraceId?: string;
  associations?: AssociationsJson;
  new?: boolean;
}

export interface ObjectJsonOptions {
  properties?: PropertyMap;
  history?: Map<string, HistoryRow[]>;
  associations?: Map<ObjectType, AssociatedIds>;
  objectWriteTraceId?: string | undefined;
}

export function simplePublicObject(row: ObjectRow, options: ObjectJsonOptions = {}): SimplePublicObjectJson {
  const json: SimplePublicObjectJson = {
    id: String(row.id),
    properties: options.properties ?? row.properties,
    createdAt: isoTimestamp(row.createdAt),
    updatedAt: isoTimestamp(row.updatedAt),
    archived: row.archivedAt !== null,
  };
  if (row.archivedAt !== null) json.archivedAt = isoTimestamp(row.archivedAt);
  if (options.history && options.history.size > 0) json.propertiesWithHistory = historyJson(options.history);
  if (options.objectWriteTraceId !== undefined) json.objectWriteTraceId = options.objectWriteTraceId;
  const associations = options.associations && associationsJson(options.associations);
  if (associations) json.associations = associations;
  return json;
}

function historyJson(history: Map<string, HistoryRow[]>): Record<string, ValueWithTimestampJson[]> {
  const json: Record<string, ValueWithTimestampJson[]> = {};
  for (const [name, entries] of history) {
    // The spec requires a string `value`; a cleared value is an empty string.
    json[name] = entries.map((e) => ({
      value: e.value ?? '',
      timestamp: isoTimestamp(e.timestamp),
      sourceType: e.sourceType,
    }));
  }
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
