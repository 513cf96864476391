/**
 * The change feed across Spoke processes on one database: each write transaction also sends
 * its change set through the store's change relay (PostgreSQL NOTIFY: delivered at COMMIT, in
 * commit order, never for a rollback), and each process hands the sets other processes
 * committed to its `everywhere` subscribers. Opt-in: sending costs each write transaction a
 * statement and PostgreSQL serializes the commits that notify, so it is on only where asked
 * for (`spoke --share-changes`, `startSpoke({ shareChanges })`). Stores without a relay (SQLite)
 * have nothing to share across (`capabilities.sharedChanges`).
 */
import { randomUUID } from 'node:crypto';
import type { ChangeFeed, ChangeSet } from './changes.js';
import type { ChangeRelay } from '../store/change-relay.js';

interface SharedMessage {
  /** The process that committed it: its own messages come back to it, and are skipped. */
  readonly from: string;
  readonly set: ChangeSet;
}

/** Starts sharing `feed` through `relay`; resolves once listening, to the function that stops it. */
export async function shareChanges(feed: ChangeFeed, relay: ChangeRelay): Promise<() => Promise<void>> {
  const self = randomUUID();
  const stopListening = await relay.listen((message) => {
    const shared = JSON.parse(message) as SharedMessage;
    if (shared.from !== self) feed.publishShared(shared.set);
  });
  const unhook = feed.inTransaction((tx, set) =>
    relay.send(tx, JSON.stringify({ from: self, set } satisfies SharedMessage)),
  );
  return async () => {
    unhook();
    await stopListening();
  };
}
