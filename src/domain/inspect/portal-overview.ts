/**
 * Portals at a glance, for the web UI's first view: every portal with its record and
 * association counts (two aggregate queries for all portals together), and one portal in
 * detail (counts per object type, record pairs, snapshots, labels and limits).
 */
import { DEFAULT_PORTAL_ID, type PortalDirectory } from '../portals.js';
import type { SnapshotInfo, Store } from '../../store/store.js';
import { CORE_TYPE_IDS, ObjectCatalog } from './object-catalog.js';

export interface PortalCounts {
  readonly portalId: number;
  readonly tokens: readonly string[];
  readonly records: number;
  readonly archivedRecords: number;
  /** Stored association rows: both directions of every type. */
  readonly associationRows: number;
}

export interface ObjectTypeCount {
  readonly objectTypeId: string;
  readonly name: string;
  readonly singular: string;
  readonly custom: boolean;
  readonly live: number;
  readonly archived: number;
}

export interface PortalDetail extends PortalCounts {
  /** A token the UI can send to the CRM API for this portal, or null when none reaches it. */
  readonly apiToken: string | null;
  /** Associated record pairs, each counted once whatever its types. */
  readonly associatedPairs: number;
  readonly objectTypes: readonly ObjectTypeCount[];
  readonly snapshots: readonly SnapshotInfo[];
  readonly labels: number;
  readonly limits: number;
}

/** Without configured tokens any bearer token reaches the default portal. */
const OPEN_MODE_TOKEN = 'spoke-ui';

export class PortalOverview {
  constructor(
    private readonly store: Store,
    private readonly directory: PortalDirectory,
  ) {}

  async list(): Promise<PortalCounts[]> {
    const { inspection } = this.store;
    const [stored, records] = await Promise.all([inspection.portalIds(), inspection.recordCounts()]);
    // The same portals as GET /_spoke/portals (PortalDirectory.portalIds), found by seeks.
    const portalIds = [
      ...new Set([DEFAULT_PORTAL_ID, ...stored, ...this.directory.configuredPortalIds()]),
    ].sort((a, b) => a - b);
    return Promise.all(portalIds.map(async (portalId) => this.#counts(portalId, records)));
  }

  async detail(portalId: number): Promise<PortalDetail> {
    const { inspection } = this.store;
    const [records, pairs, catalog, snapshots, definitions, limits] = await Promise.all([
      inspection.recordCounts(portalId),
      inspection.associatedPairs(portalId),
      ObjectCatalog.load(this.store, portalId),
      this.store.listSnapshots(portalId),
      this.store.listDefinitions(portalId),
      this.store.listLimits(portalId),
    ]);
    const counts = await this.#counts(portalId, records);
    const objectTypes = catalog.types
      .map(({ type }) => {
        const row = records.find((r) => r.objectTypeId === type.id);
        return {
          objectTypeId: type.id,
          name: type.name,
          singular: type.singular,
          custom: type.id.startsWith('2-'),
          live: row?.live ?? 0,
          archived: row?.archived ?? 0,
        };
      })
      .filter((t) => t.live + t.archived > 0 || t.custom || CORE_TYPE_IDS.includes(t.objectTypeId));
    return {
      ...counts,
      apiToken:
        counts.tokens[0] ??
        (!this.directory.strict && portalId === DEFAULT_PORTAL_ID ? OPEN_MODE_TOKEN : null),
      associatedPairs: pairs,
      objectTypes,
      snapshots,
      labels: definitions.filter((d) => d.label !== null).length,
      limits: limits.length,
    };
  }

  async #counts(
    portalId: number,
    records: ReadonlyArray<{ portalId: number; live: number; archived: number }>,
  ): Promise<PortalCounts> {
    let live = 0;
    let archived = 0;
    for (const row of records) {
      if (row.portalId !== portalId) continue;
      live += row.live;
      archived += row.archived;
    }
    const [tokens, associationRows] = await Promise.all([
      this.directory.tokensOf(portalId),
      this.store.inspection.associationRows(portalId),
    ]);
    return { portalId, tokens, records: live, archivedRecords: archived, associationRows };
  }
}
