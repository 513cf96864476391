/**
 * Builds the Spoke HTTP app without listening. The pipeline, in order:
 *   1. JSON body parsing (HubSpot's malformed-JSON message, prototype-poisoning guard)
 *   2. bearer-token authentication → request.portalId          (http/auth.ts)
 *      then HubSpot's rate limits, when a portal has them        (http/rate-limits.ts)
 *      then faults a test armed                                  (http/faults.ts)
 *   3. Fastify's schema validation of params, query and body
 *   4. route handlers, one file per API family                  (http/routes/)
 *   5. errors → HubSpot's envelope, the only place error JSON is built (http/error-envelope.ts)
 *   6. unknown routes → 404, known paths with another method → 405
 */
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyServerOptions,
  type onSendHookHandler,
} from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { ValidationMode } from './domain/catalog/record-validator.js';
import type { SearchOptions } from './domain/search/search-options.js';
import type { ControllableClock } from './domain/clock.js';
import { SpokeError } from './domain/errors.js';
import type { TokenGrant } from './domain/portals.js';
import type { RecordIdPolicy } from './domain/record-ids.js';
import { createDomain, type Domain } from './domain/services.js';
import { registerFairAdmission } from './http/admission.js';
import { registerBearerAuth } from './http/auth.js';
import { sendError } from './http/error-envelope.js';
import {
  bodyTooLarge,
  databaseUnavailable,
  fastifyClientError,
  internalError,
  invalidInput,
  methodNotAllowed,
  noRoute,
  unsupportedContentType,
} from './http/http-errors.js';
import { ALL_FAMILIES } from './http/families.js';
import { parseJsonBody } from './http/json-body.js';
import { registerRateLimits } from './http/rate-limits.js';
import { registerFaults } from './http/faults.js';
import { checkRequestParams } from './http/request-params.js';
import { registerRequestLog } from './http/request-log.js';
import { createLazyCompilers } from './http/lazy-compilers.js';
import {
  DEFAULT_TRANSPORT_LIMITS,
  drainOnClose,
  transportOptions,
  type TransportLimits,
} from './http/transport.js';
import { registerAssociationBatchRoutes } from './http/routes/association-batch.js';
import { registerAssociationRecordRoutes } from './http/routes/association-records.js';
import { registerAssociationSchemaRoutes } from './http/routes/association-schema.js';
import { registerAssociationsV3Routes } from './http/routes/associations-v3.js';
import {
  OBJECT_FAMILIES,
  registerObjectRoutes,
  registerRecordLifecycleRoutes,
} from './http/routes/objects.js';
import { isSearchUrl, registerSearchRoutes } from './http/routes/search.js';
import { registerAdminSearchRoutes } from './http/routes/admin-search.js';
import { registerActivityLog } from './http/activity-log.js';
import { registerActivityRoutes } from './http/routes/activity.js';
import { registerAdminRoutes } from './http/routes/admin.js';
import { registerInspectRoutes } from './http/routes/inspect.js';
import { registerUiRoutes } from './http/routes/ui.js';
import { registerOAuthRoutes } from './http/routes/oauth.js';
import { registerAdminCatalogRoutes } from './http/routes/admin-catalog.js';
import { registerOwnerRoutes } from './http/routes/owners.js';
import { registerPipelineRoutes } from './http/routes/pipelines.js';
import { registerPropertyRoutes } from './http/routes/properties.js';
import { registerRateLimitRoutes } from './http/routes/rate-limits.js';
import { registerFaultRoutes } from './http/routes/faults.js';
import { registerSchemaRoutes } from './http/routes/schemas.js';
import { registerWebhookAdminRoutes } from './http/routes/webhooks-admin.js';
import { registerWebhookRoutes } from './http/routes/webhooks.js';
import { httpTransport } from './http/webhook-transport.js';
import { WebhookDispatcher, type WebhookTransport } from './domain/webhooks/webhook-dispatcher.js';
import { NO_PEERS, type Peers } from './domain/peers.js';
import { StoreUnavailableError } from './store/store-errors.js';
import type { Store } from './store/store.js';

