/**
 * What a test suite needs from an emulator: isolated portals, instant reset, named
 * snapshots, export and import, fixtures, restoring archived records, and time under
 * control. The admin API (/_spoke/…), the CLI and `startSpoke()` all call this.
 */
import { propertyValuesError } from '../catalog/record-validator.js';
import type { ControllableClock } from '../clock.js';
import type { ObjectType } from '../object-types.js';
import { NotFoundError, SpokeError, ValidationError } from '../errors.js';
import { checkIntegrity } from '../integrity.js';
import { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import { createPortal, type NewPortalInput, type PortalDirectory, type TokenGrant } from '../portals.js';
import { lockForWrite } from '../write-locks.js';
import type { ObjectRow, SnapshotInfo, Store, StoreTransaction } from '../../store/store.js';
import { storeWithin } from '../../store/transaction-scope.js';
import {
  checkFixtureShape,
  loadFixtures,
  type FixtureServices,
  type Fixtures,
  type FixtureSummary,
} from './fixtures.js';
import {
  applyImport,
  exportPortal,
  planImport,
  writeExport,
  type PortalExport,
  type Progress,
} from './portal-export.js';

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
    /** The same services on another store (one transaction's, for fixtures). */
    private readonly scope: (store: Store) => FixtureServices,
  ) {}

  /**
   * Runs `fn` holding the portal exclusive: writes of the portal that started have
   * committed, and those that start wait until this commits (docs: associations/DESIGN.md).
   */
  #exclusive<T>(portalIds: readonly number[], fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.services.store.transaction(async (tx) => {
      for (const portalId of [...portalIds].sort((a, b) => a - b))
        await lockForWrite(tx, portalId, [], 'exclusive');
      return fn(tx);
    });
  }

  /** Refuses what `spoke check` would flag in the portal, inside the transaction that wrote it. */
  async #requireIntact(tx: StoreTransaction, portalId: number, what: string): Promise<void> {
    const report = await checkIntegrity(tx, new ObjectTypeResolver(tx), {
      portalIds: [portalId],
      maxProblems: 1,
    });
    const problem = report.problems[0];
    if (problem) {
      throw new ValidationError(`${what}: ${problem.kind}: ${problem.detail}`, {
        context: { [problem.kind]: [problem.detail] },
      });
    }
  }

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
    await this.#exclusive([portalId], (tx) => tx.resetPortal(portalId));
  }

  async resetAll(): Promise<number[]> {
    const ids = await this.directory.portalIds();
    await this.#exclusive(ids, async (tx) => {
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
    return this.#exclusive([portalId], (tx) => tx.createSnapshot(portalId, name, this.clock.now()));
  }

  async listSnapshots(portalId: number): Promise<SnapshotInfo[]> {
    return this.services.store.listSnapshots(portalId);
  }

  async restoreSnapshot(portalId: number, name: string): Promise<void> {
    this.#checkName(name);
    const restored = await this.#exclusive([portalId], (tx) => tx.restoreSnapshot(portalId, name));
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

  /** The export document as JSON text, a page at a time, at the pace `write` takes it. */
  async streamExport(
    portalId: number,
    write: (text: string) => Promise<void> | void,
    progress?: Progress,
  ): Promise<{ records: number; associations: number }> {
    return writeExport(this.services.store, portalId, this.clock.now(), write, progress);
  }

  /** Replaces the portal's data with the document's; an invalid document changes nothing. */
  async importPortal(
    portalId: number,
    document: unknown,
    progress?: Progress,
  ): Promise<{ records: number; associations: number }> {
    const plan = planImport(document, portalId);
    await this.#exclusive([portalId], async (tx) => {
      await applyImport(tx, portalId, plan, progress);
      await this.#checkImportedValues(tx, portalId, plan.records);
      await this.#requireIntact(tx, portalId, 'Invalid export document');
    });
    return { records: plan.records.length, associations: plan.associations.length };
  }

  /**
   * Imported records' properties must be defined for their type, with values of its type,
   * as HubSpot's validation would have let them in (read-only ones included: an export
   * holds the values the server set).
   */
  async #checkImportedValues(tx: StoreTransaction, portalId: number, records: readonly ObjectRow[]) {
    const types = new Map<string, ObjectType>();
    for (const [index, record] of records.entries()) {
      let type = types.get(record.objectTypeId);
      if (!type) {
        type = await this.services.objectTypes.resolveAnyById(portalId, record.objectTypeId, tx);
        types.set(record.objectTypeId, type);
      }
      const problems = await this.services.validator.checkStored(tx, portalId, type, record.properties);
      if (problems.length > 0) {
        const error = propertyValuesError(problems);
        throw new ValidationError(`Invalid export document: records[${index}]: ${error.message}`, {
          ...(error.errors && { errors: error.errors }),
        });
      }
    }
  }

  /**
   * Loads fixtures in one transaction, through the API's own services (each with its checks
   * and locks): a fixture that fails anywhere, or leaves anything `spoke check` would flag,
   * changes nothing.
   */
  async loadFixtures(portalId: number, fixtures: unknown): Promise<FixtureSummary> {
    checkFixtureShape(fixtures);
    return this.#exclusive([portalId], async (tx) => {
      const scoped = this.scope(storeWithin(tx, this.services.store));
      let summary: FixtureSummary;
      try {
        summary = await loadFixtures(scoped, portalId, fixtures as Fixtures);
      } catch (error) {
        if (error instanceof SpokeError) {
          throw new ValidationError(`Invalid fixtures: ${error.message}`, {
            ...(error.context && { context: error.context }),
            ...(error.errors && { errors: error.errors }),
          });
        }
        throw error;
      }
      await this.#requireIntact(tx, portalId, 'Invalid fixtures');
      return summary;
    });
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
