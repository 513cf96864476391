/**
 * Database rows → store rows, shared by both adapters: both use the same column names, and
 * both store properties as JSON text and categories as small integers.
 */
import { categoryFromCode } from './category-codes.js';
import type {
  AssociationRow,
  DefinitionRow,
  HistoryRow,
  LimitRow,
  ObjectRow,
  SchemaRow,
  SnapshotInfo,
  TokenRow,
} from './store.js';

export interface ObjectDbRow {
  id: number;
  object_type: string;
  properties: string;
  created_at: number;
  updated_at: number;
  archived_at: number | null;
}

export interface AssociationDbRow {
  from_type: string;
  from_id: number;
  to_type: string;
  to_id: number;
  category: number;
  type_id: number;
}

export interface DefinitionDbRow {
  category: number;
  type_id: number;
  from_type: string;
  to_type: string;
  name: string;
  label: string | null;
  inverse_type_id: number | null;
  created_at: number;
}

export interface LimitDbRow {
  category: number;
  type_id: number;
  from_type: string;
  to_type: string;
  max_to_object_ids: number;
}

export function toObjectRow(row: ObjectDbRow): ObjectRow {
  return {
    id: row.id,
    objectTypeId: row.object_type,
    properties: JSON.parse(row.properties) as ObjectRow['properties'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
  };
}

export function toAssociationRow(row: AssociationDbRow): AssociationRow {
  return {
    fromObjectTypeId: row.from_type,
    fromId: row.from_id,
    toObjectTypeId: row.to_type,
    toId: row.to_id,
    category: categoryFromCode(row.category),
    typeId: row.type_id,
  };
}

export function toDefinitionRow(row: DefinitionDbRow): DefinitionRow {
  return {
    category: categoryFromCode(row.category),
    typeId: row.type_id,
    fromObjectTypeId: row.from_type,
    toObjectTypeId: row.to_type,
    name: row.name,
    label: row.label,
    inverseTypeId: row.inverse_type_id,
    createdAt: row.created_at,
  };
}

export function toLimitRow(row: LimitDbRow): LimitRow {
  return {
    category: categoryFromCode(row.category),
    typeId: row.type_id,
    fromObjectTypeId: row.from_type,
    toObjectTypeId: row.to_type,
    maxToObjectIds: row.max_to_object_ids,
  };
}

export interface HistoryDbRow {
  object_id: number;
  name: string;
  value: string | null;
  timestamp: number;
  source_type: string;
}

export function toHistoryRow(row: HistoryDbRow): HistoryRow {
  return {
    objectId: row.object_id,
    name: row.name,
    value: row.value,
    timestamp: row.timestamp,
    sourceType: row.source_type,
  };
}

export interface SchemaDbRow {
  object_type_id: string;
  name: string;
  definition: string;
  created_at: number;
  updated_at: number;
  archived_at: number | null;
}

export function toSchemaRow(row: SchemaDbRow): SchemaRow {
  return {
    objectTypeId: row.object_type_id,
    name: row.name,
    definition: JSON.parse(row.definition) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
  };
}

export interface TokenDbRow {
  token: string;
  portal_id: number;
  user_email: string;
  user_id: number;
  scopes: string;
  created_at: number;
  app_id?: number | null;
}

export function toTokenRow(row: TokenDbRow): TokenRow {
  return {
    token: row.token,
    portalId: row.portal_id,
    user: row.user_email,
    userId: row.user_id,
    scopes: JSON.parse(row.scopes) as string[],
    createdAt: row.created_at,
    ...(row.app_id != null && { appId: Number(row.app_id) }),
  };
}

export interface SnapshotDbRow {
  name: string;
  created_at: number;
  records: number;
  associations: number;
}

export function toSnapshotInfo(row: SnapshotDbRow): SnapshotInfo {
  return { name: row.name, createdAt: row.created_at, records: row.records, associations: row.associations };
}
