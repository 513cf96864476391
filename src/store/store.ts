/**
 * The one storage interface, the combination of its roles (`roles/`: records, associations,
 * the association catalog, portal administration, maintenance; `catalog-store.ts`: properties,
 * pipelines, owners; `webhooks.ts`, `rate-limit-store.ts`, `search-sql.ts`, `inspection.ts`).
 * Adapters (`sqlite/`, `postgres/`) do CRUD, transactions and paging queries on plain rows;
 * every HubSpot rule lives in `src/domain`. Methods take the portal first, then the keys, and return rows or `undefined`; they never throw HTTP or
 * domain errors. Differences between databases stay inside the adapters (a lock that is a
 * no-op on SQLite, a dialect's SQL); `capabilities` describes the adapter for logs and tests.
 */
import type { ChangeRelay } from './change-relay.js';
import type { AssociationCategory } from './category-codes.js';
import type { CatalogReader, CatalogWriter } from './catalog-store.js';
import type { AssociationCatalogReader, AssociationCatalogWriter } from './roles/association-catalog.js';
import type { AssociationReader, AssociationWriter } from './roles/associations.js';
import type { MaintenanceReader, MaintenanceWriter } from './roles/maintenance.js';
import type { PortalAdminReader, PortalAdminWriter } from './roles/portal-admin.js';
import type { RecordReader, RecordWriter } from './roles/records.js';
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
  /** The app whose installation the token stands for (its writes are that app's), if any. */
  readonly appId?: number | null;
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

/**
 * Reads, available inside and outside transactions: every role's reads (roles/*.ts, and the
 * properties, pipelines and owners catalog in catalog-store.ts).
 */
export interface StoreReader
  extends
    CatalogReader,
    RecordReader,
    AssociationReader,
    AssociationCatalogReader,
    PortalAdminReader,
    MaintenanceReader {}

/** Writes, available only inside `Store.transaction`: every role's writes. */
export interface StoreTransaction
  extends
    StoreReader,
    CatalogWriter,
    RecordWriter,
    AssociationWriter,
    AssociationCatalogWriter,
    PortalAdminWriter,
    MaintenanceWriter {
  /** Webhook apps, subscriptions, the outbox and delivery log, on this transaction (webhooks.ts). */
  readonly webhooks: WebhookStore;
  /**
   * Runs `fn` so that, if it throws, its writes are undone while the transaction goes on
   * (a SAVEPOINT): one failed input of a batch leaves nothing behind.
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
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
