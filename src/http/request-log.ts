/**
 * What Spoke logs about a request, with every credential taken out: the Authorization
 * header, a token in the path of GET /oauth/v1/access-tokens/{token}, and API keys or
 * tokens passed as query parameters (`hapikey`, HubSpot's legacy API key, among them).
 */
import type { FastifyRequest, FastifyServerOptions } from 'fastify';

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
