/**
 * Bearer-token authentication for the CRM endpoints (decision D21). A token maps to
 * a portal; by default every token maps to the default portal.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { missingCredentials, unknownToken } from './http-errors.js';
import type { TokenDirectory } from '../domain/portals.js';
import { withActingApp } from '../domain/changes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The portal (hub ID) the request's token belongs to. */
    portalId: number;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header ? BEARER.exec(header)?.[1] : undefined;
}

/** Adds `request.portalId` to every matched route under the given prefixes, or answers 401. */
export function registerBearerAuth(
  app: FastifyInstance,
  tokens: TokenDirectory,
  prefixes: readonly string[],
): void {
  app.decorateRequest('portalId', 0);
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    // Unknown routes answer 404 whatever the credentials.
    if (route === undefined || !prefixes.some((p) => route.startsWith(p))) return done();
    const token = bearerToken(request);
    (token === undefined ? Promise.resolve(undefined) : tokens.grantFor(token)).then((grant) => {
      if (grant === undefined) {
        // HubSpot's words for a missing token; an unknown one under configured tokens says why.
        return done(token === undefined ? missingCredentials({}) : unknownToken(token));
      }
      request.portalId = grant.portalId;
      // A token linked to an app: what the request writes is that app's (decision D91). The
      // rest of the request runs inside the context, so its transactions see it.
      if (grant.appId !== undefined) withActingApp(grant.appId, () => done());
      else done();
    }, done);
  });
}
