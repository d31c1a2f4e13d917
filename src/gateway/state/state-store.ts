// The state that must be shared by all gateway replicas (and survive a replica restart when it is
// Redis): per-session deduplication watermarks and progress, the global series budget and the
// version ranking. Every operation that decides something is atomic in the store.

/** When an interval started and ended (ns); a validated sample is one. */
export interface IntervalTimes {
  readonly startTimeUnixNano: bigint;
  readonly timeUnixNano: bigint;
}

/**
 * One session's accepted-or-duplicate sample intervals of a request, as the store needs them, in
 * columns: interval i is times[i], stages[i], streams[i] and samplesAbove[i × T … i × T + T − 1]
 * (T = StateStoreOptions.thresholds.length). Columns, not an object per interval: a request of 1000
 * points built 1000 interval objects only to be read once. sessionCommit() builds one from objects.
 */
export interface SessionCommit {
  readonly sessionId: string;
  readonly times: readonly IntervalTimes[];
  /** Bounded stage label of each interval. */
  readonly stages: readonly string[];
  /**
   * Each interval's stream within the session: its raw stage attribute. Two intervals of one commit
   * with the same stream and start time are one interval sent twice.
   */
  readonly streams: readonly string[];
  /** Samples above each configured threshold, per interval, in the order of the thresholds. */
  readonly samplesAbove: readonly number[];
}

/** One interval as an object: the readable form (tests, tools) that sessionCommit() turns into columns. */
export interface SessionInterval extends IntervalTimes {
  /** Bounded stage label. */
  stage: string;
  /** The raw stage attribute (default: `stage`); see SessionCommit.streams. */
  stream?: string;
  /** Samples above each configured threshold, in the order of `StateStoreOptions.thresholds`. */
  samplesAbove: readonly number[];
}

/** The commit of `intervals`; every interval must have one count per configured threshold. */
export function sessionCommit(sessionId: string, intervals: readonly SessionInterval[]): SessionCommit {
  return {
    sessionId,
    times: intervals,
    stages: intervals.map((i) => i.stage),
    streams: intervals.map((i) => i.stream ?? i.stage),
    samplesAbove: intervals.flatMap((i) => i.samplesAbove),
  };
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
  /** Streams per session whose zero-width interval at the watermark is remembered (see duplicateIntervals). */
  maxZeroWidthStreams: number;
  dedupWindowMs: number;
  /**
   * The longest session key the store is given (characters): the install id, a separator and the
   * session id. The in-memory store keeps keys up to this length off the heap (longer ones still
   * work, from a Map). stateStoreOptions derives it from the limits; unset, slots are as wide as
   * KeyIndex allows.
   */
  maxSessionKeyLength?: number;
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
   * commitSession for each of a request's sessions, each atomic on its own, in one call: what each
   * commit resolved or rejected to, in order. Optional (see commitSessions below): the in-memory
   * store commits synchronously, where a promise per session cost ~3% of the gateway's CPU at 1000
   * points per request (`npm run bench:gateway-ab`, docs/gateway.md).
   */
  commitSessions?(
    commits: readonly SessionCommit[],
    nowMs: number,
  ): Promise<Array<PromiseSettledResult<SessionCommitResult>>>;
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

/** The store's commitSessions, or commitSession for each session where it has none. */
export function commitSessions(
  store: StateStore,
  commits: readonly SessionCommit[],
  nowMs: number,
): Promise<Array<PromiseSettledResult<SessionCommitResult>>> {
  if (store.commitSessions) return store.commitSessions(commits, nowMs);
  return Promise.allSettled(commits.map((commit) => store.commitSession(commit, nowMs)));
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
