/**
 * Peers over node:cluster's IPC channel (`spoke --workers N`). A worker sends a change to
 * the primary; the primary hands it to every worker, the sender too, waits until each has
 * applied it (or has gone), keeps it for workers forked later, and then tells the sender,
 * which only then answers its admin request. So the next request sees the change, whichever
 * worker takes it. Every worker applies the changes in the one order the primary received
 * them, so two admin changes made at once through two workers end the same everywhere.
 */
import { randomUUID } from 'node:crypto';
import cluster, { type Worker } from 'node:cluster';
import type { PeerMessage, Peers } from './domain/peers.js';

const SEND = 'spoke-peers-send';
const APPLY = 'spoke-peers-apply';
const APPLIED = 'spoke-peers-applied';
const DONE = 'spoke-peers-done';
/** The server's state so far, for a worker forked later (it applies this before listening). */
export const PEER_STATE_ENV = 'SPOKE_PEER_STATE';
/** A worker that neither applies nor exits in this time is not waited for any longer. */
const APPLY_TIMEOUT_MS = 5_000;

interface Envelope {
  type: string;
  id: string;
  message?: PeerMessage;
}

/** In a worker: the peers of this process. */
export function workerPeers(): Peers {
  const waiting = new Map<string, () => void>();
  let apply: ((message: PeerMessage) => void) | undefined;
  process.on('message', (envelope: Envelope) => {
    if (envelope?.type === APPLY && envelope.message) {
      apply?.(envelope.message);
      process.send?.({ type: APPLIED, id: envelope.id });
    } else if (envelope?.type === DONE) {
      waiting.get(envelope.id)?.();
      waiting.delete(envelope.id);
    }
  });
  return {
    broadcast: (message) =>
      new Promise<void>((resolve) => {
        const id = randomUUID();
        waiting.set(id, resolve);
        process.send?.({ type: SEND, id, message });
      }),
    subscribe: (fn) => {
      apply = fn;
      const state = JSON.parse(process.env[PEER_STATE_ENV] ?? '[]') as PeerMessage[];
      for (const message of state) fn(message);
    },
  };
}

/** In the primary: relays changes between workers; `state()` is what a new worker starts from. */
export function relayPeers(): { state(): string } {
  const latest = new Map<PeerMessage['kind'], PeerMessage>();
  const pending = new Map<string, { waitingFor: Set<number>; done: () => void }>();
  const settle = (id: string, workerId: number) => {
    const entry = pending.get(id);
    if (!entry) return;
    entry.waitingFor.delete(workerId);
    if (entry.waitingFor.size === 0) entry.done();
  };
  cluster.on('message', (from: Worker, envelope: Envelope) => {
    if (envelope?.type === APPLIED) return settle(envelope.id, from.id);
    if (envelope?.type !== SEND || !envelope.message) return;
    latest.set(envelope.message.kind, envelope.message);
    const all = Object.values(cluster.workers ?? {}).filter(
      (w): w is Worker => w !== undefined && w.isConnected(),
    );
    const timer = setTimeout(() => finish(), APPLY_TIMEOUT_MS);
    const finish = () => {
      clearTimeout(timer);
      pending.delete(envelope.id);
      if (from.isConnected()) from.send({ type: DONE, id: envelope.id });
    };
    pending.set(envelope.id, { waitingFor: new Set(all.map((w) => w.id)), done: finish });
    if (all.length === 0) return finish();
    for (const worker of all) worker.send({ type: APPLY, id: envelope.id, message: envelope.message });
  });
  cluster.on('exit', (worker) => {
    for (const id of [...pending.keys()]) settle(id, worker.id);
  });
  return { state: () => JSON.stringify([...latest.values()]) };
}
