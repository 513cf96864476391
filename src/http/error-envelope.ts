/**
 * HubSpot's error envelope, built here and nowhere else (decisions D4 and D5):
 *   {"status":"error","message":…,"correlationId":<uuid>,"category":…,
 *    "context"?, "errors"?, "subCategory"?}
 * plus the `StandardError` items of batch responses. Domain errors carry the category;
 * this module maps it to the HTTP status.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';
import {
  RateLimitError,
  SpokeError,
  type ErrorCategory,
  type ErrorContext,
  type ErrorDetail,
} from '../domain/errors.js';

export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

const STATUS_BY_CATEGORY: Record<ErrorCategory, number> = {
  VALIDATION_ERROR: 400,
  INVALID_AUTHENTICATION: 401,
  MISSING_SCOPES: 403,
  OBJECT_NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITS: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * An error that exists only at the HTTP level (405, 413, 415, ...): it has a status of its
 * own, and the category HubSpot's spec requires on every error body.
 */
export class HttpError extends SpokeError {
  constructor(
    readonly statusCode: number,
    category: ErrorCategory,
    message: string,
    options?: ConstructorParameters<typeof SpokeError>[2],
  ) {
    super(category, message, options);
  }
}

export function statusOf(error: SpokeError): number {
  return error instanceof HttpError ? error.statusCode : STATUS_BY_CATEGORY[error.category];
}

export interface ErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: ErrorCategory;
  subCategory?: string;
  context?: ErrorContext;
  errors?: ErrorDetail[];
}

/**
 * HubSpot's 429 body, in HubSpot's field order (its documented example), plus the
 * `category` HubSpot's specs require of every error body (docs/decisions.md, "Rate limits and faults").
 */
export interface RateLimitBody {
  status: 'error';
  message: string;
  errorType: 'RATE_LIMIT';
  correlationId: string;
  policyName: string;
  requestId: string;
  category: ErrorCategory;
}

export function errorBody(
  error: SpokeError,
  correlationId: string = randomUUID(),
): ErrorBody | RateLimitBody {
  if (error instanceof RateLimitError) {
    return {
      status: 'error',
      message: error.message,
      errorType: 'RATE_LIMIT',
      correlationId,
      policyName: error.policyName,
      requestId: randomUUID(),
      category: error.category,
    };
  }
  const body: ErrorBody = {
    status: 'error',
    message: error.message,
    correlationId,
    category: error.category,
  };
  if (error.subCategory !== undefined) body.subCategory = error.subCategory;
  if (error.context !== undefined) body.context = error.context;
  if (error.errors !== undefined) body.errors = error.errors;
  return body;
}

/** The error each request was answered with, for the request log (http/request-log.ts). */
const answeredErrors = new WeakMap<object, { message: string; correlationId: string }>();

export function answeredError(request: object): { message: string; correlationId: string } | undefined {
  return answeredErrors.get(request);
}

export function sendError(reply: FastifyReply, error: SpokeError): FastifyReply {
  const correlationId = randomUUID();
  answeredErrors.set(reply.request, { message: error.message, correlationId });
  return reply
    .code(statusOf(error))
    .type(JSON_CONTENT_TYPE)
    .header('x-hubspot-correlation-id', correlationId)
    .send(errorBody(error, correlationId));
}

/**
 * A whole HTTP response, for errors Node's parser raises before Fastify has a request to
 * reply to (oversized headers, a request too slow to arrive, bytes that are not HTTP).
 */
export function rawErrorResponse(error: HttpError): string {
  const correlationId = randomUUID();
  const body = JSON.stringify(errorBody(error, correlationId));
  return [
    `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode] ?? 'Error'}`,
    `Content-Type: ${JSON_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-hubspot-correlation-id: ${correlationId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** An item of a batch response's `errors[]` (HubSpot's `StandardError`; decision D15). */
export interface StandardErrorBody {
  status: 'error';
  category: ErrorCategory;
  subCategory?: string;
  message: string;
  context: ErrorContext;
  errors: ErrorDetail[];
  links: Record<string, string>;
}

/**
 * The spec types `StandardError.subCategory` as an object, while HubSpot's captured wire
 * sends a string on the item itself (batch read's `crm.associations.NO_ASSOCIATIONS_FOUND`).
 * The wire wins: the string goes where HubSpot puts it (docs/decisions.md, "Wire format").
 */
export function standardError(error: SpokeError): StandardErrorBody {
  return {
    status: 'error',
    category: error.category,
    ...(error.subCategory !== undefined && { subCategory: error.subCategory }),
    message: error.message,
    context: error.context ?? {},
    errors: [...(error.errors ?? [])],
    links: {},
  };
}
