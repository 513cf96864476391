/**
 * The properties API's rules: property definitions and groups per object type (HubSpot's
 * defaults, and the portal's own), created, changed and archived. Changes to a type's
 * definitions take its catalog lock exclusive, so a record write validated against them
 * does not interleave with their change.
 */
import { isoTimestamp, type Clock } from '../clock.js';
import { ConflictError, ValidationError, type SpokeError } from '../errors.js';
import {
  groupExists,
  groupNotEmpty,
  groupNotFound,
  hubspotPropertyNotArchivable,
  hubspotPropertyReadOnly,
  managedOptionsReadOnly,
  propertyExists,
  propertyNotFound,
  recreateRefused,
  typeChangeRefused,
  unknownGroup,
} from './catalog-errors.js';
import type { BatchOutcome } from '../batch.js';
import type { ObjectType } from '../object-types.js';
import { lockForWrite, typeLock } from '../write-locks.js';
import type { Store, StoreTransaction } from '../../store/store.js';
import { CUSTOM_OBJECT_GROUP } from './default-catalog.js';
import { hasManagedOptions, type ManagedOptions } from './managed-options.js';
import type { PropertyCatalog } from './property-catalog.js';
import { recordHolding, recordRefusing } from './property-usage.js';
import {
  checkDefinition,
  checkName,
  normalizeOptions,
  type GroupDefinition,
  type PropertyDefinition,
  type PropertyInput,
} from './property-types.js';

/** Fields a client may change on a property (PropertyUpdate). */
const UPDATABLE = [
  'label',
  'type',
  'fieldType',
  'groupName',
  'description',
  'options',
  'displayOrder',
  'hidden',
  'formField',
  'numberDisplayHint',
  'textDisplayHint',
  'showCurrencySymbol',
  'currencyPropertyName',
  'calculationFormula',
] as const;

