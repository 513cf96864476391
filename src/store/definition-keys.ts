/**
 * Columns that let a unique index enforce "a label name is unique per pair of object types"
 * on both databases: the unordered pair, and which side of a paired label a row is.
 */
import { categoryCode } from './category-codes.js';
import type { DefinitionRow } from './store.js';

export function definitionPairKey(row: Pick<DefinitionRow, 'fromObjectTypeId' | 'toObjectTypeId'>): string {
  const [a, b] = [row.fromObjectTypeId, row.toObjectTypeId].sort();
  return `${a}|${b}`;
}

/** 0 for the lower type ID of a pair (or a label with no inverse), 1 for the higher. */
export function definitionSide(row: Pick<DefinitionRow, 'typeId' | 'inverseTypeId'>): number {
  return row.inverseTypeId !== null && row.inverseTypeId < row.typeId ? 1 : 0;
}

/** The parameters of both adapters' `insertDefinition` statement, in its column order. */
export function definitionParams(portalId: number, row: DefinitionRow): unknown[] {
  return [
    portalId,
    categoryCode(row.category),
    row.typeId,
    row.fromObjectTypeId,
    row.toObjectTypeId,
    row.name,
    row.label,
    row.inverseTypeId,
    row.createdAt,
    definitionPairKey(row),
    definitionSide(row),
  ];
}
