/**
 * The one storage interface. Adapters (`sqlite/`, `postgres/`) do CRUD, transactions and
 * paging queries on plain rows; every HubSpot rule lives in `src/domain`. Methods take the
 * portal first, then the keys, and return rows or `undefined`; they never throw HTTP or
 * domain errors. Differences between databases stay inside the adapters (a lock that is a
 * no-op on SQLite, a dialect's SQL); `capabilities` describes the adapter for logs and tests.
 */
import type { ChangeRelay } from './change-relay.js';
import type { AssociationCategory } from './category-codes.js';
import type { CatalogReader, CatalogWriter } from './catalog-store.js';
import type { InspectionReader } from './inspection.js';
import type { WebhookStore } from './webhooks.js';
import type { RateLimitStore } from './rate-limit-store.js';
import type { SearchStore } from './search-sql.js';

export interface StoreCapabilities {
  /** Adapter name, shown in the start-up line. */
  readonly kind: 'sqlite' | 'postgres';
  /**
   * True when a write transaction holds the whole database (SQLite's single writer), so
   * row locks are unnecessary. False when concurrent transactions must lock rows
   * (PostgreSQL, several Spoke processes).
   */
  readonly serializedWrites: boolean;
  /**
   * True when the store has a `changeRelay`: what one process commits can reach every other
   * process on the database (PostgreSQL's NOTIFY). False on SQLite, where `--workers` relay
   * their admin changes through the primary and no change set leaves its process.
   */
  readonly sharedChanges: boolean;
}

/** Property values are stored and returned as strings (HubSpot's rule); null clears a value. */
export type PropertyMap = Record<string, string | null>;

export interface ObjectRow {
  readonly id: number;
  readonly objectTypeId: string;
  readonly properties: PropertyMap;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Epoch milliseconds when archived; null while the record is live. */
  readonly archivedAt: number | null;
}

/** What writes need to know of a record: that it exists, its type, whether it is archived. */
export interface ObjectHead {
  readonly id: number;
  readonly objectTypeId: string;
  readonly archivedAt: number | null;
}

/** A record's identity: its type and ID. */
export interface RecordRef {
  readonly objectTypeId: string;
  readonly id: number;
}

/** One directional association type between two records. Both directions are stored. */
export interface AssociationRow {
  readonly fromObjectTypeId: string;
  readonly fromId: number;
  readonly toObjectTypeId: string;
  readonly toId: number;
  readonly category: AssociationCategory;
  readonly typeId: number;
}

/** A portal's own association definition (a label, or a custom object's unlabeled type). */
export interface DefinitionRow {
  readonly category: AssociationCategory;
  readonly typeId: number;
  readonly fromObjectTypeId: string;
  readonly toObjectTypeId: string;
  /** Internal name, shared by both directions of a pair. */
  readonly name: string;
  /** Display text; null for an unlabeled definition. */
  readonly label: string | null;
  readonly inverseTypeId: number | null;
  readonly createdAt: number;
}

export interface LimitRow {
  readonly category: AssociationCategory;
  readonly typeId: number;
  readonly fromObjectTypeId: string;
  readonly toObjectTypeId: string;
  readonly maxToObjectIds: number;
}

/** One value a property had, for `propertiesWithHistory`. */
export interface HistoryRow {
  readonly objectId: number;
  readonly name: string;
  readonly value: string | null;
  readonly timestamp: number;
  readonly sourceType: string;
}

/** A value that must be unique per portal and object type (a contact's email). */
export interface UniqueValueRow {
  readonly objectTypeId: string;
  readonly property: string;
  /** Normalized (lower-cased) for comparison. */
  readonly value: string;
  readonly objectId: number;
}

/** A custom object type (the schemas API). `definition` is the schema's JSON, kept as given. */
export interface SchemaRow {
  readonly objectTypeId: string;
  readonly name: string;
  readonly definition: Record<string, unknown>;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly archivedAt: number | null;
}

