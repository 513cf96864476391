/**
 * Spoke's admin API, under /_spoke/ where it cannot collide with HubSpot's paths. See the
 * README's "Admin API" section for every endpoint. When an admin token is configured
 * (--admin-token, or generated when binding beyond loopback), every endpoint but /health
 * needs `Authorization: Bearer <admin token>`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { invalidClockTime } from '../../domain/admin-errors.js';
import { adminTokenRequired } from '../http-errors.js';
import { checkIntegrity } from '../../domain/integrity.js';
import type { Peers } from '../../domain/peers.js';
import type { Domain } from '../../domain/services.js';
import { bearerToken } from '../auth.js';
import { sendJson, sendJsonStream, sendNoContent } from '../reply.js';
import { spoolUpload } from '../upload-spool.js';
import { simplePublicObject } from '../wire/objects.js';

export const ADMIN_PREFIX = '/_spoke';
/**
 * Imports carry a whole portal. The body goes to a temporary file and is parsed from it as a
 * stream, so its size is bounded by disk, not memory: 4 GiB is about ten million records
 * with their history. Memory holds one entry per record ID while the import runs.
 */
export const IMPORT_BODY_LIMIT = 4 * 1024 ** 3;
/**
 * Fixtures are parsed whole (they go through the API's services, record by record): one
 * string (V8 caps strings near 512 MiB), then a parsed document several times its size.
 */
export const FIXTURES_BODY_LIMIT = 256 * 1024 * 1024;

