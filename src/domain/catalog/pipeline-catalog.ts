/**
 * A portal's pipelines for one object type: HubSpot's default pipelines (data file) with the
 * portal's own and changed ones (the store's catalog role) on top. A default pipeline the
 * portal deleted stays in the catalog, archived.
 */
import data from '../data/hubspot-default-pipelines.json' with { type: 'json' };
import type { ObjectType } from '../object-types.js';
import { CatalogLayer } from './catalog-layer.js';
import type { StoreReader, StoreTransaction } from '../../store/store.js';

export interface StageDefinition {
  id: string;
  label: string;
  displayOrder: number;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  writePermissions?: string;
}

export interface AuditEntry {
  identifier: string;
  action: string;
  timestamp: string;
  message: string;
  rawObject: Record<string, unknown>;
}

export interface PipelineDefinition {
  id: string;
  label: string;
  displayOrder: number;
  stages: StageDefinition[];
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  /** Changes to the pipeline and its stages, oldest first (the audit endpoints). */
  audit: AuditEntry[];
}

const EPOCH = new Date(0).toISOString();
/** What HubSpot answers for stages with no special permissions (the 2026-03 spec requires it). */
export const STAGE_WRITE_PERMISSIONS = 'CRM_PERMISSIONS_ENFORCEMENT';
const defaults = data as unknown as Record<
  string,
  Array<{
    id: string;
    label: string;
    stages: Array<{ id: string; label: string; metadata: Record<string, string> }>;
  }>
>;

/** Object types that have pipelines: deals, tickets, leads, and custom objects. */
export function hasPipelines(type: ObjectType): boolean {
  return type.id === '0-3' || type.id === '0-5' || type.id === '0-136' || type.id.startsWith('2-');
}

/** The record properties that hold a type's pipeline and stage. */
export function pipelineProperties(type: ObjectType): { pipeline: string; stage: string } {
  return type.id === '0-3'
    ? { pipeline: 'pipeline', stage: 'dealstage' }
    : { pipeline: 'hs_pipeline', stage: 'hs_pipeline_stage' };
}

/**
 * Whether a record in a pipeline must have a stage: deals must (HubSpot's deals guide: a
 * create includes `dealstage`; decision D72). Tickets, leads and custom objects are not held
 * to it (the sources are thin).
 */
export function stageRequired(type: ObjectType): boolean {
  return type.id === '0-3';
}

/** The pipeline a record goes into when a create names none: HubSpot's default one. */
export function defaultPipelineId(type: ObjectType): string | undefined {
  return defaults[type.id]?.[0]?.id;
}

function defaultPipelines(type: ObjectType): PipelineDefinition[] {
  return (defaults[type.id] ?? []).map((p, index) => ({
    id: p.id,
    label: p.label,
    displayOrder: index,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    archived: false,
    audit: [],
    stages: p.stages.map((s, order) => ({
      ...s,
      displayOrder: order,
      createdAt: EPOCH,
      updatedAt: EPOCH,
      archived: false,
      writePermissions: STAGE_WRITE_PERMISSIONS,
    })),
  }));
}

/** Pipelines by ID: the defaults with the portal's own and changed ones on top. */
const pipelines = new CatalogLayer<PipelineDefinition>('pipeline', defaultPipelines, (p) => p.id);

/**
 * A record's stage names a stage of its pipeline, so a stage without a pipeline is refused
 * (clearing the pipeline while the stage stays, say): otherwise the pipeline could be deleted
 * under the record, and its stage would belong to none.
 */
export function stageWithoutPipeline(
  names: { pipeline: string; stage: string },
  pipelines: ReadonlyMap<string, PipelineDefinition>,
): { name: string; error: string; message: string } {
  const live = [...pipelines.values()].filter((p) => !p.archived).map((p) => p.id);
  return {
    name: names.pipeline,
    error: 'INVALID_OPTION',
    message: `${names.stage} needs a ${names.pipeline}: set ${names.pipeline} to one of [${live.join(', ')}], or clear ${names.stage} too`,
  };
}

export class PipelineCatalog {
  /** Every pipeline of the type, archived ones included, by ID. */
  all(reader: StoreReader, portalId: number, type: ObjectType): Promise<Map<string, PipelineDefinition>> {
    return pipelines.all(reader, portalId, type);
  }

  save(tx: StoreTransaction, portalId: number, type: ObjectType, pipeline: PipelineDefinition, now: number) {
    return pipelines.save(tx, portalId, type, pipeline, now);
  }
}
