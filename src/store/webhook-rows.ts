/**
 * The webhooks role's rows (apps, subscriptions, outbox events, delivery attempts) and how a
 * database row of either adapter maps to them (integers may come back as strings or
 * bigints, booleans as 0/1).
 */

export interface AppRow {
  readonly appId: number;
  readonly portalId: number;
  readonly name: string;
  readonly clientSecret: string;
  readonly developerApiKey: string;
  readonly targetUrl: string | null;
  readonly maxConcurrentRequests: number;
  readonly signatureVersion: 'v1' | 'v2';
  readonly settingsCreatedAt: number | null;
  readonly settingsUpdatedAt: number | null;
  readonly createdAt: number;
}

export interface SubscriptionRow {
  readonly id: number;
  readonly appId: number;
  readonly eventType: string;
  readonly objectTypeId: string | null;
  readonly propertyName: string | null;
  /** The spec's `eventTypeName` (custom event types), kept and echoed as given. */
  readonly eventTypeName: string | null;
  readonly active: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** An event waiting in the outbox (or delivered, or given up on). */
export interface EventRow {
  readonly id: number;
  readonly appId: number;
  readonly portalId: number;
  readonly subscriptionId: number;
  readonly subscriptionType: string;
  readonly objectId: number;
  readonly occurredAt: number;
  /** The event's other fields (propertyName, associationType, changeSource, ...). */
  readonly fields: Record<string, unknown>;
  /** Failed attempts so far: the next POST carries this as `attemptNumber`. */
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly status: 'pending' | 'delivered' | 'failed';
}

export type NewEvent = Omit<EventRow, 'id' | 'attempts' | 'status'>;

export interface AttemptRow {
  readonly id: number;
  readonly appId: number;
  readonly eventIds: readonly number[];
  readonly attemptNumber: number;
  readonly url: string;
  readonly startedAt: number;
  readonly durationMs: number;
  /** The receiver's status code; null when no response came (refused, timed out). */
  readonly statusCode: number | null;
  readonly ok: boolean;
  readonly error: string | null;
  /** The first 2,000 characters of the response body. */
  readonly responseBody: string | null;
  readonly requestBody: string;
}

export type NewAttempt = Omit<AttemptRow, 'id'>;

const bool = (v: unknown) => v === true || v === 1 || v === '1';
export const num = (v: unknown) => Number(v);
export const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function toApp(r: Record<string, unknown>): AppRow {
  return {
    appId: num(r.app_id),
    portalId: num(r.portal_id),
    name: String(r.name),
    clientSecret: String(r.client_secret),
    developerApiKey: String(r.developer_api_key),
    targetUrl: (r.target_url as string | null) ?? null,
    maxConcurrentRequests: num(r.max_concurrent),
    signatureVersion: r.signature_version === 'v2' ? 'v2' : 'v1',
    settingsCreatedAt: numOrNull(r.settings_created_at),
    settingsUpdatedAt: numOrNull(r.settings_updated_at),
    createdAt: num(r.created_at),
  };
}

export function toSubscription(r: Record<string, unknown>): SubscriptionRow {
  return {
    id: num(r.id),
    appId: num(r.app_id),
    eventType: String(r.event_type),
    objectTypeId: (r.object_type_id as string | null) ?? null,
    propertyName: (r.property_name as string | null) ?? null,
    eventTypeName: (r.event_type_name as string | null) ?? null,
    active: bool(r.active),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

export function toEvent(r: Record<string, unknown>): EventRow {
  return {
    id: num(r.id),
    appId: num(r.app_id),
    portalId: num(r.portal_id),
    subscriptionId: num(r.subscription_id),
    subscriptionType: String(r.subscription_type),
    objectId: num(r.object_id),
    occurredAt: num(r.occurred_at),
    fields: JSON.parse(String(r.fields)) as Record<string, unknown>,
    attempts: num(r.attempts),
    nextAttemptAt: num(r.next_attempt_at),
    status: r.status as EventRow['status'],
  };
}

export function toAttempt(r: Record<string, unknown>): AttemptRow {
  return {
    id: num(r.id),
    appId: num(r.app_id),
    eventIds: JSON.parse(String(r.event_ids)) as number[],
    attemptNumber: num(r.attempt_number),
    url: String(r.url),
    startedAt: num(r.started_at),
    durationMs: num(r.duration_ms),
    statusCode: numOrNull(r.status_code),
    ok: bool(r.ok),
    error: (r.error as string | null) ?? null,
    responseBody: (r.response_body as string | null) ?? null,
    requestBody: String(r.request_body),
  };
}
