import type { SessionRecord } from './session-record.js';
import type { ClosedWindow } from './state-store.js';

/**
 * Everything the in-memory store holds, as plain JSON: what a restarted replica needs to keep
 * deduplicating, keep its sessions' open windows and count each of them once, and keep the series
 * budget and version set it had admitted. Session records are stored in least-recently-seen order.
 */
export interface MemoryStoreCheckpoint {
  sessions: Array<[string, SessionRecord]>;
  pendingClosed: ClosedWindow[];
  series: Array<[string, { lastUsedMs: number; cost: number }]>;
  activeVersions: string[];
  versionBuckets: Array<[number, Array<[string, number]>]>;
}

/** A store whose whole state can be captured and put back (the embedded store). */
export interface CheckpointableStore {
  /** A consistent copy of the state, taken synchronously. */
  checkpoint(): MemoryStoreCheckpoint;
  /** Replaces the state by a checkpoint's (at start, before the first commit). */
  restore(checkpoint: MemoryStoreCheckpoint): void;
}

export function isCheckpointableStore(store: object): store is CheckpointableStore {
  return (
    typeof (store as Partial<CheckpointableStore>).checkpoint === 'function' &&
    typeof (store as Partial<CheckpointableStore>).restore === 'function'
  );
}
