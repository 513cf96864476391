/**
 * Armed faults on the wire (domain/faults/fault-rules.ts). A rule is chosen when a request
 * arrives (after authentication and rate limits, so its portal is known): `before` rules
 * act at once and the request never runs; `after` rules let it run, writes and all, and
 * then replace, stall or drop its answer. Admin paths are never hit. Each faulted response
 * names its rule in `x-spoke-fault`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SpokeError } from '../domain/errors.js';
import type { FaultInjector, FaultRule } from '../domain/faults/fault-rules.js';
import { errorBody, JSON_CONTENT_TYPE, statusOf } from './error-envelope.js';
import {
  badGateway,
  faultInternalError,
  gatewayTimeout,
  rateLimited,
  serviceUnavailable,
} from './http-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The fault rule to apply once the request has run (an `after` rule). */
    faultAfter: FaultRule | undefined;
  }
}

/** HubSpot's answers for each status (the 5xx messages of HubSpot's edge and API). */
function faultError(rule: FaultRule): SpokeError {
  switch (rule.status) {
    case 429: {
      const policy = rule.policyName ?? 'TEN_SECONDLY_ROLLING';
      return rateLimited(policy);
    }
    case 502:
      return badGateway({});
    case 503:
      return serviceUnavailable({});
    case 504:
      return gatewayTimeout({});
    default:
      return faultInternalError({});
  }
}

export function registerFaults(app: FastifyInstance, faults: FaultInjector): void {
  const stalls = new Set<() => void>();
  /** Waits `ms`, or until the client goes away or the server closes. */
  const stall = (request: FastifyRequest, ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stalls.delete(done);
        request.raw.socket?.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stalls.add(done);
      request.raw.socket?.once('close', done);
    });
  const drop = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    request.raw.socket?.destroy();
  };

  app.decorateRequest('faultAfter', undefined);
  app.addHook('onClose', async () => {
    for (const done of [...stalls]) done();
  });

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path.startsWith('/_spoke/')) return;
    const rule = faults.take({ method: request.method, path, portalId: request.portalId });
    if (!rule) return;
    reply.header('x-spoke-fault', rule.id);
    if (rule.when === 'after') {
      request.faultAfter = rule;
      return;
    }
    if (rule.kind === 'status') throw faultError(rule);
    if (rule.kind === 'delay') await stall(request, rule.delayMs ?? 0);
    if (rule.kind === 'drop') {
      drop(request, reply);
      return reply;
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const rule = request.faultAfter;
    if (!rule) return payload;
    request.faultAfter = undefined;
    if (rule.kind === 'delay') await stall(request, rule.delayMs ?? 0);
    if (rule.kind === 'drop') request.raw.socket?.destroy();
    if (rule.kind !== 'status') return payload;
    const error = faultError(rule);
    const body = errorBody(error);
    reply
      .code(statusOf(error))
      .type(JSON_CONTENT_TYPE)
      .header('x-hubspot-correlation-id', body.correlationId);
    return JSON.stringify(body);
  });
}
