/**
 * What a test suite needs from an emulator: isolated portals, instant reset, named
 * snapshots, export and import, fixtures, restoring archived records, and time under
 * control. The admin API (/_spoke/…), the CLI and `startSpoke()` all call this.
 */
import type { ControllableClock } from '../clock.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { createPortal, type NewPortalInput, type PortalDirectory, type TokenGrant } from '../portals.js';
import type { ObjectRow, SnapshotInfo } from '../../store/store.js';
import { loadFixtures, type FixtureServices, type Fixtures, type FixtureSummary } from './fixtures.js';
import { applyImport, exportPortal, planImport, type PortalExport, type Progress } from './portal-export.js';

const SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export interface PortalSummary {
  readonly portalId: number;
  readonly tokens: string[];
}

export class HarnessService {
  constructor(
    private readonly services: FixtureServices,
    private readonly clock: ControllableClock,
    private readonly directory: PortalDirectory,
  ) {}

  async createPortal(input: NewPortalInput): Promise<TokenGrant & { token: string }> {
    return createPortal(this.services.store, this.clock, this.directory, input);
  }

  async listPortals(): Promise<PortalSummary[]> {
    const ids = await this.directory.portalIds();
    return Promise.all(
      ids.map(async (portalId) => ({ portalId, tokens: await this.directory.tokensOf(portalId) })),
    );
  }

  /** Empties a portal: records, associations, labels, limits, schemas, and ID counters. */
  async resetPortal(portalId: number): Promise<void> {
    await this.services.store.transaction((tx) => tx.resetPortal(portalId));
  }

  async resetAll(): Promise<number[]> {
    const ids = await this.directory.portalIds();
    await this.services.store.transaction(async (tx) => {
      for (const id of ids) await tx.resetPortal(id);
    });
    return ids;
  }

  #checkName(name: string): void {
    if (!SNAPSHOT_NAME.test(name)) {
      throw new ValidationError(
        `Invalid snapshot name "${name}": use letters, digits, "_", "." and "-", up to 100 characters`,
      );
    }
  }

  async createSnapshot(portalId: number, name: string): Promise<SnapshotInfo> {
    this.#checkName(name);
    return this.services.store.transaction((tx) => tx.createSnapshot(portalId, name, this.clock.now()));
  }

  async listSnapshots(portalId: number): Promise<SnapshotInfo[]> {
    return this.services.store.listSnapshots(portalId);
  }

  async restoreSnapshot(portalId: number, name: string): Promise<void> {
    this.#checkName(name);
    const restored = await this.services.store.transaction((tx) => tx.restoreSnapshot(portalId, name));
    if (!restored) throw snapshotNotFound(portalId, name);
  }

  async deleteSnapshot(portalId: number, name: string): Promise<void> {
    this.#checkName(name);
    const deleted = await this.services.store.transaction((tx) => tx.deleteSnapshot(portalId, name));
    if (!deleted) throw snapshotNotFound(portalId, name);
  }

  async exportPortal(portalId: number, progress?: Progress): Promise<PortalExport> {
    return exportPortal(this.services.store, portalId, this.clock.now(), progress);
  }

  /** Replaces the portal's data with the document's; an invalid document changes nothing. */
  async importPortal(
    portalId: number,
    document: unknown,
    progress?: Progress,
  ): Promise<{ records: number; associations: number }> {
    const plan = planImport(document, portalId);
    await applyImport(this.services.store, portalId, plan, progress);
    return { records: plan.records.length, associations: plan.associations.length };
  }

  async loadFixtures(portalId: number, fixtures: Fixtures): Promise<FixtureSummary> {
    return loadFixtures(this.services, portalId, fixtures);
  }

  /** Brings an archived record back, with its associations (HubSpot's recycling bin). */
  async restoreRecord(portalId: number, objectType: string, id: number): Promise<ObjectRow> {
    const type = await this.services.objectTypes.resolve(portalId, objectType);
    return this.services.objects.restore(portalId, type, id);
  }
}

function snapshotNotFound(portalId: number, name: string): NotFoundError {
  return new NotFoundError(`Portal ${portalId} has no snapshot named "${name}"`, {
    context: { snapshot: [name] },
  });
}