export const PortalParams = Type.Object({ portalId: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
export type PortalParams = Static<typeof PortalParams>;
const SnapshotParams = Type.Object({
  portalId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  name: Type.String(),
});
type SnapshotParams = Static<typeof SnapshotParams>;
const RecordParams = Type.Object({
  portalId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  objectType: Type.String(),
  objectId: Type.Integer({ minimum: 0 }),
});
type RecordParams = Static<typeof RecordParams>;
const NewPortal = Type.Object({
  portalId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  token: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  user: Type.Optional(Type.String()),
  scopes: Type.Optional(Type.Array(Type.String())),
});
type NewPortal = Static<typeof NewPortal>;
const SnapshotBody = Type.Object({ name: Type.String() });
type SnapshotBody = Static<typeof SnapshotBody>;
const ClockBody = Type.Object({
  now: Type.String(),
  frozen: Type.Optional(Type.Boolean()),
  stepMs: Type.Optional(Type.Integer({ minimum: 0 })),
});
type ClockBody = Static<typeof ClockBody>;
const AdvanceBody = Type.Object({ ms: Type.Integer() });
const CheckQuery = Type.Object({
  portal: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647 })),
});
type CheckQuery = Static<typeof CheckQuery>;
type AdvanceBody = Static<typeof AdvanceBody>;

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerAdminRoutes(
  app: FastifyInstance,
  domain: Domain,
  adminToken: string | undefined,
  peers: Peers,
): void {
  const { harness, clock } = domain;
  const clockJson = () => {
    const state = clock.state();
    return { now: new Date(state.now).toISOString(), frozen: state.frozen, stepMs: state.stepMs };
  };
  /** The clock holds for the whole server: every process has it before the answer goes out. */
  const clockChanged = async () => {
    await peers.broadcast({ kind: 'clock', clock: clock.snapshot() });
    return clockJson();
  };

  if (adminToken !== undefined) {
    app.addHook('onRequest', async (request) => {
      const route = request.routeOptions.url;
      if (route === undefined || !route.startsWith(`${ADMIN_PREFIX}/`) || route === `${ADMIN_PREFIX}/health`)
        return;
      // The web UI's files (routes/ui.ts): code without data, which then asks for the token.
      if (request.routeOptions.config.adminPublic) return;
      if (!sameToken(bearerToken(request), adminToken)) {
        throw adminTokenRequired({});
      }
    });
  }

  app.get(`${ADMIN_PREFIX}/health`, async (_request, reply) =>
    sendJson(reply, 200, { status: 'ok', store: domain.store.description }),
  );

  app.get(`${ADMIN_PREFIX}/portals`, async (_request, reply) =>
    sendJson(reply, 200, { results: await harness.listPortals() }),
  );

  app.post<{ Body: NewPortal }>(
    `${ADMIN_PREFIX}/portals`,
    {
      schema: { body: NewPortal },
      // Every field is optional, so no body at all asks for a portal with defaults (a JSON
      // null is a body of the wrong type, and stays a 400).
      preValidation: (request, _reply, done) => {
        if (request.body === undefined) request.body = {};
        done();
      },
    },
    async (request, reply) => {
      const created = await harness.createPortal(request.body ?? {});
      return sendJson(reply, 201, created);
    },
  );

  // Everything back to the start: data, what rate limits counted (policies stay: they are
  // configuration), and armed faults.
  app.post(`${ADMIN_PREFIX}/reset`, async (_request, reply) => {
    const reset = await harness.resetAll();
    await domain.rateLimits.clearUsage();
    domain.faults.clear();
    return sendJson(reply, 200, { reset });
  });

  app.post<{ Params: PortalParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/reset`,
    { schema: { params: PortalParams } },
    async (request, reply) => {
      await harness.resetPortal(request.params.portalId);
      return sendNoContent(reply);
    },
  );

  app.get<{ Params: PortalParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/snapshots`,
    { schema: { params: PortalParams } },
    async (request, reply) =>
      sendJson(reply, 200, { results: await harness.listSnapshots(request.params.portalId) }),
  );

  app.post<{ Params: PortalParams; Body: SnapshotBody }>(
    `${ADMIN_PREFIX}/portals/:portalId/snapshots`,
    { schema: { params: PortalParams, body: SnapshotBody } },
    async (request, reply) =>
      sendJson(reply, 201, await harness.createSnapshot(request.params.portalId, request.body.name)),
  );

  app.post<{ Params: SnapshotParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/snapshots/:name/restore`,
    { schema: { params: SnapshotParams } },
    async (request, reply) => {
      await harness.restoreSnapshot(request.params.portalId, request.params.name);
      return sendNoContent(reply);
    },
  );

  app.delete<{ Params: SnapshotParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/snapshots/:name`,
    { schema: { params: SnapshotParams } },
    async (request, reply) => {
      await harness.deleteSnapshot(request.params.portalId, request.params.name);
      return sendNoContent(reply);
    },
  );

  app.get<{ Params: PortalParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/export`,
    { schema: { params: PortalParams } },
    async (request, reply) => {
      reply.header('content-disposition', `attachment; filename="portal-${request.params.portalId}.json"`);
      return sendJsonStream(reply, 200, (write) => harness.streamExport(request.params.portalId, write));
    },
  );

  // The import reads its body as a stream, spooled to a file, never as one parsed value.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', (_request, _payload, done) => done(null));
    scope.post<{ Params: PortalParams }>(
      `${ADMIN_PREFIX}/portals/:portalId/import`,
      { schema: { params: PortalParams } },
      async (request, reply) => {
        const upload = await spoolUpload(request.raw, IMPORT_BODY_LIMIT);
        try {
          return sendJson(reply, 200, await harness.importPortal(request.params.portalId, upload.open));
        } finally {
          await upload.dispose();
        }
      },
    );
  });

  app.post<{ Params: PortalParams; Body: unknown }>(
    `${ADMIN_PREFIX}/portals/:portalId/seed`,
    { schema: { params: PortalParams }, bodyLimit: FIXTURES_BODY_LIMIT },
    async (request, reply) =>
      sendJson(
        reply,
        200,
        // Seeded here as at start: a portal other than the default one gets its token.
        (await harness.seedPortal(request.body ?? {}, request.params.portalId)).summary,
      ),
  );

  app.post<{ Params: RecordParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/objects/:objectType/:objectId/restore`,
    { schema: { params: RecordParams } },
    async (request, reply) => {
      const { portalId, objectType, objectId } = request.params;
      return sendJson(
        reply,
        200,
        simplePublicObject(await harness.restoreRecord(portalId, objectType, objectId)),
      );
    },
  );

  app.get<{ Params: PortalParams }>(
    `${ADMIN_PREFIX}/portals/:portalId/high-usage-report`,
    { schema: { params: PortalParams } },
    async (request, reply) => {
      const report = domain.associations.latestHighUsageReport(request.params.portalId);
      return sendJson(
        reply,
        200,
        report ? { ...report, enqueuedAt: new Date(report.enqueuedAt).toISOString() } : { records: [] },
      );
    },
  );

  app.get<{ Querystring: CheckQuery }>(
    `${ADMIN_PREFIX}/check`,
    { schema: { querystring: CheckQuery } },
    async (request, reply) => {
      const portal = request.query.portal;
      const options = portal === undefined ? {} : { portalIds: [portal] };
      return sendJson(reply, 200, await checkIntegrity(domain.store, domain.objectTypes, options));
    },
  );

  app.get(`${ADMIN_PREFIX}/clock`, async (_request, reply) => sendJson(reply, 200, clockJson()));

  app.put<{ Body: ClockBody }>(
    `${ADMIN_PREFIX}/clock`,
    { schema: { body: ClockBody } },
    async (request, reply) => {
      const at = Date.parse(request.body.now);
      if (Number.isNaN(at)) throw invalidClockTime({ now: request.body.now });
      clock.set(at, {
        ...(request.body.frozen !== undefined && { frozen: request.body.frozen }),
        ...(request.body.stepMs !== undefined && { stepMs: request.body.stepMs }),
      });
      return sendJson(reply, 200, await clockChanged());
    },
  );

  app.post<{ Body: AdvanceBody }>(
    `${ADMIN_PREFIX}/clock/advance`,
    { schema: { body: AdvanceBody } },
    async (request, reply) => {
      clock.advance(request.body.ms);
      return sendJson(reply, 200, await clockChanged());
    },
  );

  app.delete(`${ADMIN_PREFIX}/clock`, async (_request, reply) => {
    clock.release();
    return sendJson(reply, 200, await clockChanged());
  });
}
