/**
 * The inspection role: read-only aggregates for Spoke's web UI (counts per portal and type,
 * a record's associations summarized by type, usage of each association type). Both
 * adapters share this SQL, written once with `?` placeholders; an adapter only supplies
 * how to run a statement (SQLite behind its connection lock, PostgreSQL on its pool).
 *
 * Every query here reads a bounded key range or aggregates in the database: nothing returns
 * a row per association of a large portal.
 */
import type { AssociationCategory } from './category-codes.js';
import { categoryCode, categoryFromCode } from './category-codes.js';
import { toObjectRow, type ObjectDbRow } from './row-mappers.js';
import type { ObjectRow } from './store.js';

/** Runs one read statement with positional `?` parameters and returns its rows. */
export type SqlReader = (sql: string, params: readonly unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * A value that changes whenever the database may have changed (SQLite: this connection's
 * total changes and the file's data version, which other connections' commits move). With
 * it, whole-portal aggregates are counted once per version, not once per page view.
 */
export type DataVersion = () => Promise<string>;

export interface RecordCountRow {
  readonly portalId: number;
  readonly objectTypeId: string;
  readonly live: number;
  readonly archived: number;
}

/** One association type's use in a portal, from the side of `fromObjectTypeId`. */
export interface TypeUsageRow {
  readonly fromObjectTypeId: string;
  readonly toObjectTypeId: string;
  readonly category: AssociationCategory;
  readonly typeId: number;
  /** Associations of this type (one direction). */
  readonly rows: number;
  /** Records that have at least one. */
  readonly records: number;
  /** The most any one record has. */
  readonly maxPerRecord: number;
  /** With a limit: records at 80 % of it or more (HubSpot's high-usage threshold). */
  readonly nearLimit: number;
  /** With a limit: records at it. */
  readonly atLimit: number;
  /** With a limit: the records nearest to it, most associations first (at most 10). */
  readonly heaviest: Array<{ readonly fromId: number; readonly count: number }>;
}

/** A record's associations of one type to one object type (archived records left out). */
export interface AssociationSummaryRow {
  readonly toObjectTypeId: string;
  readonly category: AssociationCategory;
  readonly typeId: number;
  readonly count: number;
}

/** An association type: its category and ID. */
export interface TypeKey {
  readonly category: AssociationCategory;
  readonly typeId: number;
}

/** A page of the live records one record is associated with, of one object type. */
export interface AssociatedIdsQuery {
  readonly fromId: number;
  readonly toObjectTypeId: string;
  /** Only this association type; every type when left out. */
  readonly type?: TypeKey | undefined;
  /** Keyset cursor: only records with a larger ID (0 for the first page). */
  readonly afterId: number;
  readonly limit: number;
}

export interface InspectionReader {
  /** Portals that hold data or tokens (one index seek per portal and table, not a scan). */
  portalIds(): Promise<number[]>;
  /** Live and archived records per portal and object type (one portal, or all). */
  recordCounts(portalId?: number): Promise<RecordCountRow[]>;
  /** A portal's association rows: both directions of every type (one key-range count). */
  associationRows(portalId: number): Promise<number>;
  /** Associated record pairs of a portal, each pair counted once whatever its types. */
  associatedPairs(portalId: number): Promise<number>;
  /**
   * Every association type in use in a portal, with how much it is used and, for types with
   * a limit, how close records come to it. Scans the portal in chunks of records, so on
   * SQLite other requests run between chunks instead of waiting for the whole scan.
   */
  typeUsage(portalId: number, chunkRows?: number): Promise<TypeUsageRow[]>;
  /** A record's live associations, counted per object type and association type. */
  associationSummary(portalId: number, fromId: number): Promise<AssociationSummaryRow[]>;
  /** Distinct live records a record is associated with, per object type. */
  associatedRecordCounts(
    portalId: number,
    fromId: number,
  ): Promise<Array<{ toObjectTypeId: string; records: number }>>;
  /**
   * One page of the live records `fromId` is associated with by one type, by ascending ID
   * after `afterId` (every type when `type` is left out).
   */
  associatedIds(portalId: number, query: AssociatedIdsQuery): Promise<number[]>;
  /** Records by ID, in no particular order; IDs that do not exist are left out. */
  recordsByIds(portalId: number, ids: readonly number[]): Promise<ObjectRow[]>;
}

const num = (value: unknown): number => Number(value ?? 0);

/** Association rows per chunk of a usage scan: about 40 ms of SQLite per chunk. */
const USAGE_CHUNK_ROWS = 65_536;
/** Records listed per limited type as nearest to their limit. */
const HEAVIEST = 10;

/** Usage of each type by the records in (after, upTo]; a record's rows are all in one chunk. */
const PER_TYPE_IN_RANGE = `SELECT p.from_type, p.to_type, p.category, p.type_id, CAST(SUM(p.n) AS BIGINT) AS total,
    COUNT(*) AS records, MAX(p.n) AS max_n,
    CAST(SUM(CASE WHEN p.n * 5 >= l.max_to_object_ids * 4 THEN 1 ELSE 0 END) AS BIGINT) AS near,
    CAST(SUM(CASE WHEN p.n >= l.max_to_object_ids THEN 1 ELSE 0 END) AS BIGINT) AS at_limit
  FROM (SELECT from_type, to_type, category, type_id, from_id, COUNT(*) AS n FROM associations
        WHERE portal_id = ? AND from_id > ? AND from_id <= ?
        GROUP BY from_id, to_type, category, type_id, from_type) p
  LEFT JOIN association_limits l ON l.portal_id = ? AND l.category = p.category AND l.type_id = p.type_id
  GROUP BY p.from_type, p.to_type, p.category, p.type_id`;

/** The records of one limited type in (after, upTo] at 80 % of its limit or more. */
const HEAVIEST_IN_RANGE = `SELECT a.from_id, COUNT(*) AS n FROM associations a
  JOIN association_limits l ON l.portal_id = a.portal_id AND l.category = a.category AND l.type_id = a.type_id
  WHERE a.portal_id = ? AND a.from_id > ? AND a.from_id <= ? AND a.category = ? AND a.type_id = ?
  GROUP BY a.from_id, l.max_to_object_ids HAVING COUNT(*) * 5 >= l.max_to_object_ids * 4
  ORDER BY n DESC, a.from_id LIMIT ?`;

/** Lives of associated records: archived ones are hidden, as the associations API hides them. */
const LIVE_TARGET = `JOIN objects o ON o.portal_id = a.portal_id AND o.id = a.to_id AND o.archived_at IS NULL`;

/** The distinct portals of one table by repeated seeks: `MIN(portal_id) > previous`. */
const portalsOf = (table: string) => `SELECT id FROM (
    WITH RECURSIVE p(id) AS (SELECT MIN(portal_id) FROM ${table}
      UNION ALL SELECT (SELECT MIN(portal_id) FROM ${table} WHERE portal_id > p.id) FROM p WHERE p.id IS NOT NULL)
    SELECT id FROM p) seen WHERE id IS NOT NULL`;
const PORTAL_TABLES_WITH_DATA = [
  'objects',
  'associations',
  'association_definitions',
  'object_schemas',
  'tokens',
  'counters',
];

export class SqlInspection implements InspectionReader {
  readonly #memo = new Map<string, { version: string; value: Promise<unknown> }>();

  constructor(
    private readonly read: SqlReader,
    private readonly version?: DataVersion,
  ) {}

  /** `compute()`, or its result from an earlier call at the same data version. */
  async #memoized<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (!this.version) return compute();
    const version = await this.version();
    const known = this.#memo.get(key);
    if (known?.version === version) return known.value as Promise<T>;
    const value = compute();
    this.#memo.set(key, { version, value });
    value.catch(() => this.#memo.delete(key));
    return value;
  }

  async portalIds(): Promise<number[]> {
    const rows = await this.read(`${PORTAL_TABLES_WITH_DATA.map(portalsOf).join(' UNION ')} ORDER BY 1`, []);
    return rows.map((r) => num(r.id)).filter((id) => id > 0);
  }

  recordCounts(portalId?: number): Promise<RecordCountRow[]> {
    return this.#memoized(`records:${portalId}`, () => this.#recordCounts(portalId));
  }

  async #recordCounts(portalId?: number): Promise<RecordCountRow[]> {
    const where = portalId === undefined ? '' : 'WHERE portal_id = ?';
    const rows = await this.read(
      `SELECT portal_id, object_type, COUNT(*) AS total,
         CAST(SUM(CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS archived
       FROM objects ${where} GROUP BY portal_id, object_type ORDER BY portal_id, object_type`,
      portalId === undefined ? [] : [portalId],
    );
    return rows.map((r) => ({
      portalId: num(r.portal_id),
      objectTypeId: String(r.object_type),
      live: num(r.total) - num(r.archived),
      archived: num(r.archived),
    }));
  }

  associationRows(portalId: number): Promise<number> {
    return this.#memoized(`rows:${portalId}`, async () => {
      const [row] = await this.read('SELECT COUNT(*) AS n FROM associations WHERE portal_id = ?', [portalId]);
      return num(row?.n);
    });
  }

  associatedPairs(portalId: number): Promise<number> {
    return this.#memoized(`pairs:${portalId}`, () => this.#associatedPairs(portalId));
  }

  async #associatedPairs(portalId: number): Promise<number> {
    // A pair's rows are adjacent in the primary key (from, to type, to): one ordered pass.
    const [row] = await this.read(
      `SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM associations
         WHERE portal_id = ? AND from_id <= to_id GROUP BY from_id, to_type, to_id) pairs`,
      [portalId],
    );
    return num(row?.n);
  }

  typeUsage(portalId: number, chunkRows = USAGE_CHUNK_ROWS): Promise<TypeUsageRow[]> {
    return this.#memoized(`usage:${portalId}:${chunkRows}`, () => this.#typeUsage(portalId, chunkRows));
  }

  async #typeUsage(portalId: number, chunkRows: number): Promise<TypeUsageRow[]> {
    const usage = new Map<string, TypeUsageRow>();
    let after = 0;
    for (;;) {
      const [boundary] = await this.read(
        `SELECT from_id FROM associations WHERE portal_id = ? AND from_id > ? ORDER BY from_id
         LIMIT 1 OFFSET ?`,
        [portalId, after, Math.max(1, Math.floor(chunkRows))],
      );
      const upTo = boundary === undefined ? Number.MAX_SAFE_INTEGER : num(boundary.from_id);
      const range = [portalId, after, upTo];
      for (const r of await this.read(PER_TYPE_IN_RANGE, [...range, portalId])) {
        const key = `${r.from_type}|${r.category}|${r.type_id}`;
        const known = usage.get(key);
        let heaviest = known?.heaviest ?? [];
        if (num(r.near) > 0) {
          const heavy = await this.read(HEAVIEST_IN_RANGE, [...range, r.category, r.type_id, HEAVIEST]);
          heaviest = [...heaviest, ...heavy.map((h) => ({ fromId: num(h.from_id), count: num(h.n) }))]
            .sort((a, b) => b.count - a.count || a.fromId - b.fromId)
            .slice(0, HEAVIEST);
        }
        usage.set(key, {
          fromObjectTypeId: String(r.from_type),
          toObjectTypeId: String(r.to_type),
          category: categoryFromCode(num(r.category)),
          typeId: num(r.type_id),
          rows: num(r.total) + (known?.rows ?? 0),
          records: num(r.records) + (known?.records ?? 0),
          maxPerRecord: Math.max(num(r.max_n), known?.maxPerRecord ?? 0),
          nearLimit: num(r.near) + (known?.nearLimit ?? 0),
          atLimit: num(r.at_limit) + (known?.atLimit ?? 0),
          heaviest,
        });
      }
      if (boundary === undefined) break;
      after = upTo;
    }
    return [...usage.values()].sort(
      (a, b) =>
        a.fromObjectTypeId.localeCompare(b.fromObjectTypeId) ||
        a.toObjectTypeId.localeCompare(b.toObjectTypeId) ||
        a.category.localeCompare(b.category) ||
        a.typeId - b.typeId,
    );
  }

  async associationSummary(portalId: number, fromId: number): Promise<AssociationSummaryRow[]> {
    const rows = await this.read(
      `SELECT a.to_type, a.category, a.type_id, COUNT(*) AS n FROM associations a ${LIVE_TARGET}
       WHERE a.portal_id = ? AND a.from_id = ? GROUP BY a.to_type, a.category, a.type_id
       ORDER BY a.to_type, a.category, a.type_id`,
      [portalId, fromId],
    );
    return rows.map((r) => ({
      toObjectTypeId: String(r.to_type),
      category: categoryFromCode(num(r.category)),
      typeId: num(r.type_id),
      count: num(r.n),
    }));
  }

  async associatedRecordCounts(
    portalId: number,
    fromId: number,
  ): Promise<Array<{ toObjectTypeId: string; records: number }>> {
    const rows = await this.read(
      `SELECT a.to_type, COUNT(DISTINCT a.to_id) AS n FROM associations a ${LIVE_TARGET}
       WHERE a.portal_id = ? AND a.from_id = ? GROUP BY a.to_type ORDER BY a.to_type`,
      [portalId, fromId],
    );
    return rows.map((r) => ({ toObjectTypeId: String(r.to_type), records: num(r.n) }));
  }

  async associatedIds(
    portalId: number,
    { fromId, toObjectTypeId, type, afterId, limit }: AssociatedIdsQuery,
  ): Promise<number[]> {
    const ofType = type ? 'AND a.category = ? AND a.type_id = ?' : '';
    const rows = await this.read(
      `SELECT DISTINCT a.to_id FROM associations a ${LIVE_TARGET}
       WHERE a.portal_id = ? AND a.from_id = ? AND a.to_type = ? AND a.to_id > ? ${ofType}
       ORDER BY a.to_id LIMIT ?`,
      [
        portalId,
        fromId,
        toObjectTypeId,
        afterId,
        ...(type ? [categoryCode(type.category), type.typeId] : []),
        limit,
      ],
    );
    return rows.map((r) => num(r.to_id));
  }

  async recordsByIds(portalId: number, ids: readonly number[]): Promise<ObjectRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.read(
      `SELECT id, object_type, properties, created_at, updated_at, archived_at FROM objects WHERE portal_id = ? AND id IN (${ids.map(() => '?').join(', ')})`,
      [portalId, ...ids],
    );
    return rows.map((r) => toObjectRow(r as unknown as ObjectDbRow));
  }
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the statements above have no `?` in literals). */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