export interface AppOptions {
  readonly store: Store;
  readonly clock?: ControllableClock;
  readonly recordIds?: RecordIdPolicy;
  /** Tokens from configuration; when given, only these (and admin-made ones) are accepted. */
  readonly tokens?: ReadonlyMap<string, TokenGrant>;
  /** When set, the admin API (/_spoke/…) needs this bearer token. */
  readonly adminToken?: string;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit?: number;
  readonly logger?: FastifyServerOptions['logger'];
  /** Called with every response before it is sent (the test suite's contract check). */
  readonly onSend?: onSendHookHandler;
  /** Request and keep-alive timeouts (defaults: 30 s and 72 s). */
  readonly transport?: TransportLimits;
  /** Property validation for portals that have not chosen (default strict). */
  readonly propertyValidation?: ValidationMode;
  /** Search's default indexing lag and filter limits. */
  readonly search?: SearchOptions;
  /** The built web UI (default: dist/ui under the package root, when it was built). */
  readonly uiDirectory?: string;
  readonly webhooks?: WebhookOptions;
  /** The other processes of this server (`--workers`), told of admin changes such as the clock. */
  readonly peers?: Peers;
}

export interface WebhookOptions {
  /** How deliveries are sent (default: HTTP POST); a collecting transport keeps them in-process. */
  readonly transport?: WebhookTransport;
  /** How often the dispatcher looks for due events, in wall-clock ms (default 1,000). */
  readonly pollMs?: number;
  /** Start with automatic delivery paused (the admin API's flush still delivers). */
  readonly paused?: boolean;
  /** How long a delivery lease lasts, wall-clock ms (default 60,000). */
  readonly leaseMs?: number;
  /** How long delivered and given-up events and attempts are kept, on Spoke's clock (default 7 days). */
  readonly retentionMs?: number;
  /** The most events (and attempts) one pruning pass deletes (default 1,000). */
  readonly pruneBatch?: number;
}

export interface SpokeApp {
  readonly app: FastifyInstance;
  readonly domain: Domain;
  /** Delivers the webhooks outbox; started with the app, stopped when it closes. */
  readonly webhooks: WebhookDispatcher;
  /** Compiles every route's schemas now; otherwise each compiles on its route's first request. */
  compileSchemas(): void;
}

/** 8 MiB: a batch of 2,000 labeled associations is about 300 KB. */
export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

