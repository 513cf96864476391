/**
 * Delivers the outbox as HubSpot does (docs/decisions.md, "Webhooks"): signed POSTs of up to
 * 100 events, at most `maxConcurrentRequests` (10 by default) in flight per app, a 5 s
 * timeout, and any failure (no connection, timeout, 4xx, 5xx) retried up to 10 times over
 * about 24 hours. Retry times are on Spoke's controllable clock, so a test advances the
 * clock and flushes to see the next attempt; timeouts and leases are wall-clock time.
 *
 * Events are leased before they are sent: an atomic UPDATE (SKIP LOCKED on PostgreSQL) hands
 * each due event to one dispatcher until its lease ends, so two Spoke instances on one
 * database do not both send it. Just before a batch is sent its lease is renewed for the
 * batch's own work (the send, at most the timeout, and writing its result; the lease is at
 * least the timeout plus a margin), together with one of the app's delivery slots (D40): a
 * batch whose events another instance took after this one's lease ran out is not sent, and
 * a receiver's 2xx always marks the events delivered. A dispatcher that dies mid-delivery
 * leaves its lease to run out; the event is then sent again (a duplicate, as HubSpot
 * allows, never a loss).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Store } from '../../store/store.js';
import { webhookReads, type AppRow, type EventRow } from '../../store/webhooks.js';
import { signedHeaders } from './signatures.js';

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

export interface WebhookResponse {
  readonly status: number;
  readonly body: string;
}

/** Sends one POST; rejects when no response came (refused, reset, timed out). */
export type WebhookTransport = (request: WebhookRequest) => Promise<WebhookResponse>;

/** Delays before retries 1 to 10 (about 24 hours in all). */
export const RETRY_DELAYS_MS: readonly number[] = [
  60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 28_800_000,
];
export const MAX_BATCH = 100;
export const DELIVERY_TIMEOUT_MS = 5_000;
const LEASE_MS = 60_000;
/** What a lease must cover beyond the timeout: signing, and writing the attempt's result. */
export const LEASE_MARGIN_MS = 5_000;
/** How long a batch waits before asking again for a slot other instances hold (wall-clock ms). */
const SLOT_RETRY_MS = 50;
const LEASE_LIMIT = 1_000;
/** How long delivered and given-up events and the attempt log are kept (Spoke's clock). */
export const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;
/** The most events (and attempts) one pruning pass deletes. */
export const DEFAULT_PRUNE_BATCH = 1_000;
const MAX_RESPONSE_BODY = 2_000;

export interface DispatcherOptions {
  /** How often to look for due events (wall-clock ms); writes also wake the dispatcher. */
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  /**
   * How long a lease lasts (wall-clock ms): a dispatcher that died is retried after it. At
   * least the timeout plus LEASE_MARGIN_MS.
   */
  readonly leaseMs?: number;
  /** Wall-clock time for leases (Date.now by default; tests move it). */
  readonly wallClock?: () => number;
  /** How long finished events and attempts are kept, on Spoke's clock (default 7 days). */
  readonly retentionMs?: number;
  /** The most events (and attempts) one pruning pass deletes (default 1,000). */
  readonly pruneBatch?: number;
}

/** What the dispatcher has done, for tests: an idle one reads and never writes. */
export interface DispatcherStats {
  /** Looks for due events (reads). */
  checks: number;
  /** Lease transactions (writes), taken only when a check found work. */
  leases: number;
  /** Pruning transactions (writes), taken only when a check found something to prune. */
  prunes: number;
  /** Times a batch found every delivery slot of its app held (by any instance) and waited. */
  slotWaits: number;
}

/** The body HubSpot sends: compact JSON, fields in HubSpot's order. */
export function eventPayload(event: EventRow): Record<string, unknown> {
  return {
    eventId: event.id,
    subscriptionId: event.subscriptionId,
    portalId: event.portalId,
    appId: event.appId,
    occurredAt: event.occurredAt,
    subscriptionType: event.subscriptionType,
    attemptNumber: event.attempts,
    objectId: event.objectId,
    ...event.fields,
  };
}

