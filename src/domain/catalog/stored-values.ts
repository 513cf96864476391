/**
 * Stored record values against a portal's catalog: what an import checks before it writes
 * (harness/import-records.ts) and what `spoke check` reports. Stored values are held to what a
 * HubSpot portal itself can hold after catalog changes (decision D29): values of archived
 * properties, options since removed, owners since archived, and the server's own (read-only
 * and calculated) values pass; a property never defined, a value not of its type, an owner
 * never known, and a live record in a pipeline or stage never held do not.
 */
import type { ObjectType } from '../object-types.js';
import type { StoreReader } from '../../store/store.js';
import {
  hasPipelines,
  pipelineProperties,
  PipelineCatalog,
  stageRequired,
  stageWithoutPipeline,
  type PipelineDefinition,
} from './pipeline-catalog.js';
import { PropertyCatalog } from './property-catalog.js';
import type { PropertyDefinition } from './property-types.js';
import { checkValue, doesNotExist, required, type PropertyValueProblem } from './property-values.js';

/** Types whose stored values are checked; strings and enumerations are kept as stored. */
const CHECKED_TYPES = new Set(['number', 'bool', 'date', 'datetime']);

interface TypeCatalog {
  definitions: Map<string, PropertyDefinition>;
  pipelines: Map<string, PipelineDefinition>;
}

export interface StoredValuesOptions {
  properties?: PropertyCatalog;
  pipelines?: PipelineCatalog;
  /** The owner IDs beyond the stored ones (configured tokens'); without it owners are not checked. */
  configuredOwnerIds?: readonly string[];
}

export interface StoredCheck {
  problems: PropertyValueProblem[];
  /** Names the catalog does not define (also in `problems` as PROPERTY_DOESNT_EXIST). */
  unknown: string[];
  /** Values in the form a write would store them (numbers, booleans, dates, datetimes). */
  normalized: Record<string, string>;
}

export class StoredValues {
  readonly #types = new Map<string, TypeCatalog>();
  readonly #properties: PropertyCatalog;
  readonly #pipelines: PipelineCatalog;
  #owners: Set<string> | undefined;

  constructor(
    private readonly reader: StoreReader,
    private readonly portalId: number,
    private readonly options: StoredValuesOptions = {},
  ) {
    this.#properties = options.properties ?? new PropertyCatalog();
    this.#pipelines = options.pipelines ?? new PipelineCatalog();
  }

  async #catalog(type: ObjectType): Promise<TypeCatalog> {
    let found = this.#types.get(type.id);
    if (!found) {
      found = {
        definitions: await this.#properties.all(this.reader, this.portalId, type),
        pipelines: hasPipelines(type)
          ? await this.#pipelines.all(this.reader, this.portalId, type)
          : new Map(),
      };
      this.#types.set(type.id, found);
    }
    return found;
  }

  /** Adds a definition made meanwhile (lenient mode), so later records find it. */
  async define(type: ObjectType, definition: PropertyDefinition): Promise<void> {
    (await this.#catalog(type)).definitions.set(definition.name, definition);
  }

  async #ownerIds(): Promise<Set<string>> {
    this.#owners ??= new Set([
      ...(await this.reader.listCatalog(this.portalId, 'owner', '')).map((row) => row.key),
      ...(this.options.configuredOwnerIds ?? []),
    ]);
    return this.#owners;
  }

  async check(
    type: ObjectType,
    properties: Readonly<Record<string, string | null>>,
    live: boolean,
  ): Promise<StoredCheck> {
    const catalog = await this.#catalog(type);
    const result: StoredCheck = { problems: [], unknown: [], normalized: {} };
    for (const [name, value] of Object.entries(properties)) {
      const definition = catalog.definitions.get(name);
      if (!definition) {
        result.unknown.push(name);
        result.problems.push(doesNotExist(name));
        continue;
      }
      if (value === null || value === '' || definition.archived) continue;
      const meta = definition.modificationMetadata;
      if (CHECKED_TYPES.has(definition.type) && !meta.readOnlyValue && !definition.calculated) {
        const checked = checkValue(definition, value);
        if ('problem' in checked) result.problems.push(checked.problem);
        else result.normalized[name] = checked.value;
      }
      if (
        definition.referencedObjectType === 'OWNER' &&
        this.options.configuredOwnerIds !== undefined &&
        !(await this.#ownerIds()).has(value)
      )
        result.problems.push({
          name,
          error: 'INVALID_OPTION',
          message: `${value} is not the ID of an owner of this portal`,
        });
    }
    if (live) result.problems.push(...pipelineProblems(type, catalog.pipelines, properties));
    return result;
  }
}

/**
 * A live record is in a pipeline of its type, at one of its stages: live ones, or ones
 * deleted with `validateReferencesBeforeDelete=false`, which leaves records in them (the
 * pipeline is then archived, the stage in its audit).
 */
function pipelineProblems(
  type: ObjectType,
  pipelines: Map<string, PipelineDefinition>,
  properties: Readonly<Record<string, string | null>>,
): PropertyValueProblem[] {
  if (!hasPipelines(type)) return [];
  const names = pipelineProperties(type);
  const pipelineId = properties[names.pipeline];
  if (!pipelineId) return properties[names.stage] ? [stageWithoutPipeline(names, pipelines)] : [];
  const pipeline = pipelines.get(pipelineId);
  if (!pipeline) {
    const live = [...pipelines.values()].filter((p) => !p.archived).map((p) => p.id);
    return [invalidOption(names.pipeline, pipelineId, live)];
  }
  const stageId = properties[names.stage];
  if (!stageId && stageRequired(type)) return [required(names.stage)];
  const known = new Set([
    ...pipeline.stages.map((s) => s.id),
    ...(pipeline.audit ?? []).map((entry) => entry.identifier),
  ]);
  if (!stageId || known.has(stageId)) return [];
  const live = pipeline.stages.filter((s) => !s.archived).map((s) => s.id);
  return [invalidOption(names.stage, stageId, live)];
}

function invalidOption(name: string, value: string, allowed: readonly string[]): PropertyValueProblem {
  return {
    name,
    error: 'INVALID_OPTION',
    message: `${value} was not one of the allowed options: [${allowed.join(', ')}]`,
  };
}
