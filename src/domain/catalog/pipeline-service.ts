/**
 * The pipelines API's rules: pipelines and their stages per object type (deals, tickets,
 * leads, custom objects), HubSpot's defaults included, with an audit trail. A stage or
 * pipeline that records use is not removed unless the client turns the check off with
 * `validateReferencesBeforeDelete=false` (docs/decisions.md, "Properties, pipelines and owners"; D32).
 */
import { isoTimestamp, type Clock } from '../clock.js';
import {
  defaultPipelineNotArchivable,
  invalidPipelineField as invalid,
  pipelineExists,
  pipelineLabelTaken,
  pipelineNotFound as notFound,
  stageExists,
} from './catalog-errors.js';
import type { ObjectType } from '../object-types.js';
import { lockForWrite, typeLock } from '../write-locks.js';
import { checkStageLabels, stageMetadata } from './stage-input.js';
import type { Store, StoreTransaction } from '../../store/store.js';
import {
  defaultPipelineId,
  hasPipelines,
  pipelineProperties,
  STAGE_WRITE_PERMISSIONS,
  type PipelineCatalog,
  type PipelineDefinition,
  type StageDefinition,
} from './pipeline-catalog.js';

export interface StageInput {
  label?: string | undefined;
  displayOrder?: number | undefined;
  metadata?: Record<string, unknown> | undefined;
  stageId?: string | undefined;
  archived?: boolean | undefined;
}

export interface PipelineInput {
  label?: string | undefined;
  displayOrder?: number | undefined;
  stages?: StageInput[] | undefined;
  pipelineId?: string | undefined;
  archived?: boolean | undefined;
}

/** The ID counter for pipelines and stages a portal creates. */
const PIPELINE_COUNTER = 'pipeline_ids';
const ID_BASE = 100_000_000;

