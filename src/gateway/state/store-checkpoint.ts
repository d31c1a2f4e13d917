import type { SessionRecord } from './session-record.js';
import type { ClosedWindow, SessionCommitResult } from './state-store.js';

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

/** A journaled change whose contributions a checkpoint may not hold yet. */
export type JournalEntry =
  | { seq: number; kind: 'commit'; payload: string; result: SessionCommitResult }
  | { seq: number; kind: 'closed'; windows: ClosedWindow[] };

/**
 * A store that journals its decisions (Redis, shared by replicas): once a journal is open, every
 * commit that accepted points or closed windows, and every window it closes, appends an entry
 * (numbered 1, 2, …) to that journal in the same atomic step that records the decision. A replica
 * whose checkpoint holds everything through entry N replays the entries after N at start: the
 * decision and the aggregate it guards are then durable together.
 */
export interface JournaledStore {
  /** Journals this store's changes from now on into journal `id`; its entries through `through` are aggregated. */
  openJournal(id: string, through: number): void;
  /** The highest entry appended by a change of this store whose answer it received. */
  journaledThrough(): number;
  /** The journal's entries after `afterSeq`, in order. */
  readJournal(afterSeq: number): Promise<JournalEntry[]>;
  /** Drops the entries through `throughSeq` (a checkpoint holds them). */
  trimJournal(throughSeq: number): Promise<void>;
}

export function isJournaledStore(store: object): store is JournaledStore {
  return typeof (store as Partial<JournaledStore>).openJournal === 'function';
}
