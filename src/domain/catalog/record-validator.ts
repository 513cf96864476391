/**
 * HubSpot's validation of a record write: every property the client sends must be defined
 * for the object type, writable, and hold a value of its type (one of its options, a known
 * owner, a pipeline and stage of the type). Every problem is reported in one 400, and
 * nothing is written. In lenient mode (a portal setting) an unknown property is created on
 * first write as a string property in a group of its own, and the write goes on.
 */
import { propertyValuesInvalid } from './catalog-errors.js';
import type { Clock } from '../clock.js';
import { isoTimestamp } from '../clock.js';
import type { ObjectType } from '../object-types.js';
import type { PropertyMap, StoreReader, StoreTransaction } from '../../store/store.js';
import {
  defaultPipelineId,
  hasPipelines,
  pipelineProperties,
  stageRequired,
  stageWithoutPipeline,
  type PipelineCatalog,
} from './pipeline-catalog.js';
import { ownersLock } from './owner-service.js';
import { ruleProblems } from './record-rules.js';
import { NO_CONFIGURED_OWNERS, type ConfiguredOwners } from './token-owners.js';
import type { PropertyCatalog } from './property-catalog.js';
import type { PropertyDefinition } from './property-types.js';
import {
  checkValue,
  doesNotExist,
  readOnly,
  required,
  type PropertyValueProblem,
} from './property-values.js';

export type ValidationMode = 'strict' | 'lenient';
export const VALIDATION_MODES: readonly ValidationMode[] = ['strict', 'lenient'];
/** The portal setting that holds the mode. */
export const PROPERTY_VALIDATION_SETTING = 'propertyValidation';
/** Where lenient mode puts the properties it creates. */
export const LENIENT_GROUP = { name: 'spoke_created', label: 'Created by writes (lenient mode)' };

/** HubSpot's 400: `Property values were not valid: [...]`, one entry per bad property. */
export const propertyValuesError = propertyValuesInvalid;

export interface CheckedWrite {
  readonly properties: PropertyMap;
  /** The type's unique-value properties (valid `idProperty` values). */
  readonly unique: readonly string[];
}

/** The names lenient mode creates properties for. */
export const LENIENT_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** What lenient mode creates for an unknown property: a string, in its own group. */
export function lenientDefinition(name: string, at: number): PropertyDefinition {
  const now = isoTimestamp(at);
  return {
    name,
    label: name,
    type: 'string',
    fieldType: 'text',
    groupName: LENIENT_GROUP.name,
    description: '',
    options: [],
    displayOrder: -1,
    hidden: false,
    formField: false,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: false,
    hubspotDefined: false,
    archived: false,
    modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
    createdAt: now,
    updatedAt: now,
  };
}

export class RecordValidator {
  constructor(
    readonly properties: PropertyCatalog,
    readonly pipelines: PipelineCatalog,
    private readonly clock: Clock,
    private readonly defaultMode: ValidationMode = 'strict',
    /** Owners configured tokens name (token-owners.ts), which are not stored. */
    readonly configuredOwners: ConfiguredOwners = NO_CONFIGURED_OWNERS,
  ) {}

  async mode(reader: StoreReader, portalId: number): Promise<ValidationMode> {
    const setting = await reader.getPortalSetting(portalId, PROPERTY_VALIDATION_SETTING);
    return setting === 'lenient' || setting === 'strict' ? setting : this.defaultMode;
  }

  /** Properties whose values are unique per portal: HubSpot's `hasUniqueValue` ones, and a contact's email. */
  async uniqueProperties(reader: StoreReader, portalId: number, type: ObjectType): Promise<string[]> {
    const definitions = await this.properties.list(reader, portalId, type);
    const unique = definitions
      .filter((p) => p.hasUniqueValue && p.name !== 'hs_object_id')
      .map((p) => p.name);
    return [...new Set([...type.uniqueProperties, ...unique])];
  }

