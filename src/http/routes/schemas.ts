/**
 * Custom object schemas:
 *   GET|POST /crm-object-schemas/v3/schemas                  list, create (201)
 *   POST     /crm-object-schemas/v3/schemas/batch/read
 *   GET|PATCH|DELETE /crm-object-schemas/v3/schemas/{objectType}
 *   POST     /crm-object-schemas/v3/schemas/{objectType}/associations              (201)
 *   DELETE   /crm-object-schemas/v3/schemas/{objectType}/associations/{associationIdentifier}
 * and the same under /crm/v3/schemas.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/schemas/guide
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { isoTimestamp } from '../../domain/clock.js';
import type { SchemaView } from '../../domain/objects/schema-service.js';
import type { Domain } from '../../domain/services.js';
import type { DefinitionRow } from '../../domain/rows.js';
import type { TypeBoxProvider } from '../typebox-provider.js';
import { sendJson, sendNoContent } from '../reply.js';

/** The spec's path, and the one HubSpot's custom objects guide calls (both served). */
const PREFIXES = ['/crm-object-schemas/v3/schemas', '/crm/v3/schemas'];

const Labels = Type.Object({ singular: Type.Optional(Type.String()), plural: Type.Optional(Type.String()) });
const PropertyCreate = Type.Object(
  {
    name: Type.String(),
    label: Type.String(),
    type: Type.String(),
    fieldType: Type.String(),
    groupName: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    hasUniqueValue: Type.Optional(Type.Boolean()),
    options: Type.Optional(
      Type.Array(
        Type.Object({
          label: Type.String(),
          value: Type.String(),
          hidden: Type.Optional(Type.Boolean()),
          displayOrder: Type.Optional(Type.Integer()),
          description: Type.Optional(Type.String()),
        }),
      ),
    ),
  },
  { additionalProperties: true },
);
const SchemaEgg = Type.Object({
  name: Type.String(),
  labels: Labels,
  description: Type.Optional(Type.String()),
  properties: Type.Array(PropertyCreate),
  requiredProperties: Type.Array(Type.String()),
  searchableProperties: Type.Optional(Type.Array(Type.String())),
  secondaryDisplayProperties: Type.Optional(Type.Array(Type.String())),
  primaryDisplayProperty: Type.Optional(Type.String()),
  associatedObjects: Type.Array(Type.String()),
  allowsSensitiveProperties: Type.Optional(Type.Boolean()),
  shouldCreateSameObjectAssociation: Type.Optional(Type.Boolean()),
});
const SchemaPatch = Type.Object({
  labels: Type.Optional(Labels),
  description: Type.Optional(Type.String()),
  clearDescription: Type.Optional(Type.Boolean()),
  requiredProperties: Type.Optional(Type.Array(Type.String())),
  searchableProperties: Type.Optional(Type.Array(Type.String())),
  secondaryDisplayProperties: Type.Optional(Type.Array(Type.String())),
  primaryDisplayProperty: Type.Optional(Type.String()),
  allowsSensitiveProperties: Type.Optional(Type.Boolean()),
  restorable: Type.Optional(Type.Boolean()),
});
const AssociationEgg = Type.Object({
  fromObjectTypeId: Type.String(),
  toObjectTypeId: Type.String(),
  name: Type.Optional(Type.String()),
});
const BatchRead = Type.Object({
  inputs: Type.Array(Type.String()),
  includeAssociationDefinitions: Type.Optional(Type.Boolean()),
  includePropertyDefinitions: Type.Optional(Type.Boolean()),
  includeAuditMetadata: Type.Optional(Type.Boolean()),
});

const TypeParams = Type.Object({ objectType: Type.String() });
const AssociationParams = Type.Object({ objectType: Type.String(), associationIdentifier: Type.String() });
const IncludeQuery = Type.Object({
  archived: Type.Optional(Type.Boolean()),
  includeAssociationDefinitions: Type.Optional(Type.Boolean()),
  includePropertyDefinitions: Type.Optional(Type.Boolean()),
  includeAuditMetadata: Type.Optional(Type.Boolean()),
});

interface Include {
  includeAssociationDefinitions?: boolean | undefined;
  includePropertyDefinitions?: boolean | undefined;
  includeAuditMetadata?: boolean | undefined;
}

/** `AssociationDefinition` */
function associationJson(definition: DefinitionRow) {
  return {
    id: String(definition.typeId),
    fromObjectTypeId: definition.fromObjectTypeId,
    toObjectTypeId: definition.toObjectTypeId,
    name: definition.name,
    createdAt: isoTimestamp(definition.createdAt),
    updatedAt: isoTimestamp(definition.createdAt),
  };
}

