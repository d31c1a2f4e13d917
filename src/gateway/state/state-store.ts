// The state that must be shared by all gateway replicas (and survive a replica restart when it is
// Redis): per-session deduplication watermarks and progress, the global series budget and the
// version ranking. Every operation that decides something is atomic in the store.

/** One accepted-or-duplicate sample interval of a session, as the store needs it. */
export interface SessionInterval {
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** Bounded stage label. */
  stage: string;
  /**
   * The point's stream within the session: its raw stage attribute (default: `stage`). Two intervals
   * of one commit with the same stream and start time are one interval sent twice.
   */
  stream?: string;
  /** Samples above each configured threshold, in the order of `StateStoreOptions.thresholds`. */
  samplesAbove: readonly number[];
}

export interface SessionCommit {
  sessionId: string;
  intervals: SessionInterval[];
}

export interface StageThreshold {
  stage: string;
  threshold: string;
}

/** What a commit changed: which intervals were duplicates and which session facts became true now. */
export interface SessionCommitResult {
  duplicate: boolean[];
  newlySeen: boolean;
  newStages: string[];
  newOverThresholds: string[];
  newStageOverThresholds: StageThreshold[];
}

export interface StateStoreOptions {
  /** Threshold label values ("0.3", …), same order as SessionInterval.samplesAbove. */
  thresholds: string[];
  overThresholdMinSamples: number;
  maxTrackedSessions: number;
  dedupWindowMs: number;
  /**
   * Prometheus series the admitted label sets may cost in total: maxSeries minus what is reserved
   * for the overflow series (which are never admitted, so they never compete for the budget).
   */
  seriesBudget: number;
  seriesIdleTimeoutMs: number;
  maxVersions: number;
  versionWindowMs: number;
  versionWindowBuckets: number;
  maxTrackedVersions: number;
}

export interface StateStore {
  /**
   * Atomically, for one session: marks intervals whose start lies before the session's watermark
   * (the latest accepted interval end) as duplicates, advances the watermark, and updates progress.
   */
  commitSession(commit: SessionCommit, nowMs: number): Promise<SessionCommitResult>;
  /**
   * Per request, in order: already admitted (touched) → true; new and its cost still fits
   * (used + cost <= seriesBudget) → admitted now, true; else false (it goes to overflow).
   */
  admitSeries(requests: SeriesAdmission[], nowMs: number): Promise<boolean[]>;
  /** Per version: in the active set, or added because a slot is free → true; else false. */
  admitVersions(versions: string[]): Promise<boolean[]>;
  /** Counts new sessions per (raw, length-bounded) version in the current window bucket. */
  recordVersionUsage(sessionsByVersion: Map<string, number>, nowMs: number): Promise<void>;
  /**
   * Housekeeping (idempotent, safe from every replica): expire idle series and old sessions, evict
   * beyond maxTrackedSessions, re-rank versions (active set := top maxVersions in the window).
   */
  housekeeping(nowMs: number): Promise<StateSnapshot>;
  ready(): boolean;
  close(): Promise<void>;
}

/** One forwarded label set asking for a place in the series budget. */
export interface SeriesAdmission {
  key: string;
  /** Prometheus series the label set becomes (see prometheusSeriesCost); fixed per key. */
  cost: number;
}

/** Sizes after housekeeping, for the limit gauges. */
export interface StateSnapshot {
  /** Prometheus series held by admitted label sets (sum of their costs; overflow reserve excluded). */
  usedSeries: number;
  trackedSessions: number;
  activeVersions: string[];
}
