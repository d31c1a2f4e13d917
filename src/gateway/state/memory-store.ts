import { SessionTable } from './session-table.js';
import type {
  SeriesAdmission,
  SessionCommit,
  SessionCommitResult,
  StateSnapshot,
  StateStore,
  StateStoreOptions,
} from './state-store.js';
import { rankVersions, versionBucketIndex } from './version-window.js';

/** Sessions forgotten per housekeeping run at most (~5 ms of deletes). */
const MAX_SESSION_EXPIRIES_PER_RUN = 10_000;

/**
 * The embedded store for a single replica. Bounded: at most maxTrackedSessions sessions (least
 * recently seen evicted first), sessions idle for dedupWindowMs forgotten, series bounded by the
 * budget itself (every label set costs at least one Prometheus series), version usage trimmed to
 * maxTrackedVersions per bucket.
 */
export class MemoryStateStore implements StateStore {
  private readonly sessions: SessionTable;
  private readonly series = new Map<string, AdmittedSeries>();
  /** Sum of the costs in `series`, kept in step with every add and expiry. */
  private usedSeries = 0;
  private activeVersions = new Set<string>();
  private readonly versionBuckets = new Map<number, Map<string, number>>();

  constructor(private readonly options: StateStoreOptions) {
    this.sessions = new SessionTable(options);
  }

  async commitSession(commit: SessionCommit, nowMs: number): Promise<SessionCommitResult> {
    return this.sessions.commit(commit, nowMs);
  }

  async commitSessions(
    commits: readonly SessionCommit[],
    nowMs: number,
  ): Promise<Array<PromiseSettledResult<SessionCommitResult>>> {
    return commits.map((commit): PromiseSettledResult<SessionCommitResult> => {
      try {
        return { status: 'fulfilled', value: this.sessions.commit(commit, nowMs) };
      } catch (reason) {
        return { status: 'rejected', reason };
      }
    });
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
    // Kept longer than the window is only stricter.
    this.sessions.forgetIdle(nowMs - this.options.dedupWindowMs, MAX_SESSION_EXPIRIES_PER_RUN);
    this.rerankVersions(nowMs);
    return {
      usedSeries: this.usedSeries,
      trackedSessions: this.sessions.size,
      activeVersions: [...this.activeVersions],
    };
  }

  ready(): boolean {
    return true;
  }

  async close(): Promise<void> {}

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
