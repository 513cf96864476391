/**
 * The registry of CRM object types and the resolver for the names clients use in paths and
 * bodies (decision D6). Standard types are static; custom types (`2-N`) are per
 * portal and come from the schemas the portal defined.
 *
 * Sources: HubSpot's "Understanding the CRM" guide (object type IDs) and the object names
 * used in data/hubspot-defined-association-types.json.
 */
import { unknownObjectType } from './request-errors.js';
export { unknownObjectType };

export interface ObjectType {
  /** `0-N` for standard objects, `2-N` for custom objects. */
  readonly id: string;
  /** The API name used in paths, e.g. `contacts`, `line_items`. */
  readonly name: string;
  /** Lower-case singular, e.g. `contact`, `line_item`. Used in HubSpot's error messages. */
  readonly singular: string;
  /** Whether records of this type can take part in associations. */
  readonly associable: boolean;
  /** Properties returned by a read that names none (HubSpot's default property set). */
  readonly defaultProperties: readonly string[];
  /** Custom objects only: the schema's fully qualified name, e.g. `p4680000_cars`. */
  readonly fullyQualifiedName?: string;
  /** Properties whose values are unique per portal, usable as `idProperty`. */
  readonly uniqueProperties: readonly string[];
  /**
   * Custom objects only: the properties the schema defines, and those a create must set.
   * Standard objects accept any property name.
   */
  readonly schema?: { readonly properties: ReadonlySet<string>; readonly required: readonly string[] };
}

export const SYSTEM_DEFAULTS = ['createdate', 'hs_lastmodifieddate', 'hs_object_id'] as const;

interface StandardTypeSpec {
  id: string;
  name: string;
  singular: string;
  aliases?: string[];
  associable?: boolean;
  defaults?: string[];
}

const STANDARD_TYPE_SPECS: StandardTypeSpec[] = [
  {
    id: '0-1',
    name: 'contacts',
    singular: 'contact',
    defaults: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  },
  {
    id: '0-2',
    name: 'companies',
    singular: 'company',
    defaults: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  },
  {
    id: '0-3',
    name: 'deals',
    singular: 'deal',
    defaults: [
      'amount',
      'closedate',
      'createdate',
      'dealname',
      'dealstage',
      'hs_lastmodifieddate',
      'hs_object_id',
      'pipeline',
    ],
  },
  {
    id: '0-5',
    name: 'tickets',
    singular: 'ticket',
    defaults: [
      'content',
      'createdate',
      'hs_lastmodifieddate',
      'hs_object_id',
      'hs_pipeline',
      'hs_pipeline_stage',
      'hs_ticket_category',
      'hs_ticket_priority',
      'subject',
    ],
  },
  { id: '0-7', name: 'products', singular: 'product', associable: false },
  { id: '0-8', name: 'line_items', singular: 'line_item' },
  { id: '0-14', name: 'quotes', singular: 'quote' },
  { id: '0-18', name: 'communications', singular: 'communication' },
  { id: '0-19', name: 'feedback_submissions', singular: 'feedback_submission' },
  { id: '0-27', name: 'tasks', singular: 'task' },
  { id: '0-35', name: 'campaigns', singular: 'campaign' },
  { id: '0-46', name: 'notes', singular: 'note' },
  { id: '0-47', name: 'meetings', singular: 'meeting' },
  { id: '0-48', name: 'calls', singular: 'call' },
  { id: '0-49', name: 'emails', singular: 'email' },
  { id: '0-53', name: 'invoices', singular: 'invoice' },
  { id: '0-54', name: 'marketing_events', singular: 'marketing_event' },
  { id: '0-69', name: 'subscriptions', singular: 'subscription' },
  // HubSpot's API names goals `goal_targets`; the association table calls them `goal`.
  { id: '0-74', name: 'goal_targets', singular: 'goal', aliases: ['goals', 'goal_target'] },
  { id: '0-84', name: 'discounts', singular: 'discount' },
  { id: '0-85', name: 'fees', singular: 'fee' },
  { id: '0-86', name: 'taxes', singular: 'tax' },
  // The API name is `commerce_payments`; the association table calls them `payment`.
  { id: '0-101', name: 'commerce_payments', singular: 'payment', aliases: ['payments', 'commerce_payment'] },
  { id: '0-115', name: 'users', singular: 'user', associable: false },
  { id: '0-116', name: 'postal_mail', singular: 'postal_mail' },
  { id: '0-123', name: 'orders', singular: 'order' },
  { id: '0-136', name: 'leads', singular: 'lead' },
  { id: '0-142', name: 'carts', singular: 'cart' },
  { id: '0-162', name: 'services', singular: 'service' },
  { id: '0-410', name: 'courses', singular: 'course' },
  { id: '0-420', name: 'listings', singular: 'listing' },
  { id: '0-421', name: 'appointments', singular: 'appointment' },
  { id: '0-970', name: 'projects', singular: 'project' },
];

export const STANDARD_OBJECT_TYPES: readonly ObjectType[] = STANDARD_TYPE_SPECS.map((spec) =>
  Object.freeze({
    id: spec.id,
    name: spec.name,
    singular: spec.singular,
    associable: spec.associable ?? true,
    defaultProperties: spec.defaults ?? SYSTEM_DEFAULTS,
    // A contact's email is unique per portal (HubSpot answers 409 to a second one).
    uniqueProperties: spec.id === '0-1' ? ['email'] : [],
  }),
);

const standardByKey = new Map<string, ObjectType>();
for (const [index, type] of STANDARD_OBJECT_TYPES.entries()) {
  const spec = STANDARD_TYPE_SPECS[index]!;
  for (const key of [type.id, type.name, type.singular, ...(spec.aliases ?? [])]) {
    standardByKey.set(key.toLowerCase(), type);
  }
}

const standardById = new Map(STANDARD_OBJECT_TYPES.map((t) => [t.id, t]));

/** Resolves a standard type by ID or name, case-insensitively; undefined if it is not one. */
export function findStandardObjectType(value: string): ObjectType | undefined {
  return standardByKey.get(value.toLowerCase());
}

export function standardObjectTypeById(id: string): ObjectType | undefined {
  return standardById.get(id);
}

/** The upper-case singular form HubSpot uses in `INVALID_OBJECT_IDS` (`CONTACT=123 is not valid`). */
export function upperName(type: ObjectType): string {
  return type.singular.toUpperCase();
}

const CUSTOM_ID = /^2-\d{1,12}$/;
const SHORT_CUSTOM_NAME = /^p_([a-z0-9_]+)$/i;
const QUALIFIED_CUSTOM_NAME = /^p(\d{1,12})_([a-z0-9_]+)$/i;

/** How a value names a custom object type, if it does. */
export type CustomTypeReference =
  { kind: 'id'; id: string } | { kind: 'name'; name: string; portalId?: number };

export function parseCustomTypeReference(value: string): CustomTypeReference | undefined {
  if (CUSTOM_ID.test(value)) return { kind: 'id', id: value };
  const qualified = QUALIFIED_CUSTOM_NAME.exec(value);
  if (qualified) return { kind: 'name', name: qualified[2]!.toLowerCase(), portalId: Number(qualified[1]) };
  const short = SHORT_CUSTOM_NAME.exec(value);
  if (short) return { kind: 'name', name: short[1]!.toLowerCase() };
  return undefined;
}
