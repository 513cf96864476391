/**
 * An imported record's values against the imported catalog, the way API writes are checked,
 * with what a HubSpot portal itself holds after catalog changes let through (catalog/
 * stored-values.ts). A problem fails the import with HubSpot's `Property values were not
 * valid: [...]` list; properties the catalog does not define are made as lenient mode makes
 * them when the document is lenient or has no catalog (version 1); decision D29.
 */
import type { PropertyDefinition } from '../catalog/property-types.js';
import {
  lenientDefinition,
  LENIENT_NAME,
  propertyValuesError,
  type RecordValidator,
} from '../catalog/record-validator.js';
import { StoredValues } from '../catalog/stored-values.js';
import type { ObjectType } from '../object-types.js';
import type { ObjectRow, StoreTransaction } from '../../store/store.js';
import { fail } from './import-checks.js';

export class ImportRecordChecks {
  readonly #values: StoredValues;
  readonly #unique = new Map<string, string[]>();
  #lenient: boolean | undefined;

  constructor(
    private readonly tx: StoreTransaction,
    private readonly portalId: number,
    private readonly validator: RecordValidator,
    /** A version-1 document has no catalog: its unknown properties are made as lenient mode makes them. */
    private readonly createUnknown: () => boolean,
    private readonly now: number,
  ) {
    this.#values = new StoredValues(tx, portalId, {
      properties: validator.properties,
      pipelines: validator.pipelines,
      configuredOwnerIds: validator.configuredOwners(portalId).map((owner) => owner.id),
    });
  }

  /** The type's unique-value properties (the import claims their values). */
  async uniqueProperties(type: ObjectType): Promise<readonly string[]> {
    let unique = this.#unique.get(type.id);
    if (!unique)
      this.#unique.set(
        type.id,
        (unique = await this.validator.uniqueProperties(this.tx, this.portalId, type)),
      );
    return unique;
  }

  /** Checks the record's values, normalizing them in place; fails the import on a problem. */
  async check(type: ObjectType, row: ObjectRow, where: string): Promise<void> {
    const { problems, unknown, normalized } = await this.#values.check(
      type,
      row.properties,
      row.archivedAt === null,
    );
    this.#lenient ??=
      this.createUnknown() || (await this.validator.mode(this.tx, this.portalId)) === 'lenient';
    const created: PropertyDefinition[] = [];
    const remaining = problems.filter((problem) => {
      const make = this.#lenient && unknown.includes(problem.name) && LENIENT_NAME.test(problem.name);
      if (make && problem.error === 'PROPERTY_DOESNT_EXIST')
        created.push(lenientDefinition(problem.name, this.now));
      return !make;
    });
    if (remaining.length > 0) fail(`${where}: ${propertyValuesError(remaining).message}`);
    Object.assign(row.properties, normalized);
    if (created.length === 0) return;
    for (const definition of created) await this.#values.define(type, definition);
    await this.validator.createLenient(this.tx, this.portalId, type, created);
  }
}
