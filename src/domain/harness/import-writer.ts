/**
 * The import's writer: checks each part of an export document as the parser hands it over and
 * writes it in chunks, inside the import's transaction (portal-import.ts).
 */
import { standardObjectTypeById, type ObjectType } from '../object-types.js';
import { customObjectType } from '../objects/custom-object-type.js';
import { USER_DEFINED_TYPE_COUNTER } from '../associations/label-service.js';
import { CUSTOM_OBJECT_TYPE_BASE, OBJECT_TYPE_COUNTER } from '../objects/schema-service.js';
import { RECORD_ID_BASE, RECORD_ID_COUNTER } from '../record-ids.js';
import type {
  AssociationRow,
  DefinitionRow,
  HistoryRow,
  LimitRow,
  ObjectRow,
  StoreTransaction,
  UniqueValueRow,
} from '../../store/store.js';
import { PROPERTY_VALIDATION_SETTING, type RecordValidator } from '../catalog/record-validator.js';
import type { CatalogRow } from '../../store/catalog-store.js';
import { importCatalogRow, importSettings } from './import-catalog.js';
import { checkImportedCatalog } from './import-catalog-consistency.js';
import { asLoose, category, fail, recordId, time, type Loose } from './import-checks.js';
import { ImportRecordChecks } from './import-records.js';
import type { Element, TopLevelArrays } from './import-document-shape.js';
import { EXPORT_FORMAT, EXPORT_VERSION, type Progress } from './portal-export.js';

/** Versions the importer reads: 1 has no catalog (decision D29). */
const READABLE_VERSIONS = [1, EXPORT_VERSION];

/** Rows written per statement batch. */
const CHUNK = 2000;
export const ARRAYS = ['schemas', 'labels', 'limits', 'catalog', 'records', 'associations'] as const;
/** The arrays every version has (`catalog` is version 2's; finish() asks for it). */
export const REQUIRED_ARRAYS = ARRAYS.filter((key) => key !== 'catalog');

export interface ImportCounts {
  records: number;
  associations: number;
}

/** Checks each part of the document as it arrives and writes it in chunks. */
export class ImportWriter {
  readonly #customTypes = new Map<string, ObjectType>();
  #schemasRead = false;
  #formatRead = false;
  #version: number | undefined;
  /** Raw catalog rows until the schemas they may name have been read. */
  #catalog: unknown[] | undefined;
  #catalogRead = false;
  #settingsRead = false;
  readonly #checks: ImportRecordChecks;
  #counters: Record<string, number> = Object.create(null);
  readonly #recordTypes = new Map<number, string>();
  readonly #claimed = new Map<string, number>();
  #labels: DefinitionRow[] = [];
  #limits: unknown[] | undefined;
  #fixtureKeys: Record<string, unknown> = {};
  #recordIndex = 0;
  #associationIndex = 0;
  #associationCount = 0;
  /** Records whose custom type's schema has not been read yet, and associations whose records. */
  #waitingRecords: Array<[unknown, number]> = [];
  #waitingAssociations: Array<[unknown, number]> = [];
  #records: ObjectRow[] = [];
  #history: HistoryRow[] = [];
  #unique: UniqueValueRow[] = [];
  #associations: AssociationRow[] = [];

  constructor(
    private readonly tx: StoreTransaction,
    private readonly portalId: number,
    validator: RecordValidator,
    now: number,
    private readonly progress?: Progress,
  ) {
    this.#checks = new ImportRecordChecks(tx, portalId, validator, () => this.#version === 1, now);
  }

