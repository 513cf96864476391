/**
 * The properties API, on /crm/v3/properties and the date-versioned /crm/properties/2026-03:
 *   GET|POST        /{objectType}                         list, create (201)
 *   POST            /{objectType}/batch/{create,read,archive}   (201/207, 200/207, 204)
 *   GET|PATCH|DELETE /{objectType}/{propertyName}         read, update, archive (204)
 *   GET|POST        /{objectType}/groups                  list, create (201)
 *   GET|PATCH|DELETE /{objectType}/groups/{groupName}
 * https://developers.hubspot.com/docs/api-reference/latest/crm/properties/guide
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { BATCH_LIMITS, checkBatchSize, type BatchOutcome } from '../../domain/batch.js';
import type { PropertyDefinition, PropertyInput } from '../../domain/catalog/property-types.js';
import type { Domain } from '../../domain/services.js';
import type { BatchStatuses } from '../families.js';
import type { TypeBoxProvider } from '../typebox-provider.js';
import { sendBatch, sendJson, sendNoContent } from '../reply.js';

export const PROPERTIES_PREFIXES = ['/crm/v3/properties', '/crm/properties/2026-03'] as const;

const Option = Type.Object({
  label: Type.String(),
  value: Type.String(),
  hidden: Type.Optional(Type.Boolean()),
  displayOrder: Type.Optional(Type.Integer()),
  description: Type.Optional(Type.String()),
});
/**
 * A field a client may send as `null`: it then counts as not sent (decision D74), instead of
 * being coerced to `""`, `false` or `0`, which read back as values the client never set.
 */
const orNull = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([Type.Null(), schema]));
const PropertyFields = {
  label: orNull(Type.String()),
  type: orNull(Type.String()),
  fieldType: orNull(Type.String()),
  groupName: orNull(Type.String()),
  description: orNull(Type.String()),
  options: orNull(Type.Array(Option)),
  displayOrder: orNull(Type.Integer()),
  hidden: orNull(Type.Boolean()),
  formField: orNull(Type.Boolean()),
  externalOptions: orNull(Type.Boolean()),
  hasUniqueValue: orNull(Type.Boolean()),
  referencedObjectType: orNull(Type.String()),
  dataSensitivity: orNull(Type.String()),
  numberDisplayHint: orNull(Type.String()),
  textDisplayHint: orNull(Type.String()),
  showCurrencySymbol: orNull(Type.Boolean()),
  currencyPropertyName: orNull(Type.String()),
  calculationFormula: orNull(Type.String()),
};
const PropertyCreate = Type.Object(
  {
    ...PropertyFields,
    name: Type.String(),
    label: Type.String(),
    type: Type.String(),
    fieldType: Type.String(),
  },
  { additionalProperties: true },
);
const PropertyUpdate = Type.Object(PropertyFields, { additionalProperties: true });
const BatchCreate = Type.Object({ inputs: Type.Array(PropertyCreate) });
const BatchNames = Type.Object({
  inputs: Type.Array(Type.Object({ name: Type.String() })),
  archived: Type.Optional(Type.Boolean()),
  dataSensitivity: Type.Optional(Type.String()),
});
const GroupCreate = Type.Object({
  name: Type.String(),
  label: Type.String(),
  displayOrder: Type.Optional(Type.Integer()),
});
const GroupUpdate = Type.Object({
  label: Type.Optional(Type.String()),
  displayOrder: Type.Optional(Type.Integer()),
});

const TypeParams = Type.Object({ objectType: Type.String() });
const PropertyParams = Type.Object({ objectType: Type.String(), propertyName: Type.String() });
const GroupParams = Type.Object({ objectType: Type.String(), groupName: Type.String() });
const ListQuery = Type.Object({
  archived: Type.Optional(Type.Boolean()),
  dataSensitivity: Type.Optional(Type.String()),
  locale: Type.Optional(Type.String()),
  properties: Type.Optional(Type.String()),
});

/** A property input without the fields sent as `null` (decision D74). */
function withoutNulls(body: Record<string, unknown>): PropertyInput {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null)) as PropertyInput;
}

/** `Property`: the stored definition, with its archive time only once archived. */
function propertyJson(p: PropertyDefinition) {
  return p;
}

