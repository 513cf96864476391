/**
 * Admin API for faults on demand (README "Faults on demand"): arm a rule, list the armed
 * ones with their hits, disarm one or all. `POST /_spoke/reset` disarms them too.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { FaultInjector, FaultRuleInput } from '../../domain/faults/fault-rules.js';
import { sendJson, sendNoContent } from '../reply.js';
import { ADMIN_PREFIX } from './admin.js';

const FaultParams = Type.Object({ id: Type.String() });
type FaultParams = Static<typeof FaultParams>;
const FaultBody = Type.Object({
  kind: Type.String(),
  method: Type.Optional(Type.String()),
  path: Type.Optional(Type.String()),
  portalId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  status: Type.Optional(Type.Integer()),
  policyName: Type.Optional(Type.String()),
  delayMs: Type.Optional(Type.Integer()),
  when: Type.Optional(Type.String()),
  times: Type.Optional(Type.Integer()),
  probability: Type.Optional(Type.Number()),
  seed: Type.Optional(Type.Integer()),
});
type FaultBody = Static<typeof FaultBody>;

export function registerFaultRoutes(app: FastifyInstance, faults: FaultInjector): void {
  app.get(`${ADMIN_PREFIX}/faults`, async (_request, reply) =>
    sendJson(reply, 200, { results: faults.list() }),
  );

  app.post<{ Body: FaultBody }>(
    `${ADMIN_PREFIX}/faults`,
    { schema: { body: FaultBody } },
    async (request, reply) => sendJson(reply, 201, faults.arm(request.body as FaultRuleInput)),
  );

  app.delete(`${ADMIN_PREFIX}/faults`, async (_request, reply) => {
    faults.clear();
    return sendNoContent(reply);
  });

  app.delete<{ Params: FaultParams }>(
    `${ADMIN_PREFIX}/faults/:id`,
    { schema: { params: FaultParams } },
    async (request, reply) => {
      faults.remove(request.params.id);
      return sendNoContent(reply);
    },
  );
}