/** Paths that need a bearer token (decision D21). */
const AUTHENTICATED_PREFIXES = ['/crm/', '/crm-object-schemas/'];

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function createApp(options: AppOptions): SpokeApp {
  const domain = createDomain({
    store: options.store,
    ...(options.clock && { clock: options.clock }),
    ...(options.recordIds && { recordIds: options.recordIds }),
    ...(options.tokens && { tokens: options.tokens }),
    ...(options.propertyValidation && { propertyValidation: options.propertyValidation }),
    ...(options.search && { search: options.search }),
  });

  const peers = options.peers ?? NO_PEERS;
  peers.subscribe((message) => {
    if (message.kind === 'clock') domain.clock.restore(message.clock);
  });

  // Leases and retries read the store itself: the dispatcher's own writes are not changes.
  const webhooks = new WebhookDispatcher(
    options.store,
    domain.clock,
    options.webhooks?.transport ?? httpTransport,
    {
      ...(options.webhooks?.pollMs !== undefined && { pollMs: options.webhooks.pollMs }),
      ...(options.webhooks?.leaseMs !== undefined && { leaseMs: options.webhooks.leaseMs }),
      ...(options.webhooks?.retentionMs !== undefined && { retentionMs: options.webhooks.retentionMs }),
      ...(options.webhooks?.pruneBatch !== undefined && { pruneBatch: options.webhooks.pruneBatch }),
    },
  );
  if (options.webhooks?.paused) webhooks.pause();
  // Woken by commits that wrote outbox events; the poll finds the rest.
  domain.changes.subscribe((set) => {
    if (domain.webhooks.wroteEvents(set)) webhooks.kick();
  });

  const compilers = createLazyCompilers();
  const app = Fastify({
    schemaController: { compilersFactory: compilers.compilersFactory },
    logger: options.logger ?? false,
    // One line per request instead of Fastify's two (http/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...transportOptions(options.transport ?? DEFAULT_TRANSPORT_LIMITS),
    // Integers sent as strings and IDs sent as integers are both accepted (decision D2),
    // but a string is never silently wrapped into an array.
    ajv: { customOptions: { coerceTypes: true, allErrors: false } },
  });

  // 1. Bodies
  app.removeAllContentTypeParsers();
  app.decorateRequest('searchBodyText', undefined);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      // A search's errors say where in the body they are: its text is kept (decision D83).
      if (isSearchUrl(request.url)) request.searchBodyText = body as string;
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  // 2. Authentication
  registerBearerAuth(app, domain.directory, AUTHENTICATED_PREFIXES);
  registerRateLimits(app, domain.rateLimits, domain.directory, AUTHENTICATED_PREFIXES);
  registerFaults(app, domain.faults);
  checkRequestParams(app);
  registerFairAdmission(app);
  drainOnClose(app);

  if (options.onSend) app.addHook('onSend', options.onSend);
  if (options.logger) registerRequestLog(app);
  registerActivityLog(app, domain.activity);

  // A second router that knows every route, so an unmatched request can tell 404 from 405.
  const knownPaths = FindMyWay({ ignoreTrailingSlash: true });
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (METHODS.includes(method as HTTPMethod)) knownPaths.on(method as HTTPMethod, route.url, () => {});
    }
  });

  // 4. Routes
  for (const family of ALL_FAMILIES) {
    registerAssociationRecordRoutes(app, domain, family);
    registerAssociationBatchRoutes(app, domain, family);
    registerAssociationSchemaRoutes(app, domain, family);
  }
  for (const family of OBJECT_FAMILIES) {
    registerObjectRoutes(app, domain, family);
    registerSearchRoutes(app, domain, family);
  }
  registerRecordLifecycleRoutes(app, domain);
  registerAssociationsV3Routes(app, domain);
  registerSchemaRoutes(app, domain);
  registerPropertyRoutes(app, domain);
  registerPipelineRoutes(app, domain);
  registerOwnerRoutes(app, domain);
  registerOAuthRoutes(app, domain);
  registerAdminRoutes(app, domain, options.adminToken, peers);
  registerAdminCatalogRoutes(app, domain);
  registerAdminSearchRoutes(app, domain);
  registerRateLimitRoutes(app, domain.rateLimits);
  registerFaultRoutes(app, domain.faults);
  registerInspectRoutes(app, domain);
  registerActivityRoutes(app, domain.activity);
  registerWebhookRoutes(app, domain);
  registerWebhookAdminRoutes(app, domain, webhooks);
  registerUiRoutes(app, options.uiDirectory);

  // 5. Errors
  app.setErrorHandler((error, request, reply) =>
    sendError(reply, toSpokeError(error, request.log, request.routeOptions.bodyLimit)),
  );

  // 6. Unknown routes
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = METHODS.filter((m) => m !== request.method && isRouteOf(knownPaths.find(m, path), path));
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        reply,
        methodNotAllowed({ method: request.method, path, allowed: allowed.join(' or ') }),
      );
    }
    return sendError(reply, noRoute({ method: request.method, path }));
  });

  app.addHook('onReady', async () => webhooks.start());
  app.addHook('onClose', async () => webhooks.stop());

  return { app, domain, webhooks, compileSchemas: () => compilers.compileAll() };
}

/** The last segment of a path, without a trailing slash. */
function lastSegment(path: string): string {
  const segments = path.split('/').filter(Boolean);
  return decodeURIComponent(segments[segments.length - 1] ?? '');
}

/**
 * Whether a route another method has is really this path's route. A record path's ID
 * parameter matches any word, so `POST …/contacts/search` would find `GET …/contacts/{objectId}`;
 * a last segment that an ID parameter took and that is no record ID (not a decimal number)
 * names an action this server lacks, and gets the 404 of an unknown route, not a 405.
 */
function isRouteOf(found: { params: Record<string, string | undefined> } | null, path: string): boolean {
  if (found === null) return false;
  const last = lastSegment(path);
  if (/^\d+$/.test(last)) return true;
  return !Object.entries(found.params).some(([name, value]) => name.endsWith('Id') && value === last);
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
  validation?: unknown;
  validationContext?: string;
}

/** Maps Fastify's own errors (validation, body size, media type) onto HubSpot's envelope. */
function toSpokeError(
  error: unknown,
  log: { error: (obj: unknown, msg: string) => void },
  bodyLimit: number | undefined,
): SpokeError {
  if (error instanceof SpokeError) return error;
  if (error instanceof StoreUnavailableError) {
    log.error({ err: error.cause }, 'database unavailable');
    return databaseUnavailable({});
  }
  const e = error as FastifyLikeError;
  if (e.validation) {
    return invalidInput(e.message, e.validationContext ?? 'body');
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge({ limit: bodyLimit ?? DEFAULT_BODY_LIMIT });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedContentType({});
    default:
      break;
  }
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
    return fastifyClientError(e.statusCode, e.message);
  }
  log.error({ err: error }, 'unhandled error');
  return internalError({});
}