export class PipelineService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    readonly catalog: PipelineCatalog,
  ) {}

  #requireType(type: ObjectType): void {
    if (!hasPipelines(type))
      throw invalid(`Object type ${type.name} has no pipelines`, 'objectType', type.name);
  }

  async list(portalId: number, type: ObjectType): Promise<PipelineDefinition[]> {
    this.#requireType(type);
    const all = await this.catalog.all(this.store, portalId, type);
    return [...all.values()].filter((p) => !p.archived).map(liveStages);
  }

  async get(portalId: number, type: ObjectType, pipelineId: string): Promise<PipelineDefinition> {
    this.#requireType(type);
    const pipeline = (await this.catalog.all(this.store, portalId, type)).get(pipelineId);
    if (!pipeline || pipeline.archived) throw notFound('Pipeline', pipelineId);
    return liveStages(pipeline);
  }

  async #write<T>(
    portalId: number,
    type: ObjectType,
    fn: (tx: StoreTransaction, pipelines: Map<string, PipelineDefinition>) => Promise<T>,
  ): Promise<T> {
    this.#requireType(type);
    return this.store.transaction(async (tx) => {
      // Exclusive on the type: record writes validate stages under it shared (write-locks.ts).
      await lockForWrite(tx, portalId, typeLock(type.id, 'exclusive'));
      return fn(tx, await this.catalog.all(tx, portalId, type));
    });
  }

  #stage(type: ObjectType, input: StageInput, id: string, now: string, index: number): StageDefinition {
    if (typeof input.label !== 'string' || input.label === '')
      throw invalid('A stage needs a label', 'label', id);
    const metadata = stageMetadata(type, input.metadata);
    return {
      id,
      label: input.label,
      displayOrder: orderOf(input.displayOrder, index),
      metadata,
      createdAt: now,
      updatedAt: now,
      archived: false,
      writePermissions: STAGE_WRITE_PERMISSIONS,
    };
  }

  async #ids(tx: StoreTransaction, portalId: number, count: number): Promise<string[]> {
    if (count === 0) return [];
    return (await tx.nextCounterValues(portalId, PIPELINE_COUNTER, count)).map((n) => String(ID_BASE + n));
  }

  /**
   * Stages for pipeline `pipelineId`. A stage ID given (fixtures) names one stage among all the
   * type's pipelines, since a record's stage must say which one it is.
   */
  async #stages(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    inputs: StageInput[],
    now: string,
    pipelines: ReadonlyMap<string, PipelineDefinition>,
    pipelineId: string | undefined,
  ) {
    const generated = await this.#ids(tx, portalId, inputs.filter((s) => !s.stageId).length);
    const stages = inputs.map((s, index) =>
      this.#stage(type, s, s.stageId ?? generated.shift()!, now, index),
    );
    if (new Set(stages.map((s) => s.id)).size !== stages.length)
      throw invalid('Stage IDs must be unique within a pipeline', 'stages', '');
    for (const pipeline of pipelines.values()) {
      if (pipeline.id === pipelineId) continue;
      const taken = stages.find((s) => pipeline.stages.some((other) => other.id === s.id));
      if (taken) throw stageExists(taken.id);
    }
    return stages;
  }

  async create(portalId: number, type: ObjectType, input: PipelineInput): Promise<PipelineDefinition> {
    return this.#write(portalId, type, async (tx, pipelines) => {
      checkLabel(input.label, pipelines, undefined);
      const [generated] = input.pipelineId ? [input.pipelineId] : await this.#ids(tx, portalId, 1);
      const id = generated!;
      const existing = pipelines.get(id);
      if (existing && !existing.archived) throw pipelineExists(id);
      const now = isoTimestamp(this.clock.now());
      const pipeline: PipelineDefinition = {
        id,
        label: input.label,
        displayOrder: orderOf(input.displayOrder, pipelines.size),
        stages: await this.#stages(tx, portalId, type, input.stages ?? [], now, pipelines, id),
        createdAt: now,
        updatedAt: now,
        archived: false,
        audit: [],
      };
      return this.#save(tx, portalId, type, pipeline, 'CREATE', id);
    });
  }

  async #save(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    pipeline: PipelineDefinition,
    action: string,
    identifier: string,
  ): Promise<PipelineDefinition> {
    if (!pipeline.archived) checkStageLabels(pipeline.stages);
    const timestamp = isoTimestamp(this.clock.now());
    const { audit, ...rawObject } = pipeline;
    const entry = { identifier, action, timestamp, message: `${action} ${identifier}`, rawObject };
    const saved = { ...pipeline, audit: [...audit, entry] };
    await this.catalog.save(tx, portalId, type, saved, this.clock.now());
    return liveStages(saved);
  }

  /** Whether any live record of the type is in the pipeline (and stage, when given). */
  async #inUse(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    pipelineId: string,
    stageIds?: readonly string[],
  ) {
    const names = pipelineProperties(type);
    let afterId: number | undefined;
    for (;;) {
      const rows = await tx.listObjects(portalId, {
        objectTypeId: type.id,
        limit: 500,
        archived: false,
        ...(afterId !== undefined && { afterId }),
      });
      for (const row of rows) {
        if (row.properties[names.pipeline] !== pipelineId) continue;
        if (!stageIds || stageIds.includes(row.properties[names.stage] ?? '')) return true;
      }
      if (rows.length < 500) return false;
      afterId = rows[rows.length - 1]!.id;
    }
  }

  async #refuseInUse(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    pipelineId: string,
    stageIds: string[] | undefined,
    check: boolean,
  ) {
    if (!check || (stageIds && stageIds.length === 0)) return;
    if (await this.#inUse(tx, portalId, type, pipelineId, stageIds)) {
      const what = stageIds
        ? `Stage ${stageIds.join(', ')} of pipeline ${pipelineId}`
        : `Pipeline ${pipelineId}`;
      throw invalid(
        `${what} is used by ${type.name} records: move them first, or pass validateReferencesBeforeDelete=false`,
        'pipelineId',
        pipelineId,
      );
    }
  }

  /** PUT (replace: stages too) or PATCH (label, display order, archived). */
  async update(
    portalId: number,
    type: ObjectType,
    pipelineId: string,
    input: PipelineInput,
    replace: boolean,
    check = true,
  ): Promise<PipelineDefinition> {
    return this.#write(portalId, type, async (tx, pipelines) => {
      const current = pipelines.get(pipelineId);
      if (!current || (current.archived && input.archived !== false)) throw notFound('Pipeline', pipelineId);
      // A label changed by PUT or PATCH is held to create's rules: not empty, not another's.
      if (input.label !== undefined) checkLabel(input.label, pipelines, pipelineId);
      const now = isoTimestamp(this.clock.now());
      let stages = current.stages;
      if (replace) {
        const next = await this.#stages(tx, portalId, type, input.stages ?? [], now, pipelines, pipelineId);
        const removed = current.stages
          .filter((s) => !s.archived && !next.some((n) => n.id === s.id))
          .map((s) => s.id);
        await this.#refuseInUse(tx, portalId, type, pipelineId, removed, check);
        stages = next.map((s) => ({
          ...s,
          createdAt: current.stages.find((c) => c.id === s.id)?.createdAt ?? now,
        }));
      }
      if (input.archived === true && pipelineId === defaultPipelineId(type))
        throw defaultPipelineNotArchivable(pipelineId, type.singular);
      if (input.archived === true) await this.#refuseInUse(tx, portalId, type, pipelineId, undefined, check);
      const pipeline: PipelineDefinition = {
        ...current,
        ...(input.label !== undefined && { label: input.label }),
        ...(input.displayOrder !== undefined && { displayOrder: orderOf(input.displayOrder, 0) }),
        ...(input.archived !== undefined && { archived: input.archived }),
        stages,
        updatedAt: now,
      };
      if (pipeline.archived) pipeline.archivedAt = now;
      else delete pipeline.archivedAt;
      return this.#save(tx, portalId, type, pipeline, 'UPDATE', pipelineId);
    });
  }

  async remove(portalId: number, type: ObjectType, pipelineId: string, check = true): Promise<void> {
    await this.update(portalId, type, pipelineId, { archived: true }, false, check);
  }

  async audit(portalId: number, type: ObjectType, pipelineId: string, stageId?: string) {
    this.#requireType(type);
    const pipeline = (await this.catalog.all(this.store, portalId, type)).get(pipelineId);
    if (!pipeline) throw notFound('Pipeline', pipelineId);
    if (stageId !== undefined && !pipeline.stages.some((s) => s.id === stageId))
      throw notFound('Stage', stageId);
    return pipeline.audit.filter((e) => stageId === undefined || e.identifier === stageId);
  }

  // ---- stages ----

  async stage(
    portalId: number,
    type: ObjectType,
    pipelineId: string,
    stageId: string,
  ): Promise<StageDefinition> {
    const pipeline = await this.get(portalId, type, pipelineId);
    const stage = pipeline.stages.find((s) => s.id === stageId);
    if (!stage) throw notFound('Stage', stageId);
    return stage;
  }

  async createStage(
    portalId: number,
    type: ObjectType,
    pipelineId: string,
    input: StageInput,
  ): Promise<StageDefinition> {
    return this.#write(portalId, type, async (tx, pipelines) => {
      const current = pipelines.get(pipelineId);
      if (!current || current.archived) throw notFound('Pipeline', pipelineId);
      const now = isoTimestamp(this.clock.now());
      const [stage] = await this.#stages(
        tx,
        portalId,
        type,
        [{ displayOrder: current.stages.length, ...input }],
        now,
        pipelines,
        pipelineId,
      );
      if (current.stages.some((s) => s.id === stage!.id && !s.archived)) throw stageExists(stage!.id);
      const stages = [...current.stages.filter((s) => s.id !== stage!.id), stage!];
      await this.#save(tx, portalId, type, { ...current, stages, updatedAt: now }, 'CREATE', stage!.id);
      return stage!;
    });
  }

  async updateStage(
    portalId: number,
    type: ObjectType,
    pipelineId: string,
    stageId: string,
    input: StageInput,
    replace: boolean,
  ): Promise<StageDefinition> {
    return this.#write(portalId, type, async (tx, pipelines) => {
      const current = pipelines.get(pipelineId);
      const existing = current?.stages.find((s) => s.id === stageId && !s.archived);
      if (!current || current.archived || !existing) throw notFound('Stage', stageId);
      const now = isoTimestamp(this.clock.now());
      const merged = replace
        ? input
        : {
            label: existing.label,
            displayOrder: existing.displayOrder,
            ...input,
            metadata: { ...existing.metadata, ...input.metadata },
          };
      const stage = {
        ...this.#stage(type, merged, stageId, now, existing.displayOrder),
        createdAt: existing.createdAt,
      };
      if (input.archived === true) {
        await this.#refuseInUse(tx, portalId, type, pipelineId, [stageId], true);
        Object.assign(stage, { archived: true, archivedAt: now });
      }
      const stages = current.stages.map((s) => (s.id === stageId ? stage : s));
      await this.#save(tx, portalId, type, { ...current, stages, updatedAt: now }, 'UPDATE', stageId);
      return stage;
    });
  }

  async removeStage(
    portalId: number,
    type: ObjectType,
    pipelineId: string,
    stageId: string,
    check = true,
  ): Promise<void> {
    await this.#write(portalId, type, async (tx, pipelines) => {
      const current = pipelines.get(pipelineId);
      if (!current || current.archived || !current.stages.some((s) => s.id === stageId && !s.archived))
        throw notFound('Stage', stageId);
      await this.#refuseInUse(tx, portalId, type, pipelineId, [stageId], check);
      const now = isoTimestamp(this.clock.now());
      const stages = current.stages.filter((s) => s.id !== stageId);
      await this.#save(tx, portalId, type, { ...current, stages, updatedAt: now }, 'DELETE', stageId);
    });
  }
}

/** A display order as sent (fixtures too), or `fallback`: an int32, as the spec answers it. */
function orderOf(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value + 0.5) > 2 ** 31)
    throw invalid('displayOrder must be a 32-bit integer', 'displayOrder', String(value));
  return value;
}

/** A pipeline's label: not empty, and no other live pipeline of the type has it. */
function checkLabel(
  label: unknown,
  pipelines: ReadonlyMap<string, PipelineDefinition>,
  pipelineId: string | undefined,
): asserts label is string {
  if (typeof label !== 'string' || label === '') throw invalid('A pipeline needs a label', 'label', '');
  if ([...pipelines.values()].some((p) => !p.archived && p.id !== pipelineId && p.label === label))
    throw pipelineLabelTaken(label);
}

/** A pipeline as the API shows it: its live stages, by display order, without the audit trail. */
function liveStages(pipeline: PipelineDefinition): PipelineDefinition {
  const stages = pipeline.stages.filter((s) => !s.archived).sort((a, b) => a.displayOrder - b.displayOrder);
  return { ...pipeline, stages };
}
