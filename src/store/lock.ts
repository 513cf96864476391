/**
 * A FIFO async mutex. better-sqlite3 runs on one connection, and a transaction whose callback
 * awaits would otherwise let another request's statements run inside it (and read its
 * uncommitted rows). Every store operation on that connection takes this lock first.
 */
export class AsyncLock {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  /** `onRelease` runs each time a holder lets go, before the next one runs. */
  constructor(private readonly onRelease?: () => void) {}

  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.#locked) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    else this.#locked = true;
    try {
      return await fn();
    } finally {
      this.onRelease?.();
      const next = this.#waiters.shift();
      if (next) next();
      else this.#locked = false;
    }
  }
}