/** A token that names a portal (made through the admin API or loaded from configuration). */
export interface TokenRow {
  readonly token: string;
  readonly portalId: number;
  readonly user: string;
  readonly userId: number;
  readonly scopes: readonly string[];
  readonly createdAt: number;
}

export interface SnapshotInfo {
  readonly name: string;
  readonly createdAt: number;
  readonly records: number;
  readonly associations: number;
}

export interface ListObjectsQuery {
  readonly objectTypeId: string;
  /** Keyset cursor: only records with a larger ID. */
  readonly afterId?: number;
  readonly limit: number;
  /** true: only archived records; false: only live ones. */
  readonly archived: boolean;
}

export type LockMode = 'exclusive' | 'shared';

/**
 * What a catalog lock guards, in lock order: a whole portal (imports, resets, restores take
 * it exclusive; every other write shared), one custom object type (its schema), one pair of
 * object types (its labels and limits). See src/domain/associations/DESIGN.md.
 */
export type LockScope = 'portal' | 'object-type' | 'pair';

export interface LockRequest {
  readonly scope: LockScope;
  /** Names the thing within its scope ('' for the portal). */
  readonly key: string;
  readonly mode: LockMode;
}

export interface ListAssociationsQuery {
  readonly fromId: number;
  readonly toObjectTypeId: string;
  /** Keyset cursor: only records with a larger ID. */
  readonly afterToId?: number;
  /** Maximum number of distinct associated records. */
  readonly limit: number;
}

/** Reads, available inside and outside transactions. */
export interface StoreReader extends CatalogReader {
  getObject(portalId: number, id: number): Promise<ObjectRow | undefined>;
  /** Type and archived state of records, without their properties (one query for a whole batch). */
  getObjectHeads(portalId: number, ids: readonly number[]): Promise<ObjectHead[]>;

  /** Records of one type, by ascending ID. */
  listObjects(portalId: number, query: ListObjectsQuery): Promise<ObjectRow[]>;
  /** The record holding a unique value, if any. */
  findByUniqueValue(
    portalId: number,
    objectTypeId: string,
    property: string,
    value: string,
  ): Promise<number | undefined>;
  /** History of the named properties of a record, newest first. */
  getPropertyHistory(portalId: number, objectId: number, names: readonly string[]): Promise<HistoryRow[]>;

  listSchemas(portalId: number): Promise<SchemaRow[]>;
  getSchema(portalId: number, objectTypeId: string): Promise<SchemaRow | undefined>;

  /** Every portal that has data, or a token. */
  listPortalIds(): Promise<number[]>;
  /** The portal and user a token stands for, if it was stored. */
  findToken(token: string): Promise<TokenRow | undefined>;
  listTokens(portalId?: number): Promise<TokenRow[]>;
  /** A portal's counters (record IDs, type IDs, ...), for export. */
  getCounters(portalId: number): Promise<Record<string, number>>;
  /** Property history of the given records, oldest first per property. */
  historyOf(portalId: number, objectIds: readonly number[]): Promise<HistoryRow[]>;
  /** The record a fixture key was loaded as. */
  findFixtureKey(portalId: number, key: string): Promise<number | undefined>;
  listFixtureKeys(portalId: number): Promise<Array<[string, number]>>;
  listSnapshots(portalId: number): Promise<SnapshotInfo[]>;
  /** All of a portal's association rows in key order, a page at a time (for checks and exports). */
  scanAssociations(
    portalId: number,
    after: AssociationRow | undefined,
    limit: number,
  ): Promise<AssociationRow[]>;
  /** All of a portal's records in ID order, a page at a time, archived ones included. */
  scanObjects(portalId: number, afterId: number | undefined, limit: number): Promise<ObjectRow[]>;

