import { DueQueue } from './due-queue.js';
import { closedWindow } from './open-window.js';
import {
  checkRecordOptions,
  closeIfDue,
  commitRecord,
  openWindowCloseMs,
  type SessionRecord,
} from './session-record.js';
import type {
  ClosedWindow,
  SeriesAdmission,
  SessionCommit,
  SessionCommitResult,
  StateSnapshot,
  StateStore,
  StateStoreOptions,
} from './state-store.js';
import type { CheckpointableStore, MemoryStoreCheckpoint } from './store-checkpoint.js';
import { rankVersions, versionBucketIndex } from './version-window.js';

/** Sessions forgotten per housekeeping run at most (bounds one run's work). */
const MAX_SESSION_EXPIRIES_PER_RUN = 10_000;
/**
 * Due-queue entries beyond those of open windows that are tolerated before the stale ones (windows
 * closed early by a later point, an eviction or an expiry) are dropped: a full store evicts a session
 * per new one, and each stale entry would otherwise hold its session key until the window's close
 * time. Dropping them when they outnumber the open windows keeps that linear pass amortised O(1).
 */
const MIN_STALE_DUE_ENTRIES = 4_096;

/**
 * The embedded store for a single replica. Bounded: at most maxTrackedSessions sessions (least
 * recently seen evicted first), sessions idle for dedupWindowMs forgotten, series bounded by the
 * budget itself (every label set costs at least one Prometheus series), version usage trimmed to
 * maxTrackedVersions per bucket. A forgotten session's open window is closed and returned by the
 * next closeDueWindows, never dropped.
 */
export class MemoryStateStore implements StateStore, CheckpointableStore {
  /** Session records in least-recently-seen order (Map order: a commit re-inserts its session). */
  private readonly sessions = new Map<string, SessionRecord>();
  /**
   * Walks `sessions` oldest first across evictions; every entry it has passed is deleted, so its next
   * entry is the least recently seen. A fresh iterator per eviction would rescan the deleted entries
   * a Map keeps at its head until it rehashes: tens of thousands per eviction in a full store.
   */
  private oldest: MapIterator<[string, SessionRecord]> = this.sessions.entries();
  private readonly due = new DueQueue();
  /** Windows of forgotten sessions, closed, waiting for closeDueWindows. */
  private pendingClosed: ClosedWindow[] = [];
  /** Records in `sessions` with an open window. */
  private openWindows = 0;
  private readonly series = new Map<string, AdmittedSeries>();
  /** Sum of the costs in `series`, kept in step with every add and expiry. */
  private usedSeries = 0;
  private activeVersions = new Set<string>();
  private readonly versionBuckets = new Map<number, Map<string, number>>();

  constructor(private readonly options: StateStoreOptions) {
    checkRecordOptions(options);
  }

  async commitSession(commit: SessionCommit, nowMs: number): Promise<SessionCommitResult> {
    return this.commit(commit, nowMs);
  }

  async commitSessions(
    commits: readonly SessionCommit[],
    nowMs: number,
  ): Promise<Array<PromiseSettledResult<SessionCommitResult>>> {
    return commits.map((commit): PromiseSettledResult<SessionCommitResult> => {
      try {
        return { status: 'fulfilled', value: this.commit(commit, nowMs) };
      } catch (reason) {
        return { status: 'rejected', reason };
      }
    });
  }

  async closeDueWindows(nowMs: number): Promise<ClosedWindow[]> {
    const closed = this.pendingClosed;
    this.pendingClosed = [];
    for (let entry = this.due.popDue(nowMs); entry; entry = this.due.popDue(nowMs)) {
      const record = this.sessions.get(entry.sessionKey);
      if (record?.open?.window !== entry.window) continue; // closed since, or forgotten
      const next = closeIfDue(record, nowMs, this.options);
      if (!next.closed) continue;
      this.replace(entry.sessionKey, record, next.record); // keeps its place in the LRU order
      closed.push(next.closed);
    }
    return closed;
  }

  async admitSeries(requests: SeriesAdmission[], nowMs: number): Promise<boolean[]> {
    return requests.map(({ key, cost }) => {
      const known = this.series.get(key);
      if (known) {
        known.lastUsedMs = Math.max(known.lastUsedMs, nowMs);
        return true;
      }
      if (this.usedSeries + cost > this.options.seriesBudget) return false;
      this.series.set(key, { lastUsedMs: nowMs, cost });
      this.usedSeries += cost;
      return true;
    });
  }

  async admitVersions(versions: string[]): Promise<boolean[]> {
    return versions.map((version) => {
      if (this.activeVersions.has(version)) return true;
      if (this.activeVersions.size >= this.options.maxVersions) return false;
      this.activeVersions.add(version);
      return true;
    });
  }

  async recordVersionUsage(sessionsByVersion: Map<string, number>, nowMs: number): Promise<void> {
    const index = versionBucketIndex(nowMs, this.options);
    let bucket = this.versionBuckets.get(index);
    if (!bucket) this.versionBuckets.set(index, (bucket = new Map()));
    for (const [version, n] of sessionsByVersion) bucket.set(version, (bucket.get(version) ?? 0) + n);
  }