  /** Whether records can be checked: the schemas, catalog and settings they are checked against are in. */
  #ready(): boolean {
    return this.#schemasRead && (this.#version === 1 || (this.#catalogRead && this.#settingsRead));
  }

  async #releaseRecords(): Promise<void> {
    if (!this.#ready()) return;
    for (const [record, index] of this.#waitingRecords.splice(0)) await this.#record(record, index);
  }

  async element(element: Element, structure: TopLevelArrays): Promise<void> {
    const { section } = element;
    if (element.item) {
      if (!element.inArray) fail(`"${section}" must be an array`);
      if (section === 'records') await this.#record(element.value, this.#recordIndex++);
      else await this.#association(element.value, this.#associationIndex++);
      return;
    }
    if (ARRAYS.includes(section as (typeof ARRAYS)[number]) && !structure.arrays.has(section))
      fail(`"${section}" must be an array`);
    await this.#head(section, element.value);
  }

  async #head(key: string, value: unknown): Promise<void> {
    switch (key) {
      case 'format':
        if (value !== EXPORT_FORMAT) fail(`"format" must be "${EXPORT_FORMAT}"`);
        this.#formatRead = true;
        return;
      case 'version':
        if (!READABLE_VERSIONS.includes(value as number))
          fail(
            `"version" ${String(value)} is not supported (this Spoke reads versions ${READABLE_VERSIONS.join(' and ')})`,
          );
        this.#version = value as number;
        await this.#readCatalog();
        return;
      case 'settings': {
        const { propertyValidation } = importSettings(value);
        await this.tx.setPortalSetting(this.portalId, PROPERTY_VALIDATION_SETTING, propertyValidation);
        this.#settingsRead = true;
        await this.#releaseRecords();
        return;
      }
      case 'catalog':
        this.#catalog = value as unknown[];
        await this.#readCatalog();
        return;
      case 'counters':
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          fail('"counters" must be an object');
        for (const [name, count] of Object.entries(value)) {
          if (!Number.isInteger(count) || (count as number) < 0)
            fail(`counter ${name} must be a non-negative integer`);
          this.#raise(name, count as number);
        }
        return;
      case 'schemas':
        await this.#schemas(value as unknown[]);
        return;
      case 'labels':
        this.#labels = (value as unknown[]).map((d, i) => this.#label(asLoose(d), i));
        return;
      case 'limits':
        this.#limits = value as unknown[];
        return;
      case 'fixtureKeys':
        if (typeof value !== 'object' || value === null) fail('"fixtureKeys" must be an object');
        this.#fixtureKeys = value as Record<string, unknown>;
        return;
    }
  }

  #raise(counter: string, value: number): void {
    if (value > (this.#counters[counter] ?? 0)) this.#counters[counter] = value;
  }

  async #schemas(schemas: unknown[]): Promise<void> {
    for (const [i, raw] of schemas.entries()) {
      const s = asLoose(raw);
      if (
        typeof s?.objectTypeId !== 'string' ||
        !/^2-\d+$/.test(s.objectTypeId) ||
        typeof s.name !== 'string'
      )
        fail(`schemas[${i}] needs an objectTypeId (2-N) and a name`);
      if (typeof s.definition !== 'object' || s.definition === null)
        fail(`schemas[${i}].definition must be an object`);
      const row = {
        objectTypeId: s.objectTypeId,
        name: s.name,
        definition: s.definition as never,
        createdAt: time(s.createdAt, `schemas[${i}].createdAt`),
        updatedAt: time(s.updatedAt, `schemas[${i}].updatedAt`),
        archivedAt: s.archivedAt == null ? null : time(s.archivedAt, `schemas[${i}].archivedAt`),
      };
      await this.tx.insertSchema(this.portalId, row);
      this.#customTypes.set(row.objectTypeId, customObjectType(this.portalId, row));
      this.#raise(OBJECT_TYPE_COUNTER, Number(row.objectTypeId.slice(2)) - CUSTOM_OBJECT_TYPE_BASE);
    }
    this.#schemasRead = true;
    await this.#readCatalog();
    await this.#releaseRecords();
  }

  /** Writes the catalog once the schemas its rows may name are in; version 1 has none. */
  async #readCatalog(): Promise<void> {
    if (!this.#schemasRead || this.#catalogRead || this.#version === undefined) return;
    if (this.#version === 1) {
      if (this.#catalog !== undefined) fail('a version 1 document has no "catalog"');
    } else {
      if (this.#catalog === undefined) return;
      const rows: CatalogRow[] = this.#catalog.map((raw, i) =>
        importCatalogRow(raw, i, (id) => this.#typeOf(id, `catalog[${i}]`)),
      );
      const keys = new Set<string>();
      for (const row of rows) {
        const key = `${row.kind}|${row.scope}|${row.key}`;
        if (keys.has(key))
          fail(`the catalog holds ${row.kind} ${row.key} of ${row.scope || 'the portal'} twice`);
        keys.add(key);
        await this.tx.putCatalog(this.portalId, row);
      }
      await checkImportedCatalog(this.tx, this.portalId, rows, (id) => this.#typeOf(id, 'catalog'));
    }
    this.#catalogRead = true;
    await this.#releaseRecords();
  }

  /** The object type an ID names; undefined while a custom type's schema may still come. */
  #typeOf(objectTypeId: unknown, where: string): ObjectType | undefined {
    const type =
      typeof objectTypeId === 'string'
        ? (standardObjectTypeById(objectTypeId) ?? this.#customTypes.get(objectTypeId))
        : undefined;
    if (type || !this.#schemasRead) return type;
    fail(`${where} names an unknown object type ${JSON.stringify(objectTypeId)}`);
  }

  #knownType(objectTypeId: unknown, where: string): ObjectType {
    const type = this.#typeOf(objectTypeId, where);
    if (!type) fail(`${where} names an unknown object type ${JSON.stringify(objectTypeId)}`);
    return type;
  }

  #label(d: Loose, i: number): DefinitionRow {
    if (!d || !Number.isInteger(d.typeId) || typeof d.name !== 'string')
      fail(`labels[${i}] needs a typeId and a name`);
    return {
      category: category(d.category, `labels[${i}]`),
      typeId: d.typeId as number,
      fromObjectTypeId: d.fromObjectTypeId as string,
      toObjectTypeId: d.toObjectTypeId as string,
      name: d.name,
      label: (d.label as string | null | undefined) ?? null,
      inverseTypeId: (d.inverseTypeId as number | null | undefined) ?? null,
      createdAt: time(d.createdAt, `labels[${i}].createdAt`),
    };
  }

  async #record(raw: unknown, index: number): Promise<void> {
    const where = `records[${index}]`;
    const r = asLoose(raw);
    const id = recordId(r?.id, `${where}.id`);
    const type = this.#typeOf(r!.objectTypeId, where);
    if (!type || !this.#ready()) return void this.#waitingRecords.push([raw, index]);
    if (this.#recordTypes.has(id)) fail(`${where}.id ${id} appears twice`);
    this.#recordTypes.set(id, type.id);
    const properties = r!.properties;
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties))
      fail(`${where}.properties must be an object`);
    for (const [name, value] of Object.entries(properties)) {
      if (value !== null && typeof value !== 'string')
        fail(`${where}.properties.${name} must be a string or null`);
    }
    const row: ObjectRow = {
      id,
      objectTypeId: type.id,
      properties: properties as Record<string, string | null>,
      createdAt: time(r!.createdAt, `${where}.createdAt`),
      updatedAt: time(r!.updatedAt, `${where}.updatedAt`),
      archivedAt: r!.archivedAt == null ? null : time(r!.archivedAt, `${where}.archivedAt`),
    };
    await this.#checks.check(type, row, where);
    this.#records.push(row);
    if (id > RECORD_ID_BASE && id - RECORD_ID_BASE <= 2 ** 40)
      this.#raise(RECORD_ID_COUNTER, id - RECORD_ID_BASE);
    const history = r!.history ?? {};
    if (typeof history !== 'object' || history === null) fail(`${where}.history must be an object`);
    for (const [name, entries] of Object.entries(history)) {
      if (!Array.isArray(entries)) fail(`${where}.history.${name} must be an array`);
      for (const [k, e] of entries.entries()) {
        const entry = asLoose(e);
        this.#history.push({
          objectId: id,
          name,
          value: (entry?.value as string | null | undefined) ?? null,
          timestamp: time(entry?.timestamp, `${where}.history.${name}[${k}].timestamp`),
          sourceType: typeof entry?.sourceType === 'string' ? entry.sourceType : 'API',
        });
      }
    }
    if (row.archivedAt === null)
      this.#claimUnique(type, await this.#checks.uniqueProperties(type), row, where);
    if (this.#records.length >= CHUNK) await this.#flushRecords();
  }

  #claimUnique(type: ObjectType, unique: readonly string[], row: ObjectRow, where: string): void {
    for (const property of unique) {
      const value = row.properties[property];
      if (typeof value !== 'string' || value === '') continue;
      const normalized = value.trim().toLowerCase();
      const key = `${type.id}|${property}|${normalized}`;
      const holder = this.#claimed.get(key);
      if (holder !== undefined) fail(`${where}: ${property} "${value}" is also held by record ${holder}`);
      this.#claimed.set(key, row.id);
      this.#unique.push({ objectTypeId: type.id, property, value: normalized, objectId: row.id });
    }
  }

  async #flushRecords(): Promise<void> {
    if (this.#records.length === 0) return;
    await this.tx.insertObjects(this.portalId, this.#records);
    await this.tx.appendHistory(this.portalId, this.#history);
    await this.tx.claimUniqueValues(this.portalId, this.#unique);
    this.progress?.(this.#recordTypes.size, undefined, 'records');
    this.#records = [];
    this.#history = [];
    this.#unique = [];
  }

  async #association(raw: unknown, index: number, final = false): Promise<void> {
    const where = `associations[${index}]`;
    const a = asLoose(raw);
    const fromId = recordId(a?.fromId, `${where}.fromId`);
    const toId = recordId(a!.toId, `${where}.toId`);
    const fromType = this.#recordTypes.get(fromId);
    const toType = this.#recordTypes.get(toId);
    if (fromType === undefined || toType === undefined) {
      // Its records may come later in the document.
      if (!final) return void this.#waitingAssociations.push([raw, index]);
    }
    if (fromType !== a!.fromObjectTypeId || toType !== a!.toObjectTypeId)
      fail(`${where} connects records the document does not hold with those types`);
    if (!Number.isInteger(a!.typeId)) fail(`${where}.typeId must be an integer`);
    this.#associations.push({
      fromObjectTypeId: fromType!,
      fromId,
      toObjectTypeId: toType!,
      toId,
      category: category(a!.category, where),
      typeId: a!.typeId as number,
    });
    if (this.#associations.length >= CHUNK * 5) await this.#flushAssociations();
  }

  async #flushAssociations(): Promise<void> {
    if (this.#associations.length === 0) return;
    await this.tx.insertAssociations(this.portalId, this.#associations);
    this.#associationCount += this.#associations.length;
    this.progress?.(this.#associationCount, undefined, 'associations');
    this.#associations = [];
  }

  requireFormat(): void {
    if (!this.#formatRead) fail(`"format" must be "${EXPORT_FORMAT}"`);
  }

  async finish(): Promise<ImportCounts> {
    this.#schemasRead = true;
    if (this.#version === undefined) fail('"version" is missing');
    if (this.#version !== 1 && (this.#catalog === undefined || !this.#settingsRead))
      fail(`a version ${this.#version} document needs "settings" and "catalog"`);
    await this.#readCatalog();
    await this.#releaseRecords();
    await this.#flushRecords();
    for (const [association, index] of this.#waitingAssociations.splice(0))
      await this.#association(association, index, true);
    await this.#flushAssociations();
    for (const [i, label] of this.#labels.entries()) {
      this.#knownType(label.fromObjectTypeId, `labels[${i}]`);
      this.#knownType(label.toObjectTypeId, `labels[${i}]`);
      if (label.category === 'USER_DEFINED') this.#raise(USER_DEFINED_TYPE_COUNTER, label.typeId);
    }
    await this.tx.insertDefinitions(this.portalId, this.#labels);
    for (const [i, raw] of (this.#limits ?? []).entries()) {
      const l = asLoose(raw);
      this.#knownType(l?.fromObjectTypeId, `limits[${i}]`);
      this.#knownType(l!.toObjectTypeId, `limits[${i}]`);
      if (
        !Number.isInteger(l!.typeId) ||
        !Number.isInteger(l!.maxToObjectIds) ||
        (l!.maxToObjectIds as number) < 1
      )
        fail(`limits[${i}] needs an integer typeId and a positive maxToObjectIds`);
      await this.tx.upsertLimit(this.portalId, {
        ...(l as unknown as LimitRow),
        category: category(l!.category, `limits[${i}]`),
      });
    }
    for (const [key, value] of Object.entries(this.#fixtureKeys)) {
      const id = recordId(value, `fixtureKeys.${key}`);
      if (!this.#recordTypes.has(id))
        fail(`fixtureKeys.${key} names record ${id}, which the document does not hold`);
      await this.tx.setFixtureKey(this.portalId, key, id);
    }
    for (const [name, value] of Object.entries(this.#counters))
      await this.tx.setCounter(this.portalId, name, value);
    return { records: this.#recordTypes.size, associations: this.#associationCount };
  }
}