  /** Every row from a record, to records of any type. */
  allAssociationsOf(portalId: number, fromId: number): Promise<AssociationRow[]>;
  /** Rows from one record to another (one direction). */
  associationsBetween(portalId: number, from: RecordRef, to: RecordRef): Promise<AssociationRow[]>;
  /** Rows of many pairs `[fromId, toId]` whose `to` records are of one type, in one query. */
  associationsBetweenMany(
    portalId: number,
    toObjectTypeId: string,
    pairs: ReadonlyArray<readonly [number, number]>,
  ): Promise<AssociationRow[]>;
  /**
   * For each query, in order: rows from a record to records of one type, for at most `limit`
   * distinct associated records after the cursor, ordered by `toId` then category and type.
   * Records that are archived are skipped (decision D12).
   */
  listAssociations(portalId: number, queries: readonly ListAssociationsQuery[]): Promise<AssociationRow[][]>;
  /** How many records `fromId` is associated with by this type (archived ones included). */
  countAssociations(
    portalId: number,
    fromId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<number>;

  /** Rows from a record with one type, to any record. */
  findAssociationsOfType(
    portalId: number,
    fromId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<AssociationRow[]>;

  /** Records with at least `minCount` associations of one type, and how many they have. */
  associationUsage(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
    minCount: number,
  ): Promise<Array<{ fromId: number; count: number }>>;

  listDefinitions(
    portalId: number,
    fromObjectTypeId?: string,
    toObjectTypeId?: string,
  ): Promise<DefinitionRow[]>;
  getDefinition(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
  ): Promise<DefinitionRow | undefined>;

  listLimits(portalId: number, fromObjectTypeId?: string, toObjectTypeId?: string): Promise<LimitRow[]>;

  /** Definitions between two object types: `a` to `b` first, then `b` to `a`. */
  definitionsBetween(portalId: number, a: string, b: string): Promise<DefinitionRow[]>;
  /** Limits between two object types: `a` to `b` first, then `b` to `a`. */
  limitsBetween(portalId: number, a: string, b: string): Promise<LimitRow[]>;
}

/** Writes, available only inside `Store.transaction`. */
export interface StoreTransaction extends StoreReader, CatalogWriter {
  /** Webhook apps, subscriptions, the outbox and delivery log, on this transaction (webhooks.ts). */
  readonly webhooks: WebhookStore;
  /**
   * Runs `fn` so that, if it throws, its writes are undone while the transaction goes on
   * (a SAVEPOINT): one failed input of a batch leaves nothing behind.
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Takes the next `count` values of a per-portal counter (record IDs, label type IDs).
   * Values are unique across processes, and a rolled-back transaction gives its values
   * back: the sequence has no gaps.
   */
  nextCounterValues(portalId: number, counter: string, count: number): Promise<number[]>;
  /**
   * Serializes concurrent transactions that decide based on these records (limits,
   * Primary): `exclusive` holders wait for each other and for `shared` holders. `shared`
   * holders (writes that commute, such as inserting unlabeled types) only keep the records
   * from changing or going away under them. A no-op where writes are already serialized.
   */
  lockObjects(portalId: number, ids: readonly number[], mode?: LockMode): Promise<void>;
  /**
   * Takes catalog locks, held until the transaction ends: all of one call in the store's
   * fixed order (portal, then object types, then pairs), `shared` ones compatible with each
   * other, `exclusive` ones with nothing. A no-op where writes are already serialized.
   */
  lock(portalId: number, locks: readonly LockRequest[]): Promise<void>;

  /** Inserts records whose ID is free; returns how many were inserted (a taken ID is skipped). */
  insertObjects(portalId: number, rows: readonly ObjectRow[]): Promise<number>;
  updateObject(portalId: number, id: number, properties: PropertyMap, updatedAt: number): Promise<void>;
  /** Archives (a timestamp) or restores (null) records. */
  setArchived(portalId: number, ids: readonly number[], archivedAt: number | null): Promise<void>;
  /**
   * Removes records for good, with their associations in both directions, their property
   * history and their unique values.
   */
  deleteObjects(portalId: number, records: readonly RecordRef[]): Promise<void>;

  /** Claims unique values; a value another record holds raises UniqueViolationError. */
  claimUniqueValues(portalId: number, rows: readonly UniqueValueRow[]): Promise<void>;
  /** Releases a record's unique values (all of them, or those of the named properties). */
  releaseUniqueValues(portalId: number, objectId: number, properties?: readonly string[]): Promise<void>;
  appendHistory(portalId: number, rows: readonly HistoryRow[]): Promise<void>;

  /** Stores a token; one that is stored already raises UniqueViolationError (a token names one portal). */
  insertToken(row: TokenRow): Promise<void>;
  setCounter(portalId: number, counter: string, value: number): Promise<void>;
  setFixtureKey(portalId: number, key: string, objectId: number): Promise<void>;

  /** Deletes every row of a portal's data (records, associations, labels, limits, schemas, counters). Tokens stay. */
  resetPortal(portalId: number): Promise<void>;
  /** Copies a portal's data into a named snapshot, replacing one of the same name. */
  createSnapshot(portalId: number, name: string, createdAt: number): Promise<SnapshotInfo>;
  /** Replaces a portal's data with a snapshot's; false when there is no such snapshot. */
  restoreSnapshot(portalId: number, name: string): Promise<boolean>;
  deleteSnapshot(portalId: number, name: string): Promise<boolean>;

  insertSchema(portalId: number, row: SchemaRow): Promise<void>;
  updateSchema(portalId: number, row: SchemaRow): Promise<void>;
  deleteSchema(portalId: number, objectTypeId: string): Promise<void>;

  /**
   * Inserts rows that are not there yet; returns how many were new. When `inserted` is
   * given, the new rows are pushed onto it (the change feed's record of what was added).
   */
  insertAssociations(
    portalId: number,
    rows: readonly AssociationRow[],
    inserted?: AssociationRow[],
  ): Promise<number>;
  /** Deletes exactly these rows (matched on both records, category and type). */
  deleteAssociations(portalId: number, rows: readonly AssociationRow[]): Promise<number>;
  /** Deletes every row between two records, in both directions. */
  deleteAssociationsBetween(portalId: number, a: RecordRef, b: RecordRef): Promise<number>;
  /** Deletes every row between each pair `[fromId, toId]` of records of two types, both directions. */
  deleteAssociationsOfPairs(
    portalId: number,
    fromObjectTypeId: string,
    toObjectTypeId: string,
    pairs: ReadonlyArray<readonly [number, number]>,
  ): Promise<number>;

  insertDefinitions(portalId: number, rows: readonly DefinitionRow[]): Promise<void>;
  updateDefinitionLabel(
    portalId: number,
    category: AssociationCategory,
    typeId: number,
    label: string,
  ): Promise<void>;
  deleteDefinitions(
    portalId: number,
    category: AssociationCategory,
    typeIds: readonly number[],
  ): Promise<void>;
  /** Whether any association uses the type. */
  isDefinitionInUse(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean>;

  upsertLimit(portalId: number, row: LimitRow): Promise<void>;
  deleteLimit(portalId: number, category: AssociationCategory, typeId: number): Promise<boolean>;
}

export interface Store extends StoreReader {
  readonly capabilities: StoreCapabilities;
  /** Present when `capabilities.sharedChanges` (change-relay.ts). */
  readonly changeRelay?: ChangeRelay;
  /** A human-readable location for logs, e.g. `sqlite ./data/spoke.db`. */
  readonly description: string;
  /** Read-only aggregates for the web UI (inspection.ts). */
  readonly inspection: InspectionReader;
  /** Rate-limit policies and counts, shared by every process on the database (rate-limit-store.ts). */
  readonly rateLimits: RateLimitStore;
  /** CRM search: filters, sorts and counts run in the database (search-sql.ts). */
  readonly search: SearchStore;
  /**
   * Runs `fn` in one transaction: all of its writes land or none do. On PostgreSQL a
   * serialization failure or deadlock reruns `fn`, so it must not have side effects
   * outside the transaction.
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one consistent view of the data, while writers go on. `long`: the view is
   * held a long time (an export streamed to a client at the client's pace), so it gets a
   * connection of its own and holds up no other request.
   */
  readSnapshot<T>(fn: (reader: StoreReader) => Promise<T>, options?: { long?: boolean }): Promise<T>;
  close(): Promise<void>;
}
