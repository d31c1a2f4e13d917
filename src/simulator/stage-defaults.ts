// The default stage machine and healthy CPU per stage: what a scenario gets for every stage it does
// not describe itself. Durations are simulated seconds (= samples at one sample per second).

export const DEFAULT_STAGE_MACHINE = {
  starting: { duration: [2, 6], next: { login: 1 } },
  login: { duration: [5, 15], next: { idle: 3, syncing: 2 } },
  idle: { duration: [20, 90], next: { indexing: 1, sending: 1, receiving: 1, syncing: 2, shutdown: 0.5 } },
  indexing: { duration: [15, 60], next: { idle: 2, syncing: 1 } },
  sending: { duration: [10, 40], next: { idle: 2, syncing: 1 } },
  receiving: { duration: [10, 40], next: { idle: 2, syncing: 1 } },
  syncing: { duration: [10, 30], next: { idle: 3, indexing: 1 } },
  shutdown: { duration: [2, 4], next: {} },
} as const;

export const DEFAULT_BASELINE = {
  starting: { mean: 0.08, sd: 0.04 },
  login: { mean: 0.06, sd: 0.03 },
  idle: { mean: 0.01, sd: 0.01 },
  indexing: { mean: 0.12, sd: 0.05 },
  sending: { mean: 0.06, sd: 0.03 },
  receiving: { mean: 0.06, sd: 0.03 },
  syncing: { mean: 0.08, sd: 0.04 },
  shutdown: { mean: 0.03, sd: 0.02 },
} as const;

/** The gateway's default `pipeline.details` (DESIGN §2): file name length in four buckets. */
export const DEFAULT_DETAIL_DIMENSIONS = [
  { attribute: 'filesfu.file.name.length', label: 'file_name_length', bounds: [20, 42, 80] },
] as const;

/** The gateway's default `pipeline.sessions.thresholds` and `episodeMinSamples`. */
export const DEFAULT_THRESHOLDS = [0.3, 0.8] as const;
export const DEFAULT_EPISODE_MIN_SAMPLES = 5;