  /**
   * Checks and normalizes what a client sends: `current` is the record's properties for an
   * update, undefined for a create.
   */
  async check(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    input: PropertyMap,
    current?: PropertyMap,
  ): Promise<CheckedWrite> {
    const definitions = await this.properties.all(tx, portalId, type);
    const problems: PropertyValueProblem[] = [];
    const out: PropertyMap = {};
    const created: PropertyDefinition[] = [];
    const lenient = (await this.mode(tx, portalId)) === 'lenient';
    for (const [name, value] of Object.entries(input)) {
      let definition = definitions.get(name);
      if (definition?.archived) definition = undefined;
      if (!definition) {
        if (!lenient || !LENIENT_NAME.test(name)) {
          problems.push(doesNotExist(name));
          continue;
        }
        definition = lenientDefinition(name, this.clock.now());
        created.push(definition);
      }
      if (definition.modificationMetadata.readOnlyValue || definition.calculated) {
        problems.push(readOnly(definition));
        continue;
      }
      if (value === null) {
        out[name] = null;
        continue;
      }
      const checked = checkValue(definition, value);
      if ('problem' in checked) problems.push(checked.problem);
      else out[name] = checked.value;
    }
    if (!current && type.schema) {
      for (const name of type.schema.required) {
        const value = out[name];
        if (value === undefined || value === null || value === '') problems.push(required(name));
      }
    }
    problems.push(...ruleProblems(type, definitions, out, current));
    if (problems.length === 0)
      problems.push(...(await this.#references(tx, portalId, type, definitions, out, current)));
    if (problems.length > 0) throw propertyValuesError(problems);
    await this.createLenient(tx, portalId, type, created);
    return { properties: out, unique: await this.uniqueProperties(tx, portalId, type) };
  }

  /**
   * The values among `values` that a write to a record holding `current` could set now (a
   * merge's filled gaps, decision D30): a property that is gone or archived, a value not of its
   * type, an archived owner, a stage outside the record's pipeline are left out. What the
   * server sets (read-only and calculated properties) is kept as it was.
   */
  async validSubset(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    values: PropertyMap,
    current: PropertyMap,
  ): Promise<PropertyMap> {
    const definitions = await this.properties.all(tx, portalId, type);
    const out: PropertyMap = {};
    for (const [name, value] of Object.entries(values)) {
      const definition = definitions.get(name);
      if (!definition || definition.archived || value === null) continue;
      if (definition.modificationMetadata.readOnlyValue || definition.calculated) {
        out[name] = value;
        continue;
      }
      const checked = checkValue(definition, value);
      if (!('problem' in checked)) out[name] = checked.value;
    }
    for (const problem of await this.#references(tx, portalId, type, definitions, out, current))
      delete out[problem.name];
    return out;
  }

  /**
   * A record brought back from the recycle bin must still sit in a live pipeline and stage:
   * deleting a stage or pipeline counts only live records (D32), so an archived one may name
   * what is gone. Refused like a write that sets those values (nothing is restored).
   */
  async checkRestoredPipeline(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    properties: PropertyMap,
  ): Promise<void> {
    if (!hasPipelines(type)) return;
    const names = pipelineProperties(type);
    const held = {
      [names.pipeline]: properties[names.pipeline] ?? null,
      [names.stage]: properties[names.stage] ?? null,
    };
    const definitions = await this.properties.all(tx, portalId, type);
    const problems = await this.#references(tx, portalId, type, definitions, held, properties);
    if (problems.length > 0) throw propertyValuesError(problems);
  }

  /** Values that name other catalog entries: owners, pipelines and stages. */
  async #references(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    definitions: Map<string, PropertyDefinition>,
    out: PropertyMap,
    current: PropertyMap | undefined,
  ): Promise<PropertyValueProblem[]> {
    const problems: PropertyValueProblem[] = [];
    const owners = Object.entries(out).filter(
      ([name, value]) => value && definitions.get(name)?.referencedObjectType === 'OWNER',
    );
    // Held to the commit: an owner archived meanwhile waits for this write (decision D28).
    if (owners.length > 0) await tx.lock(portalId, ownersLock('shared'));
    for (const [name, value] of owners) {
      if (!value) continue;
      const owner =
        (await tx.getCatalog(portalId, 'owner', '', value))?.value ??
        this.configuredOwners(portalId).find((o) => o.id === value);
      if (!owner || owner.archived === true)
        problems.push({
          name,
          error: 'INVALID_OPTION',
          message: `${value} is not the ID of an owner of this portal`,
        });
    }
    if (!hasPipelines(type)) return problems;
    const names = pipelineProperties(type);
    const fallback = defaultPipelineId(type);
    if (!current && !out[names.pipeline] && fallback !== undefined) out[names.pipeline] = fallback;
    if (!(names.pipeline in out) && !(names.stage in out)) return problems;
    // What the record holds after the write: a value written (null and "" clear) or kept.
    const after = (name: string) => (name in out ? out[name] : current?.[name]);
    const pipelineId = after(names.pipeline);
    const pipelines = await this.pipelines.all(tx, portalId, type);
    if (!pipelineId) {
      if (after(names.stage)) problems.push(stageWithoutPipeline(names, pipelines));
      return problems;
    }
    const pipeline = pipelines.get(pipelineId);
    if (!pipeline || pipeline.archived) {
      const live = [...pipelines.values()].filter((p) => !p.archived).map((p) => p.id);
      problems.push({
        name: names.pipeline,
        error: 'INVALID_OPTION',
        message: `${pipelineId} was not one of the allowed options: [${live.join(', ')}]`,
      });
      return problems;
    }
    const stageId = after(names.stage);
    // A deal in a pipeline has a stage (decision D72): required on create, kept on update.
    if (!stageId && stageRequired(type)) problems.push(required(names.stage));
    const stages = pipeline.stages.filter((s) => !s.archived).map((s) => s.id);
    if (stageId && !stages.includes(stageId)) {
      problems.push({
        name: names.stage,
        error: 'INVALID_OPTION',
        message: `${stageId} was not one of the allowed options: [${stages.join(', ')}]`,
      });
    }
    return problems;
  }

  /** Saves properties lenient mode made (the import too), with their group. */
  async createLenient(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    created: PropertyDefinition[],
  ) {
    if (created.length === 0) return;
    // Record writes hold the type's lock shared, so two of them may get here at once; a custom
    // object's properties are one schema document, which two read-modify-writes would each
    // overwrite. This lock (only lenient creations take it) makes them take turns, and what
    // the other one created is read again after it (the lock is held until its commit).
    await tx.lock(portalId, [{ scope: 'object-type', key: `${type.id}#lenient`, mode: 'exclusive' }]);
    const now = this.clock.now();
    const existing = await this.properties.all(tx, portalId, type);
    const groups = await this.properties.groups(tx, portalId, type);
    if (!groups.has(LENIENT_GROUP.name))
      await this.properties.saveGroup(
        tx,
        portalId,
        type,
        { ...LENIENT_GROUP, displayOrder: -1, archived: false },
        now,
      );
    for (const definition of created) {
      const current = existing.get(definition.name);
      // Created meanwhile by a concurrent write: keep the first definition.
      if (current && !current.archived) continue;
      await this.properties.save(tx, portalId, type, definition, now);
    }
  }
}
