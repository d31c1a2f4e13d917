export type {
  CellHigh,
  ClosedWindow,
  DetailCell,
  DetailHigh,
  SessionCommit,
  SessionCommitResult,
  SessionLabels,
  SessionPoint,
  SeriesAdmission,
  StateSnapshot,
  StateStore,
  StateStoreOptions,
} from './state-store.js';
export { commitSessions } from './state-store.js';
export { MemoryStateStore } from './memory-store.js';
export { RedisStateStore } from './redis-store.js';
export type { RedisStateStoreOptions } from './redis-store.js';
export { SessionContentionError } from './redis-sessions.js';
export { rankVersions, versionBucketIndex } from './version-window.js';
export type {
  CheckpointableStore,
  JournaledStore,
  JournalEntry,
  MemoryStoreCheckpoint,
} from './store-checkpoint.js';
export { isCheckpointableStore, isJournaledStore } from './store-checkpoint.js';
export {
  DEFAULT_COMMAND_TIMEOUT_MS,
  LOOKUP_TIMEOUT_MS,
  rateLimitKeyPrefix,
  redisConfigSchema,
  stateKeyPrefix,
} from './redis-config.js';
export type { RedisConfig } from './redis-config.js';
