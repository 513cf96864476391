/**
 * A portal's property definitions and groups for one object type: HubSpot's defaults with
 * what the portal added or changed (the store's catalog role) on top. A custom object's own
 * properties live in its schema, so the schemas API and the properties API show the same
 * definitions; writes here go to the schema too.
 */
import { schemaDefinition, type SchemaProperty } from '../objects/custom-object-type.js';
import type { ObjectType } from '../object-types.js';
import type { StoreReader, StoreTransaction } from '../../store/store.js';
import { CatalogLayer } from './catalog-layer.js';
import { defaultGroups, defaultProperties } from './default-catalog.js';
import type { GroupDefinition, PropertyDefinition, PropertyType } from './property-types.js';

const isCustom = (type: ObjectType) => type.id.startsWith('2-');

/** A schema's property as a full definition (the schema stores what its client sent, plus defaults). */
function fromSchema(property: SchemaProperty): PropertyDefinition {
  return {
    displayOrder: -1,
    hidden: false,
    formField: false,
    calculated: false,
    externalOptions: false,
    hubspotDefined: false,
    archived: false,
    ...property,
    type: property.type as PropertyType,
    modificationMetadata: {
      archivable: true,
      readOnlyDefinition: false,
      readOnlyValue: false,
      ...(property.modificationMetadata as object | undefined),
    },
  };
}

/** A standard type's definitions: the defaults with what the portal added or changed on top. */
const overrides = new CatalogLayer<PropertyDefinition>('property', defaultProperties, (p) => p.name);
const groups = new CatalogLayer<GroupDefinition>('group', defaultGroups, (g) => g.name);

export class PropertyCatalog {
  /** Every definition of the type, archived ones included, by name. */
  async all(
    reader: StoreReader,
    portalId: number,
    type: ObjectType,
  ): Promise<Map<string, PropertyDefinition>> {
    if (!isCustom(type)) return overrides.all(reader, portalId, type);
    const byName = new Map(defaultProperties(type).map((p) => [p.name, p]));
    const schema = await reader.getSchema(portalId, type.id);
    for (const property of schema ? schemaDefinition(schema).properties : [])
      byName.set(property.name, fromSchema(property));
    return byName;
  }

  async list(
    reader: StoreReader,
    portalId: number,
    type: ObjectType,
    archived = false,
  ): Promise<PropertyDefinition[]> {
    return [...(await this.all(reader, portalId, type)).values()].filter((p) => p.archived === archived);
  }

  async get(
    reader: StoreReader,
    portalId: number,
    type: ObjectType,
    name: string,
  ): Promise<PropertyDefinition | undefined> {
    return (await this.all(reader, portalId, type)).get(name);
  }

  /** Stores a definition the portal made or changed (in the schema, for a custom object). */
  async save(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    definition: PropertyDefinition,
    now: number,
  ) {
    if (!isCustom(type)) return overrides.save(tx, portalId, type, definition, now);
    const schema = await tx.getSchema(portalId, type.id);
    if (!schema) return;
    const current = schemaDefinition(schema);
    const properties = current.properties.filter((p) => p.name !== definition.name);
    properties.push(definition as unknown as SchemaProperty);
    await tx.updateSchema(portalId, {
      ...schema,
      definition: { ...current, properties } as unknown as Record<string, unknown>,
      updatedAt: now,
    });
  }

  /** Removes a portal's definition for good (archived=true on a property that was archived). */
  async purge(tx: StoreTransaction, portalId: number, type: ObjectType, name: string, now: number) {
    if (!isCustom(type)) {
      await tx.deleteCatalog(portalId, 'property', type.id, name);
      return;
    }
    const schema = await tx.getSchema(portalId, type.id);
    if (!schema) return;
    const current = schemaDefinition(schema);
    const properties = current.properties.filter((p) => p.name !== name);
    await tx.updateSchema(portalId, {
      ...schema,
      definition: { ...current, properties } as unknown as Record<string, unknown>,
      updatedAt: now,
    });
  }

  groups(reader: StoreReader, portalId: number, type: ObjectType): Promise<Map<string, GroupDefinition>> {
    return groups.all(reader, portalId, type);
  }

  saveGroup(tx: StoreTransaction, portalId: number, type: ObjectType, group: GroupDefinition, now: number) {
    return groups.save(tx, portalId, type, group, now);
  }
}
