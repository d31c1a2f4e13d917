export type {
  IntervalTimes,
  SessionCommit,
  SessionCommitResult,
  SessionInterval,
  SeriesAdmission,
  StageThreshold,
  StateSnapshot,
  StateStore,
  StateStoreOptions,
} from './state-store.js';
export { commitSessions, sessionCommit } from './state-store.js';
export { MemoryStateStore } from './memory-store.js';
export { RedisStateStore } from './redis-store.js';
export type { RedisStateStoreOptions } from './redis-store.js';
export { nanosToSortableString, sortableStringToNanos } from './timestamps.js';
export { rankVersions, versionBucketIndex } from './version-window.js';
