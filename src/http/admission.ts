/**
 * Fair admission of heavy requests: batch endpoints, imports, exports, fixtures and
 * snapshots. They share a budget of units; a request waits until its units are free, and
 * waiting requests are admitted portal by portal in turn, so one portal sending many heavy
 * requests cannot make another portal's wait behind all of them. Light requests (single
 * reads and writes) are never held: heavy ones can use at most 4 database connections at a
 * time, fewer than any pool, so the rest stay free for them.
 *
 * Memory: a batch read costs one unit per input, and a heavy request of any other kind 250,
 * out of 1,000. At most 1,000 batch-read inputs are read at once across the process, each
 * page at most 501 association rows: about 500,000 rows (roughly 150 MB with their JSON)
 * however many batch reads arrive together; the others wait, holding only their parsed
 * bodies.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { heavyQueueFull } from './http-errors.js';

export const ADMISSION_UNITS = 1000;
/** What a heavy request other than a batch read costs: four run at once. */
export const HEAVY_REQUEST_UNITS = 250;
/** Requests one portal may have waiting; more answer 429. */
export const MAX_WAITING_PER_PORTAL = 256;

interface Waiter {
  readonly units: number;
  readonly admit: () => void;
}

export class FairAdmission {
  #free: number;
  /** Waiting requests by portal, in arrival order; portals in the order they take turns. */
  readonly #queues = new Map<number, Waiter[]>();
  /** When each portal was last admitted (a counter): the least recent goes next. */
  readonly #served = new Map<number, number>();
  #turns = 0;

  constructor(readonly capacity: number = ADMISSION_UNITS) {
    this.#free = capacity;
  }

  /** Resolves with a release function once `units` are admitted for `portal`. */
  acquire(portal: number, units: number): Promise<() => void> {
    const wanted = Math.min(Math.max(units, 1), this.capacity);
    return new Promise((resolve, reject) => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.#free += wanted;
        this.#drain();
      };
      const queue = this.#queues.get(portal) ?? [];
      if (queue.length >= MAX_WAITING_PER_PORTAL) {
        reject(heavyQueueFull({ portalId: portal, max: MAX_WAITING_PER_PORTAL }));
        return;
      }
      queue.push({ units: wanted, admit: () => resolve(release) });
      this.#queues.set(portal, queue);
      this.#drain();
    });
  }

  /** Admits waiters while units are free: the portal served longest ago first, its oldest request first. */
  #drain(): void {
    for (;;) {
      let chosen: number | undefined;
      for (const [portal, queue] of this.#queues) {
        if (queue[0]!.units > this.#free) continue;
        if (chosen === undefined || (this.#served.get(portal) ?? -1) < (this.#served.get(chosen) ?? -1))
          chosen = portal;
      }
      if (chosen === undefined) return;
      const queue = this.#queues.get(chosen)!;
      const head = queue.shift()!;
      if (queue.length === 0) this.#queues.delete(chosen);
      this.#free -= head.units;
      this.#served.set(chosen, ++this.#turns);
      head.admit();
    }
  }
}

/** What a request costs, or undefined for a light request. */
function unitsOf(request: FastifyRequest): number | undefined {
  const route = request.routeOptions.url ?? '';
  if (route.endsWith('/batch/read')) {
    const inputs = (request.body as { inputs?: unknown } | undefined)?.inputs;
    return Array.isArray(inputs) ? inputs.length : 1;
  }
  if (route.includes('/batch/') || /\/(import|export|seed|snapshots)/.test(route)) return HEAVY_REQUEST_UNITS;
  return undefined;
}

function portalOf(request: FastifyRequest): number {
  const fromPath = (request.params as { portalId?: unknown } | undefined)?.portalId;
  return typeof fromPath === 'number' ? fromPath : request.portalId;
}

export function registerFairAdmission(app: FastifyInstance, admission = new FairAdmission()): void {
  app.addHook('preHandler', async (request, reply) => {
    const units = unitsOf(request);
    if (units === undefined) return;
    // Released when the response is done or the connection goes, whichever comes first,
    // including while the request still waits.
    const held: { release?: () => void; closed?: boolean } = {};
    reply.raw.once('close', () => {
      held.closed = true;
      held.release?.();
    });
    const release = await admission.acquire(portalOf(request), units);
    held.release = release;
    if (held.closed) release();
    else reply.raw.once('finish', release);
  });
}
