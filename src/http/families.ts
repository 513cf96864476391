/**
 * The URL families HubSpot serves the same API under, and where their wire contracts differ
 * (decision D1; each family's spec in spec/). Routes are registered once per family;
 * handlers read status codes and body shapes from here instead of branching on names.
 */

/** How a batch endpoint that removes things answers. */
export type RemovalResponse =
  | 'no-content' // v4: 204
  | 'batch'; // date-versioned: 200 with a batch envelope

export interface BatchStatuses {
  /** Status when every input succeeded. */
  readonly ok: number;
  /** Status when some inputs failed (errors in the body). */
  readonly partial: number;
}

export interface ApiFamily {
  /** `v4`, `2025-09`, `2026-03` or `2026-09`. */
  readonly version: string;
  /** Per-record association paths: `/crm/v4/objects` or `/crm/objects/{version}`. */
  readonly recordsPrefix: string;
  /** Batch and usage paths: `/crm/v4/associations` or `/crm/associations/{version}`. */
  readonly associationsPrefix: string;
  /** Schema API (labels, limits) paths; v4 has two. */
  readonly schemaPrefixes: readonly string[];
  /** Whether the family has `GET …/associations/{toObjectType}` (the 2026-09 GA spec has not). */
  readonly hasList: boolean;
  readonly batchCreate: BatchStatuses;
  readonly batchRead: BatchStatuses;
  readonly removal: RemovalResponse;
  /** Limits (definition configurations) batch create and update. */
  readonly limitsCreate: BatchStatuses;
  readonly limitsUpdate: BatchStatuses;
  /**
   * Unit of `DateTime.value` in the usage report: int64 epoch milliseconds, except in
   * 2026-09 whose spec narrows it to int32, which only epoch seconds fit.
   */
  readonly dateTimeValue: 'epoch-millis' | 'epoch-seconds';
}

const MULTI_STATUS_CREATE: BatchStatuses = { ok: 201, partial: 207 };
const MULTI_STATUS_READ: BatchStatuses = { ok: 200, partial: 207 };
const PLAIN_OK: BatchStatuses = { ok: 200, partial: 200 };

export const V4: ApiFamily = {
  version: 'v4',
  recordsPrefix: '/crm/v4/objects',
  associationsPrefix: '/crm/v4/associations',
  // The SDK calls the schema API under /crm/v4/associations; HubSpot's current spec lists
  // /crm/associations/v4 (decisions D17 and D23). Both are served.
  schemaPrefixes: ['/crm/v4/associations', '/crm/associations/v4'],
  hasList: true,
  batchCreate: MULTI_STATUS_CREATE,
  batchRead: MULTI_STATUS_READ,
  removal: 'no-content',
  limitsCreate: MULTI_STATUS_CREATE,
  limitsUpdate: MULTI_STATUS_READ,
  dateTimeValue: 'epoch-millis',
};

function dated(version: string, overrides: Partial<ApiFamily>): ApiFamily {
  return {
    version,
    recordsPrefix: `/crm/objects/${version}`,
    associationsPrefix: `/crm/associations/${version}`,
    schemaPrefixes: [`/crm/associations/${version}`],
    hasList: true,
    batchCreate: MULTI_STATUS_CREATE,
    batchRead: MULTI_STATUS_READ,
    removal: 'batch',
    limitsCreate: MULTI_STATUS_CREATE,
    limitsUpdate: MULTI_STATUS_READ,
    dateTimeValue: 'epoch-millis',
    ...overrides,
  };
}

export const DATED_FAMILIES: readonly ApiFamily[] = [
  // 2025-09's schema spec answers limit writes with plain 200s.
  dated('2025-09', { limitsCreate: PLAIN_OK, limitsUpdate: PLAIN_OK }),
  dated('2026-03', {}),
  dated('2026-09', {
    hasList: false,
    batchCreate: PLAIN_OK,
    batchRead: PLAIN_OK,
    limitsCreate: PLAIN_OK,
    limitsUpdate: PLAIN_OK,
    dateTimeValue: 'epoch-seconds',
  }),
];

export const ALL_FAMILIES: readonly ApiFamily[] = [V4, ...DATED_FAMILIES];
