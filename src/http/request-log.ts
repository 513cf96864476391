/**
 * What Spoke logs about a request: one line per request at `info`, JSON for machines whose
 * `msg` reads as a line for people (`POST /crm/v3/objects/contacts 409 2.1 ms portal 4680000:
 * Contact already exists… (correlationId …)`), with every credential taken out: the Authorization
 * header, a token in the path of GET /oauth/v1/access-tokens/{token}, and API keys or
 * tokens passed as query parameters (`hapikey`, HubSpot's legacy API key, among them).
 */
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import { answeredError } from './error-envelope.js';

const REDACTED = '[redacted]';
const TOKEN_IN_PATH = /^(\/oauth\/v1\/access-tokens\/)[^/?#]+/i;
const SECRET_PARAMS = new Set(['hapikey', 'access_token', 'refresh_token', 'token', 'code', 'client_secret']);

/** The request URL as it may be logged. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  const path = (query < 0 ? url : url.slice(0, query)).replace(TOKEN_IN_PATH, `$1${REDACTED}`);
  if (query < 0) return path;
  const params = new URLSearchParams(url.slice(query + 1));
  for (const key of [...params.keys()]) {
    if (SECRET_PARAMS.has(key.toLowerCase())) params.set(key, REDACTED);
  }
  return `${path}?${params.toString()}`;
}

/** Fastify's logger at `level`, serializing requests without their credentials. */
export function requestLogger(level: string): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-hubspot-api-key"]'],
      censor: REDACTED,
    },
    serializers: {
      req(request: FastifyRequest) {
        return {
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
        };
      },
    },
  };
}

/** The one log line of each request, written when its response is sent. */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    const error = answeredError(request);
    let line = `${request.method} ${redactUrl(request.url)} ${reply.statusCode} ${ms} ms`;
    if (request.portalId) line += ` portal ${request.portalId}`;
    if (error) line += `: ${error.message} (correlationId ${error.correlationId})`;
    request.log.info(
      {
        req: request,
        res: { statusCode: reply.statusCode },
        responseTime: ms,
        ...(request.portalId && { portalId: request.portalId }),
        ...(error && { error: error.message, correlationId: error.correlationId }),
      },
      line,
    );
    done();
  });
}