/** `ObjectTypeDefinition`: the schema without properties and associations. */
function definitionJson(view: SchemaView, include: Include = {}) {
  const { row, definition } = view;
  return {
    id: row.objectTypeId.slice(2),
    objectTypeId: row.objectTypeId,
    name: row.name,
    fullyQualifiedName: view.type.fullyQualifiedName!,
    labels: definition.labels,
    ...(definition.description !== undefined && { description: definition.description }),
    requiredProperties: definition.requiredProperties,
    searchableProperties: definition.searchableProperties,
    secondaryDisplayProperties: definition.secondaryDisplayProperties,
    ...(definition.primaryDisplayProperty !== undefined && {
      primaryDisplayProperty: definition.primaryDisplayProperty,
    }),
    allowsSensitiveProperties: definition.allowsSensitiveProperties ?? false,
    archived: row.archivedAt !== null,
    portalId: view.portalId,
    ...(include.includeAuditMetadata !== false && {
      createdAt: isoTimestamp(row.createdAt),
      updatedAt: isoTimestamp(row.updatedAt),
    }),
  };
}

/** `ObjectSchema` */
function schemaJson(view: SchemaView, include: Include = {}) {
  const { portalId: _portalId, ...base } = definitionJson(view, include);
  return {
    ...base,
    // Archived properties are only in the properties API (`archived=true`).
    properties:
      include.includePropertyDefinitions === false
        ? []
        : view.definition.properties.filter((p) => p.archived !== true),
    associations:
      include.includeAssociationDefinitions === false ? [] : view.associations.map(associationJson),
  };
}

export function registerSchemaRoutes(app: FastifyInstance, domain: Domain): void {
  for (const prefix of PREFIXES) registerSchemaRoutesAt(app, domain, prefix);
}

function registerSchemaRoutesAt(app: FastifyInstance, domain: Domain, prefix: string): void {
  const api = app.withTypeProvider<TypeBoxProvider>();
  const { schemas } = domain;

  api.get(prefix, { schema: { querystring: IncludeQuery } }, async (request, reply) => {
    const views = await schemas.list(request.portalId, request.query.archived ?? false);
    return sendJson(reply, 200, { results: views.map((v) => schemaJson(v, request.query)) });
  });

  api.post(prefix, { schema: { body: SchemaEgg } }, async (request, reply) => {
    const view = await schemas.create(request.portalId, request.body);
    return sendJson(reply, 201, schemaJson(view));
  });

  api.post(`${prefix}/batch/read`, { schema: { body: BatchRead } }, async (request, reply) => {
    const views = [];
    for (const objectType of request.body.inputs) {
      const found = await schemas.get(request.portalId, objectType).catch(() => undefined);
      if (found) views.push(found);
    }
    return sendJson(reply, 200, { results: views.map((v) => schemaJson(v, request.body)) });
  });

  api.get(
    `${prefix}/:objectType`,
    { schema: { params: TypeParams, querystring: IncludeQuery } },
    async (request, reply) => {
      const view = await schemas.get(request.portalId, request.params.objectType);
      return sendJson(reply, 200, schemaJson(view, request.query));
    },
  );

  api.patch(
    `${prefix}/:objectType`,
    { schema: { params: TypeParams, body: SchemaPatch } },
    async (request, reply) => {
      const view = await schemas.update(request.portalId, request.params.objectType, request.body);
      return sendJson(reply, 200, definitionJson(view));
    },
  );

  api.delete(
    `${prefix}/:objectType`,
    { schema: { params: TypeParams, querystring: IncludeQuery } },
    async (request, reply) => {
      await schemas.remove(request.portalId, request.params.objectType, request.query.archived ?? false);
      return sendNoContent(reply);
    },
  );

  api.post(
    `${prefix}/:objectType/associations`,
    { schema: { params: TypeParams, body: AssociationEgg } },
    async (request, reply) => {
      const definition = await schemas.createAssociation(
        request.portalId,
        request.params.objectType,
        request.body,
      );
      return sendJson(reply, 201, associationJson(definition));
    },
  );

  api.delete(
    `${prefix}/:objectType/associations/:associationIdentifier`,
    { schema: { params: AssociationParams } },
    async (request, reply) => {
      await schemas.removeAssociation(
        request.portalId,
        request.params.objectType,
        request.params.associationIdentifier,
      );
      return sendNoContent(reply);
    },
  );
}
