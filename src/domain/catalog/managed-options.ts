/**
 * The options of properties whose values HubSpot manages elsewhere (decision D73): a type's
 * pipeline property (`pipeline`, `hs_pipeline`) lists its live pipelines, its stage property
 * (`dealstage`, `hs_pipeline_stage`) the stages of those pipelines, and an owner property
 * (`hubspot_owner_id`, any `referencedObjectType: OWNER`) the portal's live owners. The
 * properties API shows them so, since writes accept exactly these values; their options are
 * read-only (`readOnlyOptions: true`): they change through the pipelines API and the owners.
 */
import type { ObjectType } from '../object-types.js';
import type { StoreReader } from '../../store/store.js';
import { portalOwners } from './owner-service.js';
import { hasPipelines, pipelineProperties, type PipelineCatalog } from './pipeline-catalog.js';
import type { PropertyDefinition, PropertyOption } from './property-types.js';
import type { ConfiguredOwners } from './token-owners.js';

/** Whether a property's options come from the pipelines API or the owners. */
export function hasManagedOptions(type: ObjectType, definition: PropertyDefinition): boolean {
  if (definition.referencedObjectType === 'OWNER') return true;
  if (!hasPipelines(type) || !definition.hubspotDefined) return false;
  const names = pipelineProperties(type);
  return definition.name === names.pipeline || definition.name === names.stage;
}

export class ManagedOptions {
  constructor(
    private readonly pipelines: PipelineCatalog,
    private readonly configuredOwners: ConfiguredOwners,
  ) {}

  /** The definitions with their managed options filled in (others as they are). */
  async fill(
    reader: StoreReader,
    portalId: number,
    type: ObjectType,
    definitions: readonly PropertyDefinition[],
  ): Promise<PropertyDefinition[]> {
    const managed = definitions.filter((d) => hasManagedOptions(type, d));
    if (managed.length === 0) return [...definitions];
    const byName = new Map<string, PropertyOption[]>();
    for (const definition of managed)
      byName.set(definition.name, await this.#options(reader, portalId, type, definition));
    return definitions.map((d) => {
      const options = byName.get(d.name);
      if (!options) return d;
      const modificationMetadata = { ...d.modificationMetadata, readOnlyOptions: true };
      return { ...d, options, modificationMetadata };
    });
  }

  async #options(
    reader: StoreReader,
    portalId: number,
    type: ObjectType,
    definition: PropertyDefinition,
  ): Promise<PropertyOption[]> {
    if (definition.referencedObjectType === 'OWNER') {
      const owners = await portalOwners(reader, portalId, this.configuredOwners);
      return owners
        .filter((o) => !o.archived)
        .map((o, displayOrder) => ({
          label: `${o.firstName} ${o.lastName}`.trim() || o.email,
          value: o.id,
          hidden: false,
          displayOrder,
        }));
    }
    const live = [...(await this.pipelines.all(reader, portalId, type)).values()]
      .filter((p) => !p.archived)
      .sort((a, b) => a.displayOrder - b.displayOrder);
    if (definition.name === pipelineProperties(type).pipeline)
      return live.map((p, displayOrder) => ({ label: p.label, value: p.id, hidden: false, displayOrder }));
    return live
      .flatMap((p) => p.stages.filter((s) => !s.archived).sort((a, b) => a.displayOrder - b.displayOrder))
      .map((s, displayOrder) => ({ label: s.label, value: s.id, hidden: false, displayOrder }));
  }
}
