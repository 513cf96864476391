/**
 * Settings that must hold for the whole server, whichever process answers: under
 * `spoke --workers N` each worker keeps its own clock, so a change made through one worker's
 * admin API is sent to every other worker before the admin request is answered.
 */
import type { ClockSnapshot } from './clock.js';

export type PeerMessage = { kind: 'clock'; clock: ClockSnapshot };

export interface Peers {
  /** Resolves once every other process has applied `message`. */
  broadcast(message: PeerMessage): Promise<void>;
  /** `apply` gets the other processes' messages (and, first, the server's current state). */
  subscribe(apply: (message: PeerMessage) => void): void;
}

/** One process: nobody else to tell. */
export const NO_PEERS: Peers = {
  broadcast: async () => {},
  subscribe: () => {},
};
