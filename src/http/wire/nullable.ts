/**
 * An integer, or null to clear a setting. One `type` list, not a union: the validator coerces
 * types (integers sent as strings), and in a union it turns null into 0 before the null branch
 * is tried; with a list it coerces only a value that none of the types match.
 */
import { Type } from 'typebox';

export function nullableInteger(minimum: number, maximum: number) {
  return Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum, maximum });
}
