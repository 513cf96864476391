/**
 * An imported record's values against the imported catalog, the way API writes are checked
 * (record-validator.ts), with what a HubSpot portal itself holds after catalog changes let
 * through: values of archived properties, options since removed from an enumeration, owners
 * since archived, and what the server sets (read-only and calculated properties). A problem
 * fails the import with HubSpot's `Property values were not valid: [...]` list; decision D29.
 */
import { hasPipelines, pipelineProperties, type PipelineDefinition } from '../catalog/pipeline-catalog.js';
import type { PropertyDefinition } from '../catalog/property-types.js';
import { checkValue, doesNotExist, type PropertyValueProblem } from '../catalog/property-values.js';
import {
  lenientDefinition,
  LENIENT_NAME,
  propertyValuesError,
  type RecordValidator,
} from '../catalog/record-validator.js';
import type { ObjectType } from '../object-types.js';
import type { ObjectRow, StoreTransaction } from '../../store/store.js';
import { fail } from './import-checks.js';

/** Types whose values the import checks; the others (strings, enumerations) are kept as stored. */
const CHECKED_TYPES = new Set(['number', 'bool', 'date', 'datetime']);

interface TypeCatalog {
  definitions: Map<string, PropertyDefinition>;
  pipelines: Map<string, PipelineDefinition>;
  unique: string[];
}

export class ImportRecordChecks {
  readonly #types = new Map<string, TypeCatalog>();
  #owners: Set<string> | undefined;
  #lenient: boolean | undefined;

  constructor(
    private readonly tx: StoreTransaction,
    private readonly portalId: number,
    private readonly validator: RecordValidator,
    /** A version-1 document has no catalog: its unknown properties are made as lenient mode makes them. */
    private readonly createUnknown: () => boolean,
    private readonly now: number,
  ) {}

  async #catalog(type: ObjectType): Promise<TypeCatalog> {
    let found = this.#types.get(type.id);
    if (!found) {
      found = {
        definitions: await this.validator.properties.all(this.tx, this.portalId, type),
        pipelines: hasPipelines(type)
          ? await this.validator.pipelines.all(this.tx, this.portalId, type)
          : new Map(),
        unique: await this.validator.uniqueProperties(this.tx, this.portalId, type),
      };
      this.#types.set(type.id, found);
    }
    return found;
  }

  async #ownerIds(): Promise<Set<string>> {
    this.#owners ??= new Set((await this.tx.listCatalog(this.portalId, 'owner', '')).map((row) => row.key));
    return this.#owners;
  }

  /** The type's unique-value properties (the import claims their values). */
  async uniqueProperties(type: ObjectType): Promise<readonly string[]> {
    return (await this.#catalog(type)).unique;
  }

  /** Checks the record's values, normalizing them in place; fails the import on a problem. */
  async check(type: ObjectType, row: ObjectRow, where: string): Promise<void> {
    const catalog = await this.#catalog(type);
    const problems: PropertyValueProblem[] = [];
    const created: PropertyDefinition[] = [];
    this.#lenient ??=
      this.createUnknown() || (await this.validator.mode(this.tx, this.portalId)) === 'lenient';
    for (const [name, value] of Object.entries(row.properties)) {
      const definition = catalog.definitions.get(name);
      if (!definition) {
        if (!this.#lenient || !LENIENT_NAME.test(name)) {
          problems.push(doesNotExist(name));
          continue;
        }
        const made = lenientDefinition(name, this.now);
        catalog.definitions.set(name, made);
        created.push(made);
        continue;
      }
      if (value === null || value === '' || definition.archived) continue;
      const meta = definition.modificationMetadata;
      if (CHECKED_TYPES.has(definition.type) && !meta.readOnlyValue && !definition.calculated) {
        const checked = checkValue(definition, value);
        if ('problem' in checked) problems.push(checked.problem);
        else row.properties[name] = checked.value;
      }
      if (definition.referencedObjectType === 'OWNER' && !(await this.#ownerIds()).has(value))
        problems.push({
          name,
          error: 'INVALID_OPTION',
          message: `${value} is not the ID of an owner of this portal`,
        });
    }
    if (row.archivedAt === null) problems.push(...this.#pipelineProblems(type, catalog, row));
    if (problems.length > 0) fail(`${where}: ${propertyValuesError(problems).message}`);
    if (created.length > 0) await this.validator.createLenient(this.tx, this.portalId, type, created);
  }

  /**
   * A live record is in a pipeline of its type, at one of its stages: live ones, or ones
   * deleted with `validateReferencesBeforeDelete=false`, which leaves records in them (the
   * pipeline is then archived, the stage in its audit).
   */
  #pipelineProblems(type: ObjectType, catalog: TypeCatalog, row: ObjectRow): PropertyValueProblem[] {
    if (!hasPipelines(type)) return [];
    const names = pipelineProperties(type);
    const pipelineId = row.properties[names.pipeline];
    if (!pipelineId) return [];
    const pipeline = catalog.pipelines.get(pipelineId);
    if (!pipeline) {
      const live = [...catalog.pipelines.values()].filter((p) => !p.archived).map((p) => p.id);
      return [invalidOption(names.pipeline, pipelineId, live)];
    }
    const stageId = row.properties[names.stage];
    const known = new Set([
      ...pipeline.stages.map((s) => s.id),
      ...(pipeline.audit ?? []).map((entry) => entry.identifier),
    ]);
    if (!stageId || known.has(stageId)) return [];
    const live = pipeline.stages.filter((s) => !s.archived).map((s) => s.id);
    return [invalidOption(names.stage, stageId, live)];
  }
}

function invalidOption(name: string, value: string, allowed: readonly string[]): PropertyValueProblem {
  return {
    name,
    error: 'INVALID_OPTION',
    message: `${value} was not one of the allowed options: [${allowed.join(', ')}]`,
  };
}
