/**
 * Association types ("definitions"): HubSpot's built-in HUBSPOT_DEFINED table, and the model
 * shared with the portal's own labels. Type IDs are directional (contact→company 279,
 * company→contact 280) and namespaced per category, so a type is always keyed by
 * (category, typeId), never by typeId alone: portals' USER_DEFINED IDs are small numbers that
 * collide with HUBSPOT_DEFINED ones (HubSpot's "Associate records" guide).
 *
 * The table is data/hubspot-defined-association-types.json (beside this file), transcribed
 * from HubSpot's "Association type ID values" tables. Its `inverseTypeId` is derived (adjacent IDs).
 */
import table from './data/hubspot-defined-association-types.json' with { type: 'json' };

// Defined beside the rows that store them (the store imports nothing from the domain).
import { ASSOCIATION_CATEGORIES, type AssociationCategory } from '../store/category-codes.js';
export { ASSOCIATION_CATEGORIES, type AssociationCategory };

export function isAssociationCategory(value: unknown): value is AssociationCategory {
  return typeof value === 'string' && (ASSOCIATION_CATEGORIES as readonly string[]).includes(value);
}

/** One directional association type, as the rules see it. */
export interface AssociationType {
  readonly category: AssociationCategory;
  readonly typeId: number;
  readonly fromObjectTypeId: string;
  readonly toObjectTypeId: string;
  /** Display text; `null` for an unlabeled type. */
  readonly label: string | null;
  /** The type written on the other record, or null when HubSpot defines none. */
  readonly inverseTypeId: number | null;
  /** The unlabeled ("default") type of its direction. */
  readonly unlabeled: boolean;
  /** A Primary type (decision D11). */
  readonly primary: boolean;
  /** For a Primary type: true on the side whose record may have only one such association. */
  readonly primaryOwner: boolean;
  /**
   * The snake_case name the objects API uses in `associations.*.results[].type`
   * (`contact_to_company`, `contact_to_company_unlabeled`); a label's internal name.
   */
  readonly name: string;
}

interface TableRow {
  typeId: number;
  docName: string;
  fromObject: string;
  toObject: string;
  fromObjectTypeId: string | null;
  toObjectTypeId: string | null;
  qualifiers: string[];
  inverseTypeId: number | null;
  isPrimary: boolean;
  isUnlabeledDefault: boolean;
}

/**
 * The record that may hold only one Primary association is the non-company side of
 * "primary company" types (contact, deal, ticket, order, lead, project), and the lead for
 * the lead's primary contact and primary deal. The docs' names are ambiguous here
 * ("Company to primary contact" is the inverse of 1), so the owners are listed.
 */
const PRIMARY_OWNER_TYPE_IDS = new Set([1, 5, 26, 509, 578, 580, 582, 1299]);

function titleCase(word: string): string {
  return word.replace(/\b[a-z]/g, (c) => c.toUpperCase());
}

/**
 * Label text for labeled HUBSPOT_DEFINED types. Primary labels follow HubSpot's 2024-02-19
 * rename ("Contact with Primary Company", changelog "Changes to primary labels for
 * HubSpot-defined association labels"); the other texts are derived from the docs' names.
 */
function labelFor(row: TableRow): string | null {
  if (row.isUnlabeledDefault) return null;
  if (row.isPrimary) {
    const owner = PRIMARY_OWNER_TYPE_IDS.has(row.typeId);
    const subject = owner ? row.fromObject : row.toObject;
    const primaryOf = owner ? row.toObject : row.fromObject;
    return `${titleCase(subject)} with Primary ${titleCase(primaryOf)}`;
  }
  switch (row.typeId) {
    case 13:
      return 'Child Company';
    case 14:
      return 'Parent Company';
    default: {
      const qualifier = row.qualifiers[0] ?? '';
      const qualified =
        row.qualifiers.length > 0 && row.docName.toLowerCase().includes(`${qualifier} ${row.toObject}`);
      const noun = qualified ? row.toObject : row.fromObject;
      return `${titleCase(qualifier)} ${noun}`.replace(/^\w/, (c) => c.toUpperCase());
    }
  }
}

function snake(text: string): string {
  return text
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .trim()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/**
 * Names as HubSpot's v3 objects API spells them: a Primary type is `contact_to_company`, and
 * the unlabeled type of a pair that also has a Primary type carries `_unlabeled`.
 */
function nameFor(row: TableRow, pairsWithPrimary: Set<string>): string {
  const direct = `${snake(row.fromObject)}_to_${snake(row.toObject)}`;
  if (row.isPrimary) return direct;
  if (row.isUnlabeledDefault) {
    const pair = [row.fromObjectTypeId, row.toObjectTypeId].sort().join('|');
    return pairsWithPrimary.has(pair) ? `${direct}_unlabeled` : direct;
  }
  return snake(row.docName);
}

function buildHubSpotDefined(): AssociationType[] {
  const rows = (table as { types: TableRow[] }).types;
  const pairsWithPrimary = new Set(
    rows.filter((r) => r.isPrimary).map((r) => [r.fromObjectTypeId, r.toObjectTypeId].sort().join('|')),
  );
  const types: AssociationType[] = [];
  for (const row of rows) {
    // Rows naming objects without a type ID (threads, payment links, ...) cannot be addressed.
    if (!row.fromObjectTypeId || !row.toObjectTypeId) continue;
    types.push(
      Object.freeze({
        category: 'HUBSPOT_DEFINED',
        typeId: row.typeId,
        fromObjectTypeId: row.fromObjectTypeId,
        toObjectTypeId: row.toObjectTypeId,
        label: labelFor(row),
        inverseTypeId: row.inverseTypeId,
        unlabeled: row.isUnlabeledDefault,
        primary: row.isPrimary,
        primaryOwner: row.isPrimary && PRIMARY_OWNER_TYPE_IDS.has(row.typeId),
        name: nameFor(row, pairsWithPrimary),
      }),
    );
  }
  return types;
}

export const HUBSPOT_DEFINED_TYPES: readonly AssociationType[] = buildHubSpotDefined();

const hubspotById = new Map(HUBSPOT_DEFINED_TYPES.map((t) => [t.typeId, t]));
const hubspotByPair = new Map<string, AssociationType[]>();
for (const type of HUBSPOT_DEFINED_TYPES) {
  const key = pairKey(type.fromObjectTypeId, type.toObjectTypeId);
  const list = hubspotByPair.get(key) ?? [];
  list.push(type);
  hubspotByPair.set(key, list);
}

export function pairKey(fromObjectTypeId: string, toObjectTypeId: string): string {
  return `${fromObjectTypeId}|${toObjectTypeId}`;
}

export function hubspotDefinedType(typeId: number): AssociationType | undefined {
  return hubspotById.get(typeId);
}

/** HUBSPOT_DEFINED types from one object type to another, in the table's order. */
export function hubspotDefinedTypesBetween(
  fromObjectTypeId: string,
  toObjectTypeId: string,
): readonly AssociationType[] {
  return hubspotByPair.get(pairKey(fromObjectTypeId, toObjectTypeId)) ?? [];
}

/** Identity of a type: category and ID together. */
export function typeKey(category: AssociationCategory, typeId: number): string {
  return `${category}:${typeId}`;
}
