/**
 * What a write reads right after its catalog locks, read by the lock's own statement once the
 * locks are held (spoke_lock_then_read, migration 14; "answered ahead", decision D65): the
 * definitions and limits of the one pair of object types it locks, or else the properties of
 * the one object type it locks and the portal's property validation setting.
 */
import { CATALOG_SQL_NUMBERED as CATALOG_SQL } from '../shared-sql.js';
import type { DefinitionDbRow, LimitDbRow } from '../row-mappers.js';
import type { LockRequest } from '../store.js';

/** A pair's definitions and limits as one statement reads them (unordered). */
export interface PairCatalogRows {
  definitions: DefinitionDbRow[];
  limits: LimitDbRow[];
}

/** What spoke_lock_then_read returns: a pair's catalog, or a type's. */
export interface LockedReads extends PairCatalogRows {
  properties: unknown[];
  validation: string | null;
}

/** The catalog kind of a type's properties, and the setting of how strictly they are checked. */
const PROPERTY_KIND = 'property';
const VALIDATION_SETTING = 'propertyValidation';

/** The key a pair's catalog is answered under, whichever way round the pair is named. */
export function pairKey(portalId: number, a: string, b: string): string {
  return `pair:${portalId}:${a < b ? `${a}|${b}` : `${b}|${a}`}`;
}

/** The key of a catalog read answered ahead (postgres-catalog.ts runs the same text). */
export function catalogKey(sql: string, params: readonly unknown[]): string {
  return `sql:${sql}|${JSON.stringify(params)}`;
}

/** The function's last four arguments for these locks, or undefined when nothing is worth reading. */
export function lockReadArguments(
  locks: readonly LockRequest[],
): [string, string | null, string, string] | undefined {
  const pairs = locks.filter((l) => l.scope === 'pair' && l.key.includes('|'));
  const types = locks.filter((l) => l.scope === 'object-type');
  if (pairs.length === 1) {
    const [a, b] = pairs[0]!.key.split('|') as [string, string];
    return [a, b, PROPERTY_KIND, VALIDATION_SETTING];
  }
  if (types.length === 1) return [types[0]!.key, null, PROPERTY_KIND, VALIDATION_SETTING];
  return undefined;
}

/** The answers the function's row gives, keyed as the reads look them up. */
export function lockedAnswers(
  portalId: number,
  [a, b]: [string, string | null, string, string],
  read: LockedReads,
): Array<[string, unknown]> {
  if (b !== null) return [[pairKey(portalId, a, b), read]];
  return [
    [catalogKey(CATALOG_SQL.listScope, [portalId, PROPERTY_KIND, a]), read.properties],
    [
      catalogKey(CATALOG_SQL.getSetting, [portalId, VALIDATION_SETTING]),
      read.validation === null ? [] : [{ value: read.validation }],
    ],
  ];
}