export class PropertyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    readonly catalog: PropertyCatalog,
    /** Fills in the options of pipeline, stage and owner properties (decision D73). */
    private readonly managed?: ManagedOptions,
  ) {}

  /** Definitions as the API shows them: managed options filled in. */
  #shown(portalId: number, type: ObjectType, definitions: readonly PropertyDefinition[]) {
    return this.managed
      ? this.managed.fill(this.store, portalId, type, definitions)
      : Promise.resolve([...definitions]);
  }

  async #locked<T>(portalId: number, type: ObjectType, fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.store.transaction(async (tx) => {
      await lockForWrite(tx, portalId, typeLock(type.id, 'exclusive'));
      return fn(tx);
    });
  }

  async list(portalId: number, type: ObjectType, archived = false): Promise<PropertyDefinition[]> {
    return this.#shown(portalId, type, await this.catalog.list(this.store, portalId, type, archived));
  }

  async get(portalId: number, type: ObjectType, name: string, archived = false): Promise<PropertyDefinition> {
    const found = await this.catalog.get(this.store, portalId, type, name);
    if (!found || found.archived !== archived) throw propertyNotFound(type, name);
    return (await this.#shown(portalId, type, [found]))[0]!;
  }

  async create(portalId: number, type: ObjectType, input: PropertyInput): Promise<PropertyDefinition> {
    return this.#locked(portalId, type, (tx) => this.#create(tx, portalId, type, input));
  }

  async #create(tx: StoreTransaction, portalId: number, type: ObjectType, input: PropertyInput) {
    const name = checkName(input.name, 'property');
    const existing = await this.catalog.get(tx, portalId, type, name);
    if (existing && (!existing.archived || existing.hubspotDefined)) throw propertyExists(name);
    const groupName = input.groupName ?? (type.id.startsWith('2-') ? CUSTOM_OBJECT_GROUP : '');
    await this.#requireGroup(tx, portalId, type, groupName);
    const now = isoTimestamp(this.clock.now());
    const definition: PropertyDefinition = {
      ...Object.fromEntries(UPDATABLE.filter((k) => input[k] !== undefined).map((k) => [k, input[k]])),
      name,
      label: input.label ?? '',
      type: input.type as PropertyDefinition['type'],
      fieldType: input.fieldType ?? '',
      groupName,
      description: input.description ?? '',
      options: normalizeOptions(input.options),
      displayOrder: input.displayOrder ?? -1,
      hidden: input.hidden ?? false,
      formField: input.formField ?? false,
      calculated: false,
      externalOptions: input.externalOptions ?? false,
      hasUniqueValue: input.hasUniqueValue ?? false,
      hubspotDefined: false,
      archived: false,
      ...(input.referencedObjectType !== undefined && { referencedObjectType: input.referencedObjectType }),
      ...(input.dataSensitivity !== undefined && { dataSensitivity: input.dataSensitivity }),
      modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
      createdAt: now,
      updatedAt: now,
    };
    checkDefinition(definition);
    if (existing) await this.#checkRecreate(tx, portalId, type, existing, definition);
    await this.catalog.save(tx, portalId, type, definition, this.clock.now());
    return definition;
  }

  /**
   * An archived property's values stay on its records (HubSpot keeps them to restore), so a
   * property created again under its name takes them over: refused when they do not fit the
   * new definition, as a type change is (decisions D27, D31).
   */
  async #checkRecreate(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    archived: PropertyDefinition,
    created: PropertyDefinition,
  ) {
    if (created.type !== archived.type) {
      const refusing = await recordRefusing(tx, portalId, type, { ...created, options: [] });
      if (refusing !== undefined)
        throw recreateRefused(created.name, `as ${created.type}`, `is not one`, refusing);
    }
    if (created.hasUniqueValue !== archived.hasUniqueValue) {
      const holding = await recordHolding(tx, portalId, type, created.name);
      if (holding !== undefined)
        throw recreateRefused(
          created.name,
          `with hasUniqueValue ${String(created.hasUniqueValue)}`,
          `was written ${archived.hasUniqueValue ? 'as unique' : 'without a uniqueness check'}`,
          holding,
        );
    }
  }

  async #requireGroup(tx: StoreTransaction, portalId: number, type: ObjectType, groupName: string) {
    const group = (await this.catalog.groups(tx, portalId, type)).get(groupName);
    if (!group || group.archived) {
      throw unknownGroup(type, groupName);
    }
  }

  async update(
    portalId: number,
    type: ObjectType,
    name: string,
    patch: PropertyInput,
  ): Promise<PropertyDefinition> {
    const updated = await this.#locked(portalId, type, async (tx) => {
      const current = await this.catalog.get(tx, portalId, type, name);
      if (!current || current.archived) throw propertyNotFound(type, name);
      const changed = UPDATABLE.filter((k) => patch[k] !== undefined);
      const meta = current.modificationMetadata;
      const allowed = meta.readOnlyDefinition
        ? changed.every((k) => k === 'options' && meta.readOnlyOptions === false)
        : true;
      if (!allowed) {
        throw hubspotPropertyReadOnly(name);
      }
      // Pipelines and owners hold these options; writes check against them (decision D73).
      if (patch.options !== undefined && hasManagedOptions(type, current))
        throw managedOptionsReadOnly(
          name,
          current.referencedObjectType === 'OWNER' ? 'owners' : 'pipelines API',
        );
      if (patch.groupName !== undefined) await this.#requireGroup(tx, portalId, type, patch.groupName);
      const updated: PropertyDefinition = {
        ...current,
        ...Object.fromEntries(changed.map((k) => [k, patch[k]])),
        ...(patch.options !== undefined && { options: normalizeOptions(patch.options) }),
        updatedAt: isoTimestamp(this.clock.now()),
      };
      checkDefinition(updated);
      if (updated.type !== current.type) {
        // Enumeration options are not checked: HubSpot keeps values of removed options.
        const refusing = await recordRefusing(tx, portalId, type, { ...updated, options: [] });
        if (refusing !== undefined) throw typeChangeRefused(name, updated.type, refusing);
      }
      await this.catalog.save(tx, portalId, type, updated, this.clock.now());
      return updated;
    });
    return (await this.#shown(portalId, type, [updated]))[0]!;
  }

  /** DELETE …/{propertyName}: archives the property; HubSpot's own cannot be archived. */
  async archive(
    portalId: number,
    type: ObjectType,
    names: readonly string[],
    missingIsError = true,
  ): Promise<void> {
    await this.#locked(portalId, type, async (tx) => {
      for (const name of names) {
        const current = await this.catalog.get(tx, portalId, type, name);
        if (!current || current.archived) {
          if (missingIsError) throw propertyNotFound(type, name);
          continue;
        }
        if (!current.modificationMetadata.archivable) {
          throw hubspotPropertyNotArchivable(name);
        }
        const now = this.clock.now();
        const archived = {
          ...current,
          archived: true,
          archivedAt: isoTimestamp(now),
          updatedAt: isoTimestamp(now),
        };
        await this.catalog.save(tx, portalId, type, archived, now);
      }
    });
  }

  /** POST …/batch/create: each input on its own, failures reported per input. */
  async batchCreate(
    portalId: number,
    type: ObjectType,
    inputs: readonly PropertyInput[],
  ): Promise<BatchOutcome<PropertyDefinition>> {
    return this.#locked(portalId, type, async (tx) => {
      const results: PropertyDefinition[] = [];
      const errors: SpokeError[] = [];
      for (const input of inputs) {
        try {
          results.push(await tx.savepoint(() => this.#create(tx, portalId, type, input)));
        } catch (error) {
          if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error;
          errors.push(error);
        }
      }
      return { results, errors };
    });
  }

  async batchRead(
    portalId: number,
    type: ObjectType,
    names: readonly string[],
    archived: boolean,
  ): Promise<BatchOutcome<PropertyDefinition>> {
    const all = await this.catalog.all(this.store, portalId, type);
    const results: PropertyDefinition[] = [];
    const errors: SpokeError[] = [];
    for (const name of new Set(names)) {
      const found = all.get(name);
      if (found && found.archived === archived) results.push(found);
      else errors.push(propertyNotFound(type, name));
    }
    return { results: await this.#shown(portalId, type, results), errors };
  }

  // ---- groups ----

  async listGroups(portalId: number, type: ObjectType): Promise<GroupDefinition[]> {
    return [...(await this.catalog.groups(this.store, portalId, type)).values()].filter((g) => !g.archived);
  }

  async getGroup(portalId: number, type: ObjectType, name: string): Promise<GroupDefinition> {
    const group = (await this.catalog.groups(this.store, portalId, type)).get(name);
    if (!group || group.archived) throw groupNotFound(type, name);
    return group;
  }

  async createGroup(
    portalId: number,
    type: ObjectType,
    input: { name: string; label: string; displayOrder?: number | undefined },
  ): Promise<GroupDefinition> {
    const name = checkName(input.name, 'property group');
    return this.#locked(portalId, type, async (tx) => {
      const existing = (await this.catalog.groups(tx, portalId, type)).get(name);
      if (existing && !existing.archived) throw groupExists(name);
      const group = { name, label: input.label, displayOrder: input.displayOrder ?? -1, archived: false };
      await this.catalog.saveGroup(tx, portalId, type, group, this.clock.now());
      return group;
    });
  }

  async updateGroup(
    portalId: number,
    type: ObjectType,
    name: string,
    patch: { label?: string | undefined; displayOrder?: number | undefined },
  ): Promise<GroupDefinition> {
    return this.#locked(portalId, type, async (tx) => {
      const existing = (await this.catalog.groups(tx, portalId, type)).get(name);
      if (!existing || existing.archived) throw groupNotFound(type, name);
      const group = {
        ...existing,
        ...(patch.label !== undefined && { label: patch.label }),
        ...(patch.displayOrder !== undefined && { displayOrder: patch.displayOrder }),
      };
      await this.catalog.saveGroup(tx, portalId, type, group, this.clock.now());
      return group;
    });
  }

  /** DELETE …/groups/{groupName}: refused while live properties are in the group. */
  async archiveGroup(portalId: number, type: ObjectType, name: string): Promise<void> {
    await this.#locked(portalId, type, async (tx) => {
      const existing = (await this.catalog.groups(tx, portalId, type)).get(name);
      if (!existing || existing.archived) throw groupNotFound(type, name);
      const members = (await this.catalog.list(tx, portalId, type)).filter((p) => p.groupName === name);
      if (members.length > 0) {
        throw groupNotEmpty(
          name,
          members.map((p) => p.name),
        );
      }
      await this.catalog.saveGroup(tx, portalId, type, { ...existing, archived: true }, this.clock.now());
    });
  }
}