export function registerPropertyRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxProvider>();
  const { properties } = domain;
  const typeOf = (request: { portalId: number; params: { objectType: string } }) =>
    domain.objectTypes.resolve(request.portalId, request.params.objectType);
  const sendOutcome = (
    reply: FastifyReply,
    statuses: BatchStatuses,
    outcome: BatchOutcome<PropertyDefinition>,
    startedAt: number,
  ) =>
    sendBatch(
      reply,
      statuses,
      outcome.results.map(propertyJson),
      outcome.errors,
      startedAt,
      domain.clock.now(),
    );

  for (const prefix of PROPERTIES_PREFIXES) {
    api.get(
      `${prefix}/:objectType`,
      { schema: { params: TypeParams, querystring: ListQuery } },
      async (request, reply) => {
        const type = await typeOf(request);
        let list = await properties.list(request.portalId, type, request.query.archived ?? false);
        const names = request.query.properties?.split(',').filter(Boolean);
        if (names && names.length > 0) list = list.filter((p) => names.includes(p.name));
        if (request.query.dataSensitivity)
          list = list.filter((p) => (p.dataSensitivity ?? 'non_sensitive') === request.query.dataSensitivity);
        return sendJson(reply, 200, { results: list.map(propertyJson) });
      },
    );

    api.post(
      `${prefix}/:objectType`,
      { schema: { params: TypeParams, body: PropertyCreate } },
      async (request, reply) => {
        const created = await properties.create(
          request.portalId,
          await typeOf(request),
          withoutNulls(request.body),
        );
        return sendJson(reply, 201, propertyJson(created));
      },
    );

    api.post(
      `${prefix}/:objectType/batch/create`,
      { schema: { params: TypeParams, body: BatchCreate } },
      async (request, reply) => {
        checkBatchSize(request.body.inputs.length, BATCH_LIMITS.properties, 'batch/create');
        const startedAt = domain.clock.now();
        const type = await typeOf(request);
        const outcome = await properties.batchCreate(
          request.portalId,
          type,
          request.body.inputs.map(withoutNulls),
        );
        return sendOutcome(reply, { ok: 201, partial: 207 }, outcome, startedAt);
      },
    );

    api.post(
      `${prefix}/:objectType/batch/read`,
      { schema: { params: TypeParams, body: BatchNames } },
      async (request, reply) => {
        checkBatchSize(request.body.inputs.length, BATCH_LIMITS.properties, 'batch/read');
        const startedAt = domain.clock.now();
        const names = request.body.inputs.map((i) => i.name);
        const type = await typeOf(request);
        const archived = request.body.archived ?? false;
        const outcome = await properties.batchRead(request.portalId, type, names, archived);
        return sendOutcome(reply, { ok: 200, partial: 207 }, outcome, startedAt);
      },
    );

    api.post(
      `${prefix}/:objectType/batch/archive`,
      { schema: { params: TypeParams, body: BatchNames } },
      async (request, reply) => {
        checkBatchSize(request.body.inputs.length, BATCH_LIMITS.properties, 'batch/archive');
        const names = request.body.inputs.map((i) => i.name);
        await properties.archive(request.portalId, await typeOf(request), names, false);
        return sendNoContent(reply);
      },
    );

    api.get(`${prefix}/:objectType/groups`, { schema: { params: TypeParams } }, async (request, reply) => {
      const groups = await properties.listGroups(request.portalId, await typeOf(request));
      return sendJson(reply, 200, { results: groups });
    });

    api.post(
      `${prefix}/:objectType/groups`,
      { schema: { params: TypeParams, body: GroupCreate } },
      async (request, reply) => {
        const group = await properties.createGroup(request.portalId, await typeOf(request), request.body);
        return sendJson(reply, 201, group);
      },
    );

    api.get(
      `${prefix}/:objectType/groups/:groupName`,
      { schema: { params: GroupParams } },
      async (request, reply) => {
        const group = await properties.getGroup(
          request.portalId,
          await typeOf(request),
          request.params.groupName,
        );
        return sendJson(reply, 200, group);
      },
    );

    api.patch(
      `${prefix}/:objectType/groups/:groupName`,
      { schema: { params: GroupParams, body: GroupUpdate } },
      async (request, reply) => {
        const type = await typeOf(request);
        const group = await properties.updateGroup(
          request.portalId,
          type,
          request.params.groupName,
          request.body,
        );
        return sendJson(reply, 200, group);
      },
    );

    api.delete(
      `${prefix}/:objectType/groups/:groupName`,
      { schema: { params: GroupParams } },
      async (request, reply) => {
        await properties.archiveGroup(request.portalId, await typeOf(request), request.params.groupName);
        return sendNoContent(reply);
      },
    );

    api.get(
      `${prefix}/:objectType/:propertyName`,
      { schema: { params: PropertyParams, querystring: ListQuery } },
      async (request, reply) => {
        const type = await typeOf(request);
        const found = await properties.get(
          request.portalId,
          type,
          request.params.propertyName,
          request.query.archived ?? false,
        );
        return sendJson(reply, 200, propertyJson(found));
      },
    );

    api.patch(
      `${prefix}/:objectType/:propertyName`,
      { schema: { params: PropertyParams, body: PropertyUpdate } },
      async (request, reply) => {
        const type = await typeOf(request);
        const updated = await properties.update(
          request.portalId,
          type,
          request.params.propertyName,
          withoutNulls(request.body),
        );
        return sendJson(reply, 200, propertyJson(updated));
      },
    );

    api.delete(
      `${prefix}/:objectType/:propertyName`,
      { schema: { params: PropertyParams } },
      async (request, reply) => {
        await properties.archive(request.portalId, await typeOf(request), [request.params.propertyName]);
        return sendNoContent(reply);
      },
    );
  }
}