/** Limits how many requests one app has in flight. */
class Slots {
  #used = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(public size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#used >= this.size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#used++;
    try {
      return await fn();
    } finally {
      this.#used--;
      this.#waiting.shift()?.();
    }
  }
}

export class WebhookDispatcher {
  /** Names this dispatcher's leases. */
  readonly owner = randomUUID();
  readonly #slots = new Map<number, Slots>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #paused = false;
  #stopped = false;
  readonly #timeoutMs: number;
  readonly #leaseMs: number;
  readonly #wall: () => number;
  readonly stats: DispatcherStats = { checks: 0, leases: 0, prunes: 0, slotWaits: 0 };

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly transport: WebhookTransport,
    private readonly options: DispatcherOptions = {},
  ) {
    this.#timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
    this.#leaseMs = options.leaseMs ?? LEASE_MS;
    this.#wall = options.wallClock ?? Date.now;
    if (this.#leaseMs < this.#timeoutMs + LEASE_MARGIN_MS) {
      throw new RangeError(
        `A webhook lease of ${this.#leaseMs} ms cannot cover a delivery: it must be at least ${this.#timeoutMs + LEASE_MARGIN_MS} ms (the ${this.#timeoutMs} ms timeout plus ${LEASE_MARGIN_MS} ms)`,
      );
    }
  }

  get paused(): boolean {
    return this.#paused;
  }

  start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => this.kick(), this.options.pollMs ?? 1_000);
    this.#timer.unref();
  }

  /** Looks for due events now (after a commit), unless paused. */
  kick(): void {
    if (this.#paused || this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop()
      .catch(() => undefined) // a database outage: the next poll tries again
      .finally(() => (this.#running = undefined));
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.kick();
  }

  /**
   * Delivers everything due now (paused or not) and returns when each has been tried; then
   * one pruning pass.
   */
  async flush(): Promise<{ tried: number; pruned: number }> {
    await this.#running;
    let tried = 0;
    for (let n = await this.#round(); n > 0; n = await this.#round()) tried += n;
    return { tried, pruned: await this.prune() };
  }

  /**
   * One bounded pruning pass: deletes up to `pruneBatch` events delivered or given up on
   * longer ago than the retention period, and as many attempts. A read finds whether there is
   * any first, so a pass with nothing to do writes nothing. Returns the events deleted.
   */
  async prune(): Promise<number> {
    const cutoff = this.clock.now() - (this.options.retentionMs ?? DEFAULT_RETENTION_MS);
    const due = await this.store.readSnapshot(async (reader) => webhookReads(reader).hasPrunable(cutoff));
    if (!due) return 0;
    this.stats.prunes++;
    const { events } = await this.store.transaction((tx) =>
      tx.webhooks.prune(cutoff, this.options.pruneBatch ?? DEFAULT_PRUNE_BATCH),
    );
    return events;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      while (!this.#paused && !this.#stopped && (await this.#round()) > 0);
    } while (this.#again && !this.#paused && !this.#stopped);
    if (!this.#stopped) await this.prune();
  }

  /**
   * Leases the due events and delivers them; returns how many it leased. A read looks for due
   * events first: the poll (for other instances' events and retries coming due) costs a read,
   * never a write transaction, while nothing is pending.
   */
  async #round(): Promise<number> {
    const wall = this.#wall();
    const now = this.clock.now();
    this.stats.checks++;
    const due = await this.store.readSnapshot(async (reader) => webhookReads(reader).hasDue(now, wall));
    if (!due) return 0;
    this.stats.leases++;
    const events = await this.store.transaction((tx) =>
      tx.webhooks.lease(this.owner, now, wall, wall + this.#leaseMs, LEASE_LIMIT),
    );
    if (events.length === 0) return 0;
    const appIds = [...new Set(events.map((e) => e.appId))];
    const apps = new Map<number, AppRow>();
    await this.store.transaction(async (tx) => {
      for (const id of appIds) {
        const app = await tx.webhooks.getApp(id);
        if (app) apps.set(id, app);
      }
    });
    const sends: Array<Promise<void>> = [];
    for (const appId of appIds) {
      const app = apps.get(appId);
      const mine = events.filter((e) => e.appId === appId);
      const slots = this.#slotsOf(appId, app?.maxConcurrentRequests ?? 1);
      for (let i = 0; i < mine.length; i += MAX_BATCH) {
        const batch = mine.slice(i, i + MAX_BATCH);
        sends.push(slots.run(() => this.#claimAndDeliver(appId, app, batch)));
      }
    }
    await Promise.all(sends);
    return events.length;
  }

  #slotsOf(appId: number, size: number): Slots {
    let slots = this.#slots.get(appId);
    if (!slots) this.#slots.set(appId, (slots = new Slots(size)));
    slots.size = size;
    return slots;
  }

  /**
   * Renews the batch's lease and takes one of the app's slots (shared by every instance on
   * the database), waiting while all are held; then sends what this dispatcher still holds.
   */
  async #claimAndDeliver(appId: number, app: AppRow | undefined, leased: readonly EventRow[]): Promise<void> {
    const size = app?.maxConcurrentRequests ?? 1;
    for (;;) {
      if (this.#stopped) return; // the lease runs out; another instance (or a restart) sends them
      const wall = this.#wall();
      const claimed = await this.store.transaction(async (tx) => {
        const ids = await tx.webhooks.claim(
          leased.map((e) => e.id),
          this.owner,
          wall + this.#leaseMs,
        );
        if (ids.length === 0) return { ids, slot: undefined };
        const slot = await tx.webhooks.slots.take(appId, size, this.owner, wall, wall + this.#leaseMs);
        return { ids, slot };
      });
      if (claimed.ids.length === 0) return;
      if (claimed.slot !== undefined) {
        const held = new Set(claimed.ids);
        await this.#deliver(
          app,
          leased.filter((e) => held.has(e.id)),
          claimed.slot,
        );
        return;
      }
      this.stats.slotWaits++;
      await new Promise((resolve) => setTimeout(resolve, SLOT_RETRY_MS));
    }
  }

  async #deliver(app: AppRow | undefined, batch: readonly EventRow[], slot: number): Promise<void> {
    const body = JSON.stringify(batch.map(eventPayload));
    const startedAt = Date.now();
    let statusCode: number | null = null;
    let responseBody: string | null = null;
    let error: string | null = null;
    const url = app?.targetUrl ?? null;
    if (!app || url === null) {
      error = 'The app has no target URL';
    } else {
      try {
        const headers = signedHeaders(app.clientSecret, app.signatureVersion, url, body, Date.now());
        const response = await this.transport({ url, headers, body, timeoutMs: this.#timeoutMs });
        statusCode = response.status;
        responseBody = response.body.slice(0, MAX_RESPONSE_BODY);
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure);
      }
    }
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const ids = batch.map((e) => e.id);
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      await tx.webhooks.insertAttempt(
        {
          appId: batch[0]!.appId,
          eventIds: ids,
          attemptNumber: Math.max(...batch.map((e) => e.attempts)),
          url: url ?? '',
          startedAt,
          durationMs: Date.now() - startedAt,
          statusCode,
          ok,
          error: ok ? null : (error ?? `The target answered ${statusCode}`),
          responseBody,
          requestBody: body,
        },
        now,
      );
      await tx.webhooks.slots.release(batch[0]!.appId, slot, this.owner);
      if (ok) {
        await tx.webhooks.markDelivered(ids, now);
        return;
      }
      for (const event of batch) {
        const delay = RETRY_DELAYS_MS[event.attempts];
        await tx.webhooks.markFailed([event.id], this.owner, now, now + (delay ?? 0), delay === undefined);
      }
    });
  }
}
