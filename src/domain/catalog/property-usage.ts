/**
 * Whether records hold values that a changed property definition would refuse: a property's
 * type can change only while every value records hold fits the new type (decision D31), so a
 * stored value always passes the check a write of it would get (and an export imports).
 */
import type { ObjectType } from '../object-types.js';
import type { StoreTransaction } from '../../store/store.js';
import type { PropertyDefinition } from './property-types.js';
import { checkValue } from './property-values.js';

const PAGE = 500;

/** The ID of a record (live or archived) whose value of the property `changed` would refuse, if any. */
export async function recordRefusing(
  tx: StoreTransaction,
  portalId: number,
  type: ObjectType,
  changed: PropertyDefinition,
): Promise<number | undefined> {
  return recordWhere(tx, portalId, type, changed.name, (value) => {
    const checked = checkValue(changed, value);
    return 'problem' in checked || checked.value !== value;
  });
}

/** The ID of a record (live or archived) holding a value of the property `name`, if any. */
export async function recordHolding(
  tx: StoreTransaction,
  portalId: number,
  type: ObjectType,
  name: string,
): Promise<number | undefined> {
  return recordWhere(tx, portalId, type, name, () => true);
}

async function recordWhere(
  tx: StoreTransaction,
  portalId: number,
  type: ObjectType,
  name: string,
  matches: (value: string) => boolean,
): Promise<number | undefined> {
  for (const archived of [false, true]) {
    let afterId: number | undefined;
    for (;;) {
      const rows = await tx.listObjects(portalId, {
        objectTypeId: type.id,
        limit: PAGE,
        archived,
        ...(afterId !== undefined && { afterId }),
      });
      for (const row of rows) {
        const value = row.properties[name];
        if (value === undefined || value === null || value === '') continue;
        if (matches(value)) return row.id;
      }
      if (rows.length < PAGE) break;
      afterId = rows[rows.length - 1]!.id;
    }
  }
  return undefined;
}
