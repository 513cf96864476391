/**
 * What the HTTP server accepts before any route runs: how long a client may take to send a
 * request, how large its headers and URL parameters may be, and the HubSpot error envelope
 * for requests refused at that level (Node's parser and Fastify's router answer those
 * with bodies of their own otherwise).
 */
import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { rawErrorResponse, sendError, type HttpError } from './error-envelope.js';
import { headersTooLarge, malformedUrl, notHttp, requestTimeout, segmentTooLong } from './http-errors.js';

export interface TransportLimits {
  /** A client must send its whole request (headers and body) within this many ms. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this many ms. */
  readonly keepAliveTimeoutMs: number;
}

export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = {
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 72_000,
};

/** All request headers together; larger ones get a 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Longest path segment routed as a parameter; a longer one cannot be an ID or a type name. */
const MAX_PARAM_LENGTH = 1024;

function clientErrorFor(code: string | undefined): HttpError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return requestTimeout({});
    case 'HPE_HEADER_OVERFLOW':
      return headersTooLarge({ max: MAX_HEADER_BYTES });
    default:
      return notHttp({});
  }
}

/**
 * Fastify server options for these limits and refusals. `http` is handed to Node's
 * `http.createServer` as is (Fastify's types list it only for HTTP/2).
 */
export function transportOptions(
  limits: TransportLimits,
): Partial<FastifyServerOptions> & { http: ServerOptions } {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: limits.requestTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node looks for overdue requests on this period (its default is 30 s).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, limits.requestTimeoutMs / 4)),
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
      // A reset connection has nobody left to answer.
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(rawErrorResponse(clientErrorFor(error.code)));
      socket.destroy();
    },
    frameworkErrors(error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply) {
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
        return sendError(reply, segmentTooLong({}));
      }
      return sendError(reply, malformedUrl({ problem: error.message }));
    },
  };
}

/**
 * A closing server finishes the requests in flight, and each of those responses says
 * `Connection: close`, so the client does not keep the connection open and shutdown does
 * not wait out the keep-alive timeout. (Connections idle at close are closed at once.)
 */
export function drainOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
