/**
 * Time, injected. Every timestamp the server writes or returns (`createdAt`, `startedAt`,
 * `createdate`, ...) comes from a Clock, so tests and demos can pin or advance it.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** ISO 8601 UTC with milliseconds and `Z` (compat-decisions 3). */
export function isoTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export interface ClockState {
  readonly now: number;
  /** A frozen clock moves only when set, advanced, or by `stepMs` per reading. */
  readonly frozen: boolean;
  /** How far a frozen clock moves each time it is read (0: not at all). */
  readonly stepMs: number;
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
    if (this.#fixed !== undefined) this.#fixed += ms;
    else this.#offset += ms;
  }

  /** Back to system time. */
  release(): void {
    this.#fixed = undefined;
    this.#offset = 0;
    this.#step = 0;
  }

  state(): ClockState {
    const frozen = this.#fixed !== undefined;
    return { now: frozen ? this.#fixed! : Date.now() + this.#offset, frozen, stepMs: this.#step };
  }
}
