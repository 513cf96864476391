/**
 * Records as the web UI shows them: pages of one object type with every property, and one
 * record with each property's history and its associations grouped by object type and
 * association type (label), each group counted in the database and listed a page at a time,
 * so a record with 10,000 associations costs a few small queries.
 */
import type { AssociationCategory } from '../association-types.js';
import { decodeCursor } from '../cursor.js';
import { inspectedRecordNotFound } from './inspect-errors.js';
import { PairTypes } from '../associations/pair-types.js';
import type { ObjectService } from '../objects/object-service.js';
import type { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import type { TypeKey } from '../../store/inspection.js';
import type { ObjectRow, PropertyMap, Store } from '../../store/store.js';
import { ObjectCatalog } from './object-catalog.js';

export interface RecordSummary {
  readonly id: string;
  readonly objectTypeId: string;
  readonly typeName: string;
  readonly name: string;
  readonly archived: boolean;
}

export interface RecordListItem extends RecordSummary {
  readonly properties: PropertyMap;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface RecordPage {
  readonly objectTypeId: string;
  readonly typeName: string;
  readonly total: number;
  readonly results: readonly RecordListItem[];
  /** The next page's cursor (the last ID on this page); absent on the last page. */
  readonly after?: string;
}

export interface PropertyWithHistory {
  readonly name: string;
  readonly value: string | null;
  /** Newest first. */
  readonly history: ReadonlyArray<{ value: string | null; timestamp: number; sourceType: string }>;
}

export interface AssociationTypeView {
  readonly category: AssociationCategory;
  readonly typeId: number;
  /** Display text; null for the unlabeled type. */
  readonly label: string | null;
  /** The objects API's name for it (`contact_to_company`, a label's internal name). */
  readonly name: string;
  readonly primary: boolean;
  readonly unlabeled: boolean;
}

export interface AssociationGroup extends AssociationTypeView {
  readonly count: number;
  readonly page: GroupPage;
}

export interface GroupPage {
  readonly results: readonly RecordSummary[];
  readonly after?: string;
}

export interface AssociatedType {
  readonly toObjectTypeId: string;
  readonly toTypeName: string;
  /** Distinct live records of this type. */
  readonly records: number;
  readonly groups: readonly AssociationGroup[];
}

export interface RecordDetail extends RecordSummary {
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly archivedAt: number | null;
  readonly properties: readonly PropertyWithHistory[];
  readonly associations: readonly AssociatedType[];
}

export const GROUP_PAGE = 10;
export const GROUP_PAGE_MAX = 100;
const LIST_PAGE_MAX = 100;

export class RecordView {
  constructor(
    private readonly store: Store,
    private readonly objects: ObjectService,
    private readonly objectTypes: ObjectTypeResolver,
  ) {}

  async list(
    portalId: number,
    typeName: string,
    after: string | undefined,
    limit: number,
  ): Promise<RecordPage> {
    const type = await this.objectTypes.resolve(portalId, typeName);
    const size = Math.min(Math.max(limit, 1), LIST_PAGE_MAX);
    const afterId = decodeCursor(after);
    const [rows, counts, catalog] = await Promise.all([
      this.store.listObjects(portalId, {
        objectTypeId: type.id,
        ...(afterId !== undefined && { afterId }),
        limit: size + 1,
        archived: false,
      }),
      this.store.inspection.recordCounts(portalId),
      ObjectCatalog.load(this.store, portalId),
    ]);
    const page = rows.slice(0, size);
    return {
      objectTypeId: type.id,
      typeName: type.name,
      total: counts.find((c) => c.objectTypeId === type.id)?.live ?? 0,
      results: page.map((row) => ({
        ...summary(catalog, row),
        properties: row.properties,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      })),
      ...(rows.length > size && { after: String(page[page.length - 1]!.id) }),
    };
  }

  /** A record by ID, whatever its type; archived records too (the UI shows them as such). */
  async record(portalId: number, id: number): Promise<RecordDetail> {
    const row = await this.store.getObject(portalId, id);
    if (!row) throw inspectedRecordNotFound(portalId, id);
    const catalog = await ObjectCatalog.load(this.store, portalId);
    const names = Object.keys(row.properties).sort();
    const history = await this.objects.history(portalId, row, names);
    return {
      ...summary(catalog, row),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      archivedAt: row.archivedAt,
      properties: names.map((name) => ({
        name,
        value: row.properties[name] ?? null,
        history: (history.get(name) ?? []).map((h) => ({
          value: h.value,
          timestamp: h.timestamp,
          sourceType: h.sourceType,
        })),
      })),
      associations: row.archivedAt === null ? await this.#associations(portalId, row, catalog) : [],
    };
  }

  /** The next page of one group of a record's associations. */
  async group(
    portalId: number,
    id: number,
    toTypeName: string,
    type: TypeKey | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<GroupPage> {
    const row = await this.store.getObject(portalId, id);
    if (!row) throw inspectedRecordNotFound(portalId, id);
    const toType = await this.objectTypes.resolve(portalId, toTypeName);
    const catalog = await ObjectCatalog.load(this.store, portalId);
    return this.#page(portalId, id, toType.id, type, decodeCursor(after) ?? 0, limit, catalog);
  }

  async #associations(portalId: number, row: ObjectRow, catalog: ObjectCatalog): Promise<AssociatedType[]> {
    const [summaryRows, recordCounts] = await Promise.all([
      this.store.inspection.associationSummary(portalId, row.id),
      this.store.inspection.associatedRecordCounts(portalId, row.id),
    ]);
    const fromType = await this.objectTypes.resolveById(portalId, row.objectTypeId);
    const result: AssociatedType[] = [];
    for (const { toObjectTypeId, records } of recordCounts) {
      const toType = await this.objectTypes.resolveById(portalId, toObjectTypeId);
      const types = await PairTypes.load(this.store, portalId, fromType, toType);
      const groups: AssociationGroup[] = [];
      for (const s of summaryRows.filter((r) => r.toObjectTypeId === toObjectTypeId)) {
        const view = typeView(types, row.objectTypeId, s.category, s.typeId);
        const page = await this.#page(portalId, row.id, toObjectTypeId, s, 0, GROUP_PAGE, catalog);
        groups.push({ ...view, count: s.count, page });
      }
      // Primary first, then labels, then the unlabeled type.
      groups.sort((a, b) => rank(a) - rank(b) || a.typeId - b.typeId);
      result.push({ toObjectTypeId, toTypeName: toType.name, records, groups });
    }
    return result;
  }

  async #page(
    portalId: number,
    fromId: number,
    toObjectTypeId: string,
    type: TypeKey | undefined,
    afterId: number,
    limit: number,
    catalog: ObjectCatalog,
  ): Promise<GroupPage> {
    const size = Math.min(Math.max(limit, 1), GROUP_PAGE_MAX);
    const ids = await this.store.inspection.associatedIds(portalId, {
      fromId,
      toObjectTypeId,
      type,
      afterId,
      limit: size + 1,
    });
    const pageIds = ids.slice(0, size);
    const rows = new Map((await this.store.inspection.recordsByIds(portalId, pageIds)).map((r) => [r.id, r]));
    return {
      results: pageIds.flatMap((id) => {
        const row = rows.get(id);
        return row ? [summary(catalog, row)] : [];
      }),
      ...(ids.length > size && { after: String(pageIds[pageIds.length - 1]) }),
    };
  }
}

function rank(group: AssociationTypeView): number {
  if (group.primary) return 0;
  return group.unlabeled ? 2 : 1;
}

export function typeView(
  types: PairTypes,
  fromObjectTypeId: string,
  category: AssociationCategory,
  typeId: number,
): AssociationTypeView {
  const type = types.find(fromObjectTypeId, category, typeId);
  return {
    category,
    typeId,
    label: type?.label ?? null,
    name: type?.name ?? `${category.toLowerCase()}_${typeId}`,
    primary: type?.primary ?? false,
    unlabeled: type?.unlabeled ?? false,
  };
}

export function summary(catalog: ObjectCatalog, row: ObjectRow): RecordSummary {
  return {
    id: String(row.id),
    objectTypeId: row.objectTypeId,
    typeName: catalog.nameOf(row.objectTypeId),
    name: catalog.displayName(row.objectTypeId, row.id, row.properties),
    archived: row.archivedAt !== null,
  };
}