  async housekeeping(nowMs: number): Promise<StateSnapshot> {
    const seriesCutoff = nowMs - this.options.seriesIdleTimeoutMs;
    for (const [key, admitted] of this.series) {
      if (admitted.lastUsedMs >= seriesCutoff) continue;
      this.series.delete(key);
      this.usedSeries -= admitted.cost;
    }
    this.forgetIdle(nowMs - this.options.dedupWindowMs);
    this.rerankVersions(nowMs);
    return {
      usedSeries: this.usedSeries,
      trackedSessions: this.sessions.size,
      openWindows: this.openWindows,
      activeVersions: [...this.activeVersions],
    };
  }

  ready(): boolean {
    return true;
  }

  /** Copies of the records are not needed: commits replace records, they never change one in place. */
  checkpoint(): MemoryStoreCheckpoint {
    return {
      sessions: [...this.sessions.entries()],
      pendingClosed: [...this.pendingClosed],
      series: [...this.series.entries()].map(([key, s]) => [key, { ...s }]),
      activeVersions: [...this.activeVersions],
      versionBuckets: [...this.versionBuckets.entries()].map(([index, bucket]) => [index, [...bucket]]),
    };
  }

  restore(checkpoint: MemoryStoreCheckpoint): void {
    this.sessions.clear();
    this.oldest = this.sessions.entries();
    this.openWindows = 0;
    for (const [key, record] of checkpoint.sessions) {
      this.sessions.set(key, record);
      const dueMs = openWindowCloseMs(record, this.options);
      if (record.open) this.openWindows++;
      if (dueMs !== undefined) this.due.push({ dueMs, sessionKey: key, window: record.open!.window });
    }
    this.pendingClosed = [...checkpoint.pendingClosed];
    this.series.clear();
    this.usedSeries = 0;
    for (const [key, admitted] of checkpoint.series) {
      this.series.set(key, { ...admitted });
      this.usedSeries += admitted.cost;
    }
    this.activeVersions = new Set(checkpoint.activeVersions);
    this.versionBuckets.clear();
    for (const [index, bucket] of checkpoint.versionBuckets) this.versionBuckets.set(index, new Map(bucket));
  }

  async close(): Promise<void> {}

  /** Synchronous, hence atomic per session. */
  private commit(commit: SessionCommit, nowMs: number): SessionCommitResult {
    const prev = this.sessions.get(commit.sessionKey);
    const { record, result } = commitRecord(prev, commit, this.options, nowMs);
    if (prev) this.forget(commit.sessionKey, prev, false);
    this.sessions.set(commit.sessionKey, record);
    if (record.open) this.openWindows++;
    const dueMs = openWindowCloseMs(record, this.options);
    if (dueMs !== undefined && (result.newSession || prev?.open?.window !== record.open!.window)) {
      this.due.push({ dueMs, sessionKey: commit.sessionKey, window: record.open!.window });
    }
    while (this.sessions.size > this.options.maxTrackedSessions) this.evictOldest();
    if (this.due.size > 2 * this.openWindows + MIN_STALE_DUE_ENTRIES) {
      this.due.retain((entry) => this.sessions.get(entry.sessionKey)?.open?.window === entry.window);
    }
    return result;
  }

  private evictOldest(): void {
    let next = this.oldest.next();
    if (next.done) {
      // An iterator that reached the end stays done: start over from the (new) head.
      this.oldest = this.sessions.entries();
      next = this.oldest.next();
    }
    const [key, record] = next.value!;
    this.forget(key, record, true);
  }

  private replace(key: string, before: SessionRecord, after: SessionRecord): void {
    this.openWindows += Number(Boolean(after.open)) - Number(Boolean(before.open));
    this.sessions.set(key, after);
  }

  /** Removes a session; when it is forgotten for good, its open window is closed for closeDueWindows. */
  private forget(key: string, record: SessionRecord, forGood: boolean): void {
    this.sessions.delete(key);
    if (record.open) this.openWindows--;
    // The record itself is dropped: only its window is closed (as closeOpenWindow would).
    if (forGood && record.open) this.pendingClosed.push(closedWindow(record.open, record.labels));
  }

  /** Sessions last seen before the cutoff, oldest first (the Map's order), bounded per run. */
  private forgetIdle(cutoffMs: number): void {
    let expired = 0;
    for (const [key, record] of this.sessions) {
      if (record.lastSeenMs >= cutoffMs || expired++ >= MAX_SESSION_EXPIRIES_PER_RUN) break;
      this.forget(key, record, true);
    }
  }

  private rerankVersions(nowMs: number): void {
    const current = versionBucketIndex(nowMs, this.options);
    const usage = new Map<string, number>();
    for (const [index, bucket] of this.versionBuckets) {
      if (index <= current - this.options.versionWindowBuckets) {
        this.versionBuckets.delete(index);
        continue;
      }
      trimToTop(bucket, this.options.maxTrackedVersions);
      for (const [version, n] of bucket) usage.set(version, (usage.get(version) ?? 0) + n);
    }
    this.activeVersions = new Set(rankVersions(usage, this.activeVersions, this.options.maxVersions));
  }
}

interface AdmittedSeries {
  lastUsedMs: number;
  cost: number;
}

function trimToTop(bucket: Map<string, number>, keep: number): void {
  if (bucket.size <= keep) return;
  const sorted = [...bucket.entries()].sort((a, b) => b[1] - a[1]);
  for (const [version] of sorted.slice(keep)) bucket.delete(version);
}
