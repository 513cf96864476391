/**
 * What a test suite needs from an emulator: isolated portals, instant reset, named
 * snapshots, export and import, fixtures, restoring archived records, and time under
 * control. The admin API (/_spoke/…), the CLI and `startSpoke()` all call this.
 */
import {
  fixtureTokenTaken,
  integrityProblem,
  invalidFixtures,
  invalidSnapshotName,
  snapshotNotFound,
} from './harness-errors.js';
import { withChangeSource } from '../changes.js';
import { writeAppDocuments } from '../webhooks/app-documents.js';
import { withImportDiff } from '../webhooks/import-diff.js';
import { withLoadedApps } from '../webhooks/quiet-apps.js';
import type { ControllableClock } from '../clock.js';
import { SpokeError } from '../errors.js';
import { checkIntegrity } from '../integrity.js';
import { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import {
  createPortal,
  DEFAULT_PORTAL_ID,
  type NewPortalInput,
  type PortalDirectory,
  type TokenGrant,
} from '../portals.js';
import type { RateLimiter } from '../rate-limits/rate-limiter.js';
import { lockForWrite } from '../write-locks.js';
import type { ObjectRow, SnapshotInfo, Store, StoreTransaction } from '../../store/store.js';
import { storeWithin } from '../../store/transaction-scope.js';
import { checkFixtureShape, loadFixtures, type FixtureServices, type FixtureSummary } from './fixtures.js';
import { exportPortal, writeExport, type PortalExport, type Progress } from './portal-export.js';
import { importPortalDocument, type ImportCounts } from './portal-import.js';

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
    /** Where a fixture's `rateLimits` go. */
    private readonly rateLimits?: RateLimiter,
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
      throw integrityProblem(what, problem.kind, problem.detail);
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
      throw invalidSnapshotName({ name });
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

  /**
   * Replaces the portal's data with an export document's, given as a value or as a function
   * that opens it as a stream of JSON text (called again if the transaction is retried); an
   * invalid document changes nothing. The stream is read inside the transaction, so it must
   * not wait on a slow client: the admin API spools an upload to a file first.
   */
  async importPortal(
    portalId: number,
    document: object | (() => AsyncIterable<Uint8Array | string>),
    progress?: Progress,
  ): Promise<ImportCounts> {
    const open = typeof document === 'function' ? document : () => toAsync([JSON.stringify(document)]);
    return withChangeSource('IMPORT', () =>
      withLoadedApps(() =>
        withImportDiff(() =>
          this.#exclusive([portalId], async (tx) => {
            const counts = await importPortalDocument(
              tx,
              portalId,
              open(),
              this.services.validator,
              this.clock.now(),
              progress,
            );
            await this.#requireIntact(tx, portalId, 'Invalid export document');
            return counts;
          }),
        ),
      ),
    );
  }

  /**
   * Loads fixtures in one transaction, through the API's own services (each with its checks
   * and locks): a fixture that fails anywhere, or leaves anything `spoke check` would flag,
   * changes nothing.
   */
  async loadFixtures(portalId: number, fixtures: unknown): Promise<FixtureSummary> {
    checkFixtureShape(fixtures);
    const summary = await withChangeSource('FIXTURE', () =>
      withLoadedApps(() =>
        this.#exclusive([portalId], async (tx) => {
          const scoped = this.scope(storeWithin(tx, this.services.store));
          let summary: FixtureSummary;
          try {
            summary = await loadFixtures(scoped, portalId, fixtures);
            // Webhook apps last: they hear nothing of this fixture's records (quiet-apps.ts).
            if (fixtures.apps)
              summary.apps = await writeAppDocuments(
                tx.webhooks,
                portalId,
                fixtures.apps,
                this.clock.now(),
                'merge',
              );
          } catch (error) {
            if (error instanceof SpokeError) {
              throw invalidFixtures(error.message, error);
            }
            throw error;
          }
          await this.#requireIntact(tx, portalId, 'Invalid fixtures');
          return summary;
        }),
      ),
    );
    // After the commit: limits are counted outside any transaction, by every process.
    if (fixtures.rateLimits && this.rateLimits) await this.rateLimits.set(portalId, fixtures.rateLimits);
    return summary;
  }

  /**
   * Loads fixtures (`--seed`, `startSpoke({ seed })`, `POST /_spoke/portals/{id}/seed`) and
   * makes their portal reachable: a portal other than the default one gets the fixture's
   * `token` (`spoke-portal-{portalId}` when it names none), unless configured tokens decide
   * who reaches what and the fixture names no token. Returns the token that reaches the
   * portal. `portalId` is the seed route's (the fixture's own must agree with it).
   */
  async seedPortal(
    fixtures: unknown,
    portalId?: number,
  ): Promise<{ summary: FixtureSummary; portalId: number; token?: string }> {
    checkFixtureShape(fixtures);
    portalId ??= fixtures.portalId ?? DEFAULT_PORTAL_ID;
    const summary = await this.loadFixtures(portalId, fixtures);
    if (portalId === DEFAULT_PORTAL_ID || (this.directory.strict && fixtures.token === undefined))
      return { summary, portalId };
    const token = fixtures.token ?? `spoke-portal-${portalId}`;
    const existing = this.directory.configuredGrant(token) ?? (await this.services.store.findToken(token));
    if (existing === undefined) {
      try {
        await this.createPortal({ portalId, token });
      } catch (error) {
        // Seeds over HTTP can run at once: another seed of this portal made the token first.
        if ((await this.services.store.findToken(token))?.portalId !== portalId) throw error;
      }
    } else if (existing.portalId !== portalId)
      throw fixtureTokenTaken({ existing: existing.portalId, portalId });
    return { summary, portalId, token };
  }

  /** Brings an archived record back, with its associations (HubSpot's recycling bin). */
  async restoreRecord(portalId: number, objectType: string, id: number): Promise<ObjectRow> {
    const type = await this.services.objectTypes.resolve(portalId, objectType);
    // The admin API's restore stands for the recycle bin of HubSpot's UI.
    return withChangeSource('ADMIN', () => this.services.objects.restore(portalId, type, id));
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncIterable<T> {
  yield* items;
}
