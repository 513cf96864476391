/**
 * The activity feed: what happened in this Spoke process, in order, for the web UI's live
 * view and for anything else that wants to watch (GET /_spoke/activity and its event stream).
 *
 * Publishers hand events to an `ActivityPublisher`; today the only one is the HTTP layer's
 * request log (http/activity-log.ts), which publishes each request with the record IDs a
 * write touched, read off its response. The store's change feed (a committed transaction's
 * changed rows) is meant to publish `change` events into the same interface, so subscribers
 * get both without changing.
 *
 * The feed keeps the latest events in a ring buffer, so a client that connects (or
 * reconnects with the last sequence number it saw) first gets what it missed, as far back
 * as the buffer reaches. Events are per process: with `--workers`, each worker has its own.
 */

/** A request Spoke answered. */
export interface RequestActivity {
  readonly kind: 'request';
  readonly method: string;
  /** Path without the query string, credentials redacted. */
  readonly path: string;
  readonly status: number;
  /** The portal the request acted on, when it names one. */
  readonly portalId: number | null;
  readonly durationMs: number;
  /** Whether the request may have changed data (not a read, not a search or batch read). */
  readonly write: boolean;
  /** IDs of the records a successful write touched (at most MAX_RECORD_IDS). */
  readonly recordIds: readonly string[];
  /** True when the write touched more records than `recordIds` lists. */
  readonly moreRecords: boolean;
}

/** What one committed transaction changed (published by the store's change feed, issue 15). */
export interface ChangeActivity {
  readonly kind: 'change';
  readonly portalId: number;
  readonly changes: ReadonlyArray<{
    readonly entity: string;
    readonly action: string;
    readonly recordIds: readonly string[];
  }>;
}

export type NewActivity = RequestActivity | ChangeActivity;

/** An event as the feed hands it out: numbered in publication order, and timed. */
export type ActivityEvent = NewActivity & {
  readonly seq: number;
  /** Epoch milliseconds (wall clock, not Spoke's controllable clock). */
  readonly at: number;
};

export interface ActivityPublisher {
  publish(event: NewActivity): void;
}

export type ActivityListener = (event: ActivityEvent) => void;

export const MAX_RECORD_IDS = 100;
const DEFAULT_CAPACITY = 1000;

export class ActivityFeed implements ActivityPublisher {
  readonly #buffer: Array<ActivityEvent | undefined>;
  readonly #listeners = new Set<ActivityListener>();
  #seq = 0;

  constructor(readonly capacity: number = DEFAULT_CAPACITY) {
    this.#buffer = new Array<ActivityEvent | undefined>(capacity);
  }

  /** The sequence number of the latest event (0 before the first). */
  get lastSeq(): number {
    return this.#seq;
  }

  publish(event: NewActivity): void {
    const numbered = { ...event, seq: ++this.#seq, at: Date.now() } as ActivityEvent;
    this.#buffer[numbered.seq % this.capacity] = numbered;
    for (const listener of this.#listeners) {
      try {
        listener(numbered);
      } catch {
        // A failing subscriber must not fail the request that published the event.
      }
    }
  }

  /** Events after `afterSeq` still in the buffer, oldest first, at most `limit` (the newest ones). */
  recent(afterSeq = 0, limit = this.capacity): ActivityEvent[] {
    const first = Math.max(afterSeq + 1, this.#seq - this.capacity + 1, this.#seq - limit + 1, 1);
    const events: ActivityEvent[] = [];
    for (let seq = first; seq <= this.#seq; seq++) {
      const event = this.#buffer[seq % this.capacity];
      if (event?.seq === seq) events.push(event);
    }
    return events;
  }

  /** Calls `listener` with every event published from now on; returns the unsubscribe function. */
  subscribe(listener: ActivityListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get subscribers(): number {
    return this.#listeners.size;
  }
}
