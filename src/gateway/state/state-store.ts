// The state that must be shared by all gateway replicas (and survive a replica restart when it is
// Redis): per-session deduplication watermarks, labels, episode runs and open session windows (the
// metric model's §2, src/model/episodes.ts), the global series budget and the version ranking. Every
// operation that decides something is atomic in the store.

/** A session's labels, FIXED at its first admission (later commits' proposals are ignored). */
export interface SessionLabels {
  version: string;
  os: string;
  cpuCores: string;
}

/** A configured detail present on a point: `detail` is the configured label, `bucket` its bucket label. */
export interface DetailCell {
  detail: string;
  bucket: string;
}

/** One accepted-or-duplicate histogram point of a session, as the store needs it. */
export interface SessionPoint {
  /**
   * The point's raw identity within the session: raw stage attribute + raw detail values, flat-keyed.
   * Two points of one commit with the same stream, start and end are one point sent twice.
   */
  stream: string;
  /** Bounded stage label. */
  stage: string;
  /** Configured details present on the point, bucketed. */
  details: readonly DetailCell[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** The histogram's count. */
  samples: number;
  /** Samples above each configured threshold, in the order of StateStoreOptions.thresholds. */
  above: readonly number[];
}

/** One request's points of one session. */
export interface SessionCommit {
  /** install/session. */
  sessionKey: string;
  /** Proposed labels: used only when the session is first admitted. */
  labels: SessionLabels;
  /** Any order. */
  points: readonly SessionPoint[];
  /**
   * With a journal open (JournaledStore): what the caller needs, with the commit's result, to
   * recompute what the commit adds. Opaque to the store; journaled with the commit when it accepted
   * points or closed windows.
   */
  journal?: string;
}

export interface CellHigh {
  stage: string;
  /** Per threshold, config order. */
  high: boolean[];
}

export interface DetailHigh {
  stage: string;
  detail: string;
  bucket: string;
  /** Per threshold, config order. */
  high: boolean[];
}

/** A session window as counted once when it closes; every cell listed was active in the window. */
export interface ClosedWindow {
  /** windowOf(start) of its points: start of the window = window × windowMs. */
  window: number;
  labels: SessionLabels;
  /** Session level, per threshold: any stream high. */
  high: boolean[];
  /** One per stage label visited, sorted by stage. */
  stages: CellHigh[];
  /** One per (stage, detail, bucket) visited, sorted by those. */
  details: DetailHigh[];
}

/** What a commit decided for its session. */
export interface SessionCommitResult {
  /** Per commit.points index: a replay (before the watermark), a repeat within the commit, or a zero-width repeat. */
  duplicate: boolean[];
  /** The session's FIXED labels (from its first admission). */
  labels: SessionLabels;
  /** First admission now (feeds the version usage ranking). */
  newSession: boolean;
  /** Windows this commit closed (earlier windows of this session). */
  closed: ClosedWindow[];
  /** Accepted points (with samples) of windows this session already closed: not in any window count. */
  latePoints: number;
}

export interface StateStoreOptions {
  /** Threshold label values ("0.3", …), same order as SessionPoint.above. */
  thresholds: string[];
  /** Samples above T a run of hot points must hold to be an episode (`sessions.episodeMinSamples`). */
  episodeMinSamples: number;
  /** Length of a session window (`sessions.windowSeconds` × 1000); a positive integer of ms. */
  windowMs: number;
  /** A window still open at end + windowGraceMs is closed by closeDueWindows. */
  windowGraceMs: number;
  /** Sessions tracked at most; the least recently seen is evicted (its open window closed). */
  maxTrackedSessions: number;
  /** Streams per session whose zero-width point at the watermark is remembered (dedup). */
  maxZeroWidthStreams: number;
  /** A session idle this long is forgotten (its open window closed) and starts over. */
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
   * Atomically, for one session: dedup (watermark rule), labels at first admission, episode runs,
   * the open window's cells, and the windows that close because a later window's point arrived.
   */
  commitSession(commit: SessionCommit, nowMs: number): Promise<SessionCommitResult>;
  /** commitSession for each of a request's sessions, each atomic on its own; results in order. */
  commitSessions?(
    commits: readonly SessionCommit[],
    nowMs: number,
  ): Promise<Array<PromiseSettledResult<SessionCommitResult>>>;
  /** Closes every open session window whose end + grace <= nowMs; each closed once across replicas. */
  closeDueWindows(nowMs: number): Promise<ClosedWindow[]>;
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
   * Open windows of forgotten sessions are returned by the next closeDueWindows.
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
  /** Session windows open now (closed later by a commit or by closeDueWindows). */
  openWindows: number;
  activeVersions: string[];
}
