/**
 * The checks an export document's values go through on import, each failing with a 400 that
 * names where in the document the problem is.
 */
import { invalidExportDocument } from './harness-errors.js';
import { isAssociationCategory, type AssociationCategory } from '../association-types.js';

export function fail(message: string): never {
  throw invalidExportDocument({ problem: message });
}

export function time(value: unknown, where: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) fail(`${where} is not an ISO 8601 time`);
  return ms;
}

export function recordId(value: unknown, where: string): number {
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value) || Number(value) > Number.MAX_SAFE_INTEGER)
    fail(`${where} is not a record ID`);
  return Number(value);
}

export function category(value: unknown, where: string): AssociationCategory {
  if (!isAssociationCategory(value)) fail(`${where} has an unknown category ${JSON.stringify(value)}`);
  return value;
}

export type Loose = Record<string, unknown> | null | undefined;
export const asLoose = (value: unknown): Loose => value as Loose;
