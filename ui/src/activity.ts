/**
 * The live activity feed: one Server-Sent Events connection to /_spoke/activity/stream for
 * the whole page, read with fetch (EventSource cannot send the admin token), resumed with
 * Last-Event-ID after a drop. Views subscribe to follow changes: `useFollow` reloads a view,
 * at most a few times a second, when a write it cares about arrives.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { adminHeaders, adminToken, type ActivityEvent } from './api.js';

type Listener = (event: ActivityEvent) => void;
export type FeedStatus = 'connecting' | 'live' | 'offline' | 'needs-token';

const KEEP = 500;
const RETRY_MS = 2000;

class ActivityHub {
  events: ActivityEvent[] = [];
  status: FeedStatus = 'connecting';
  lastSeq = 0;
  dropped = 0;
  #listeners = new Set<Listener>();
  #statusListeners = new Set<() => void>();
  #started = false;

  start(): void {
    if (this.#started) return;
    this.#started = true;
    adminToken.onChange(() => {
      if (this.status === 'needs-token') void this.#connect(true);
    });
    void this.#connect(true);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onStatus(listener: () => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  #setStatus(status: FeedStatus): void {
    this.status = status;
    for (const listener of this.#statusListeners) listener();
  }

  #receive(event: ActivityEvent): void {
    if (event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    this.events.push(event);
    if (this.events.length > KEEP) this.events.splice(0, this.events.length - KEEP);
    for (const listener of this.#listeners) listener(event);
  }

  async #connect(first: boolean): Promise<void> {
    this.#setStatus('connecting');
    try {
      // The first connection asks for the recent past too; later ones resume where they left off.
      const query = first ? `?after=0&limit=200` : '';
      const response = await fetch(`/_spoke/activity/stream${query}`, {
        headers: { ...adminHeaders(), ...(first ? {} : { 'last-event-id': String(this.lastSeq) }) },
      });
      if (response.status === 401) return this.#setStatus('needs-token');
      if (!response.ok || !response.body) throw new Error(`stream: ${response.status}`);
      this.#setStatus('live');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          this.#frame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Dropped or refused: try again below.
    }
    this.#setStatus('offline');
    setTimeout(() => void this.#connect(false), RETRY_MS);
  }

  #frame(text: string): void {
    let event = 'message';
    let data = '';
    for (const line of text.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (data === '') return;
    if (event === 'gap') {
      this.dropped += (JSON.parse(data) as { dropped: number }).dropped;
      return;
    }
    this.#receive(JSON.parse(data) as ActivityEvent);
  }
}

export const activity = new ActivityHub();

/** The feed's events and status, re-rendered at most every 250 ms while events pour in. */
export function useActivityLog(): { events: ActivityEvent[]; status: FeedStatus; dropped: number } {
  const [, setTick] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const rerender = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        setTick((t) => t + 1);
      }, 250);
    };
    const off = activity.subscribe(rerender);
    const offStatus = activity.onStatus(() => setTick((t) => t + 1));
    return () => {
      off();
      offStatus();
      clearTimeout(timer);
    };
  }, []);
  return { events: activity.events, status: activity.status, dropped: activity.dropped };
}

/** The feed's connection status alone. */
export function useFeedStatus(): FeedStatus {
  const [status, setStatus] = useState(activity.status);
  useEffect(() => activity.onStatus(() => setStatus(activity.status)), []);
  return status;
}

/**
 * Calls `reload` after writes that `matters` picks (of `portalId`, or of any portal when it is
 * null), `quietMs` after the last one, and at least every `maxWaitMs` while they keep coming.
 * Views whose reload counts a whole portal wait longer. Returns how many such writes arrived
 * since the view mounted.
 */
export function useFollow(
  portalId: number | null,
  matters: (event: ActivityEvent) => boolean,
  reload: () => void,
  { quietMs = 300, maxWaitMs = 1000 }: { quietMs?: number; maxWaitMs?: number } = {},
): number {
  const [seen, setSeen] = useState(0);
  const latest = useRef({ matters, reload });
  latest.current = { matters, reload };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let firstPending = 0;
    const off = activity.subscribe((event) => {
      if (event.kind === 'request' && !event.write) return;
      if (portalId !== null && event.portalId !== portalId && event.portalId !== null) return;
      if (!latest.current.matters(event)) return;
      setSeen((n) => n + 1);
      const now = Date.now();
      if (timer === undefined) firstPending = now;
      clearTimeout(timer);
      const wait = Math.max(0, Math.min(quietMs, firstPending + maxWaitMs - now));
      timer = setTimeout(() => {
        timer = undefined;
        latest.current.reload();
      }, wait);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [portalId, quietMs, maxWaitMs]);
  return seen;
}

/** Record IDs an event touched. */
export function touched(event: ActivityEvent): readonly string[] {
  return event.kind === 'request' ? event.recordIds : event.changes.flatMap((c) => c.recordIds);
}
