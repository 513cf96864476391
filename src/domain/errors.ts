/**
 * The domain's typed errors. Each carries HubSpot's error `category` and the optional
 * `context` / `errors` / `subCategory` fields of HubSpot's error envelope. None of them
 * knows about HTTP: `src/http/error-envelope.ts` maps a category to a status code and
 * renders the JSON, and is the only code that does.
 */
import type { RateLimitPolicyName } from '../store/rate-limit-store.js';

export type ErrorCategory =
  | 'VALIDATION_ERROR'
  | 'INVALID_AUTHENTICATION'
  | 'MISSING_SCOPES'
  | 'OBJECT_NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITS'
  /** The database is unreachable for now; the same request may succeed later (503). */
  | 'SERVICE_UNAVAILABLE'
  /** Spoke's own failure; never expected, always a bug. */
  | 'INTERNAL_ERROR';

/** `context` in HubSpot's envelope: a map of string arrays. */
export type ErrorContext = Record<string, string[]>;

/** One item of the envelope's `errors[]` (HubSpot's `ErrorDetail`). */
export interface ErrorDetail {
  message: string;
  code?: string;
  in?: string;
  subCategory?: string;
  context?: ErrorContext;
}

export interface SpokeErrorOptions {
  context?: ErrorContext;
  errors?: ErrorDetail[];
  subCategory?: string;
}

export class SpokeError extends Error {
  readonly category: ErrorCategory;
  readonly context: ErrorContext | undefined;
  readonly errors: ErrorDetail[] | undefined;
  readonly subCategory: string | undefined;

  constructor(category: ErrorCategory, message: string, options: SpokeErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.category = category;
    this.context = options.context;
    this.errors = options.errors;
    this.subCategory = options.subCategory;
  }
}

export class ValidationError extends SpokeError {
  constructor(message: string, options?: SpokeErrorOptions) {
    super('VALIDATION_ERROR', message, options);
  }
}

export class NotFoundError extends SpokeError {
  constructor(message: string, options?: SpokeErrorOptions) {
    super('OBJECT_NOT_FOUND', message, options);
  }
}

export class ConflictError extends SpokeError {
  constructor(message: string, options?: SpokeErrorOptions) {
    super('CONFLICT', message, options);
  }
}

export class AuthenticationError extends SpokeError {
  constructor(message: string, options?: SpokeErrorOptions) {
    super('INVALID_AUTHENTICATION', message, options);
  }
}

/** HubSpot's wording for a 401; clients and docs quote it. */
export const MISSING_CREDENTIALS_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

// Defined with the counts that name it (the store imports nothing from the domain).
export type { RateLimitPolicyName };

/**
 * Over a rate limit (429). HubSpot's body for it is its own shape (`errorType`,
 * `policyName`, `requestId`); the envelope module renders it.
 */
export class RateLimitError extends SpokeError {
  constructor(
    readonly policyName: RateLimitPolicyName,
    message: string,
  ) {
    super('RATE_LIMITS', message);
  }
}
