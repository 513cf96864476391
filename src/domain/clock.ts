/**
 * Time, injected. Every timestamp the server writes or returns (`createdAt`, `startedAt`,
 * `createdate`, ...) comes from a Clock, so tests and demos can pin or advance it.
 */
import { instantOutOfRange, invalidClockStep } from './admin-errors.js';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** ISO 8601 UTC with milliseconds and `Z` (decision D3). */
export function isoTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** The latest instant an ISO 8601 timestamp with a four-digit year can show. */
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const DAY_MS = 86_400_000;

function checkInstant(epochMs: number, what: string): void {
  if (!Number.isFinite(epochMs) || epochMs < 0 || epochMs > LATEST) {
    throw instantOutOfRange({ what });
  }
}

export interface ClockState {
  readonly now: number;
  /** A frozen clock moves only when set, advanced, or by `stepMs` per reading. */
  readonly frozen: boolean;
  /** How far a frozen clock moves each time it is read (0: not at all). */
  readonly stepMs: number;
}

/** A clock's exact settings, to copy into another process's clock (`--workers`). */
export interface ClockSnapshot {
  readonly offset: number;
  readonly fixed: number | null;
  readonly step: number;
}

/**
 * A clock tests control (`--clock`, the admin API's /_spoke/clock). Running, it is system
 * time plus an offset; frozen, it returns a fixed instant, optionally stepping by `stepMs`
 * per reading so timestamps stay distinct and still repeat from run to run.
 */
export class ControllableClock implements Clock {
  #offset = 0;
  #fixed: number | undefined;
  #step = 0;

  now(): number {
    if (this.#fixed === undefined) return Date.now() + this.#offset;
    const value = this.#fixed;
    this.#fixed += this.#step;
    return value;
  }

  /** Sets the time. Frozen by default: a pinned clock is what makes a run repeatable. */
  set(epochMs: number, options: { frozen?: boolean; stepMs?: number } = {}): void {
    checkInstant(epochMs, 'The clock');
    if (options.stepMs !== undefined && !(options.stepMs >= 0 && options.stepMs <= DAY_MS)) {
      throw invalidClockStep({ max: DAY_MS });
    }
    const frozen = options.frozen ?? true;
    this.#step = options.stepMs ?? (frozen ? this.#step : 0);
    if (frozen) {
      this.#fixed = epochMs;
      this.#offset = 0;
    } else {
      this.#fixed = undefined;
      this.#offset = epochMs - Date.now();
    }
  }

  advance(ms: number): void {
    checkInstant(this.state().now + ms, 'The advanced clock');
    if (this.#fixed !== undefined) this.#fixed += ms;
    else this.#offset += ms;
  }

  /** Back to system time. */
  release(): void {
    this.#fixed = undefined;
    this.#offset = 0;
    this.#step = 0;
  }

  snapshot(): ClockSnapshot {
    return { offset: this.#offset, fixed: this.#fixed ?? null, step: this.#step };
  }

  restore(snapshot: ClockSnapshot): void {
    this.#offset = snapshot.offset;
    this.#fixed = snapshot.fixed ?? undefined;
    this.#step = snapshot.step;
  }

  state(): ClockState {
    const frozen = this.#fixed !== undefined;
    return { now: frozen ? this.#fixed! : Date.now() + this.#offset, frozen, stepMs: this.#step };
  }
}
