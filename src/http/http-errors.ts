/**
 * Errors that exist only at the HTTP level: the transport (malformed requests, sizes, time),
 * routing (404, 405), credentials, the web UI, the v3 associations API's type names, Fastify's
 * own errors, and the armed faults' answers. Listed in docs/errors.md.
 */
import { errorFactory, simpleError, type ErrorConstructor, type ErrorSpec } from '../domain/error-catalog.js';
import { MISSING_CREDENTIALS_MESSAGE, RateLimitError, type RateLimitPolicyName } from '../domain/errors.js';
import type { ObjectType } from '../domain/object-types.js';
import { RATE_LIMIT_MESSAGES } from '../domain/rate-limits/tiers.js';
import { HttpError } from './error-envelope.js';

const asHttpError: ErrorConstructor = (spec, message, options) =>
  new HttpError(spec.status as number, spec.category, message, options);

/** An error with a status of its own (the spec's `status`). */
function httpError<const S extends string>(
  spec: ErrorSpec & { readonly message: S; readonly status: number },
) {
  return simpleError<S, HttpError>(spec, asHttpError);
}

export const requestTimeout = httpError({
  status: 408,
  category: 'VALIDATION_ERROR',
  message: 'The request did not arrive in time',
});

export const headersTooLarge = httpError({
  status: 431,
  category: 'VALIDATION_ERROR',
  message: 'Request headers are too large: at most {max} bytes',
});

export const notHttp = httpError({
  status: 400,
  category: 'VALIDATION_ERROR',
  message: 'The request is not valid HTTP',
});

export const segmentTooLong = httpError({
  status: 414,
  category: 'VALIDATION_ERROR',
  message: 'A path segment is too long',
});

export const malformedUrl = httpError({
  status: 400,
  category: 'VALIDATION_ERROR',
  message: 'Malformed URL: {problem}',
});

export const uploadTooLarge = httpError({
  status: 413,
  category: 'VALIDATION_ERROR',
  message: 'The request body is larger than {limit} bytes ({mib} MiB)',
});

export const bodyTooLarge = httpError({
  status: 413,
  category: 'VALIDATION_ERROR',
  message: 'Request body is too large: this endpoint takes at most {limit} bytes',
});

export const unsupportedContentType = httpError({
  status: 415,
  category: 'VALIDATION_ERROR',
  message: 'Unsupported Content-Type: send request bodies as application/json',
});

export const jsonWithNul = httpError({
  status: 400,
  category: 'VALIDATION_ERROR',
  message: 'Invalid input JSON: strings may not contain NUL (\\u0000)',
});

export const jsonWithPrototypeKeys = httpError({
  status: 400,
  category: 'VALIDATION_ERROR',
  message: 'Invalid input JSON: object keys "__proto__" and "constructor.prototype" are not allowed',
});

export const malformedJson = httpError({
  status: 400,
  category: 'VALIDATION_ERROR',
  message: 'Invalid input JSON on line {line}, column {column}: {problem}',
});

/** A path or query parameter, or a body, that fails the route's schema. */
export const invalidInput = errorFactory(
  { status: 400, category: 'VALIDATION_ERROR', message: 'Invalid input: {problem}' },
  (make, problem: string, where: string) => make({ problem }, { context: { in: [where] } }) as HttpError,
  asHttpError,
);

/** Any other 4xx Fastify raises, with its own status and message. */
export const fastifyClientError = errorFactory(
  { status: '4xx', category: 'VALIDATION_ERROR', message: '{message}' },
  (_make, status: number, message: string) => new HttpError(status, 'VALIDATION_ERROR', message),
);

export const methodNotAllowed = httpError({
  status: 405,
  category: 'VALIDATION_ERROR',
  message: 'Method {method} is not allowed on {path}; use {allowed}',
});

export const noRoute = httpError({
  status: 404,
  category: 'OBJECT_NOT_FOUND',
  message: 'No route for {method} {path}',
});

export const heavyQueueFull = httpError({
  status: 429,
  category: 'RATE_LIMITS',
  message: 'Portal {portalId} has {max} heavy requests waiting already; retry later',
});

/** Over a rate limit: HubSpot's own 429 body (error-envelope.ts renders it). */
export const rateLimited = errorFactory(
  { category: 'RATE_LIMITS', message: 'You have reached your {policy} limit.' },
  (_make, policy: RateLimitPolicyName) => new RateLimitError(policy, RATE_LIMIT_MESSAGES[policy]),
);

export const missingCredentials = simpleError({
  category: 'INVALID_AUTHENTICATION',
  message: MISSING_CREDENTIALS_MESSAGE,
});

export const unknownToken = errorFactory(
  {
    category: 'INVALID_AUTHENTICATION',
    message:
      'The token {prefix}… is not one this Spoke knows: with --tokens or SPOKE_TOKENS, only the tokens listed ' +
      'there (and tokens made with POST /_spoke/portals) are accepted',
  },
  (make, token: string) => make({ prefix: token.slice(0, 6) }),
);

export const adminTokenRequired = simpleError({
  category: 'INVALID_AUTHENTICATION',
  message: 'The admin API needs Authorization: Bearer <admin token> (see --admin-token)',
});

export const accessTokenNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'The access token was not found or has expired' },
  (make) => make({}, { context: { token: ['unknown'] } }),
);

export const uiNotBuilt = httpError({
  status: 503,
  category: 'INTERNAL_ERROR',
  message: 'The web UI is not built: run `npm run build` (it writes dist/ui), then reload',
});

export const noUiFile = httpError({
  status: 404,
  category: 'OBJECT_NOT_FOUND',
  message: 'No UI file {path}',
});

export const unknownV3AssociationType = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'Unknown association type "{name}" from {from} to {to}; known: {known}',
  },
  (make, name: string, from: ObjectType, to: ObjectType, known: readonly string[]) =>
    make(
      { name, from: from.singular, to: to.singular, known: known.join(', ') },
      { context: { type: [name] } },
    ),
);

export const databaseUnavailable = simpleError({
  category: 'SERVICE_UNAVAILABLE',
  message: 'The database is unavailable (it restarted or dropped the connection); retry the request',
});

/** Spoke's own failure: never expected, always a bug (logged with its cause). */
export const internalError = simpleError({ category: 'INTERNAL_ERROR', message: 'internal error' });

export const badGateway = httpError({ status: 502, category: 'INTERNAL_ERROR', message: 'Bad Gateway' });

export const serviceUnavailable = httpError({
  status: 503,
  category: 'SERVICE_UNAVAILABLE',
  message: 'Service Unavailable',
});

export const gatewayTimeout = httpError({
  status: 504,
  category: 'INTERNAL_ERROR',
  message: 'Gateway Timeout',
});

export const faultInternalError = httpError({
  status: 500,
  category: 'INTERNAL_ERROR',
  message: 'internal error',
});
