/**
 * Categories are stored as small integers: two million association rows spell
 * `HUBSPOT_DEFINED` two million times otherwise. Both adapters use this codec.
 */

/** HubSpot's association categories. Stored rows name them, so the store defines them. */
export const ASSOCIATION_CATEGORIES = [
  'HUBSPOT_DEFINED',
  'USER_DEFINED',
  'INTEGRATOR_DEFINED',
  'WORK',
] as const;
export type AssociationCategory = (typeof ASSOCIATION_CATEGORIES)[number];

const CODES: Record<AssociationCategory, number> = {
  HUBSPOT_DEFINED: 0,
  USER_DEFINED: 1,
  INTEGRATOR_DEFINED: 2,
  WORK: 3,
};

const CATEGORIES = Object.keys(CODES) as AssociationCategory[];

export function categoryCode(category: AssociationCategory): number {
  return CODES[category];
}

export function categoryFromCode(code: number): AssociationCategory {
  const category = CATEGORIES[code];
  if (!category) throw new Error(`Unknown association category code ${code} in the database`);
  return category;
}
