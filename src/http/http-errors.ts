/**
 * Errors that exist only at the HTTP level: the transport (malformed requests, sizes, time),
 * routing (404, 405), credentials, the web UI, the v3 associations API's type names, Fastify's
 * own errors, and the armed faults' answers. Listed in docs/errors.md.
 */
import {
  errorFactory,
  simpleError,
  simpleErrors,
  type ErrorConstructor,
  type ErrorFactory,
  type MessageValues,
} from '../domain/error-catalog.js';
import {
  MISSING_CREDENTIALS_MESSAGE,
  RateLimitError,
  type ErrorCategory,
  type RateLimitPolicyName,
  type SpokeErrorOptions,
} from '../domain/errors.js';
import type { ObjectType } from '../domain/object-types.js';
import { RATE_LIMIT_MESSAGES } from '../domain/rate-limits/tiers.js';
import { HttpError } from './error-envelope.js';

const asHttpError: ErrorConstructor = (spec, message, options) =>
  new HttpError(spec.status as number, spec.category, message, options);

/** Errors with a status of their own, not their category's: `name: [status, message]`. */
function httpErrors<const T extends Record<string, readonly [number, string]>>(
  category: ErrorCategory,
  table: T,
) {
  type Factories = {
    readonly [K in keyof T]: ErrorFactory<
      [values: MessageValues<T[K][1]>, options?: SpokeErrorOptions],
      HttpError
    >;
  };
  const entries = Object.entries(table).map(([name, [status, message]]) => [
    name,
    simpleError({ status, category, message }, asHttpError),
  ]);
  return Object.fromEntries(entries) as unknown as Factories;
}

export const {
  notHttp,
  malformedUrl,
  jsonWithNul,
  jsonWithPrototypeKeys,
  malformedJson,
  methodNotAllowed,
  requestTimeout,
  uploadTooLarge,
  bodyTooLarge,
  segmentTooLong,
  unsupportedContentType,
  headersTooLarge,
} = httpErrors('VALIDATION_ERROR', {
  notHttp: [400, 'The request is not valid HTTP'],
  malformedUrl: [400, 'Malformed URL: {problem}'],
  jsonWithNul: [400, 'Invalid input JSON: strings may not contain NUL (\\u0000)'],
  jsonWithPrototypeKeys: [
    400,
    'Invalid input JSON: object keys "__proto__" and "constructor.prototype" are not allowed',
  ],
  malformedJson: [400, 'Invalid input JSON on line {line}, column {column}: {problem}'],
  methodNotAllowed: [405, 'Method {method} is not allowed on {path}; use {allowed}'],
  requestTimeout: [408, 'The request did not arrive in time'],
  uploadTooLarge: [413, 'The request body is larger than {limit} bytes ({mib} MiB)'],
  bodyTooLarge: [413, 'Request body is too large: this endpoint takes at most {limit} bytes'],
  segmentTooLong: [414, 'A path segment is too long'],
  unsupportedContentType: [415, 'Unsupported Content-Type: send request bodies as application/json'],
  headersTooLarge: [431, 'Request headers are too large: at most {max} bytes'],
});

export const { noRoute, noUiFile } = httpErrors('OBJECT_NOT_FOUND', {
  noRoute: [404, 'No route for {method} {path}'],
  noUiFile: [404, 'No UI file {path}'],
});

export const { heavyQueueFull } = httpErrors('RATE_LIMITS', {
  heavyQueueFull: [429, 'Portal {portalId} has {max} heavy requests waiting already; retry later'],
});

/** The armed faults' answers (the 5xx messages of HubSpot's edge and API), and the UI's. */
export const { faultInternalError, badGateway, gatewayTimeout, uiNotBuilt } = httpErrors('INTERNAL_ERROR', {
  faultInternalError: [500, 'internal error'],
  badGateway: [502, 'Bad Gateway'],
  gatewayTimeout: [504, 'Gateway Timeout'],
  uiNotBuilt: [503, 'The web UI is not built: run `npm run build` (it writes dist/ui), then reload'],
});

export const { serviceUnavailable } = httpErrors('SERVICE_UNAVAILABLE', {
  serviceUnavailable: [503, 'Service Unavailable'],
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

/** Over a rate limit: HubSpot's own 429 body (error-envelope.ts renders it). */
export const rateLimited = errorFactory(
  { category: 'RATE_LIMITS', message: 'You have reached your {policy} limit.' },
  (_make, policy: RateLimitPolicyName) => new RateLimitError(policy, RATE_LIMIT_MESSAGES[policy]),
);

export const { missingCredentials, adminTokenRequired } = simpleErrors('INVALID_AUTHENTICATION', {
  missingCredentials: MISSING_CREDENTIALS_MESSAGE,
  adminTokenRequired: 'The admin API needs Authorization: Bearer <admin token> (see --admin-token)',
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

export const accessTokenNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'The access token was not found or has expired' },
  (make) => make({}, { context: { token: ['unknown'] } }),
);

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
